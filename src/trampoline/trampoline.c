/* minirun's exec trampoline: a tiny static program (no libc) that minirun
 * keeps inside itself. Just before running the container's program, the
 * init (and exec's process) execs this from a sealed memfd, and it execs the
 * program:
 *
 *     argv: "minirun-exec" PROGRAM ARGV0 ARGS...  ->  execve(PROGRAM, ARGV0 ARGS..., envp)
 *
 * Why (CVE-2019-5736): until then the process is the minirun binary, and a
 * container program starting with "#!/proc/self/exe" would make the kernel
 * run that binary again, inside the container, where it could be opened
 * and, once minirun exits, overwritten. Here /proc/self/exe is this sealed,
 * unwritable memfd instead, at the cost of one exec of ~1 KiB rather than
 * a copy and re-exec of minirun itself.
 *
 * Anything else that runs it (argv[0] is not "minirun-exec", as with
 * "#!/proc/self/exe") gets exit status 126. */

#if defined(__x86_64__)
#define NR_WRITE 1
#define NR_EXECVE 59
#define NR_EXIT 60
static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}
__asm__(".text\n.global _start\n_start:\n\txor %rbp,%rbp\n\tmov %rsp,%rdi\n\tand $-16,%rsp\n\tcall tramp_main\n\thlt\n");
#elif defined(__aarch64__)
#define NR_WRITE 64
#define NR_EXECVE 221
#define NR_EXIT 93
static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
__asm__(".text\n.global _start\n_start:\n\tmov x0, sp\n\tbl tramp_main\n\tb .\n");
#else
#error "the exec trampoline supports x86_64 and aarch64"
#endif

static const char magic[] = "minirun-exec";

static int same(const volatile char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static long len(const char *s)
{
	/* volatile: no compiler may turn this loop into a call to strlen */
	const volatile char *v = s;
	long n = 0;
	while (v[n])
		n++;
	return n;
}

static void die(const char *msg, const char *what, int status)
{
	sys3(NR_WRITE, 2, (long)msg, len(msg));
	if (what) {
		sys3(NR_WRITE, 2, (long)what, len(what));
	}
	sys3(NR_WRITE, 2, (long)"\n", 1);
	sys3(NR_EXIT, status, 0, 0);
	for (;;)
		;
}

__attribute__((used, noreturn)) void tramp_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	long r;

	if (argc < 3 || !same(argv[0], magic))
		die("minirun-exec: not to be run directly", 0, 126);
	r = sys3(NR_EXECVE, (long)argv[1], (long)(argv + 2), (long)envp);
	die("minirun: exec failed: ", argv[1], r == -2 ? 127 : 126);
	for (;;)
		;
}
