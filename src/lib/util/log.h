/* Where errors and warnings go: always one line "minirun: <message>" on
 * stderr, and, with --log FILE, a line appended to FILE, as logrus text
 * (runc's default) or, with --log-format json, one JSON object
 * {"level":..., "msg":..., "time":<RFC3339>} per line, which is what
 * containerd and conmon read back. */
#ifndef MINIRUN_UTIL_LOG_H
#define MINIRUN_UTIL_LOG_H

#include <stdbool.h>
#include <stddef.h>

struct mr_log {
	int fd; /* -1: no log file */
	bool json;
	bool debug;
};

/* Open (create, append) the log file. Returns -1 with errno set. */
int mr_log_open(struct mr_log *log, const char *path, bool json, bool debug);
void mr_log_close(struct mr_log *log);

/* level: "error", "warning", "debug" (debug only with --debug). */
void mr_log_write(const struct mr_log *log, const char *level, const char *msg);

/* Now as RFC 3339 with nanoseconds, UTC (what go-runc parses as time.Time). */
void mr_rfc3339_now(char *buf, size_t size);

#endif
