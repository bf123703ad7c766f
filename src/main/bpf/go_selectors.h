/* In-kernel TracingPolicy selectors for go_trace.bpf.c, compiled by dev.gowarden.sensor.SelectorEncoding.
 *
 * Maps:
 *   probe_selectors  ARRAY  u32 probe id -> struct probe_selectors   (count 0: no selectors, every call is posted)
 *   string_values    ARRAY  u32 value id -> struct string_value       (the strings string filters compare with)
 *   compare_scratch  PERCPU_ARRAY 0 -> bytes read from the traced process for one comparison
 *
 * Semantics (Tetragon's): filters of a selector are ANDed, the values of one filter ORed (a negated operator
 * needs every value to differ); the first selector that matches decides the actions; with selectors and no
 * match, nothing happens. A string filter reads the Go string's bytes itself (pointer and length words of the
 * argument), so long strings compare exactly whatever the capture size.
 */
#ifndef GO_SELECTORS_H
#define GO_SELECTORS_H

#define MAX_SELECTORS 5
#define MAX_FILTERS 5
#define MAX_VALUES 4
#define MAX_VALUE_LEN 256

enum filter_kind { F_NONE = 0, F_INT = 1, F_STRING = 2, F_PID = 3 };
enum filter_op {
	OP_EQUAL = 1, OP_NOT_EQUAL, OP_PREFIX, OP_NOT_PREFIX, OP_POSTFIX, OP_NOT_POSTFIX,
	OP_GT, OP_LT, OP_MASK, OP_IN_RANGE, OP_NOT_IN_RANGE,
};

/* Clamp an index in the register the compiler will use for the access (a plain if may test a copy of it). */
#define CLAMP(v, mask) asm volatile("%[x] &= " #mask : [x] "+r"(v))

#define ACTION_POST 1
#define ACTION_NOPOST 2
#define ACTION_SIGKILL 4
#define ACTION_SIGNAL 8

struct filter {
	u8 kind;      /* enum filter_kind */
	u8 op;        /* enum filter_op (F_PID: OP_EQUAL = In, OP_NOT_EQUAL = NotIn) */
	u8 word;      /* F_INT: the argument's word; F_STRING: its pointer word */
	u8 len_word;  /* F_STRING: its length word */
	u8 nvalues;
	u8 size;      /* F_INT: bytes of the argument (sign extension) */
	u8 is_signed;
	u8 pad;
	s64 values[2 * MAX_VALUES];  /* F_INT/F_PID: values, or lo,hi pairs for ranges; F_STRING: string_values ids */
};

struct selector {
	u32 nfilters;
	u32 actions;  /* ACTION_* bits */
	u32 signal;
	u32 pad;
	struct filter filters[MAX_FILTERS];
};

struct probe_selectors {
	u32 count;
	u32 pad;
	struct selector sel[MAX_SELECTORS];
};

struct string_value {
	u32 len;
	u32 pad;
	u8 bytes[MAX_VALUE_LEN];
};

/* dev.gowarden.sensor.SelectorEncoding writes these layouts */
_Static_assert(sizeof(struct filter) == 72, "SelectorEncoding.FILTER_SIZE");
_Static_assert(sizeof(struct selector) == 376, "SelectorEncoding.SELECTOR_SIZE");
_Static_assert(sizeof(struct probe_selectors) == 1888, "SelectorEncoding.SIZE");
_Static_assert(sizeof(struct string_value) == 264, "SelectorEncoding.STRING_VALUE_SIZE");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct probe_selectors);
} probe_selectors SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct string_value);
} string_values SEC(".maps");

struct compare_buf {
	u8 bytes[MAX_VALUE_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct compare_buf);
} compare_scratch SEC(".maps");

struct bytes_cmp {
	const u8 *a;
	const u8 *b;
	int differ;
};

static long compare_byte(u32 i, void *data)
{
	struct bytes_cmp *c = data;
	u32 k = i & (MAX_VALUE_LEN - 1);
	if (c->a[k] != c->b[k]) {
		c->differ = 1;
		return 1;
	}
	return 0;
}

/* Whether the Go string (ptr, len) equals / starts with / ends with value: 1 or 0, or -1 when its bytes cannot be
 * read (then the filter fails whatever its operator: an unreadable string is not "different"). */
static __always_inline int string_matches(u64 ptr, u64 len, u32 value_id, u8 op)
{
	u32 zero = 0;
	struct string_value *v = bpf_map_lookup_elem(&string_values, &value_id);
	struct compare_buf *buf = bpf_map_lookup_elem(&compare_scratch, &zero);
	if (!v || !buf)
		return 0;
	u32 vlen = v->len;
	if (vlen > MAX_VALUE_LEN)
		return 0;
	if (op == OP_EQUAL || op == OP_NOT_EQUAL) {
		if (len != vlen)
			return 0;
	} else if (len < vlen) {
		return 0;
	}
	if (vlen == 0)
		return 1;
	u64 from = ptr;
	if (op == OP_POSTFIX || op == OP_NOT_POSTFIX)
		from = ptr + len - vlen;
	u32 n = vlen & (MAX_VALUE_LEN - 1);
	if (n == 0)
		n = MAX_VALUE_LEN;  /* vlen == 256 */
	if (bpf_probe_read_user(buf->bytes, n, (void *)from) < 0)
		return -1;
	struct bytes_cmp c = { .a = buf->bytes, .b = v->bytes, .differ = 0 };
	bpf_loop(vlen, compare_byte, &c, 0);
	return !c.differ;
}

static __always_inline s64 sign_extend(u64 v, u8 size, u8 is_signed)
{
	if (!is_signed || size >= 8 || size == 0)
		return (s64)v;
	u32 shift = 64 - 8 * size;
	return ((s64)(v << shift)) >> shift;
}

