/* docker logs: the container's CRI log file (written by its shim:
 * "<RFC3339Nano> stdout|stderr F|P <text>", one rotated generation
 * FILE.1) read back in Docker's shape: for a container without a tty
 * each piece framed with the 8-byte header of the multiplexed stream
 * (stream 1 stdout / 2 stderr, 3 zero bytes, big-endian length), with a
 * tty raw; --timestamps, --tail, --since, --until; --follow waits for
 * more (inotify on the file) until the container has exited. */
#ifndef MINIRUND_MANAGER_LOGS_H
#define MINIRUND_MANAGER_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "manager/ctrs.h"

struct mrd_logs_opts {
	bool out, err;    /* which streams */
	bool follow;
	bool timestamps;
	int64_t tail;     /* last lines, -1 all */
	int64_t since_ns; /* 0 none */
	int64_t until_ns; /* 0 none */
};

struct mrd_log_reader;

/* wake(data) is called when a following reader has more to give. */
struct mrd_log_reader *mrd_log_reader_new(struct mrd_ctr *c, const struct mrd_logs_opts *o,
					  void (*wake)(void *data), void *data, struct mr_error **err);
/* >0 bytes, 0 nothing yet (following: wake comes), -1 the end. */
ssize_t mrd_log_reader_read(struct mrd_log_reader *r, char *buf, size_t max);
void mrd_log_reader_free(struct mrd_log_reader *r);

/* The container's log has grown or the container has exited: wake its
 * followers. Called by the manager; gone: the container is being removed. */
void mrd_logs_notify(struct mrd_ctr *c, bool gone);

/* One CRI line parsed (pure; fuzzed): -1 if it is not one. */
struct mrd_cri_line {
	int64_t time_ns;
	int stream; /* 1 stdout, 2 stderr */
	bool partial;
	const char *text;
	size_t len;
	const char *stamp; /* the timestamp as written */
	size_t stamp_len;
};
int mrd_cri_parse(const char *line, size_t len, struct mrd_cri_line *out);

/* The daemon's one inotify fd, on the loop. */
int mrd_logs_init(struct mrd_daemon *d);
void mrd_logs_fini(struct mrd_daemon *d);

#endif
