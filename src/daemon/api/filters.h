/* The `filters` query parameter: JSON {"key": {"value": true}} or the
 * older {"key": ["value"]}; every key checked against what the endpoint
 * takes (400 "invalid filter 'x'" otherwise). */
#ifndef MINIRUND_API_FILTERS_H
#define MINIRUND_API_FILTERS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct mrd_filters;

/* text NULL or "": no filters. allowed: NULL-terminated key names. */
struct mrd_filters *mrd_filters_parse(const char *text, const char *const *allowed, struct mr_error **err);
void mrd_filters_free(struct mrd_filters *f);

/* The values of key (n 0 when absent). */
const char *const *mrd_filters_get(const struct mrd_filters *f, const char *key, size_t *n);
bool mrd_filters_has(const struct mrd_filters *f, const char *key);
/* Whether value is one of key's values (true when key is absent). */
bool mrd_filters_match(const struct mrd_filters *f, const char *key, const char *value);
/* label filters: "k" or "k=v" against a lookup; true when absent.
 * For key "label" (all must match) or "label!" (none may match). */
typedef const char *(*mrd_label_fn)(const char *key, void *data);
bool mrd_filters_match_labels(const struct mrd_filters *f, const char *key, mrd_label_fn get, void *data);

#endif
