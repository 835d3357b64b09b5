#include "util/id.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static bool id_char(char c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return c == '_' || c == '+' || c == '-' || (!first && c == '.');
}

int mr_id_validate(const char *id, struct mr_error **err)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0)
		return mr_error_set(err, EINVAL, "invalid container id: empty");
	if (len > MR_ID_MAX)
		return mr_error_set(err, EINVAL, "invalid container id \"%.32s...\": %zu bytes, longer than %d (a file name)",
				    id, len, MR_ID_MAX);
	for (size_t i = 0; i < len; i++)
		if (!id_char(id[i], i == 0))
			return mr_error_set(err, EINVAL,
					    "invalid container id \"%.64s\": use letters, digits and _ + - . (not first)", id);
	return 0;
}
