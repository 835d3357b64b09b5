#include "manager/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "loop.h"

struct mrd_events_sub {
	struct mrd_events *ev;
	mrd_event_fn fn;
	void *data;
	struct mrd_events_sub *next;
	bool dead;
};

struct mrd_events {
	struct mrd_daemon *d;
	struct mrd_event ring[MRD_EVENTS_KEPT];
	size_t head, count;
	struct mrd_events_sub *subs;
	size_t nsubs;
	int emitting;
};

struct mrd_events *mrd_events_new(struct mrd_daemon *d)
{
	struct mrd_events *ev = calloc(1, sizeof(*ev));
	if (ev != NULL)
		ev->d = d;
	return ev;
}

static void event_clear(struct mrd_event *e)
{
	free(e->id);
	for (size_t i = 0; e->attrs && e->attrs[i]; i++)
		free(e->attrs[i]);
	free(e->attrs);
	free(e->json);
	memset(e, 0, sizeof(*e));
}

void mrd_events_free(struct mrd_events *ev)
{
	if (ev == NULL)
		return;
	for (size_t i = 0; i < MRD_EVENTS_KEPT; i++)
		event_clear(&ev->ring[i]);
	while (ev->subs != NULL) {
		struct mrd_events_sub *s = ev->subs;
		ev->subs = s->next;
		free(s);
	}
	free(ev);
}

static void render(struct mrd_event *e)
{
	yajl_gen g = mr_jw_new();
	const char *name = mrd_event_attr(e, "image");
	size_t len;
	const char *buf;

	mr_jw_obj(g, NULL);
	if (strcmp(e->type, "container") == 0) {
		mr_jw_str(g, "status", e->action);
		mr_jw_str(g, "id", e->id);
		if (name != NULL)
			mr_jw_str(g, "from", name);
	} else if (strcmp(e->type, "image") == 0) {
		mr_jw_str(g, "status", e->action);
		mr_jw_str(g, "id", e->id);
	}
	mr_jw_str(g, "Type", e->type);
	mr_jw_str(g, "Action", e->action);
	mr_jw_obj(g, "Actor");
	mr_jw_str(g, "ID", e->id);
	mr_jw_obj(g, "Attributes");
	for (size_t i = 0; e->attrs && e->attrs[i] && e->attrs[i + 1]; i += 2)
		mr_jw_str(g, e->attrs[i], e->attrs[i + 1]);
	mr_jw_obj_end(g);
	mr_jw_obj_end(g);
	mr_jw_str(g, "scope", "local");
	mr_jw_int(g, "time", e->time_ns / 1000000000);
	mr_jw_int(g, "timeNano", e->time_ns);
	mr_jw_obj_end(g);
	buf = mr_jw_buf(g, &len);
	e->json = malloc(len + 1);
	if (e->json != NULL) {
		memcpy(e->json, buf, len);
		e->json[len] = '\n';
		e->json_len = len + 1;
	}
	yajl_gen_free(g);
}

static void reap_subs(struct mrd_events *ev)
{
	struct mrd_events_sub **p = &ev->subs;
	while (*p != NULL) {
		struct mrd_events_sub *s = *p;
		if (s->dead) {
			*p = s->next;
			free(s);
		} else {
			p = &s->next;
		}
	}
}

void mrd_events_emit(struct mrd_events *ev, const char *type, const char *action, const char *id,
		     const char *const *attrs)
{
	size_t slot = (ev->head + ev->count) % MRD_EVENTS_KEPT, n = 0;
	struct mrd_event *e;

	if (ev->count == MRD_EVENTS_KEPT) {
		slot = ev->head;
		ev->head = (ev->head + 1) % MRD_EVENTS_KEPT;
	} else {
		ev->count++;
	}
	e = &ev->ring[slot];
	event_clear(e);
	e->time_ns = mrd_now_real_ns();
	snprintf(e->type, sizeof(e->type), "%s", type);
	snprintf(e->action, sizeof(e->action), "%s", action);
	e->id = strdup(id ? id : "");
	while (attrs != NULL && attrs[n] != NULL)
		n++;
	e->attrs = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; e->attrs && i < n; i++)
		e->attrs[i] = strdup(attrs[i] ? attrs[i] : "");
	render(e);
	ev->emitting++;
	for (struct mrd_events_sub *s = ev->subs; s; s = s->next)
		if (!s->dead)
			s->fn(e, s->data);
	if (--ev->emitting == 0)
		reap_subs(ev);
}

struct mrd_events_sub *mrd_events_subscribe(struct mrd_events *ev, mrd_event_fn fn, void *data)
{
	struct mrd_events_sub *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	*s = (struct mrd_events_sub){.ev = ev, .fn = fn, .data = data};
	s->next = ev->subs;
	ev->subs = s;
	ev->nsubs++;
	return s;
}

void mrd_events_replay(struct mrd_events_sub *s, int64_t since_ns, int64_t until_ns)
{
	struct mrd_events *ev = s->ev;

	ev->emitting++;
	for (size_t i = 0; i < ev->count && !s->dead; i++) {
		const struct mrd_event *e = &ev->ring[(ev->head + i) % MRD_EVENTS_KEPT];
		if (e->time_ns >= since_ns && (until_ns <= 0 || e->time_ns <= until_ns))
			s->fn(e, s->data);
	}
	if (--ev->emitting == 0)
		reap_subs(ev);
}

void mrd_events_unsubscribe(struct mrd_events_sub *sub)
{
	if (sub == NULL)
		return;
	sub->dead = true;
	sub->ev->nsubs--;
	if (sub->ev->emitting == 0)
		reap_subs(sub->ev);
}

size_t mrd_events_listeners(const struct mrd_events *ev)
{
	return ev->nsubs;
}

const char *mrd_event_attr(const struct mrd_event *e, const char *name)
{
	for (size_t i = 0; e->attrs && e->attrs[i] && e->attrs[i + 1]; i += 2)
		if (strcmp(e->attrs[i], name) == 0)
			return e->attrs[i + 1];
	return NULL;
}