/* The loops over selectors, filters and values run through bpf_loop: each callback is verified once, where
 * nested bounded loops would make the verifier walk 5 x 5 x 4 copies of the body. Callbacks look their maps up
 * again rather than receive pointers through the context. */
struct select_ctx {
	u32 probe_id;
	u32 tgid;
	u32 nwords;
	u32 sel;      /* selector being tried */
	u32 filter;   /* filter being tried */
	u32 all;      /* every filter so far matched */
	u32 any;      /* some value of the current filter matched */
	u32 unreadable; /* the current filter's argument could not be read */
	u32 matched;  /* index + 1 of the selector that matched */
};

static __always_inline struct filter *current_filter(struct select_ctx *c)
{
	struct probe_selectors *ps = bpf_map_lookup_elem(&probe_selectors, &c->probe_id);
	u64 sel = c->sel;
	u64 filter = c->filter;
	CLAMP(sel, 7);
	CLAMP(filter, 7);
	if (!ps || sel >= MAX_SELECTORS || filter >= MAX_FILTERS)
		return 0;
	return &ps->sel[sel].filters[filter];
}

static __always_inline u64 event_word(u32 idx)
{
	u32 zero = 0;
	struct scratch_buf *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return 0;
	u64 *words = (u64 *)(buf->data + sizeof(struct event_header));
	return words[idx & (MAX_WORDS - 1)];
}

static long value_matches(u32 i, void *data)
{
	struct select_ctx *c = data;
	struct filter *f = current_filter(c);
	u64 vi = i;
	CLAMP(vi, 3);
	if (!f || i >= MAX_VALUES)
		return 1;
	u8 op = f->op;
	int hit = 0;
	if (f->kind == F_STRING) {
		if (f->word >= c->nwords || f->len_word >= c->nwords)
			return 1;
		hit = string_matches(event_word(f->word), event_word(f->len_word), (u32)f->values[vi], op);
		if (hit < 0) {
			c->unreadable = 1;
			return 1;
		}
	} else {
		s64 x;
		if (f->kind == F_PID) {
			x = c->tgid;
		} else {
			if (f->word >= c->nwords)
				return 1;
			x = sign_extend(event_word(f->word), f->size, f->is_signed);
		}
		s64 a = f->values[2 * vi];
		s64 b = f->values[2 * vi + 1];
		int is_signed = f->kind == F_PID || f->is_signed;
		switch (op) {
		case OP_EQUAL:
		case OP_NOT_EQUAL: hit = x == a; break;
		case OP_GT: hit = is_signed ? x > a : (u64)x > (u64)a; break;
		case OP_LT: hit = is_signed ? x < a : (u64)x < (u64)a; break;
		case OP_MASK: hit = ((u64)x & (u64)a) != 0; break;
		case OP_IN_RANGE:
		case OP_NOT_IN_RANGE:
			hit = is_signed ? x >= a && x <= b : (u64)x >= (u64)a && (u64)x <= (u64)b;
			break;
		}
	}
	if (hit) {
		c->any = 1;
		return 1;
	}
	return 0;
}

static long filter_matches(u32 k, void *data)
{
	struct select_ctx *c = data;
	c->filter = k;
	struct filter *f = current_filter(c);
	if (!f) {
		c->all = 0;
		return 1;
	}
	u8 op = f->op;
	u32 nvalues = f->nvalues;
	if (nvalues > MAX_VALUES)
		nvalues = MAX_VALUES;
	c->any = 0;
	c->unreadable = 0;
	bpf_loop(nvalues, value_matches, c, 0);
	int negated = op == OP_NOT_EQUAL || op == OP_NOT_PREFIX || op == OP_NOT_POSTFIX || op == OP_NOT_IN_RANGE;
	if (c->unreadable || (negated ? c->any : !c->any)) {
		c->all = 0;
		return 1;
	}
	return 0;
}

static long selector_matches(u32 s, void *data)
{
	struct select_ctx *c = data;
	struct probe_selectors *ps = bpf_map_lookup_elem(&probe_selectors, &c->probe_id);
	u64 idx = s;
	CLAMP(idx, 7);
	if (!ps || idx >= MAX_SELECTORS)
		return 1;
	u32 nfilters = ps->sel[idx].nfilters;
	if (nfilters > MAX_FILTERS)
		nfilters = MAX_FILTERS;
	c->sel = s;
	c->all = 1;
	bpf_loop(nfilters, filter_matches, c, 0);
	if (c->all) {
		c->matched = s + 1;
		return 1;
	}
	return 0;
}

/* The actions of the first matching selector (ACTION_POST when the probe has no selectors), 0 when none
 * matches; *which gets the selector's index, *signal its signal. */
static __always_inline u32 select_actions(u32 probe_id, u32 nwords, u32 tgid, u32 *which, u32 *signal)
{
	struct probe_selectors *ps = bpf_map_lookup_elem(&probe_selectors, &probe_id);
	*which = 0;
	*signal = 0;
	if (!ps || ps->count == 0)
		return ACTION_POST;
	u32 count = ps->count;
	if (count > MAX_SELECTORS)
		count = MAX_SELECTORS;
	struct select_ctx c = { .probe_id = probe_id, .tgid = tgid, .nwords = nwords };
	bpf_loop(count, selector_matches, &c, 0);
	if (c.matched == 0 || c.matched > MAX_SELECTORS)
		return 0;
	u64 s = c.matched - 1;
	CLAMP(s, 7);
	if (s >= MAX_SELECTORS)
		return 0;
	*which = s;
	*signal = ps->sel[s].signal;
	return ps->sel[s].actions ? ps->sel[s].actions : ACTION_POST;
}

#endif
