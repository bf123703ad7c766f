// SPDX-License-Identifier: GPL-2.0
/* Generic Go function probe: one program serves every traced function. The probe's BPF cookie is its id in
 * probe_specs, which says where each argument word lives (register or stack slot, computed in Java from Go's
 * ABI) and which words are pointers to bytes to copy (strings, byte slices).
 *
 * Timed calls: the entry probe stores the time under (goroutine, g.stack.hi - SP, timing id) and a return probe
 * (an ordinary uprobe on a RET: never a uretprobe) takes it back. stack.hi - SP names the frame: SP is the same at
 * the entry (past the stack check) and at every RET, and when the runtime copies a growing stack, the used part
 * keeps its distance from the top. Recursion gives each level its own key; a call left by a panic leaves an entry
 * behind that the next call at that depth overwrites, or that the LRU evicts.
 *
 * Maps:
 *   probe_specs   ARRAY  u32 probe id -> struct probe_spec        (written by Java before attaching)
 *   call_starts   LRU_HASH struct call_key -> u64 ktime            (entry time of a timed call until its RET)
 *   config        ARRAY  0 -> struct config                        (filter switch)
 *   target_tgids  HASH   u32 tgid -> u8                            (processes traced when config.filter_tgids)
 *   scratch       PERCPU_ARRAY 0 -> event being built
 *   events        RINGBUF  records: struct event_header, u64 words[nwords], then per copy a
 *                          struct copy_header and its bytes padded to 8
 *   drops         PERCPU_ARRAY 0 -> u64 records lost because the ring was full
 */
#include "gowarden.h"
#include "go_event.h"

#define MAX_WORDS 32
#define MAX_COPIES 8
#define MAX_COPY 4096
/* Per-CPU values are limited to 32 KiB: copies start below COPY_BUDGET, so the last one still fits. */
#define COPY_BUDGET 0x3fff
#define COPY_MASK (2 * MAX_COPY - 1)
#define SCRATCH_SIZE 0x8000 /* the per-CPU value limit; > COPY_BUDGET + 16 + COPY_MASK */


/* LOC_DEREF words are read through an earlier word: the map's count, an interface's dynamic type (itab->_type),
 * the text of an error. The base may be any pointer, so a failed read just gives 0. */
enum loc_kind { LOC_NONE = 0, LOC_REG = 1, LOC_STACK = 2, LOC_DEREF = 3 };

struct word_loc {
	u8 kind;     /* enum loc_kind */
	u8 reg;      /* pt_regs word index when LOC_REG; index of the (earlier) base word when LOC_DEREF */
	u8 size;     /* bytes meaningful: 1, 2, 4 or 8 (sub-word registers hold garbage above) */
	u8 pad;
	s32 offset;  /* from SP at the probe when LOC_STACK; from the base word's value when LOC_DEREF */
};

struct copy_spec {
	u8 ptr_word;  /* index into words of the pointer */
	u8 len_word;  /* index into words of the length */
	u16 pad;
	u32 max_len;  /* bytes to copy at most */
};

struct probe_spec {
	u32 nwords;
	u32 ncopies;
	u32 flags;
	u32 goid_offset;  /* offset of goid in runtime.g, 0 = unknown */
	u32 g_reg;        /* pt_regs word index of g (R14 / R28) when flags & SPEC_G_IN_REG */
	u32 timing_id;    /* shared by a function's entry and return probes when its calls are timed */
	u32 stack_hi_offset; /* offset of stack.hi in runtime.g */
	u32 pad;
	struct word_loc words[MAX_WORDS];
	struct copy_spec copies[MAX_COPIES];
};

#define SPEC_G_IN_REG 1   /* ABIInternal: g lives in a register */
#define SPEC_G_IN_TLS 2   /* ABI0 on amd64: g at fs_base - 8 */
#define SPEC_TIME_ENTRY 4  /* remember when this call started */
#define SPEC_TIME_RETURN 8 /* report the time since the matching entry */
#define SPEC_SILENT 16     /* post no event: the probe only keeps time */

struct call_key {
	u64 goroutine;  /* goid, or the g pointer with the top bit set when the goid is unknown or 0 (g0) */
	u64 depth;      /* g.stack.hi - SP */
	u32 timing_id;
	u32 tgid;       /* goids restart at 1 in every process, and copies of a program have the same frames */
};

struct config {
	u32 filter_tgids;
	u32 pad;
};


struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct probe_spec);
} probe_specs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct call_key);
	__type(value, u64);
} call_starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u32);
	__type(value, u8);
} target_tgids SEC(".maps");

struct scratch_buf {
	u8 data[SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scratch_buf);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} drops SEC(".maps");

#include "go_selectors.h"

