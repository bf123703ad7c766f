/* gowarden's hand-curated kernel header: only the types our programs touch.
 * pt_regs is the x86-64 kernel layout (stable ABI for uprobe contexts); task_struct members are
 * CO-RE relocated against the running kernel's BTF (preserve_access_index), so no vmlinux.h is needed. */
#ifndef GOWARDEN_H
#define GOWARDEN_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;

#if defined(__TARGET_ARCH_x86)
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};
#define PT_REGS_WORDS 21
#define PT_REGS_SP(r) ((r)->sp)
#define PT_REGS_IP(r) ((r)->ip)   /* a uprobe handler sees the probed address (the kernel rewinds past int3) */
#elif defined(__TARGET_ARCH_arm64)
struct pt_regs {
	u64 regs[31];
	u64 sp;
	u64 pc;
	u64 pstate;
};
#define PT_REGS_WORDS 34
#define PT_REGS_SP(r) ((r)->sp)
#define PT_REGS_IP(r) ((r)->pc)
#else
#error "gowarden supports x86 and arm64"
#endif

struct thread_struct {
	unsigned long fsbase;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct thread_struct thread;
} __attribute__((preserve_access_index));

#endif
