#include "shim/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "util/text.h"

#define READ_CHUNK 65536 /* one pipe's worth */

const char *shim_stream_name(int stream)
{
	return stream == SHIM_STDERR ? "stderr" : "stdout";
}

void shim_notify_remove(struct shim_notify *n)
{
	if (n->pprev == NULL)
		return;
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	n->next = NULL;
	n->pprev = NULL;
}

static void notify_add(struct shim_notify **head, struct shim_notify *n, shim_notify_fn fn, void *data)
{
	shim_notify_remove(n);
	n->fn = fn;
	n->data = data;
	n->next = *head;
	if (n->next)
		n->next->pprev = &n->next;
	n->pprev = head;
	*head = n;
}

/* Call and forget every waiter; each may free itself or add others. */
static void notify_all(struct shim_notify **head)
{
	while (*head) {
		struct shim_notify *n = *head;
		shim_notify_remove(n);
		n->fn(n);
	}
}

struct shim_proc *shim_proc_new(struct shim_loop *loop, const char *exec_id)
{
	struct shim_proc *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->loop = loop;
	p->in_fd = p->out_fd = p->err_fd = -1;
	p->in_buf.max = SHIM_STDIN_MAX;
	if (exec_id && (p->exec_id = strdup(exec_id)) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

static void close_fd(struct shim_proc *p, struct shim_watch *w, int *fd)
{
	if (*fd < 0)
		return;
	shim_loop_del(p->loop, w);
	close(*fd);
	*fd = -1;
}

void shim_proc_free(struct shim_proc *p)
{
	if (p == NULL)
		return;
	close_fd(p, &p->in_w, &p->in_fd);
	close_fd(p, &p->out_w, &p->out_fd);
	close_fd(p, &p->err_w, &p->err_fd);
	shim_loop_unwatch_child(p->loop, &p->child);
	while (p->sinks)
		shim_proc_remove_sink(p->sinks);
	while (p->exit_waiters)
		shim_notify_remove(p->exit_waiters);
	while (p->stdin_waiters)
		shim_notify_remove(p->stdin_waiters);
	shim_buf_free(&p->in_buf);
	free(p->exec_id);
	free(p);
}

int shim_proc_pipes(struct shim_proc *p, bool with_stdin, int child_fds[3], struct mr_error **err)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 };

