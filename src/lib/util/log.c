#include "util/log.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

int mr_log_open(struct mr_log *log, const char *path, bool json, bool debug)
{
	log->json = json;
	log->debug = debug;
	log->fd = -1;
	if (path == NULL)
		return 0;
	log->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	return log->fd < 0 ? -1 : 0;
}

void mr_log_close(struct mr_log *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
}

void mr_rfc3339_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

static void log_json_line(int fd, const char *level, const char *msg, const char *when)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (g == NULL)
		return;
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"level", 5);
	yajl_gen_string(g, (const unsigned char *)level, strlen(level));
	yajl_gen_string(g, (const unsigned char *)"msg", 3);
	yajl_gen_string(g, (const unsigned char *)msg, strlen(msg));
	yajl_gen_string(g, (const unsigned char *)"time", 4);
	yajl_gen_string(g, (const unsigned char *)when, strlen(when));
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		/* one write: concurrent writers to the same log do not interleave */
		char *line = malloc(len + 1);
		if (line) {
			memcpy(line, buf, len);
			line[len] = '\n';
			write_all(fd, line, len + 1);
			free(line);
		}
	}
	yajl_gen_free(g);
}

void mr_log_write(const struct mr_log *log, const char *level, const char *msg)
{
	char when[64];

	if (strcmp(level, "debug") == 0 && !log->debug)
		return;
	if (strcmp(level, "debug") != 0 || log->fd < 0)
		dprintf(STDERR_FILENO, "minirun: %s%s\n", strcmp(level, "warning") == 0 ? "warning: " : "", msg);
	if (log->fd < 0)
		return;
	mr_rfc3339_now(when, sizeof(when));
	if (log->json) {
		log_json_line(log->fd, level, msg, when);
	} else {
		/* logfmt, as logrus writes it: quotes and backslashes escaped */
		size_t len = strlen(msg);
		char *esc = malloc(2 * len + 1), *line = NULL, *o = esc;
		int n;
		if (esc == NULL)
			return;
		for (const char *c = msg; *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c == '\n' ? ' ' : *c;
		}
		*o = '\0';
		n = asprintf(&line, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, esc);
		if (n > 0)
			write_all(log->fd, line, n);
		free(line);
		free(esc);
	}
}
