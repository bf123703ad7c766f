// SPDX-License-Identifier: GPL-2.0
/* Shared LSM override programs: one program per LSM hook serves every policy, however many. The kernel lets at
 * most 38 programs attach to one hook's trampoline (BPF_MAX_TRAMP_LINKS on x86-64); gowarden attaches one and keeps
 * the policies' rules in a map, so the number of policies is bounded by the map, not by the trampoline.
 *
 * Maps:
 *   rules        ARRAY  u32 rule index -> struct lsm_rule   (written by dev.gowarden.sensor.LsmOverrideSensor)
 *   rule_count   ARRAY  0 -> u32 rules in use
 *   path_scratch PERCPU_ARRAY 0 -> the path of the file being opened
 *   lsm_events   RINGBUF  struct lsm_event per rule that matched and posts
 *
 * Rules come grouped by source (one policy's hook), in selector order. Within a source the first matching
 * selector decides, as in Tetragon: it may post an event, and Override sets the error the hook returns (the first
 * source to override wins); later selectors of that source are skipped. Sources are independent of each other.
 * A hook already failed by an earlier LSM keeps its error.
 */
#include "gowarden.h"
#include <bpf/bpf_tracing.h>

#define MAX_RULES 4096
#define MAX_PATH 4096   /* PATH_MAX: bpf_d_path fails on a longer buffer's worth, and a failure would allow the open */
#define MAX_VALUE 256   /* rule values and the path carried by events */

struct path {
} __attribute__((preserve_access_index));

struct file {
	struct path f_path;
} __attribute__((preserve_access_index));

struct linux_binprm {
	struct file *file;
} __attribute__((preserve_access_index));

/* The hooks this object serves; a rule names its hook. */
enum lsm_hook { HOOK_FILE_OPEN = 0, HOOK_BPRM_CHECK = 1 };

enum rule_op { R_EQUAL = 1, R_PREFIX = 2, R_POSTFIX = 3 };
#define R_POST 1
#define R_OVERRIDE 2

struct lsm_rule {
	u32 policy;   /* the policy's index in the sensor */
	u32 selector; /* its selector's index */
	u8 op;        /* enum rule_op on the path */
	u8 actions;   /* R_POST | R_OVERRIDE */
	u16 hook;     /* enum lsm_hook */
	s32 error;    /* Override's argError (negative errno) */
	u32 len;      /* bytes of value */
	u32 pad2;
	char value[MAX_VALUE];
};

struct lsm_event {
	u64 ktime_ns;
	u32 tgid;
	u32 tid;
	u32 policy;
	u32 selector;
	s32 error;    /* the rule's Override error (0: it only posts) */
	u32 path_len; /* the whole path's length; path holds its first MAX_VALUE bytes */
	char comm[16];
	char path[MAX_VALUE];
};

struct path_buf {
	u32 len;
	u32 pad;
	char path[MAX_PATH];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_RULES);
	__type(key, u32);
	__type(value, struct lsm_rule);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} rule_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct path_buf);
} path_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} lsm_events SEC(".maps");

struct compare_ctx {
	const char *path;
	const char *value;
	u32 from;
	int differ;
};

static long compare_char(u32 k, void *data)
{
	struct compare_ctx *c = data;
	u32 i = (c->from + k) & (MAX_PATH - 1);
	if (c->path[i] != c->value[k & (MAX_VALUE - 1)]) {
		c->differ = 1;
		return 1;
	}
	return 0;
}

struct rules_ctx {
	s32 result;
	u32 decided;  /* source + 1 of the last source whose selector matched: its later rules are skipped */
	u32 hook;
};

static long apply_rule(u32 i, void *data)
{
	struct rules_ctx *rc = data;
	u32 zero = 0;
	struct lsm_rule *r = bpf_map_lookup_elem(&rules, &i);
	struct path_buf *pb = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!r || !pb)
		return 1;
	if (r->hook != rc->hook || rc->decided == r->policy + 1)
		return 0;
	u32 len = pb->len;
	u32 vlen = r->len;
	if (vlen > MAX_VALUE || len >= MAX_PATH)
		return 0;
	if (r->op == R_EQUAL ? len != vlen : len < vlen)
		return 0;
	struct compare_ctx c = { .path = pb->path, .value = r->value, .from = r->op == R_POSTFIX ? len - vlen : 0 };
	bpf_loop(vlen, compare_char, &c, 0);
	if (c.differ)
		return 0;
	rc->decided = r->policy + 1;
	if ((r->actions & R_OVERRIDE) && rc->result == 0)
		rc->result = r->error;
	if (r->actions & R_POST) {
		struct lsm_event *e = bpf_ringbuf_reserve(&lsm_events, sizeof(*e), 0);
		if (e) {
			u64 pid_tgid = bpf_get_current_pid_tgid();
			e->ktime_ns = bpf_ktime_get_ns();
			e->tgid = pid_tgid >> 32;
			e->tid = (u32)pid_tgid;
			e->policy = r->policy;
			e->selector = r->selector;
			e->error = (r->actions & R_OVERRIDE) ? r->error : 0;
			e->path_len = len;
			bpf_get_current_comm(e->comm, sizeof(e->comm));
			bpf_probe_read_kernel(e->path, MAX_VALUE, pb->path);
			bpf_ringbuf_submit(e, 0);
		}
	}
	return 0;
}

/* The path of a file, then the rules of a hook: the error to return (0 allows). */
static __always_inline int apply_rules(u32 hook, struct path *path)
{
	u32 zero = 0;
	u32 *count = bpf_map_lookup_elem(&rule_count, &zero);
	struct path_buf *pb = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!count || !pb || *count == 0)
		return 0;
	long n = bpf_d_path(path, pb->path, MAX_PATH);
	if (n <= 0)
		return 0;
	pb->len = n - 1;  /* bpf_d_path counts the NUL */
	u32 rules_in_use = *count;
	if (rules_in_use > MAX_RULES)
		rules_in_use = MAX_RULES;
	struct rules_ctx rc = { .result = 0, .decided = 0, .hook = hook };
	bpf_loop(rules_in_use, apply_rule, &rc, 0);
	return rc.result;
}

SEC("lsm/file_open")
int BPF_PROG(gw_file_open, struct file *file, int ret)
{
	if (ret != 0)
		return ret;
	return apply_rules(HOOK_FILE_OPEN, &file->f_path);
}

/* An exec: the binary about to run (after the interpreter of a script is resolved, this runs for it too). */
SEC("lsm/bprm_check_security")
int BPF_PROG(gw_bprm_check, struct linux_binprm *bprm, int ret)
{
	if (ret != 0)
		return ret;
	return apply_rules(HOOK_BPRM_CHECK, &bprm->file->f_path);
}

/* dev.gowarden.sensor.LsmOverrideSensor reads and writes these layouts */
_Static_assert(sizeof(struct lsm_rule) == 24 + MAX_VALUE, "LsmOverrideSensor.RULE_SIZE");
_Static_assert(sizeof(struct lsm_event) == 48 + MAX_VALUE, "LsmOverrideSensor.EVENT_SIZE");

char LICENSE[] SEC("license") = "GPL";