	if ((with_stdin && pipe2(in, O_CLOEXEC) < 0) || pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0) {
		int e = errno;
		for (int i = 0; i < 2; i++) {
			if (in[i] >= 0)
				close(in[i]);
			if (out[i] >= 0)
				close(out[i]);
		}
		return mr_error_sys(err, e, "pipe");
	}
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = er[0];
	p->stdin_open = with_stdin;
	if (p->in_fd >= 0)
		fcntl(p->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	child_fds[0] = in[0];
	child_fds[1] = out[1];
	child_fds[2] = er[1];
	return 0;
}

int shim_proc_set_master(struct shim_proc *p, int master, bool with_stdin, struct mr_error **err)
{
	p->terminal = true;
	p->out_fd = master;
	fcntl(master, F_SETFL, O_NONBLOCK);
	if (with_stdin) {
		p->in_fd = fcntl(master, F_DUPFD_CLOEXEC, 3);
		if (p->in_fd < 0)
			return mr_error_sys(err, errno, "dup");
		p->stdin_open = true;
	}
	return 0;
}

static void deliver(struct shim_proc *p, int stream, const char *data, size_t len)
{
	for (struct shim_sink *s = p->sinks, *next; s; s = next) {
		next = s->next; /* a sink may leave */
		s->fn(s, stream, data, len);
	}
}

/* One read: 1 data, 0 EOF (fd closed), -1 nothing now. */
static int read_once(struct shim_proc *p, struct shim_watch *w, int *fd, int stream)
{
	char buf[READ_CHUNK];
	ssize_t n;

	do
		n = read(*fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		deliver(p, stream, buf, (size_t)n);
		return 1;
	}
	if (n < 0 && errno == EAGAIN)
		return -1;
	/* EOF; a pty master reads EIO once no slave is open */
	close_fd(p, w, fd);
	return 0;
}

static void on_output(struct shim_watch *w, uint32_t events)
{
	struct shim_proc *p = w->data;

	if (w == &p->out_w)
		read_once(p, w, &p->out_fd, SHIM_STDOUT);
	else
		read_once(p, w, &p->err_fd, SHIM_STDERR);
}

int shim_proc_watch_output(struct shim_proc *p, struct mr_error **err)
{
	uint32_t ev = p->held ? 0 : EPOLLIN;

	if (p->out_fd >= 0 && !p->out_w.added && shim_loop_add(p->loop, &p->out_w, p->out_fd, ev, on_output, p, err) < 0)
		return -1;
	if (p->err_fd >= 0 && !p->err_w.added && shim_loop_add(p->loop, &p->err_w, p->err_fd, ev, on_output, p, err) < 0)
		return -1;
	return 0;
}

char *shim_proc_read_err(struct shim_proc *p)
{
	int fd = p->terminal ? -1 : p->err_fd;
	char buf[8192];
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	return strndup(buf, (size_t)n);
}

void shim_proc_hold_output(struct shim_proc *p, bool hold)
{
	if (p->held == hold)
		return;
	p->held = hold;
	if (p->out_fd >= 0)
		shim_loop_mod(p->loop, &p->out_w, hold ? 0 : EPOLLIN);
	if (p->err_fd >= 0)
		shim_loop_mod(p->loop, &p->err_w, hold ? 0 : EPOLLIN);
}

/* Everything written before the exit, then the fds closed: a writer left
 * behind (a child outside a PID namespace) cannot hold the exit up. */
static void drain_one(struct shim_proc *p, struct shim_watch *w, int *fd, int stream)
{
	for (size_t n = 0; *fd >= 0 && n < SHIM_DRAIN_MAX; n += READ_CHUNK)
		if (read_once(p, w, fd, stream) != 1)
			break;
	close_fd(p, w, fd);
}

static void drain(struct shim_proc *p)
{
	drain_one(p, &p->out_w, &p->out_fd, SHIM_STDOUT);
	drain_one(p, &p->err_w, &p->err_fd, SHIM_STDERR);
}

static void proc_exited(struct shim_child *c, int status)
{
	struct shim_proc *p = c->data;

	p->reaped = true;
	p->wait_status = status;
	p->exit_code = shim_exit_code(status);
	p->exited_at = mr_time_now();
	/* Everything it wrote before dying is in the pipes now (a PID
	 * namespace's init dies last: the kernel waits for the rest first). */
	drain(p);
	p->status = SHIM_PROC_EXITED;
	close_fd(p, &p->in_w, &p->in_fd);
	shim_buf_free(&p->in_buf);
	p->stdin_open = false;
	if (p->on_exit)
		p->on_exit(p, p->on_exit_data);
	notify_all(&p->exit_waiters);
	notify_all(&p->stdin_waiters);
}

void shim_proc_set_pid(struct shim_proc *p, pid_t pid)
{
	p->pid = pid;
	shim_loop_watch_child(p->loop, &p->child, pid, proc_exited, p);
}

void shim_proc_add_sink(struct shim_proc *p, struct shim_sink *s, shim_sink_fn fn, void *data)
{
	s->fn = fn;
	s->data = data;
	s->next = p->sinks;
	if (s->next)
		s->next->pprev = &s->next;
	s->pprev = &p->sinks;
	p->sinks = s;
}

void shim_proc_remove_sink(struct shim_sink *s)
{
	if (s->pprev == NULL)
		return;
	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	s->next = NULL;
	s->pprev = NULL;
}

void shim_proc_on_exit(struct shim_proc *p, struct shim_notify *n, shim_notify_fn fn, void *data)
{
	notify_add(&p->exit_waiters, n, fn, data);
}

static void stdin_flush(struct shim_proc *p)
{
	int r = shim_buf_flush(&p->in_buf, p->in_fd);

	if (r < 0) {
		/* EPIPE: nobody reads its stdin any more */
		shim_buf_free(&p->in_buf);
		close_fd(p, &p->in_w, &p->in_fd);
		p->stdin_open = false;
		notify_all(&p->stdin_waiters);
		return;
	}
	if (r == 1 && p->in_close_pending) {
		close_fd(p, &p->in_w, &p->in_fd);
		p->stdin_open = false;
	}
	if (p->in_fd >= 0)
		shim_loop_mod(p->loop, &p->in_w, r == 1 ? 0 : EPOLLOUT);
	if (r == 1 || shim_proc_stdin_room(p))
		notify_all(&p->stdin_waiters);
}

static void on_stdin(struct shim_watch *w, uint32_t events)
{
	stdin_flush(w->data);
}

int shim_proc_write_stdin(struct shim_proc *p, const void *data, size_t len)
{
	struct mr_error *err = NULL;

	if (p->in_fd < 0 || !p->stdin_open || p->in_close_pending)
		return -1;
	if (!p->in_w.added && shim_loop_add(p->loop, &p->in_w, p->in_fd, 0, on_stdin, p, &err) < 0) {
		mr_error_free(err);
		return -1;
	}
	if (shim_buf_append(&p->in_buf, data, len) < 0)
		return -1;
	stdin_flush(p);
	return 0;
}

bool shim_proc_stdin_room(const struct shim_proc *p)
{
	return shim_buf_used(&p->in_buf) < SHIM_STDIN_ROOM;
}

void shim_proc_wait_stdin(struct shim_proc *p, struct shim_notify *n, shim_notify_fn fn, void *data)
{
	notify_add(&p->stdin_waiters, n, fn, data);
}

void shim_proc_close_stdin(struct shim_proc *p)
{
	if (p->in_fd < 0)
		return;
	p->in_close_pending = true;
	if (shim_buf_used(&p->in_buf) == 0) {
		close_fd(p, &p->in_w, &p->in_fd);
		p->stdin_open = false;
	}
}

int shim_proc_resize(struct shim_proc *p, unsigned rows, unsigned cols, struct mr_error **err)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

	if (!p->terminal || p->out_fd < 0)
		return mr_error_set(err, ENOTTY, "%s has no terminal", p->exec_id ? "the exec process" : "the container");
	if (ioctl(p->out_fd, TIOCSWINSZ, &ws) < 0)
		return mr_error_sys(err, errno, "resize");
	return 0;
}

int shim_proc_signal(struct shim_proc *p, int sig, struct mr_error **err)
{
	if (p->pid <= 0 || p->reaped)
		return mr_error_set(err, ESRCH, "process already finished");
	if (kill(p->pid, sig) < 0)
		return mr_error_sys(err, errno, "kill %d", (int)p->pid);
	return 0;
}
