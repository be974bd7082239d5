/* db_query.c - dynamic SQL with bindings, through the statement cache. */
#include "db/db_query.h"

#include <string.h>

#include "core/log.h"

void db_query_init(struct db_query *q, const char *select)
{
    buf_init(&q->sql, 1 << 16);
    buf_puts(&q->sql, select);
    q->nbinds = 0;
    q->where_started = false;
}

void db_query_release(struct db_query *q)
{
    buf_release(&q->sql);
}

void db_query_sql(struct db_query *q, const char *sql)
{
    buf_puts(&q->sql, sql);
}

void db_query_and(struct db_query *q)
{
    buf_puts(&q->sql, q->where_started ? " AND " : " WHERE ");
    q->where_started = true;
}

void db_query_open(struct db_query *q, const char *sql)
{
    buf_puts(&q->sql, sql);
    q->where_started = false;
}

void db_query_close(struct db_query *q)
{
    buf_puts(&q->sql, ")");
    q->where_started = true;
}

static void bind(struct db_query *q, char kind, int64_t i, const void *s,
                 size_t len)
{
    if (q->nbinds == DB_QUERY_MAX_BINDS) {
        q->sql.overflow = true;
        return;
    }
    q->binds[q->nbinds].kind = kind;
    q->binds[q->nbinds].i = i;
    q->binds[q->nbinds].s = s;
    q->binds[q->nbinds].len = len;
    q->nbinds++;
    buf_putc(&q->sql, '?');
}

void db_query_text(struct db_query *q, const char *s)
{
    bind(q, 't', 0, s, 0);
}

void db_query_int(struct db_query *q, int64_t v)
{
    bind(q, 'i', v, NULL, 0);
}

void db_query_blob(struct db_query *q, const void *data, size_t len)
{
    bind(q, 'b', 0, data, len);
}

void db_query_text_list(struct db_query *q, const char *const *s, size_t n)
{
    buf_putc(&q->sql, '(');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&q->sql, ',');
        bind(q, 't', 0, s[i], 0);
    }
    buf_putc(&q->sql, ')');
}

void db_query_int_list(struct db_query *q, const int64_t *v, size_t n)
{
    buf_putc(&q->sql, '(');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&q->sql, ',');
        bind(q, 'i', v[i], NULL, 0);
    }
    buf_putc(&q->sql, ')');
}

sqlite3_stmt *db_query_prepare(struct db *db, struct db_query *q)
{
    sqlite3_stmt *st;

    if (buf_overflowed(&q->sql)) {
        log_error("query too large");
        return NULL;
    }
    st = db_stmt(db, q->sql.data);
    if (!st)
        return NULL;
    for (int i = 0; i < q->nbinds; i++) {
        if (q->binds[i].kind == 'i')
            sqlite3_bind_int64(st, i + 1, q->binds[i].i);
        else if (q->binds[i].kind == 't')
            db_bind_text(st, i + 1, q->binds[i].s);
        else if (q->binds[i].len)
            sqlite3_bind_blob(st, i + 1, q->binds[i].s, (int)q->binds[i].len,
                              SQLITE_STATIC);
        else
            sqlite3_bind_zeroblob(st, i + 1, 0);
    }
    return st;
}

int db_query_int64(struct db *db, struct db_query *q, int64_t *out)
{
    sqlite3_stmt *st = db_query_prepare(db, q);
    int rc;

    db_query_release(q);
    if (!st)
        return DB_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* they were borrowed */
    return rc == SQLITE_ROW ? DB_OK : db_status_of(db, rc);
}
