/* The containers in memory and their records: load, find, create,
 * rename, update. The verbs that need the shim are in ctr-run.c. */
#include "manager/internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "image/images.h"
#include "util/jsonw.h"
#include "manager/events.h"
#include "oci/spec.h"
#include "store/store.h"
#include "util/cleanup.h"

static const char *const status_names[] = {"created", "running", "paused", "restarting", "removing", "exited", "dead"};

const char *mrd_status_name(enum mrd_status s)
{
	return status_names[s];
}

static enum mrd_status status_from(const char *s)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (strcmp(status_names[i], s) == 0)
			return (enum mrd_status)i;
	return MRD_DEAD;
}

bool mrd_ctr_running(const struct mrd_ctr *c)
{
	return c->status == MRD_RUNNING || c->status == MRD_PAUSED || c->status == MRD_RESTARTING;
}

static char *path_in(const char *root, const struct mrd_ctr *c, const char *name)
{
	char *p = NULL;
	if (asprintf(&p, "%s/containers/%s%s%s", root, c->id, name && *name ? "/" : "", name ? name : "") < 0)
		return NULL;
	return p;
}

char *mrd_ctr_data_path(const struct mrd_ctr *c, const char *name)
{
	return path_in(c->d->opt.data_root, c, name);
}

char *mrd_ctr_exec_path(const struct mrd_ctr *c, const char *name)
{
	return path_in(c->d->opt.exec_root, c, name);
}

char *mrd_ctr_cgroups_path(const struct mrd_ctr *c)
{
	char *p = NULL;
	const char *parent = c->cfg->cgroup_parent && *c->cfg->cgroup_parent ? c->cfg->cgroup_parent
									   : c->d->opt.cgroup_parent;
	if (asprintf(&p, "%s%s/%s", parent[0] == '/' ? "" : "/", parent, c->id) < 0)
		return NULL;
	return p;
}

void mrd_ctr_free(struct mrd_ctr *c)
{
	if (c == NULL)
		return;
	mrd_ctr_rt_free(c);
	free(c->name);
	mrd_ctr_config_free(c->cfg);
	free(c->record);
	free(c->error);
	free(c);
}

int mrd_ctr_save(struct mrd_ctr *c, struct mr_error **err)
{
	yajl_gen g = mr_jw_new();
	size_t len;
	const char *updates;
	int ret;

	mrd_ctr_config_write_updates(g, c->cfg);
	updates = mr_jw_buf(g, &len);
	struct mrd_ctr_state_row st = {
		.name = c->name,
		.status = mrd_status_name(c->status),
		.pid = c->pid,
		.exit_code = c->exit_code,
		.started_at = c->started_at,
		.finished_at = c->finished_at,
		.restart_count = c->restart_count,
		.oom_killed = c->oom_killed,
		.manual_stop = c->manual_stop,
		.has_started = c->has_started,
		.error = c->error ? c->error : "",
		.updates = updates,
	};
	ret = mrd_store_ctr_put_state(c->d->store, c->id, &st, err);
	yajl_gen_free(g);
	return ret;
}

/* ---- loading */

static int load_row(const struct mrd_ctr_row *row, const struct mrd_ctr_state_row *st, void *data)
{
	struct mrd_ctrs *cs = data;
	cleanup_error struct mr_error *err = NULL;
	struct mr_json *rec = mr_json_parse(row->config, strlen(row->config), &err), *upd = NULL;
	struct mrd_ctr *c = calloc(1, sizeof(*c));

	if (c == NULL || rec == NULL)
		goto bad;
	c->cfg = mrd_ctr_config_parse(rec, &err);
	mr_json_free(rec);
	if (c->cfg == NULL)
		goto bad;
	upd = mr_json_parse(st->updates, strlen(st->updates), &err);
	if (upd != NULL)
		mrd_ctr_config_update(c->cfg, upd, &err);
	mr_json_free(upd);
	c->d = cs->d;
	snprintf(c->id, sizeof(c->id), "%s", row->id);
	snprintf(c->image_id, sizeof(c->image_id), "%s", row->image_id);
	c->created = row->created;
	c->record = strdup(row->config);
	c->name = strdup(st->name);
	c->status = status_from(st->status);
	c->pid = (int)st->pid;
	c->exit_code = (int)st->exit_code;
	c->started_at = st->started_at;
	c->finished_at = st->finished_at;
	c->restart_count = (int)st->restart_count;
	c->oom_killed = st->oom_killed;
	c->manual_stop = st->manual_stop;
	c->has_started = st->has_started;
	c->error = st->error[0] ? strdup(st->error) : NULL;
	mrd_ctrs_link(cs, c);
	return 0;
bad:
	fprintf(stderr, "minirund: container %s: bad record: %s (skipped)\n", row->id, err ? err->msg : "out of memory");
	if (c != NULL)
		mrd_ctr_config_free(c->cfg);
	free(c);
	return 0;
}

struct mrd_ctrs *mrd_ctrs_load(struct mrd_daemon *d, struct mr_error **err)
{
	struct mrd_ctrs *cs = calloc(1, sizeof(*cs));

