/* The sd_notify proxy (notify.h). */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "spec/config.h"
#include "util/cleanup.h"

#define OOM(err) mr_error_set(err, ENOMEM, "out of memory")

/* The host ids of the container's root: those mapped to 0 in a new user
 * namespace, else the runtime's. */
static void root_owner(const struct oci_config *cfg, uid_t *uid, gid_t *gid)
{
	const struct oci_linux *l = cfg->linux;
	const struct oci_namespace *user = mr_config_namespace(l, "user");

	*uid = 0;
	*gid = 0;
	if (user == NULL || user->path)
		return;
	for (size_t i = 0; i < l->uid_mappings_len; i++)
		if (l->uid_mappings[i].container_id == 0)
			*uid = l->uid_mappings[i].host_id;
	for (size_t i = 0; i < l->gid_mappings_len; i++)
		if (l->gid_mappings[i].container_id == 0)
			*gid = l->gid_mappings[i].host_id;
}

/* mounts += {destination, source, "bind", [rbind, ro, nosuid, nodev, noexec]} */
static int append_mount(struct oci_config *cfg, const char *destination, const char *source, struct mr_error **err)
{
	static const char *const options[] = { "bind", "ro", "nosuid", "nodev", "noexec" };
	const size_t n_opts = sizeof(options) / sizeof(options[0]);
	struct oci_mount *grown = realloc(cfg->mounts, (cfg->mounts_len + 1) * sizeof(*grown));
	struct oci_mount *m;

	if (grown == NULL)
		return OOM(err);
	cfg->mounts = grown;
	m = memset(&grown[cfg->mounts_len], 0, sizeof(*m));
	m->destination = strdup(destination);
	m->source = strdup(source);
	m->type = strdup("bind");
	m->options = calloc(n_opts + 1, sizeof(char *));
	cfg->mounts_len++; /* freed with the config from here on */
	if (!m->destination || !m->source || !m->type || !m->options)
		return OOM(err);
	for (size_t i = 0; i < n_opts; i++) {
		if ((m->options[i] = strdup(options[i])) == NULL)
			return OOM(err);
		m->options_len = i + 1;
	}
	return 0;
}

int mr_notify_prepare(int dir_fd, const char *dir_path, const char *notify_socket, struct oci_config *cfg,
		      char **env, struct mr_error **err)
{
	/* a socket path is at most 107 bytes: that is the longest the
	 * container's may be, its directory 7 shorter ("/notify") */
	const char *inside = notify_socket[0] == '/' ? notify_socket : "/run/notify";
	char source[PATH_MAX];
	uid_t uid;
	gid_t gid;

	*env = NULL;
	if (strlen(inside) > sizeof(((struct sockaddr_un *)0)->sun_path) - 1 - strlen("/notify"))
		return mr_error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET: \"%.64s...\" is too long to hold the container's socket",
				    notify_socket);
	if (mkdirat(dir_fd, MR_NOTIFY_DIR, 0711) < 0)
		return mr_error_sys(err, errno, "NOTIFY_SOCKET: cannot make %s/%s", dir_path, MR_NOTIFY_DIR);
	root_owner(cfg, &uid, &gid);
	if ((uid || gid) && fchownat(dir_fd, MR_NOTIFY_DIR, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return mr_error_sys(err, errno, "NOTIFY_SOCKET: cannot give %s/%s to the container's root", dir_path,
				    MR_NOTIFY_DIR);
	if ((size_t)snprintf(source, sizeof(source), "%s/%s", dir_path, MR_NOTIFY_DIR) >= sizeof(source))
		return mr_error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET: the state directory's path is too long");
	if (append_mount(cfg, inside, source, err) < 0)
		return -1;
	if (asprintf(env, "NOTIFY_SOCKET=%s/notify", inside) < 0) {
		*env = NULL;
		return OOM(err);
	}
	return 0;
}

int mr_notify_bind(int dir_fd, struct mr_error **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int sock;

	/* through our fd of the directory: its own path may be longer than a
	 * socket address holds */
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s/notify", dir_fd, MR_NOTIFY_DIR);
	if (faccessat(dir_fd, MR_NOTIFY_DIR, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
		errno = ENOENT;
		return -1;
	}
	unlink(addr.sun_path); /* an earlier start's */
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return mr_error_sys(err, errno, "NOTIFY_SOCKET: socket");
	if (bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 || chmod(addr.sun_path, 0777) < 0) {
		int e = errno;
		close(sock);
		return mr_error_sys(err, e, "NOTIFY_SOCKET: cannot bind the container's socket");
	}
	return sock;
}

bool mr_notify_says_ready(const char *msg, size_t len)
{
	const char *end = msg + len;

	for (const char *line = msg; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = (size_t)((nl ? nl : end) - line);
		if (n == 7 && memcmp(line, "READY=1", 7) == 0)
			return true;
		line += n + 1;
	}
	return false;
}

static int send_ready(const char *host_socket, struct mr_error **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(host_socket);
	socklen_t alen;
	cleanup_close int sock = -1;

	if (len == 0 || len >= sizeof(addr.sun_path))
		return mr_error_set(err, EINVAL, "NOTIFY_SOCKET: \"%.64s\" is not a socket address", host_socket);
	memcpy(addr.sun_path, host_socket, len);
	if (host_socket[0] == '@')
		addr.sun_path[0] = '\0'; /* abstract: no terminating NUL counted */
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (host_socket[0] == '@' ? 0 : 1));
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return mr_error_sys(err, errno, "NOTIFY_SOCKET: socket");
	/* a receiver whose queue stays full must not hold start or run (which
	 * waits for its forwarder) for ever */
	setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &(struct timeval){ .tv_sec = MR_NOTIFY_SEND_TIMEOUT }, sizeof(struct timeval));
	if (sendto(sock, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&addr, alen) < 0) {
		if (errno == EAGAIN)
			return mr_error_set(err, EAGAIN, "NOTIFY_SOCKET: %s took no READY=1 within %d s (its queue is full)",
					    host_socket, MR_NOTIFY_SEND_TIMEOUT);
		return mr_error_sys(err, errno, "NOTIFY_SOCKET: cannot send READY=1 to %s", host_socket);
	}
	return 0;
}

int mr_notify_forward(int sock, int pidfd, const char *host_socket, struct mr_error **err)
{
	struct pollfd pfd[2] = { { .fd = sock, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
	char buf[4096];

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return mr_error_sys(err, errno, "NOTIFY_SOCKET: poll");
		}
		if (pfd[0].revents & POLLIN) {
			ssize_t n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
			if (n > 0 && mr_notify_says_ready(buf, (size_t)n))
				return send_ready(host_socket, err);
			continue; /* what is queued before the end counts */
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
			return 0;
	}
}
