/*
 * db_query.h - building a SQL statement with its bindings, for queries
 * whose WHERE clause depends on which filters a request uses. The built
 * text goes through the statement cache, so each filter combination is
 * prepared once per connection.
 */
#ifndef DOSSIER_DB_QUERY_H
#define DOSSIER_DB_QUERY_H

#include "core/buf.h"
#include "db/db_internal.h"

#define DB_QUERY_MAX_BINDS 320

struct db_query {
    struct buf sql;
    int nbinds;
    struct {
        char kind; /* 'i'nteger, 't'ext, 'b'lob */
        int64_t i;
        const void *s; /* text or blob: borrowed until the statement runs */
        size_t len;    /* of a blob */
    } binds[DB_QUERY_MAX_BINDS];
    bool where_started;
};

void db_query_init(struct db_query *q, const char *select);
void db_query_release(struct db_query *q);
/* Append raw SQL. */
void db_query_sql(struct db_query *q, const char *sql);
/* Start a condition: " WHERE " the first time, " AND " after. */
void db_query_and(struct db_query *q);
/* A subquery inside a condition: db_query_open appends @sql ("x IN (SELECT
 * ..."), after which db_query_and starts the subquery's own WHERE;
 * db_query_close appends ")" and goes back to the outer conditions. */
void db_query_open(struct db_query *q, const char *sql);
void db_query_close(struct db_query *q);
/* Append a '?' bound to a value. */
void db_query_text(struct db_query *q, const char *s);
void db_query_int(struct db_query *q, int64_t v);
/* A blob of @len bytes (zero-length, not NULL, when @len is 0). */
void db_query_blob(struct db_query *q, const void *data, size_t len);
/* Append "(?, ?, ...)" bound to a list. */
void db_query_text_list(struct db_query *q, const char *const *s, size_t n);
void db_query_int_list(struct db_query *q, const int64_t *v, size_t n);
/* The cached statement with every binding applied, or NULL. */
sqlite3_stmt *db_query_prepare(struct db *db, struct db_query *q);
/* Prepare and release @q, step it once and store the integer in column 0
 * of its row in *@out (a count). */
int db_query_int64(struct db *db, struct db_query *q, int64_t *out);

#endif
