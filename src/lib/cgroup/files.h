/* Files in a cgroup directory (files.c): the reads and writes every
 * controller file and the common part use. */
#ifndef MINIRUN_CGROUP_FILES_H
#define MINIRUN_CGROUP_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/error.h"

/* Errors read "<what>: write \"<value>\" to <file>: <strerror>", `what`
 * naming the resource ("linux.resources.memory.limit"). */
int mr_cg_write(const char *dir, const char *file, const char *value, const char *what, struct mr_error **err);
/* The same in two steps, for several values in a row to one file: an fd
 * open for writing (the caller closes it), then one write per value. */
int mr_cg_open_write(const char *dir, const char *file, const char *what, struct mr_error **err);
int mr_cg_write_fd(int fd, const char *file, const char *value, const char *what, struct mr_error **err);
int mr_cg_writef(const char *dir, const char *file, const char *what, struct mr_error **err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
char *mr_cg_read(const char *dir, const char *file); /* malloc'ed, NULL + errno */
bool mr_cg_exists(const char *dir, const char *file);
/* What a resource needs before anything is written: an error
 * "linux.resources.<field>: this host has no <file> (<why>)" when dir has
 * no such file. */
int mr_cg_need_file(const char *dir, const char *file, const char *field, const char *why, struct mr_error **err);
/* A number ("max" is UINT64_MAX; v1's "-1" too). -1 + errno on failure. */
int mr_cg_read_u64(const char *dir, const char *file, uint64_t *v);
/* The value of `key` in a "key value" per line file (memory.stat, cpu.stat). */
int mr_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *v);
/* "dir/file" into buf; -1 with ENAMETOOLONG if it does not fit. */
int mr_cg_join_path(char *buf, size_t size, const char *dir, const char *file);

#endif
