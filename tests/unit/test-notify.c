/* The sd_notify proxy's reading of the container's datagrams (notify.c):
 * READY=1 counts only as a whole line, anywhere in the message. */
#include <string.h>

#include "notify.h"
#include "tap.h"

static bool ready(const char *msg)
{
	return mr_notify_says_ready(msg, strlen(msg));
}

int main(void)
{
	ok(ready("READY=1"), "READY=1 alone");
	ok(ready("READY=1\n"), "READY=1 with a line end");
	ok(ready("STATUS=starting\nREADY=1\nMAINPID=7"), "READY=1 among other lines");
	ok(ready("\n\nREADY=1"), "after empty lines");
	ok(!ready(""), "an empty datagram");
	ok(!ready("READY=10"), "READY=10 is not READY=1");
	ok(!ready("XREADY=1\nREADY=0"), "part of a line, or another value, is not it");
	ok(!ready("READY=\n1"), "split across lines");
	/* the length is the datagram's: no NUL needed, none looked for */
	ok(mr_notify_says_ready("READY=1garbage", 7), "the first 7 bytes of a longer buffer");
	ok(!mr_notify_says_ready("READY=1", 6), "a datagram one byte short");
	ok(mr_notify_says_ready("A\0B\nREADY=1", 11), "a NUL in an earlier line does not end the message");
	return done_testing();
}