static __always_inline u64 read_reg(struct pt_regs *ctx, u32 idx)
{
	u64 v = 0;
	if (idx >= PT_REGS_WORDS)
		return 0;
	/* ctx is a kernel pointer; reading a word of it by index keeps the verifier happy */
	bpf_probe_read_kernel(&v, sizeof(v), (u64 *)ctx + idx);
	return v;
}

static __always_inline u64 mask_size(u64 v, u8 size)
{
	switch (size) {
	case 1: return v & 0xff;
	case 2: return v & 0xffff;
	case 4: return v & 0xffffffff;
	default: return v;
	}
}

static __always_inline void keep_time(struct probe_spec *spec, struct event_header *hdr, u64 g, u64 sp, u64 now)
{
	u64 hi = 0;
	if (bpf_probe_read_user(&hi, sizeof(hi), (void *)(g + spec->stack_hi_offset)) < 0 || hi <= sp)
		return;
	struct call_key key = {
		.goroutine = hdr->goid ? hdr->goid : (g | (1ULL << 63)),
		.depth = hi - sp,
		.timing_id = spec->timing_id,
		.tgid = hdr->tgid,
	};
	if (spec->flags & SPEC_TIME_ENTRY) {
		bpf_map_update_elem(&call_starts, &key, &now, BPF_ANY);
		return;
	}
	u64 *start = bpf_map_lookup_elem(&call_starts, &key);
	if (start) {
		u64 began = *start;
		if (now > began)
			hdr->duration_ns = now - began;
		bpf_map_delete_elem(&call_starts, &key);
	}
}

static __always_inline int go_probe(struct pt_regs *ctx)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u32 tgid = pid_tgid >> 32;
	u32 zero = 0;

	struct config *cfg = bpf_map_lookup_elem(&config, &zero);
	if (cfg && cfg->filter_tgids && !bpf_map_lookup_elem(&target_tgids, &tgid))
		return 0;

	u64 cookie = bpf_get_attach_cookie(ctx);
	u32 probe_id = (u32)cookie;
	struct probe_spec *spec = bpf_map_lookup_elem(&probe_specs, &probe_id);
	if (!spec)
		return 0;
	struct scratch_buf *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return 0;

	struct event_header *hdr = (struct event_header *)buf->data;
	u64 now = bpf_ktime_get_ns();
	hdr->ktime_ns = now;
	hdr->duration_ns = 0;
	hdr->ip = PT_REGS_IP(ctx);
	hdr->site = (u32)(cookie >> 32);
	hdr->failed_words = 0;
	hdr->selector = 0;
	hdr->actions = ACTION_POST;
	hdr->pad = 0;
	hdr->tgid = tgid;
	hdr->tid = (u32)pid_tgid;
	hdr->probe_id = probe_id;
	hdr->goid = 0;
	bpf_get_current_comm(hdr->comm, sizeof(hdr->comm));

	u64 sp = PT_REGS_SP(ctx);
	u64 g = 0;
	if (spec->flags & SPEC_G_IN_REG) {
		g = read_reg(ctx, spec->g_reg);
	}
#if defined(__TARGET_ARCH_x86)
	else if (spec->flags & SPEC_G_IN_TLS) {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();
		u64 fsbase = BPF_CORE_READ(task, thread.fsbase);
		bpf_probe_read_user(&g, sizeof(g), (void *)(fsbase - 8));
	}
