/* Docker's event stream: what happened to containers and images, kept in
 * a ring of the last MRD_EVENTS_KEPT (for `since`) and fanned out to every
 * subscriber as it happens (GET /events, and the dashboard's WebSocket). */
#ifndef MINIRUND_MANAGER_EVENTS_H
#define MINIRUND_MANAGER_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon.h"

#define MRD_EVENTS_KEPT 1024

struct mrd_event {
	int64_t time_ns;
	char type[16];    /* container, image */
	char action[48];  /* create, start, die, ..., "exec_start: sh" */
	char *id;
	char **attrs;     /* name, value, ..., NULL */
	char *json;       /* the event as Docker writes it */
	size_t json_len;
};

struct mrd_events;
struct mrd_events_sub;

typedef void (*mrd_event_fn)(const struct mrd_event *e, void *data);

struct mrd_events *mrd_events_new(struct mrd_daemon *d);
void mrd_events_free(struct mrd_events *ev);

/* attrs: name, value pairs, NULL-terminated (labels, image, name, exitCode). */
void mrd_events_emit(struct mrd_events *ev, const char *type, const char *action, const char *id,
		     const char *const *attrs);

/* Every event from now on. */
struct mrd_events_sub *mrd_events_subscribe(struct mrd_events *ev, mrd_event_fn fn, void *data);
/* Hand the kept events of [since, until] (until 0: no end) to the
 * subscriber, oldest first. */
void mrd_events_replay(struct mrd_events_sub *sub, int64_t since_ns, int64_t until_ns);
void mrd_events_unsubscribe(struct mrd_events_sub *sub);
size_t mrd_events_listeners(const struct mrd_events *ev);

/* The attribute of an event, NULL if it has none. */
const char *mrd_event_attr(const struct mrd_event *e, const char *name);

#endif
