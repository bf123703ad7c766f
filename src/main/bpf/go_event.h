/* The ring-buffer record format of go_trace.bpf.c, decoded by dev.gowarden.event.EventRecord:
 * struct event_header, u64 words[nwords], then per copy a struct copy_header and its bytes padded to 8. */
#ifndef GO_EVENT_H
#define GO_EVENT_H

#include "gowarden.h"

struct event_header {
	u64 ktime_ns;
	u32 tgid;
	u32 tid;
	u64 goid;
	u32 probe_id;
	u16 nwords;
	u16 ncopies;
	char comm[16];
	u64 duration_ns;  /* return probes of timed calls: time since the matching entry; 0 = unknown */
	u64 ip;           /* where the probe fired, run-time address: less the site's link-time address, the load bias */
	u32 site;         /* which of the probe's addresses fired (its index; the cookie's upper half) */
	u32 failed_words; /* bit i: word i was read through a pointer that could not be read (the word is 0) */
	u16 selector;     /* index of the policy selector that matched */
	u16 actions;      /* its ACTION_* bits (ACTION_POST without selectors) */
	u32 pad;
};

struct copy_header {
	u32 len;      /* bytes that follow (before padding) */
	u32 full_len; /* length the value had (may exceed len: truncated) */
	s32 status;   /* 0, or the negative errno of a failed read: the value is unreadable */
	u32 pad;
};

/* dev.gowarden.event.EventRecord reads these offsets */
_Static_assert(sizeof(struct event_header) == 80, "EventRecord.HEADER_SIZE");
_Static_assert(sizeof(struct copy_header) == 16, "EventRecord copy header");

#endif
