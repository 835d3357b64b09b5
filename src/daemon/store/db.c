/* Opening the database, its schema and transactions; the container rows. */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const schema_v1[] = {
	"CREATE TABLE schema_version (version INTEGER NOT NULL)",
	"CREATE TABLE containers ("
	" id TEXT PRIMARY KEY, created INTEGER NOT NULL, image_id TEXT NOT NULL, config TEXT NOT NULL)",
	"CREATE TABLE container_state ("
	" id TEXT PRIMARY KEY REFERENCES containers(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL UNIQUE, status TEXT NOT NULL, pid INTEGER NOT NULL, exit_code INTEGER NOT NULL,"
	" started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, restart_count INTEGER NOT NULL,"
	" oom_killed INTEGER NOT NULL, manual_stop INTEGER NOT NULL, has_started INTEGER NOT NULL,"
	" error TEXT NOT NULL, updates TEXT NOT NULL)",
	"CREATE TABLE layers (diff_id TEXT PRIMARY KEY, size INTEGER NOT NULL)",
	"CREATE TABLE images ("
	" id TEXT PRIMARY KEY, config BLOB NOT NULL, created INTEGER NOT NULL, size INTEGER NOT NULL)",
	"CREATE TABLE image_layers ("
	" image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE, idx INTEGER NOT NULL,"
	" diff_id TEXT NOT NULL REFERENCES layers(diff_id), PRIMARY KEY (image_id, idx))",
	"CREATE INDEX image_layers_diff ON image_layers(diff_id)",
	"CREATE TABLE tags (name TEXT PRIMARY KEY, image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE)",
	"INSERT INTO schema_version VALUES (1)",
	NULL,
};

int mrd_store_fail(struct mrd_store *s, struct mr_error **err, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);
	int errnum = (code & 0xff) == SQLITE_CONSTRAINT ? EEXIST : EIO;
	return mr_error_set(err, errnum, "database: %s: %s", what, sqlite3_errmsg(s->db));
}

int mrd_store_exec(struct mrd_store *s, const char *sql, struct mr_error **err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		mr_error_set(err, EIO, "database: %s: %s", sql, msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *mrd_store_prepare(struct mrd_store *s, const char *sql, struct mr_error **err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		mrd_store_fail(s, err, "prepare");
		return NULL;
	}
	return st;
}

/* Run a statement that returns no rows, then finalize it. */
int mrd_store_step_done(struct mrd_store *s, sqlite3_stmt *st, const char *what, struct mr_error **err)
{
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc != SQLITE_DONE)
		ret = mrd_store_fail(s, err, what);
	sqlite3_finalize(st);
	return ret;
}

