/* The control socket and its clients: accept, read lines (bounded),
 * queue answers (bounded), close. What a line asks for is ops.c's. */
#include "shim/server-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/jsonw.h"
#include "util/unix-addr.h"

int shim_connect(const char *path)
{
	struct sockaddr_un sa;
	int dirfd, fd, e;

	if (mr_unix_address(path, &sa, &dirfd) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	if (dirfd >= 0) {
		e = errno;
		close(dirfd);
		errno = e;
	}
	return fd;
}

static int listen_at(const char *path, struct mr_error **err)
{
	struct sockaddr_un sa;
	int dirfd, fd = -1;
	mode_t old;

	if (mr_unix_address(path, &sa, &dirfd) < 0)
		return mr_error_sys(err, errno, "socket %s", path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	old = umask(0177);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0 ||
	    chmod(path, 0600) < 0) {
		mr_error_sys(err, errno, "socket %s", path);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	umask(old);
	if (dirfd >= 0)
		close(dirfd);
	return fd;
}

/* ---- output */

/* EPOLLRDHUP only with EPOLLIN: the peer's half-close is level-triggered
 * and says nothing while its last lines still wait unread in the socket
 * (a client that sends stdin and its end during a busy exec, then shuts
 * its side). Watched alone, it spun the loop and, taken as the end of
 * input, left those lines unread for good. A peer that is gone entirely
 * is EPOLLHUP, reported in any state. */
static void update_events(struct shim_client *cl)
{
	uint32_t ev = 0;

	if ((cl->state == CL_IDLE || cl->state == CL_ATTACH || cl->state == CL_EXEC) && !cl->read_shut &&
	    !cl->in_wait)
		ev |= EPOLLIN | EPOLLRDHUP;
	if (shim_buf_used(&cl->out) > 0)
		ev |= EPOLLOUT;
	shim_loop_mod(cl->srv->loop, &cl->w, ev);
}

size_t shim_client_queued(const struct shim_client *cl)
{
	return shim_buf_used(&cl->out);
}

bool shim_client_send(struct shim_client *cl, const char *text, size_t len)
{
	if (cl->fd < 0)
		return false;
	if (shim_buf_reserve(&cl->out, len + 1) < 0) {
		shim_client_drop(cl);
		return false;
	}
	memcpy(shim_buf_tail(&cl->out), text, len);
	shim_buf_tail(&cl->out)[len] = '\n';
	shim_buf_commit(&cl->out, len + 1);
	update_events(cl);
	return true;
}

bool shim_client_send_gen(struct shim_client *cl, yajl_gen g)
{
	size_t len;
	const char *buf = mr_jw_buf(g, &len);
	bool ok = false;

	if (buf)
		ok = shim_client_send(cl, buf, len);
	else
		shim_client_drop(cl); /* out of memory */
	if (g)
		yajl_gen_free(g);
	return ok;
}

void shim_client_ok(struct shim_client *cl)
{
	static const char ok[] = "{\"ok\":true}";
	shim_client_send(cl, ok, sizeof(ok) - 1);
}

void shim_client_error(struct shim_client *cl, const char *msg)
{
	yajl_gen g = mr_jw_new();

	mr_jw_obj(g, NULL);
	mr_jw_bool(g, "ok", false);
	mr_jw_str(g, "error", msg);
	mr_jw_obj_end(g);
	shim_client_send_gen(cl, g);
}

/* ---- lifecycle of a client */

static void reap_deferred(struct shim_defer *d)
{
	struct shim_client *cl = d->data;

	shim_buf_free(&cl->in);
	shim_buf_free(&cl->out);
	free(cl);
}

static void client_close(struct shim_client *cl)
{
	struct shim_server *s = cl->srv;

	if (cl->fd < 0)
		return;
	shim_client_stop_stream(cl);
	if (cl->pending) {
		cl->pending->client = NULL;
		cl->pending = NULL;
	}
	shim_loop_cancel(s->loop, &cl->resume);
	shim_loop_del(s->loop, &cl->w);
	close(cl->fd);
	cl->fd = -1;
	*cl->pprev = cl->next;
	if (cl->next)
		cl->next->pprev = cl->pprev;
	s->nclients--;
	shim_loop_defer(s->loop, &cl->reap, reap_deferred, cl);
	if (s->quitting)
		shim_server_check_quit(s);
}

void shim_client_drop(struct shim_client *cl)
{
	client_close(cl);
}

void shim_client_stop_stream(struct shim_client *cl)
{
	shim_stream_stop(cl);
	shim_logs_stop(cl);
}

/* Closed once what is queued is out. */
static void close_when_sent(struct shim_client *cl)
{
	if (cl->fd < 0)
		return;
	cl->state = CL_CLOSING;
	if (shim_buf_used(&cl->out) == 0)
		client_close(cl);
	else
		update_events(cl);
}

void shim_client_end(struct shim_client *cl, yajl_gen last)
{
	static const char eof[] = "{\"eof\":true}";

	shim_client_stop_stream(cl);
	if (last)
		shim_client_send_gen(cl, last);
	else
		shim_client_send(cl, eof, sizeof(eof) - 1);
	close_when_sent(cl);
}

static void resume_deferred(struct shim_defer *d)
{
	shim_client_resume_input(d->data);
}

/* Nothing more will come and nothing is left to send. */
static bool finished(const struct shim_client *cl)
{
	return cl->read_shut && cl->state == CL_IDLE && shim_buf_used(&cl->out) == 0 &&
	       shim_buf_find(&cl->in, '\n') == NULL;
}

void shim_client_idle(struct shim_client *cl)
{
	if (cl->fd < 0)
		return;
	cl->state = CL_IDLE;
	/* lines that came with the request wait in the buffer */
	shim_loop_defer(cl->srv->loop, &cl->resume, resume_deferred, cl);
}

/* ---- input */

static bool takes_input(const struct shim_client *cl)
{
	return cl->fd >= 0 && (cl->state == CL_IDLE || cl->state == CL_ATTACH || cl->state == CL_EXEC);
}

static void dispatch_line(struct shim_client *cl, const char *line, size_t len)
{
	struct shim_request req;
	struct mr_error *err = NULL;

	if (shim_request_parse(line, len, &req, &err) < 0) {
		shim_client_error(cl, err->msg);
		mr_error_free(err);
		return;
	}
	if (cl->state == CL_ATTACH || cl->state == CL_EXEC)
		shim_stream_input(cl, &req);
	else
		shim_ops_dispatch(cl, &req);
	shim_request_clear(&req);
}

/* Handle the complete lines in the buffer while the client takes input. */
static void process_lines(struct shim_client *cl)
{
	while (takes_input(cl)) {
		const char *head = shim_buf_head(&cl->in);
		const char *nl = shim_buf_find(&cl->in, '\n');
		size_t n;
		char *line;

		if (nl == NULL)
			break;
		if (cl->state != CL_IDLE && !shim_stream_can_take(cl)) {
			cl->in_wait = true;
			break;
		}
		cl->in_wait = false;
		n = (size_t)(nl - head);
		line = strndup(head, n); /* a handler may queue output over the buffer */
		if (line == NULL) {
			client_close(cl);
			return;
		}
		shim_buf_consume(&cl->in, n + 1);
		dispatch_line(cl, line, n);
		free(line);
	}
}

void shim_client_resume_input(struct shim_client *cl)
{
	if (cl->fd < 0)
		return;
	process_lines(cl);
	if (cl->fd < 0)
		return;
	if (finished(cl)) {
		client_close(cl);
		return;
	}
	update_events(cl);
}

static void too_long(struct shim_client *cl)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "request line longer than %u bytes", SHIM_LINE_MAX);
	shim_client_stop_stream(cl);
	shim_client_error(cl, msg);
	if (cl->fd < 0)
		return;
	shim_buf_free(&cl->in);
	cl->read_shut = true;
	close_when_sent(cl);
}

