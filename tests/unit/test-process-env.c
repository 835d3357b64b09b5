/* The process' environment (process-env.c): passwd(5) lookups of HOME and
 * runc's rules for process.env (the last value of a key wins, an empty HOME
 * is none). mr_env_prepare reads /etc/passwd of the test's root: the cases
 * that reach it use a uid no passwd maps (or only check that HOME is set). */
#include <stdlib.h>
#include <string.h>

#include "process-env.h"
#include "tap.h"

static void home_is(const char *text, uint32_t uid, const char *want, const char *name)
{
	const char *home = NULL;
	size_t len = 0;
	bool found = mr_passwd_home(text, strlen(text), uid, &home, &len);
	char got[256] = "(not found)";

	if (found)
		snprintf(got, sizeof(got), "%.*s", (int)len, home);
	is_str(got, want ? want : "(not found)", name);
}

static void test_passwd(void)
{
	const char *passwd = "root:x:0:0:root:/root:/bin/sh\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
			     "# a comment:x:2:2::/comment:\n"
			     "short:x:3:3\n"
			     "noshell:x:4:4::/home/noshell\n"
			     "empty:x:5:5:::/bin/sh\n"
			     "first:x:6:6::/first:/bin/sh\n"
			     "second:x:6:6::/second:/bin/sh\n"
			     "big:x:4294967295:0::/big:\n"
			     "over:x:4294967296:0::/over:\n"
			     "neg:x:-7:0::/neg:\n"
			     "last:x:1000:1000::/home/last:/bin/sh";

	home_is(passwd, 0, "/root", "passwd: root");
	home_is(passwd, 1, "/usr/sbin", "passwd: daemon");
	home_is(passwd, 2, NULL, "passwd: a line whose uid field is not a number is no entry");
	home_is(passwd, 3, NULL, "passwd: a line with too few fields is no entry");
	home_is(passwd, 4, "/home/noshell", "passwd: an entry without the shell field");
	home_is(passwd, 5, "", "passwd: an empty home directory is the entry's");
	home_is(passwd, 6, "/first", "passwd: the first entry of a uid wins (as getpwuid)");
	home_is(passwd, 4294967295u, "/big", "passwd: the largest uid");
	home_is(passwd, 7, NULL, "passwd: no negative uids");
	home_is(passwd, 1000, "/home/last", "passwd: the last line without a newline");
	home_is(passwd, 42, NULL, "passwd: a uid without an entry");
	home_is("", 0, NULL, "passwd: empty text");
	home_is("root:x:0:0:root:/root", 0, "/root", "passwd: six fields");
}

static char *joined(char **env)
{
	static char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; env && env[i] && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "|" : "", env[i]);
	return buf;
}

static void test_prepare(void)
{
	char *env[] = { "A=1", "PATH=/bin", "HOME=/h", "A=2", "B=", "PATH=/usr/bin", NULL };
	char *empty_home[] = { "HOME=", "X=y", NULL };
	char *extra[] = { "X=runtime", NULL };
	struct mr_error *err = NULL;
	char **out;

	out = mr_env_prepare(env, 6, NULL, 0, 4294967294u, &err);
	is_str(joined(out), "HOME=/h|A=2|B=|PATH=/usr/bin", "env: the last value of a key wins, at its place");
	is_str(mr_env_get(out, "PATH"), "/usr/bin", "env: mr_env_get finds PATH");
	ok(mr_env_get(out, "PAT") == NULL && mr_env_get(out, "C") == NULL, "env: mr_env_get matches whole keys");
	mr_env_free(out);

	out = mr_env_prepare(empty_home, 2, NULL, 0, 4294967294u, &err);
	is_str(joined(out), "X=y|HOME=/", "env: an empty HOME is none; a uid without an entry gets /");
	mr_env_free(out);

	out = mr_env_prepare(empty_home + 1, 1, extra, 1, 4294967294u, &err);
	is_str(joined(out), "X=runtime|HOME=/", "env: the runtime's extra entries win over process.env");
	mr_env_free(out);

	out = mr_env_prepare(NULL, 0, NULL, 0, 0, &err);
	ok(out && out[0] && strncmp(out[0], "HOME=", 5) == 0 && out[1] == NULL,
	   "env: an empty environment gets HOME only");
	mr_env_free(out);
	ok(err == NULL, "env: no error");
}

int main(void)
{
	test_passwd();
	test_prepare();
	return done_testing();
}
