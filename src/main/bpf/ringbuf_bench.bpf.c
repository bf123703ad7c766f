// SPDX-License-Identifier: GPL-2.0
/* Synthetic ring-buffer producers, run in the kernel through BPF_PROG_RUN (bpf_loop emits many records per
 * run), so the Java consumer can be measured and stress-tested without a probe being the bottleneck.
 *
 * Maps:
 *   ring      RINGBUF       the records (sized by Java before load)
 *   settings  ARRAY 0 ->    struct settings: how many records one run emits, and the first sequence number
 *   counters  PERCPU_ARRAY  0 = records emitted, 1 = records dropped because the ring was full
 */
#include "gowarden.h"
#include "go_event.h"

struct settings {
	u64 count;
	u64 first_seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct settings);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, u32);
	__type(value, u64);
} counters SEC(".maps");

static __always_inline void count(u32 which)
{
	u64 *c = bpf_map_lookup_elem(&counters, &which);
	if (c)
		*c += 1;
}

/* Pattern records for the stress test: seq, size class, then words derived from seq, so a torn or
 * misaligned read shows up as a wrong word. Four sizes exercise padding and wrap-around. */
#define PATTERN_WORDS(n) \
	do { \
		u64 *r = bpf_ringbuf_reserve(&ring, 8 * (n), 0); \
		if (!r) { count(1); return 0; } \
		r[0] = seq; \
		r[1] = (n); \
		for (int j = 2; j < (n); j++) \
			r[j] = seq * 0x9E3779B97F4A7C15ULL + j; \
		bpf_ringbuf_submit(r, 0); \
		count(0); \
	} while (0)

static long emit_pattern(u32 i, void *ctx)
{
	u64 seq = *(u64 *)ctx + i;
	switch (seq & 3) {
	case 0: PATTERN_WORDS(2); break;
	case 1: PATTERN_WORDS(5); break;
	case 2: PATTERN_WORDS(9); break;
	default: PATTERN_WORDS(31); break;
	}
	return 0;
}

SEC("raw_tp/gowarden_pattern")
int produce_pattern(void *ctx)
{
	u32 zero = 0;
	struct settings *s = bpf_map_lookup_elem(&settings, &zero);
	if (!s)
		return 0;
	u64 first = s->first_seq;
	bpf_loop(s->count, emit_pattern, &first, 0);
	return 0;
}

/* Records in go_trace's event format: header, 3 words (string ptr, len, int), one 16-byte string copy. */
struct bench_event {
	struct event_header hdr;
	u64 words[3];
	struct copy_header copy;
	char text[16];
};

static long emit_event(u32 i, void *ctx)
{
	struct bench_event *e = bpf_ringbuf_reserve(&ring, sizeof(*e), 0);
	if (!e) {
		count(1);
		return 0;
	}
	e->hdr.ktime_ns = bpf_ktime_get_ns();
	e->hdr.tgid = 4242;
	e->hdr.tid = 4243;
	e->hdr.goid = 7;
	e->hdr.probe_id = 0;
	e->hdr.nwords = 3;
	e->hdr.ncopies = 1;
	__builtin_memcpy(e->hdr.comm, "bench\0\0\0\0\0\0\0\0\0\0", 16);
	e->hdr.duration_ns = 0;
	e->hdr.ip = 0;
	e->hdr.site = 0;
	e->hdr.failed_words = 0;
	e->hdr.selector = 0;
	e->hdr.actions = 1;
	e->hdr.pad = 0;
	e->words[0] = 0xc000010000ULL;
	e->words[1] = 16;
	e->words[2] = i;
	e->copy.len = 16;
	e->copy.full_len = 16;
	e->copy.status = 0;
	e->copy.pad = 0;
	__builtin_memcpy(e->text, "hello-gowarden!!", 16);
	bpf_ringbuf_submit(e, 0);
	count(0);
	return 0;
}

SEC("raw_tp/gowarden_events")
int produce_events(void *ctx)
{
	u32 zero = 0;
	struct settings *s = bpf_map_lookup_elem(&settings, &zero);
	if (!s)
		return 0;
	bpf_loop(s->count, emit_event, NULL, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
