/* Shared by the store's files (db.c, images.c). */
#ifndef MINIRUND_STORE_INTERNAL_H
#define MINIRUND_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

struct mrd_store {
	sqlite3 *db;
	bool in_tx;
};

int mrd_store_fail(struct mrd_store *s, struct mr_error **err, const char *what);
int mrd_store_exec(struct mrd_store *s, const char *sql, struct mr_error **err);
sqlite3_stmt *mrd_store_prepare(struct mrd_store *s, const char *sql, struct mr_error **err);
int mrd_store_step_done(struct mrd_store *s, sqlite3_stmt *st, const char *what, struct mr_error **err);
const char *mrd_store_col_text(sqlite3_stmt *st, int i);
/* Call row() for each row of a query (no parameters); -1 from it stops. */
typedef int (*mrd_store_row_fn)(sqlite3_stmt *st, void *data);
int mrd_store_each_row(struct mrd_store *s, const char *sql, mrd_store_row_fn row, void *data, const char *what,
		       struct mr_error **err);
/* A query of one integer with one text parameter; -1 when there is no row. */
int64_t mrd_store_query_int(struct mrd_store *s, const char *sql, const char *key);
/* A write outside a transaction runs in one of its own. */
int mrd_store_auto_begin(struct mrd_store *s, bool *own, struct mr_error **err);
int mrd_store_auto_end(struct mrd_store *s, bool own, int ret, struct mr_error **err);

#endif
