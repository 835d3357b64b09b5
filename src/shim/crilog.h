/* The container's output in the CRI log format that kubelet, podman
 * (k8s-file) and crictl read:
 *
 *   2024-05-01T12:00:00.123456789Z stdout F a whole line
 *   2024-05-01T12:00:00.123456789Z stderr P the start of a line that
 *   2024-05-01T12:00:00.223456789Z stderr F continues here
 *
 * Each read from the container becomes records at once, one per line; a
 * line not ended yet is written as a P record (no holding back, no
 * unbounded line buffer); all records of one read share its time stamp and
 * go to the file with one writev per batch. With a size limit the file is
 * rotated before a record would pass it: FILE becomes FILE.1 (one
 * generation kept) and a new FILE begins. Generations are numbered, so a
 * reader knows whether the file it has open is still the current one.
 *
 * Listeners (log followers) see every record after it is in the file,
 * with the generation and offset where it starts. */
#ifndef MINIRUN_SHIM_CRILOG_H
#define MINIRUN_SHIM_CRILOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shim/buf.h"
#include "util/error.h"

struct shim_cri_record {
	const char *time; /* RFC 3339, time_len bytes */
	size_t time_len;
	int64_t time_ns;
	const char *stream; /* "stdout" or "stderr" */
	bool partial;
	const char *data; /* without the line's '\n' */
	size_t len;
	unsigned gen;     /* where the record starts in the log */
	off_t off;
};

struct shim_cri_listener;
typedef void (*shim_cri_fn)(struct shim_cri_listener *l, const struct shim_cri_record *r);
struct shim_cri_listener {
	shim_cri_fn fn;
	void *data;
	struct shim_cri_listener *next, **pprev;
};

struct shim_crilog;

/* Open (append to) path; max_size 0: never rotate. */
struct shim_crilog *shim_crilog_open(const char *path, uint64_t max_size, struct mr_error **err);
void shim_crilog_close(struct shim_crilog *log);

/* One read's worth of container output. Write errors (a full disk) lose
 * that output and are counted, never block. */
void shim_crilog_write(struct shim_crilog *log, const char *stream, const char *data, size_t len);

void shim_crilog_listen(struct shim_crilog *log, struct shim_cri_listener *l, shim_cri_fn fn, void *data);
void shim_crilog_unlisten(struct shim_cri_listener *l);

const char *shim_crilog_path(const struct shim_crilog *log);
unsigned shim_crilog_gen(const struct shim_crilog *log);
uint64_t shim_crilog_write_errors(const struct shim_crilog *log);

/* The file that holds generation gen (FILE or FILE.1), NULL when gone. */
const char *shim_crilog_gen_path(const struct shim_crilog *log, unsigned gen);

/* Parse one record line (without its '\n'); -1 when it is not one. */
int shim_cri_parse(const char *line, size_t len, struct shim_cri_record *r);

/* Reading the log back (the logs request): from the start, from the last
 * N lines (a line is a run of P records and the F that ends it), or from
 * a position a follower fell behind at. */
struct shim_cri_reader {
	struct shim_crilog *log;
	int fd;
	unsigned gen;
	off_t off;
	struct shim_buf pending; /* a record cut by the end of a read */
};

/* tail < 0: everything kept (FILE.1 then FILE). */
int shim_cri_reader_open(struct shim_cri_reader *rd, struct shim_crilog *log, long tail, struct mr_error **err);
/* At gen/off (a follower catching up); a generation that is gone starts
 * at the oldest one kept. */
int shim_cri_reader_seek(struct shim_cri_reader *rd, struct shim_crilog *log, unsigned gen, off_t off,
			 struct mr_error **err);
/* Read about `budget` bytes and hand each whole record to fn. Returns 1
 * while there is more, 0 at the end of the current file (everything
 * written so far has been read), -1 on a read error. */
int shim_cri_reader_step(struct shim_cri_reader *rd, size_t budget, shim_cri_fn fn, struct shim_cri_listener *l);
void shim_cri_reader_close(struct shim_cri_reader *rd);

#endif
