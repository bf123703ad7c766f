// SPDX-License-Identifier: GPL-2.0
/* Tiny programs whose load (or attach) tells whether the running kernel has a feature. Java loads them one at a
 * time (autoload off for the others), so one refusal never hides another result. No maps. */
#include "gowarden.h"

SEC("uprobe")
int noop_uprobe(struct pt_regs *ctx)
{
	return 0;
}

/* Rejected ("invalid bpf_context access") unless the kernel lets uprobes change registers. */
SEC("uprobe")
int write_regs(struct pt_regs *ctx)
{
#if defined(__TARGET_ARCH_x86)
	ctx->bx = 0;
#else
	ctx->regs[1] = 0;
#endif
	return 0;
}

SEC("kprobe/vfs_read")
int kprobe_probe(struct pt_regs *ctx)
{
	return 0;
}

SEC("lsm/file_open")
int lsm_probe(unsigned long long *ctx)
{
	return 0;
}

SEC("fentry/vfs_read")
int fentry_probe(unsigned long long *ctx)
{
	return 0;
}

SEC("fmod_ret/security_file_open")
int fmod_ret_probe(unsigned long long *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
