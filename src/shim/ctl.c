/* The control socket's command-line client (ctl.h). */
#include "shim/ctl.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim/server.h"
#include "util/json.h"
#include "util/jsonw.h"

static const char ctl_usage[] = "Usage: minirun-shim ctl --socket PATH OP [JSON-ARGS]\n"
				"\n"
				"Sends {\"op\": OP, ...JSON-ARGS} to a shim's control socket and prints\n"
				"each response line. Exit 0 when the response is ok, 1 otherwise. With\n"
				"\"stdin\": true in JSON-ARGS (attach, exec), ctl's stdin is sent to the\n"
				"process.\n";

static int ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int ctl_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "minirun-shim: ctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* {"op": OP, ...members of args}; *with_stdin from args' "stdin". */
static char *build_request(const char *op, const char *args, bool *with_stdin, size_t *len)
{
	struct mr_error *err = NULL;
	struct mr_json *a = NULL;
	yajl_gen g;
	const struct mr_json *in;

	if (args) {
		a = mr_json_parse(args, strlen(args), &err);
		if (a == NULL || a->kind != MR_JSON_OBJECT) {
			ctl_fail("JSON-ARGS: %s", err ? err->msg : "not a JSON object");
			mr_error_free(err);
			mr_json_free(a);
			return NULL;
		}
	}
	in = a ? mr_json_get(a, "stdin") : NULL;
	*with_stdin = in && in->kind == MR_JSON_BOOL && in->boolean;
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "op", op);
	for (size_t i = 0; a && i < a->len; i++)
		if (strcmp(a->keys[i], "op") != 0)
			mr_jw_tree(g, a->keys[i], a->items[i]);
	mr_jw_obj_end(g);
	mr_json_free(a);
	return mr_jw_finish(g, len);
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_line(int fd, char *text, size_t len)
{
	text[len] = '\n'; /* mr_jw_finish leaves room for the NUL */
	return send_all(fd, text, len + 1);
}

/* One chunk of our stdin as a stdin message; false at EOF (the eof
 * message sent). */
static bool forward_stdin(int sock)
{
	char buf[65536];
	ssize_t n = read(0, buf, sizeof(buf));
	yajl_gen g = mr_jw_new();
	size_t len;
	char *line;

	if (n < 0 && errno == EINTR) {
		yajl_gen_free(g);
		return true;
	}
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "op", "stdin");
	if (n > 0)
		mr_jw_bytes(g, buf, (size_t)n);
	else
		mr_jw_bool(g, "eof", true);
	mr_jw_obj_end(g);
	line = mr_jw_finish(g, &len);
	if (line == NULL || send_line(sock, line, len) < 0)
		n = 0;
	free(line);
	return n > 0;
}

/* Print each complete line; *failed when one says "ok": false. */
static void print_lines(char *buf, size_t *used, bool *failed, int *lines)
{
	char *start = buf, *nl;

	while ((nl = memchr(start, '\n', (size_t)(buf + *used - start))) != NULL) {
		struct mr_json *j = mr_json_parse(start, (size_t)(nl - start), NULL);
		const struct mr_json *ok = j ? mr_json_get(j, "ok") : NULL;

		if (j == NULL || (ok && ok->kind == MR_JSON_BOOL && !ok->boolean))
			*failed = true;
		mr_json_free(j);
		fwrite(start, 1, (size_t)(nl - start + 1), stdout);
		fflush(stdout);
		(*lines)++;
		start = nl + 1;
	}
	*used -= (size_t)(start - buf);
	memmove(buf, start, *used);
}

/* Until the shim closes the connection. */
static int converse(int sock, bool with_stdin)
{
	static char buf[(1u << 20) + 65536];
	size_t used = 0;
	bool failed = false, in_open = with_stdin;
	int lines = 0;

	if (!in_open)
		shutdown(sock, SHUT_WR);
	for (;;) {
		struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
		if (poll(p, in_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return ctl_fail("poll: %s", strerror(errno));
		}
		if (in_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !forward_stdin(sock)) {
			in_open = false;
			shutdown(sock, SHUT_WR);
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t n = read(sock, buf + used, sizeof(buf) - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		print_lines(buf, &used, &failed, &lines);
		if (used == sizeof(buf))
			return ctl_fail("%s", "a response line longer than 1 MiB");
	}
	if (used > 0)
		return ctl_fail("%s", "the shim closed the connection in the middle of a line");
	if (lines == 0)
		return ctl_fail("%s", "the shim closed the connection without an answer");
	return failed ? 1 : 0;
}

int shim_ctl_main(int argc, char **argv)
{
	static const struct option opts[] = { { "socket", required_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *socket_path = NULL;
	char *req;
	size_t len;
	bool with_stdin;
	int c, fd, ret;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 's') {
			socket_path = optarg;
		} else if (c == 'h') {
			fputs(ctl_usage, stdout);
			return 0;
		} else {
			return ctl_fail("%s: an unknown option or a missing value (see ctl --help)", argv[optind - 1]);
		}
	}
	if (socket_path == NULL)
		return ctl_fail("%s", "--socket is required");
	if (optind >= argc || optind + 2 < argc)
		return ctl_fail("%s", "usage: ctl --socket PATH OP [JSON-ARGS]");
	if ((req = build_request(argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL, &with_stdin, &len)) == NULL)
		return 1;
	if ((fd = shim_connect(socket_path)) < 0) {
		free(req);
		fprintf(stderr, "minirun-shim: ctl: connect %s: %s\n", socket_path, strerror(errno));
		return 1;
	}
	ret = send_line(fd, req, len) < 0 ? ctl_fail("send: %s", strerror(errno)) : converse(fd, with_stdin);
	free(req);
	close(fd);
	return ret;
}
