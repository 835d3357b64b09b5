/* Loading a bundle's config.json: read, parse, check types against the
 * schema-generated model, then validate the rules the schema cannot say.
 * Every error is found before any side effect and reads
 *   config.json: <json path>: <what is wrong>
 * or, for syntax errors,
 *   config.json: line L, column C: parse error: ... */
#ifndef MINIRUN_SPEC_CONFIG_H
#define MINIRUN_SPEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* <bundle>/config.json; bundle NULL means the current directory. Relative
 * paths (root.path) are checked against the bundle directory. */
struct oci_config *mr_config_load(const char *bundle, struct mr_error **err);

/* Parse and validate a document held in memory. `bundle` may be NULL to
 * skip the checks that look at the filesystem (root.path exists). Errors are
 * not prefixed with a file name. */
struct oci_config *mr_config_parse(const char *buf, size_t len, const char *bundle, struct mr_error **err);

/* The config as JSON (pretty: tab-indented like `runc spec`). */
char *mr_config_to_json(const struct oci_config *cfg, bool pretty, struct mr_error **err);

/* The linux.namespaces[] entry of `type` ("pid", "user", ...), or NULL
 * (also when there is no linux object). */
const struct oci_namespace *mr_config_namespace(const struct oci_linux *l, const char *type);

void mr_config_free(struct oci_config *cfg);

static inline void mr_config_freep(struct oci_config **cfg)
{
	mr_config_free(*cfg);
}
#define cleanup_config __attribute__((cleanup(mr_config_freep)))

#endif