static void read_input(struct shim_client *cl)
{
	for (;;) {
		ssize_t n;
		if (shim_buf_reserve(&cl->in, 65536) < 0) {
			too_long(cl);
			return;
		}
		n = read(cl->fd, shim_buf_tail(&cl->in), 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			cl->read_shut = true;
			break;
		}
		shim_buf_commit(&cl->in, (size_t)n);
		if (shim_buf_used(&cl->in) > SHIM_LINE_MAX &&
		    memchr(shim_buf_head(&cl->in), '\n', SHIM_LINE_MAX + 1) == NULL) {
			too_long(cl);
			return;
		}
		if (memchr(shim_buf_tail(&cl->in) - n, '\n', (size_t)n))
			break; /* handle these lines before reading more */
	}
	shim_client_resume_input(cl);
}

static void write_output(struct shim_client *cl)
{
	int r = shim_buf_flush(&cl->out, cl->fd);

	if (r < 0 || (r == 1 && (cl->state == CL_CLOSING || finished(cl)))) {
		client_close(cl);
		return;
	}
	update_events(cl);
	if (shim_buf_used(&cl->out) < SHIM_CLIENT_OUT_SOFT / 2)
		shim_client_drained(cl);
}

void shim_client_drained(struct shim_client *cl)
{
	if (cl->state == CL_LOGS)
		shim_logs_pump(cl);
	else if (cl->state == CL_EXEC)
		shim_stream_exec_drained(cl);
}

