/* libFuzzer target: any byte string as one packet of the parent <-> init
 * protocol (sync.h): through mr_sync_decode, and through a real
 * SOCK_SEQPACKET socketpair into mr_sync_recv, which must agree with it.
 * What decodes is sent again with mr_sync_send and must come back the same.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-sync -max_len=70000 -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-sync */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 8 /* type, len: two uint32 */

static struct mr_sync_msg *decoded, *received;
static int sp[2] = { -1, -1 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int big = 4 << 20;

	(void)argc;
	(void)argv;
	/* two 64 KiB messages: not on the stack */
	decoded = malloc(sizeof(*decoded));
	received = malloc(sizeof(*received));
	if (decoded == NULL || received == NULL || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		abort();
	/* room for the largest packet mr_sync_recv accepts, and then some */
	setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(sp[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return 0;
}

/* A failure says why, in one line, and hands back no fd. */
static void check_error(int r, struct mr_error *err, const struct mr_sync_msg *m)
{
	if (r != -1 || err == NULL || err->msg == NULL || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL ||
	    m->fd != -1)
		abort();
}

/* A decoded message is exactly the packet. */
static void check_message(const struct mr_sync_msg *m, const uint8_t *data, size_t size)
{
	uint32_t type, len;

	memcpy(&type, data, 4);
	memcpy(&len, data + 4, 4);
	if (size < HEADER || m->type != type || m->len != len || (size_t)len != size - HEADER || len > MR_SYNC_MAX_PAYLOAD ||
	    m->type < MR_SYNC_GO || m->type > MR_SYNC_LAST || memcmp(m->data, data + HEADER, len) != 0 ||
	    m->data[len] != '\0' || m->fd != -1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_error *err = NULL, *err2 = NULL;
	int r, r2;
	ssize_t n;

	memset(decoded, 0x5a, offsetof(struct mr_sync_msg, data) + 16);
	r = mr_sync_decode(data, size, decoded, &err);
	if (r == 0) {
		if (err != NULL)
			abort();
		check_message(decoded, data, size);
	} else {
		check_error(r, err, decoded);
	}
	mr_error_free(err);
	err = NULL;

	/* The same bytes through the socket. An empty packet reads as the
	 * peer's end (recv returns 0): that one is recv's own case. */
	n = send(sp[0], data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == (ssize_t)size && size > 0) {
		r2 = mr_sync_recv(sp[1], received, &err2);
		if ((r2 == 0) != (r == 0))
			abort();
		if (r2 == 0)
			check_message(received, data, size);
		else
			check_error(r2, err2, received);
		mr_error_free(err2);
		err2 = NULL;
	} else if (n >= 0 && size == 0) {
		char b;
		/* drain the empty packet */
		if (recv(sp[1], &b, 1, MSG_DONTWAIT) != 0)
			abort();
	}

	/* What decoded goes out again with mr_sync_send: the payload up to
	 * its first NUL (send takes a string) with the same type. */
	if (r == 0) {
		size_t want = strnlen(decoded->data, decoded->len);
		if (mr_sync_send(sp[0], (enum mr_sync_type)decoded->type, decoded->len ? decoded->data : NULL, -1, &err) < 0)
			abort();
		if (mr_sync_recv(sp[1], received, &err2) < 0)
			abort();
		if (received->type != decoded->type || received->len != want ||
		    memcmp(received->data, decoded->data, want) != 0 || received->fd != -1)
			abort();
		/* mr_sync_expect: the right type passes, an ERROR becomes the error */
		if (mr_sync_send(sp[0], (enum mr_sync_type)decoded->type, NULL, -1, &err) < 0)
			abort();
		r2 = mr_sync_expect(sp[1], (enum mr_sync_type)decoded->type, received, &err2);
		if (decoded->type == MR_SYNC_ERROR ? r2 != -1 : r2 != 0)
			abort();
	}
	mr_error_free(err);
	mr_error_free(err2);
	return 0;
}