#endif
	if (g && spec->goid_offset)
		bpf_probe_read_user(&hdr->goid, sizeof(hdr->goid), (void *)(g + spec->goid_offset));

	if ((spec->flags & (SPEC_TIME_ENTRY | SPEC_TIME_RETURN)) && g)
		keep_time(spec, hdr, g, sp, now);
	if (spec->flags & SPEC_SILENT)
		return 0;

	u32 nwords = spec->nwords;
	if (nwords > MAX_WORDS)
		nwords = MAX_WORDS;
	hdr->nwords = nwords;
	u64 *words = (u64 *)(buf->data + sizeof(struct event_header));
	for (u32 i = 0; i < MAX_WORDS; i++) {
		if (i >= nwords)
			break;
		struct word_loc *w = &spec->words[i];
		u64 v = 0;
		if (w->kind == LOC_REG) {
			v = read_reg(ctx, w->reg);
		} else if (w->kind == LOC_STACK) {
			if (bpf_probe_read_user(&v, sizeof(v), (void *)(sp + w->offset)) < 0)
				v = 0;
		} else if (w->kind == LOC_DEREF) {
			/* exactly size bytes: a field at the end of an object may end at its page's end */
			u64 base = w->reg < i ? words[w->reg & (MAX_WORDS - 1)] : 0;
			void *at = (void *)(base + w->offset);
			long err = -1;
			if (base) {
				switch (w->size) {
				case 1: err = bpf_probe_read_user(&v, 1, at); break;
				case 2: err = bpf_probe_read_user(&v, 2, at); break;
				case 4: err = bpf_probe_read_user(&v, 4, at); break;
				default: err = bpf_probe_read_user(&v, 8, at); break;
				}
			}
			if (err < 0) {
				v = 0;
				hdr->failed_words |= 1u << (i & 31);
			}
		}
		words[i] = mask_size(v, w->size);
	}

	/* a policy's selectors decide whether this call is reported, and what else happens to the caller */
	u32 which = 0, signal = 0;
	u32 actions = select_actions(probe_id, nwords, tgid, &which, &signal);
	if (!actions)
		return 0;
	hdr->selector = (u16)which;
	hdr->actions = (u16)actions;
	if (actions & ACTION_SIGKILL)
		bpf_send_signal(9);
	else if ((actions & ACTION_SIGNAL) && signal)
		bpf_send_signal(signal);
	if (actions & ACTION_NOPOST)
		return 0;

	/* words beyond nwords are not sent: the record stays compact */
	u32 off = sizeof(struct event_header) + nwords * 8;
	u32 ncopies = spec->ncopies;
	if (ncopies > MAX_COPIES)
		ncopies = MAX_COPIES;
	u32 emitted = 0;
	for (u32 c = 0; c < MAX_COPIES; c++) {
		if (c >= ncopies || off > COPY_BUDGET)
			break;
		struct copy_spec *cs = &spec->copies[c];
		u64 ptr = words[cs->ptr_word & (MAX_WORDS - 1)];
		u64 full = words[cs->len_word & (MAX_WORDS - 1)];
		u32 len = full > cs->max_len ? cs->max_len : (u32)full;
		if (len > MAX_COPY)
			len = MAX_COPY;
		asm volatile("%[o] &= %[mask]" : [o] "+r"(off) : [mask] "i"(COPY_BUDGET));
		struct copy_header *ch = (struct copy_header *)(buf->data + off);
		ch->full_len = full > 0xffffffff ? 0xffffffff : (u32)full;
		ch->status = 0;
		ch->pad = 0;
		/* A no-op after the clamp, but one the verifier can follow; asm keeps clang from dropping it. */
		u64 n = len;
		asm volatile("%[n] &= %[mask]" : [n] "+r"(n) : [mask] "i"(COPY_MASK));
		if (n > 0) {
			long err = bpf_probe_read_user(buf->data + off + sizeof(*ch), n, (void *)ptr);
			if (err < 0) {
				ch->status = (s32)err;
				len = 0;
			}
		}
		ch->len = len;
		off += sizeof(*ch) + ((len + 7) & ~7u);
		emitted++;
	}
	hdr->ncopies = emitted;
	asm volatile("%[o] &= %[mask]" : [o] "+r"(off) : [mask] "i"(SCRATCH_SIZE - 1));
	if (bpf_ringbuf_output(&events, buf->data, off, 0) < 0) {
		u64 *d = bpf_map_lookup_elem(&drops, &zero);
		if (d)
			*d += 1;
	}
	return 0;
}

SEC("uprobe")
int go_uprobe(struct pt_regs *ctx)
{
	return go_probe(ctx);
}

/* Loaded with expected attach type BPF_TRACE_UPROBE_MULTI by Java when the kernel has uprobe_multi links. */
SEC("uprobe")
int go_uprobe_multi(struct pt_regs *ctx)
{
	return go_probe(ctx);
}

/* Keeps target_tgids following forks: a child of a traced process is traced too. */
SEC("raw_tracepoint/sched_process_fork")
int track_fork(struct bpf_raw_tracepoint_args *ctx)
{
	u32 zero = 0;
	struct config *cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || !cfg->filter_tgids)
		return 0;
	u32 parent = bpf_get_current_pid_tgid() >> 32;
	if (!bpf_map_lookup_elem(&target_tgids, &parent))
		return 0;
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	u32 child_tgid = BPF_CORE_READ(child, tgid);
	u8 one = 1;
	bpf_map_update_elem(&target_tgids, &child_tgid, &one, BPF_ANY);
	return 0;
}

/* Forgets a traced process when its last thread exits, so a reused pid is not traced by mistake. */
SEC("raw_tracepoint/sched_process_exit")
int track_exit(struct bpf_raw_tracepoint_args *ctx)
{
	u32 zero = 0;
	struct config *cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || !cfg->filter_tgids)
		return 0;
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u32 tgid = pid_tgid >> 32;
	if ((u32)pid_tgid == tgid)
		bpf_map_delete_elem(&target_tgids, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
