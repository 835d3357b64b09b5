/* The protocol between `minirun create` (the parent) and the container init
 * (the child): a SOCK_SEQPACKET socketpair, one typed message per packet,
 * optionally carrying one fd (SCM_RIGHTS). The init reports each step the
 * parent must act on, and any error as text the parent prints. */
#ifndef MINIRUN_SYNC_H
#define MINIRUN_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum mr_sync_type {
	MR_SYNC_GO = 1, /* parent -> init: in the cgroup, uid/gid maps written: go on */
	MR_SYNC_HOOKS_RUNTIME, /* init -> parent: run prestart + createRuntime hooks */
	MR_SYNC_HOOKS_DONE, /* parent -> init: they ran */
	MR_SYNC_CONSOLE, /* init -> parent: the pty master (fd attached) */
	MR_SYNC_SECCOMP, /* init -> parent: the seccomp notify fd, for listenerPath */
	MR_SYNC_READY, /* init -> parent: set up, waiting for start */
	MR_SYNC_ERROR, /* init -> parent: payload is the message */
	/* real init -> parent: its own pidfd (attached), when the init forked
	 * into a pid or time namespace made after joining a user namespace;
	 * the parent answers MR_SYNC_GO once it has taken it over */
	MR_SYNC_PID,
	MR_SYNC_LAST = MR_SYNC_PID,
};

#define MR_SYNC_MAX_PAYLOAD 65536

struct mr_sync_msg {
	uint32_t type;
	uint32_t len;
	char data[MR_SYNC_MAX_PAYLOAD + 1]; /* NUL-terminated */
	int fd; /* -1 when none */
};

/* Send a message (data may be NULL), with fd >= 0 attached. */
int mr_sync_send(int sock, enum mr_sync_type type, const char *data, int fd, struct mr_error **err);

/* Receive one message. A closed peer: error "the container init exited".
 * The result is checked: unknown type, bad length, more than one fd are
 * errors. msg->fd is set (-1 when none) and owned by the caller. */
int mr_sync_recv(int sock, struct mr_sync_msg *msg, struct mr_error **err);

/* Receive and require `type`; an MR_SYNC_ERROR becomes the error. */
int mr_sync_expect(int sock, enum mr_sync_type type, struct mr_sync_msg *msg, struct mr_error **err);

/* Decode a raw packet (for recv and the fuzzer). */
int mr_sync_decode(const void *buf, size_t len, struct mr_sync_msg *msg, struct mr_error **err);

#endif
