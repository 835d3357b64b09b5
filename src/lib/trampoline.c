#include "trampoline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static const unsigned char blob[] = {
#include "trampoline-blob.inc"
};

/* A memfd holding the trampoline, sealed: no one can change it, not even
 * through /proc/<pid>/exe once it runs. */
static int sealed_copy(void)
{
	int fd = memfd_create("minirun-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
		fd = memfd_create("minirun-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	if (write(fd, blob, sizeof(blob)) != (ssize_t)sizeof(blob) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int mr_trampoline_execve(const char *exe, char *const argv[], char *const envp[])
{
	size_t argc = 0;
	char **targv;
	int fd;

	while (argv[argc])
		argc++;
	fd = sealed_copy();
	targv = calloc(argc + 3, sizeof(char *));
	if (fd >= 0 && targv) {
		targv[0] = "minirun-exec";
		targv[1] = (char *)exe;
		memcpy(targv + 2, argv, argc * sizeof(char *));
		/* close-on-exec is fine for an ELF run from its fd */
		syscall(SYS_execveat, fd, "", targv, envp, AT_EMPTY_PATH);
	}
	/* No memfd, or execveat refused (a seccomp profile may allow execve
	 * only): the plain way, with the non-dumpable init as the defence. */
	if (fd >= 0)
		close(fd);
	free(targv);
	return execve(exe, argv, envp);
}