	if (cs == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	cs->d = d;
	if (mrd_store_ctr_each(d->store, load_row, cs, err) < 0) {
		mrd_ctrs_free(cs);
		return NULL;
	}
	return cs;
}

void mrd_ctrs_link(struct mrd_ctrs *cs, struct mrd_ctr *c)
{
	struct mrd_ctr **p = &cs->list;
	while (*p != NULL)
		p = &(*p)->next;
	*p = c;
	cs->count++;
}

void mrd_ctrs_unlink(struct mrd_ctrs *cs, struct mrd_ctr *c)
{
	for (struct mrd_ctr **p = &cs->list; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			cs->count--;
			return;
		}
}

void mrd_ctrs_free(struct mrd_ctrs *cs)
{
	if (cs == NULL)
		return;
	while (cs->list != NULL) {
		struct mrd_ctr *c = cs->list;
		cs->list = c->next;
		mrd_ctr_free(c);
	}
	free(cs);
}

struct mrd_ctr *mrd_ctrs_first(struct mrd_ctrs *cs)
{
	return cs->list;
}

size_t mrd_ctrs_count(const struct mrd_ctrs *cs)
{
	return cs->count;
}

struct mrd_ctr *mrd_ctrs_find(struct mrd_ctrs *cs, const char *ref)
{
	struct mrd_ctr *found = NULL;
	size_t n = strlen(ref);

	if (ref[0] == '/')
		ref++, n--;
	if (n == 0) {
		errno = ENOENT;
		return NULL;
	}
	for (struct mrd_ctr *c = cs->list; c; c = c->next)
		if (strcmp(c->id, ref) == 0 || strcmp(c->name, ref) == 0)
			return c;
	for (struct mrd_ctr *c = cs->list; c; c = c->next)
		if (n <= 64 && strncmp(c->id, ref, n) == 0) {
			if (found != NULL) {
				errno = EINVAL;
				return NULL;
			}
			found = c;
		}
	if (found == NULL)
		errno = ENOENT;
	return found;
}

bool mrd_ctrs_use_image(struct mrd_ctrs *cs, const char *image_id)
{
	for (struct mrd_ctr *c = cs->list; c; c = c->next)
		if (strcmp(c->image_id, image_id) == 0)
			return true;
	return false;
}

void mrd_ctr_event(struct mrd_ctr *c, const char *action, const char *const *extra)
{
	const char *attrs[64];
	size_t n = 0;

	attrs[n++] = "image";
	attrs[n++] = c->cfg->image ? c->cfg->image : c->image_id;
	attrs[n++] = "name";
	attrs[n++] = c->name;
	for (size_t i = 0; i < c->cfg->labels.n && n < 48; i++) {
		attrs[n++] = c->cfg->labels.k[i];
		attrs[n++] = c->cfg->labels.v[i];
	}
	for (size_t i = 0; extra && extra[i] && extra[i + 1] && n < 62; i += 2) {
		attrs[n++] = extra[i];
		attrs[n++] = extra[i + 1];
	}
	attrs[n] = NULL;
	mrd_events_emit(c->d->events, "container", action, c->id, attrs);
}

/* Docker's units.HumanDuration. */
static void human_duration(int64_t ns, char *buf, size_t size)
{
	int64_t s = ns / 1000000000;

	if (s < 1)
		snprintf(buf, size, "Less than a second");
	else if (s == 1)
		snprintf(buf, size, "1 second");
	else if (s < 60)
		snprintf(buf, size, "%lld seconds", (long long)s);
	else if (s / 60 == 1)
		snprintf(buf, size, "About a minute");
	else if (s < 3600)
		snprintf(buf, size, "%lld minutes", (long long)(s / 60));
	else if ((s + 1800) / 3600 == 1)
		snprintf(buf, size, "About an hour");
	else if (s < 48 * 3600)
		snprintf(buf, size, "%lld hours", (long long)((s + 1800) / 3600));
	else if (s < 14 * 86400)
		snprintf(buf, size, "%lld days", (long long)(s / 86400));
	else if (s < 56 * 86400)
		snprintf(buf, size, "%lld weeks", (long long)(s / (7 * 86400)));
	else if (s < 730 * 86400)
		snprintf(buf, size, "%lld months", (long long)(s / (30 * 86400)));
	else
		snprintf(buf, size, "%lld years", (long long)(s / (365 * 86400)));
}

void mrd_ctr_status_text(const struct mrd_ctr *c, char *buf, size_t size)
{
	char dur[64];
	int64_t now = mrd_now_real_ns();

	switch (c->status) {
	case MRD_CREATED:
		snprintf(buf, size, "Created");
		break;
	case MRD_RUNNING:
	case MRD_PAUSED:
		human_duration(now - c->started_at, dur, sizeof(dur));
		snprintf(buf, size, "Up %s%s", dur, c->status == MRD_PAUSED ? " (Paused)" : "");
		break;
	case MRD_RESTARTING:
		human_duration(now - c->finished_at, dur, sizeof(dur));
		snprintf(buf, size, "Restarting (%d) %s ago", c->exit_code, dur);
		break;
	case MRD_EXITED:
		human_duration(now - c->finished_at, dur, sizeof(dur));
		snprintf(buf, size, "Exited (%d) %s ago", c->exit_code, dur);
		break;
	case MRD_REMOVING:
		snprintf(buf, size, "Removal In Progress");
		break;
	case MRD_DEAD:
		snprintf(buf, size, "Dead");
		break;
	}
}
