/* sysc: make one raw system call and print its return value (a negative
 * errno on failure), for the seccomp tests.
 *
 *   sysc NR [ARG...]      the x86_64 syscall NR with up to 6 arguments
 *   sysc -32 NR [ARG...]  the i386 syscall NR through int $0x80 (seccomp
 *                         sees AUDIT_ARCH_I386), up to 3 arguments
 *
 * Numbers are decimal or 0x hex. No libc (-nostdlib -static): it runs in
 * the busybox rootfs and makes no other system call than write and exit,
 * so a filter sees exactly the call asked for. x86_64 only. */
#define MAX_ARGS 6

static long syscall6(long nr, const long *a)
{
	register long r10 __asm__("r10") = a[3];
	register long r8 __asm__("r8") = a[4];
	register long r9 __asm__("r9") = a[5];
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static long int80(long nr, const long *a)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]) : "memory");
	/* the i386 ABI returns a 32-bit value */
	return (long)(int)ret;
}

static long parse(const char *s)
{
	unsigned long v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		unsigned d = *s >= '0' && *s <= '9' ? (unsigned)(*s - '0')
			     : *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10)
			     : *s >= 'A' && *s <= 'F' ? (unsigned)(*s - 'A' + 10)
						      : 99;
		if (d >= base)
			break;
		v = v * base + d;
	}
	return (long)v;
}

static void out(long fd, const char *s, long n)
{
	long a[MAX_ARGS] = { fd, (long)s, n };
	syscall6(1, a); /* write */
}

static __attribute__((noreturn)) void quit(long code)
{
	long a[MAX_ARGS] = { code };
	for (;;)
		syscall6(60, a); /* exit */
}

static __attribute__((noreturn, used)) void start_c(long *sp)
{
	long argc = sp[0], a[MAX_ARGS] = { 0 }, nr, v;
	char **argv = (char **)(sp + 1), buf[32], *p = buf + sizeof(buf);
	int i386 = 0, first = 1;
	unsigned long u;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] == '3' && argv[1][2] == '2' && !argv[1][3]) {
		i386 = 1;
		first = 2;
	}
	if (argc <= first || argc - first - 1 > (i386 ? 3 : MAX_ARGS)) {
		static const char usage[] = "usage: sysc [-32] NR [ARG...]\n";
		out(2, usage, sizeof(usage) - 1);
		quit(2);
	}
	nr = parse(argv[first]);
	for (long k = first + 1; k < argc; k++)
		a[k - first - 1] = parse(argv[k]);
	v = i386 ? int80(nr, a) : syscall6(nr, a);
	u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	*--p = '\n';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	out(1, p, buf + sizeof(buf) - p);
	quit(0);
}

/* The kernel enters with argc at (%rsp); align the stack for the C call. */
__asm__(".text\n.global _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall start_c\n\thlt\n");