static void on_client(struct shim_watch *w, uint32_t events)
{
	struct shim_client *cl = w->data;

	if (events & (EPOLLHUP | EPOLLERR)) {
		client_close(cl); /* the peer is gone: nobody reads what we would send */
		return;
	}
	if (events & EPOLLOUT)
		write_output(cl);
	if (cl->fd < 0)
		return;
	/* the end of input is where read() says so, after the lines before it */
	if (events & (EPOLLIN | EPOLLRDHUP))
		read_input(cl);
}

/* ---- the listening socket */

static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void accept_client(struct shim_server *s, int fd)
{
	struct shim_client *cl = calloc(1, sizeof(*cl));
	struct mr_error *err = NULL;

	if (cl == NULL || s->quitting || s->nclients >= SHIM_MAX_CLIENTS || !peer_allowed(fd)) {
		free(cl);
		close(fd);
		return;
	}
	cl->srv = s;
	cl->fd = fd;
	cl->in.max = SHIM_LINE_MAX + 65536 + 1;
	cl->out.max = SHIM_CLIENT_OUT_MAX;
	if (shim_loop_add(s->loop, &cl->w, fd, EPOLLIN | EPOLLRDHUP, on_client, cl, &err) < 0) {
		mr_error_free(err);
		free(cl);
		close(fd);
		return;
	}
	cl->next = s->clients;
	if (cl->next)
		cl->next->pprev = &cl->next;
	cl->pprev = &s->clients;
	s->clients = cl;
	s->nclients++;
}

static void on_listen(struct shim_watch *w, uint32_t events)
{
	struct shim_server *s = w->data;

	for (int i = 0; i < 64; i++) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		accept_client(s, fd);
	}
}

struct shim_server *shim_server_new(struct shim_loop *loop, struct shim_container *c, const char *path,
				    struct mr_error **err)
{
	struct shim_server *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		mr_error_sys(err, ENOMEM, "server");
		return NULL;
	}
	s->loop = loop;
	s->c = c;
	s->listen_fd = listen_at(path, err);
	if (s->listen_fd < 0 ||
	    shim_loop_add(loop, &s->listen_w, s->listen_fd, EPOLLIN, on_listen, s, err) < 0) {
		shim_server_free(s);
		return NULL;
	}
	return s;
}

static void close_listener(struct shim_server *s)
{
	if (s->listen_fd < 0)
		return;
	shim_loop_del(s->loop, &s->listen_w);
	close(s->listen_fd);
	s->listen_fd = -1;
	unlink(s->path);
}

void shim_server_free(struct shim_server *s)
{
	if (s == NULL)
		return;
	while (s->clients)
		client_close(s->clients);
	close_listener(s);
	shim_timer_stop(s->loop, &s->quit_timer);
	shim_loop_cancel(s->loop, &s->quit_check);
	shim_notify_remove(&s->quit_exit_n);
	free(s->path);
	free(s);
}

/* ---- quitting */

void shim_server_on_quit(struct shim_server *s, shim_quit_fn fn, void *data)
{
	s->quit_fn = fn;
	s->quit_data = data;
}

static void quit_now(struct shim_server *s)
{
	shim_quit_fn fn = s->quit_fn;

	s->quit_fn = NULL;
	shim_timer_stop(s->loop, &s->quit_timer);
	if (fn)
		fn(s->quit_data);
}

static void quit_deferred(struct shim_defer *d)
{
	struct shim_server *s = d->data;

	if (s->clients == NULL && shim_container_over(s->c))
		quit_now(s);
}

void shim_server_check_quit(struct shim_server *s)
{
	shim_loop_defer(s->loop, &s->quit_check, quit_deferred, s);
}

static void quit_timeout(struct shim_timer *t)
{
	quit_now(t->data);
}

static void quit_on_exit(struct shim_notify *n)
{
	shim_server_check_quit(n->data);
}

void shim_server_quit(struct shim_server *s)
{
	struct mr_error *err = NULL;
	struct shim_proc *init = shim_container_init(s->c);

	if (s->quitting)
		return;
	s->quitting = true;
	close_listener(s);
	/* A stream ends with its {"eof": true}; a client between requests (the
	 * one whose delete this is among them) has had every answer: its
	 * connection just closes, so that each request has one answer. */
	for (struct shim_client *cl = s->clients, *next; cl; cl = next) {
		next = cl->next;
		if (cl->state == CL_IDLE)
			close_when_sent(cl);
		else if (cl->state != CL_BUSY && cl->state != CL_CLOSING)
			shim_client_end(cl, NULL);
	}
	if (init->status != SHIM_PROC_EXITED && init->pid > 0)
		shim_proc_on_exit(init, &s->quit_exit_n, quit_on_exit, s);
	if (shim_timer_start(s->loop, &s->quit_timer, SHIM_QUIT_GRACE_MS, 0, quit_timeout, s, &err) < 0)
		mr_error_free(err);
	shim_server_check_quit(s);
}
