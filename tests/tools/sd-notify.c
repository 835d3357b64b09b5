/* sd-notify MESSAGE: send MESSAGE (with \n for newlines) to $NOTIFY_SOCKET,
 * as sd_notify(3) does; built static for the tests' busybox rootfs. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char msg[1024];
	size_t n = 0;
	int sock;

	if (argc != 2 || path == NULL || strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sd-notify MESSAGE\n");
		return 2;
	}
	for (const char *s = argv[1]; *s && n < sizeof(msg); s++)
		msg[n++] = (s[0] == '\\' && s[1] == 'n') ? (s++, '\n') : *s;
	strcpy(addr.sun_path, path);
	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock < 0 || sendto(sock, msg, n, 0, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("sd-notify");
		return 1;
	}
	return 0;
}