static int schema_version(struct mrd_store *s)
{
	sqlite3_stmt *st = NULL;
	int v = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT version FROM schema_version", -1, &st, NULL) != SQLITE_OK)
		return 0; /* no table: a new database */
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int init_schema(struct mrd_store *s, struct mr_error **err)
{
	int v = schema_version(s);

	if (v == MRD_STORE_SCHEMA_VERSION)
		return 0;
	if (v > MRD_STORE_SCHEMA_VERSION)
		return mr_error_set(err, EPROTO,
				    "database schema version %d is newer than this minirund's (%d): use a newer minirund",
				    v, MRD_STORE_SCHEMA_VERSION);
	if (mrd_store_begin(s, err) < 0)
		return -1;
	for (size_t i = 0; schema_v1[i] != NULL; i++)
		if (mrd_store_exec(s, schema_v1[i], err) < 0) {
			mrd_store_rollback(s);
			return -1;
		}
	return mrd_store_commit(s, err);
}

struct mrd_store *mrd_store_open(const char *path, struct mr_error **err)
{
	struct mrd_store *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		mr_error_set(err, EIO, "database %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		mrd_store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (mrd_store_exec(s, "PRAGMA journal_mode=WAL", err) < 0 ||
	    mrd_store_exec(s, "PRAGMA synchronous=FULL", err) < 0 ||
	    mrd_store_exec(s, "PRAGMA foreign_keys=ON", err) < 0 || init_schema(s, err) < 0) {
		mr_error_prefix(err, "database %s", path);
		mrd_store_close(s);
		return NULL;
	}
	return s;
}

void mrd_store_close(struct mrd_store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

int mrd_store_begin(struct mrd_store *s, struct mr_error **err)
{
	if (mrd_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	s->in_tx = true;
	return 0;
}

int mrd_store_commit(struct mrd_store *s, struct mr_error **err)
{
	s->in_tx = false;
	if (mrd_store_exec(s, "COMMIT", err) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void mrd_store_rollback(struct mrd_store *s)
{
	s->in_tx = false;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- containers */

static int bind_state(sqlite3_stmt *st, int first, const struct mrd_ctr_state_row *r)
{
	int i = first;
	sqlite3_bind_text(st, i++, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i++, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, i++, r->pid);
	sqlite3_bind_int64(st, i++, r->exit_code);
	sqlite3_bind_int64(st, i++, r->started_at);
	sqlite3_bind_int64(st, i++, r->finished_at);
	sqlite3_bind_int64(st, i++, r->restart_count);
	sqlite3_bind_int(st, i++, r->oom_killed);
	sqlite3_bind_int(st, i++, r->manual_stop);
	sqlite3_bind_int(st, i++, r->has_started);
	sqlite3_bind_text(st, i++, r->error ? r->error : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i++, r->updates ? r->updates : "{}", -1, SQLITE_STATIC);
	return i;
}

#define STATE_COLS                                                                                                    \
	"name, status, pid, exit_code, started_at, finished_at, restart_count, oom_killed, manual_stop, has_started," \
	" error, updates"

int mrd_store_ctr_insert(struct mrd_store *s, const struct mrd_ctr_row *c, const struct mrd_ctr_state_row *r,
			 struct mr_error **err)
{
	sqlite3_stmt *st = mrd_store_prepare(s, "INSERT INTO containers VALUES (?, ?, ?, ?)", err);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->created);
	sqlite3_bind_text(st, 3, c->image_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->config, -1, SQLITE_STATIC);
	if (mrd_store_step_done(s, st, "insert container", err) < 0)
		return -1;
	st = mrd_store_prepare(s, "INSERT INTO container_state (id, " STATE_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       err);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	bind_state(st, 2, r);
	return mrd_store_step_done(s, st, "insert container state", err);
}

/* A single write outside a transaction gets one of its own. */
int mrd_store_auto_begin(struct mrd_store *s, bool *own, struct mr_error **err)
{
	*own = !s->in_tx;
	return *own ? mrd_store_begin(s, err) : 0;
}

int mrd_store_auto_end(struct mrd_store *s, bool own, int ret, struct mr_error **err)
{
	if (!own)
		return ret;
	if (ret < 0) {
		mrd_store_rollback(s);
		return -1;
	}
	return mrd_store_commit(s, err);
}

int mrd_store_ctr_put_state(struct mrd_store *s, const char *id, const struct mrd_ctr_state_row *r,
			    struct mr_error **err)
{
	bool own;
	int ret = -1;
	sqlite3_stmt *st;

	if (mrd_store_auto_begin(s, &own, err) < 0)
		return -1;
	st = mrd_store_prepare(s,
			       "UPDATE container_state SET name=?, status=?, pid=?, exit_code=?, started_at=?,"
			       " finished_at=?, restart_count=?, oom_killed=?, manual_stop=?, has_started=?, error=?,"
			       " updates=? WHERE id=?",
			       err);
	if (st != NULL) {
		int i = bind_state(st, 1, r);
		sqlite3_bind_text(st, i, id, -1, SQLITE_STATIC);
		ret = mrd_store_step_done(s, st, "update container state", err);
	}
	return mrd_store_auto_end(s, own, ret, err);
}

int mrd_store_ctr_delete(struct mrd_store *s, const char *id, struct mr_error **err)
{
	bool own;
	int ret = -1;
	sqlite3_stmt *st;

	if (mrd_store_auto_begin(s, &own, err) < 0)
		return -1;
	st = mrd_store_prepare(s, "DELETE FROM containers WHERE id=?", err);
	if (st != NULL) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		ret = mrd_store_step_done(s, st, "delete container", err);
	}
	return mrd_store_auto_end(s, own, ret, err);
}

const char *mrd_store_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

struct ctr_each {
	mrd_store_ctr_fn fn;
	void *data;
};

static int ctr_row(sqlite3_stmt *st, void *data)
{
	struct ctr_each *e = data;
	struct mrd_ctr_row c = {mrd_store_col_text(st, 0), sqlite3_column_int64(st, 1), mrd_store_col_text(st, 2),
				mrd_store_col_text(st, 3)};
	struct mrd_ctr_state_row r = {
		.name = mrd_store_col_text(st, 4),
		.status = mrd_store_col_text(st, 5),
		.pid = sqlite3_column_int64(st, 6),
		.exit_code = sqlite3_column_int64(st, 7),
		.started_at = sqlite3_column_int64(st, 8),
		.finished_at = sqlite3_column_int64(st, 9),
		.restart_count = sqlite3_column_int64(st, 10),
		.oom_killed = sqlite3_column_int(st, 11) != 0,
		.manual_stop = sqlite3_column_int(st, 12) != 0,
		.has_started = sqlite3_column_int(st, 13) != 0,
		.error = mrd_store_col_text(st, 14),
		.updates = mrd_store_col_text(st, 15),
	};
	return e->fn(&c, &r, e->data);
}

int mrd_store_ctr_each(struct mrd_store *s, mrd_store_ctr_fn fn, void *data, struct mr_error **err)
{
	struct ctr_each e = {fn, data};
	return mrd_store_each_row(s,
				  "SELECT c.id, c.created, c.image_id, c.config, " STATE_COLS
				  " FROM containers c JOIN container_state USING (id) ORDER BY c.created",
				  ctr_row, &e, "read containers", err);
}

int mrd_store_each_row(struct mrd_store *s, const char *sql, mrd_store_row_fn row, void *data, const char *what,
		       struct mr_error **err)
{
	sqlite3_stmt *st = mrd_store_prepare(s, sql, err);
	int rc, ret = 0;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (row(st, data) < 0) {
			ret = -1;
			break;
		}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = mrd_store_fail(s, err, what);
	sqlite3_finalize(st);
	return ret;
}

int64_t mrd_store_query_int(struct mrd_store *s, const char *sql, const char *key)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}
