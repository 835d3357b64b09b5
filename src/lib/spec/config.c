#include "spec/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/validate.h"
#include "util/cleanup.h"
#include "util/json.h"

const struct oci_namespace *mr_config_namespace(const struct oci_linux *l, const char *type)
{
	for (size_t i = 0; l && i < l->namespaces_len; i++)
		if (l->namespaces[i].type && strcmp(l->namespaces[i].type, type) == 0)
			return &l->namespaces[i];
	return NULL;
}

void mr_config_free(struct oci_config *cfg)
{
	if (cfg == NULL)
		return;
	mr_model_clear(&mr_type_oci_config, cfg);
	free(cfg);
}

struct oci_config *mr_config_parse(const char *buf, size_t len, const char *bundle, struct mr_error **err)
{
	struct mr_json *json = mr_json_parse(buf, len, err);
	struct oci_config *cfg;

	if (json == NULL)
		return NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		mr_json_free(json);
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (mr_model_parse(&mr_type_oci_config, json, cfg, err) < 0 || mr_config_validate(cfg, bundle, err) < 0) {
		mr_json_free(json);
		mr_config_free(cfg);
		return NULL;
	}
	mr_json_free(json);
	return cfg;
}

struct oci_config *mr_config_load(const char *bundle, struct mr_error **err)
{
	cleanup_free char *path = NULL, *buf = NULL, *abs = NULL;
	cleanup_close int fd = -1;
	struct oci_config *cfg;
	size_t len;

	if (bundle == NULL)
		bundle = ".";
	/* errors name the bundle as an absolute path, not "." */
	abs = realpath(bundle, NULL);
	if (abs)
		bundle = abs;
	if (asprintf(&path, "%s/config.json", bundle) < 0) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mr_error_sys(err, errno, "cannot open %s", path);
		return NULL;
	}
	buf = mr_read_fd(fd, MR_JSON_MAX_BYTES, &len, err);
	if (buf == NULL) {
		mr_error_prefix(err, "config.json");
		return NULL;
	}
	cfg = mr_config_parse(buf, len, bundle, err);
	if (cfg == NULL)
		mr_error_prefix(err, "config.json");
	return cfg;
}

char *mr_config_to_json(const struct oci_config *cfg, bool pretty, struct mr_error **err)
{
	return mr_model_to_string(&mr_type_oci_config, cfg, pretty, err);
}
