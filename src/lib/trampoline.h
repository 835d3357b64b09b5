/* The last execve of a container process goes through minirun's exec
 * trampoline (src/trampoline/trampoline.c), run from a sealed memfd, so
 * that /proc/self/exe is never the minirun binary when the container's
 * program starts (CVE-2019-5736, the "#!/proc/self/exe" form included). */
#ifndef MINIRUN_TRAMPOLINE_H
#define MINIRUN_TRAMPOLINE_H

/* execve(exe, argv, envp) through the trampoline. Returns only on failure
 * (-1, errno set); where the kernel or a seccomp profile refuses memfds or
 * execveat it falls back to a plain execve. */
int mr_trampoline_execve(const char *exe, char *const argv[], char *const envp[]);

#endif
