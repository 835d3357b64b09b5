/* minirund: the container manager and its Docker Engine API.
 *
 * One process, one thread, one epoll loop (loop.c): the HTTP server
 * (http/), the shims' sockets (shim/), timers. Foreground; logs to stderr.
 * SIGTERM and SIGINT stop it cleanly and leave the containers running:
 * their shims hold them, and the next minirund re-attaches (reconcile). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon-setup.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

static void usage(FILE *f)
{
	fputs("Usage: minirund [OPTIONS]\n"
	      "\n"
	      "The minirun container manager: the Docker Engine API (1.41) on a unix socket.\n"
	      "\n"
	      "  -H, --host unix://PATH     socket to listen on (default unix:///run/minirund.sock)\n"
	      "      --tcp HOST:PORT        also listen on a loopback TCP port\n"
	      "      --token-file FILE      the token TCP clients must send for anything but GET\n"
	      "      --data-root DIR        records, images, containers (default /var/lib/minirund)\n"
	      "      --exec-root DIR        bundles, mounts, shim state (default /run/minirund)\n"
	      "      --runtime PATH         the OCI runtime the shims run (default: minirun)\n"
	      "      --shim PATH            minirun-shim (default: beside minirund, else in PATH)\n"
	      "      --cgroup-parent PATH   cgroup of the containers' cgroups (default /minirund)\n"
	      "  -h, --help                 this help\n"
	      "  -v, --version              the version\n",
	      f);
}

static int parse_options(int argc, char **argv, struct mrd_options *o, struct mr_error **err)
{
	static const struct option longopts[] = {
		{"host", required_argument, NULL, 'H'},     {"tcp", required_argument, NULL, 't'},
		{"token-file", required_argument, NULL, 'T'}, {"data-root", required_argument, NULL, 'd'},
		{"exec-root", required_argument, NULL, 'e'}, {"runtime", required_argument, NULL, 'r'},
		{"shim", required_argument, NULL, 's'},     {"cgroup-parent", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},           {"version", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	int c;
	const char *token_file = NULL;

	while ((c = getopt_long(argc, argv, "H:hv", longopts, NULL)) != -1) {
		char **slot = NULL;
		switch (c) {
		case 'H':
			if (strncmp(optarg, "unix://", 7) != 0 || optarg[7] != '/')
				return mr_error_set(err, EINVAL, "--host %s: expected unix:///PATH (TCP: --tcp)", optarg);
			free(o->host);
			o->host = strdup(optarg + 7);
			break;
		case 't':
			slot = &o->tcp;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 'd':
			slot = &o->data_root;
			break;
		case 'e':
			slot = &o->exec_root;
			break;
		case 'r':
			slot = &o->runtime;
			break;
		case 's':
			slot = &o->shim;
			break;
		case 'c':
			slot = &o->cgroup_parent;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'v':
			printf("minirund version %s, commit %s, Docker Engine API %s\n", PACKAGE_VERSION, MR_COMMIT,
			       "1.41");
			exit(0);
		default:
			usage(stderr);
			return mr_error_set(err, EINVAL, "bad command line");
		}
		if (slot != NULL) {
			free(*slot);
			*slot = strdup(optarg);
		}
	}
	if (optind < argc)
		return mr_error_set(err, EINVAL, "unexpected argument %s", argv[optind]);
	if (token_file != NULL && mrd_read_token(token_file, &o->token, err) < 0)
		return -1;
	if (o->tcp != NULL && o->token == NULL)
		return mr_error_set(err, EINVAL, "--tcp needs --token-file (anything but GET on TCP needs the token)");
	return mrd_options_defaults(o, argv[0], err);
}

static void on_signal(struct mrd_watch *w, uint32_t events, void *data)
{
	struct mrd_daemon *d = data;
	struct signalfd_siginfo si;

	while (read(mrd_watch_fd(w), &si, sizeof(si)) == sizeof(si))
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			fprintf(stderr, "minirund: signal %d: stopping (containers keep running)\n", (int)si.ssi_signo);
			mrd_loop_quit(d->loop);
		}
}

int main(int argc, char **argv)
{
	struct mrd_daemon d = {0};
	cleanup_error struct mr_error *err = NULL;
	sigset_t mask;
	int sfd, ret = 1;
	struct mrd_watch *sw;

	if (parse_options(argc, argv, &d.opt, &err) < 0) {
		fprintf(stderr, "minirund: %s\n", err->msg);
		mrd_options_free(&d.opt);
		return 2;
	}
	/* fds our parent left open are not for the programs we run */
	mr_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d.loop = mrd_loop_new();
	if (d.loop == NULL || sfd < 0) {
		fprintf(stderr, "minirund: cannot set up the event loop: %s\n", strerror(errno));
		return 1;
	}
	sw = mrd_watch_add(d.loop, sfd, EPOLLIN, on_signal, &d);
	if (mrd_daemon_start(&d, &err) < 0) {
		fprintf(stderr, "minirund: %s\n", err->msg);
		goto out;
	}
	fprintf(stderr, "minirund: listening on unix://%s%s%s\n", d.opt.host, d.opt.tcp ? " and tcp://" : "",
		d.opt.tcp ? d.opt.tcp : "");
	if (mrd_loop_run(d.loop) < 0)
		fprintf(stderr, "minirund: event loop: %s\n", strerror(errno));
	else
		ret = 0;
out:
	mrd_daemon_stop(&d);
	mrd_watch_del(sw);
	close(sfd);
	mrd_loop_free(d.loop);
	mrd_options_free(&d.opt);
	return ret;
}
