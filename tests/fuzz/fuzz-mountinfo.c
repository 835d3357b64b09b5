/* libFuzzer target: any line as a line of /proc/self/mountinfo through
 * mr_mountinfo_parse (util/mountinfo.h; mount points are names anyone who
 * can mount may choose, escapes and all). A parsed line's fields all lie
 * in the line, hold no space (the kernel escapes them), the super options
 * hold no newline, and the mount point and root are no longer than they
 * were escaped; a refused line leaves nothing to read. mr_mountinfo_path_under
 * is then asked about the mount point against "/" and itself.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-mountinfo -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-mountinfo */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const char *field, const char *buf, size_t size)
{
	if (field != NULL && field[0] == '\0')
		return; /* an empty field may be a literal "" */
	if (field == NULL || field < buf || field > buf + size || field + strlen(field) > buf + size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	struct mr_mountinfo mi;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (mr_mountinfo_parse(buf, &mi)) {
		const char *fields[] = { mi.root, mi.mount_point, mi.options, mi.optional,
					 mi.fstype, mi.source, mi.super_opts };

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			inside(fields[i], buf, size);
		if (strchr(mi.fstype, ' ') || strchr(mi.source, ' ') || strchr(mi.options, ' ') ||
		    strchr(mi.super_opts, '\n'))
			abort();
		if (mi.mount_point[0] == '/' && (!mr_mountinfo_path_under(mi.mount_point, "/") ||
						 !mr_mountinfo_path_under(mi.mount_point, mi.mount_point)))
			abort();
	}
	free(buf);
	return 0;
}
