/*
 * fuzz_ftsq.c - libFuzzer target for the search box translation. Any
 * UTF-8 text (the server rejects other bytes before this point) must
 * translate to an expression that FTS5 accepts: it is run as a MATCH on
 * an in-memory table built like articles_fts, and any SQLite error is a
 * crash. Empty and over-long queries must be refused with a message.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ftsq.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3_stmt *match_stmt(void)
{
    static sqlite3 *db;
    static sqlite3_stmt *stmt;

    if (stmt)
        return stmt;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(title, body, "
                     "tokenize = 'porter unicode61 remove_diacritics 2');"
                     "INSERT INTO t VALUES ('Talks in Geneva', 'Troops "
                     "massed near the border, officials said.');"
                     "INSERT INTO t VALUES ('U.S. and NATO', 'Kyiv and "
                     "Moscow traded \"warnings\" on Thursday.');",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT rowid, snippet(t, 1, '[', ']', '...', "
                           "40) FROM t WHERE t MATCH ? ORDER BY rank",
                           -1, &stmt, NULL) != SQLITE_OK)
        abort();
    return stmt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sqlite3_stmt *stmt = match_stmt();
    char *query, *match = NULL;
    int rc;

    if (memchr(data, 0, size) || !utf8_valid((const char *)data, size))
        return 0;
    query = xstrndup((const char *)data, size);
    rc = ftsq_translate(query, &match);
    if (rc != FTSQ_OK) {
        const char *why = ftsq_strerror(rc);
        if ((rc != FTSQ_EMPTY && rc != FTSQ_TOO_LONG) || !why || !*why)
            abort();
        free(query);
        return 0;
    }
    sqlite3_bind_text(stmt, 1, match, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "FTS5 rejected %s (from %s): %s\n", match, query,
                sqlite3_errmsg(sqlite3_db_handle(stmt)));
        abort();
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    free(match);
    free(query);
    return 0;
}
