/*
 * db_postings.c - table claim_postings (schema/0012_claim_postings.sql):
 * under each key of the claims' sketches (a claim's scope above one of
 * its sampled hashes, db_postings_key()) the ids of the claims whose
 * sketch holds it, ascending, in blocks of up to DB_POSTINGS_BLOCK. A block
 * is a row (key, first_id, ids): its first id, then each next one as its
 * gap from the one before, a varint (7 bits a byte, low bits first).
 *
 * A claim adds its id to the last block of each of its keys (a full
 * block starts the next), so a key's blocks are those of its ids cut in
 * DB_POSTINGS_BLOCK from the first, as the fill at a load's end writes them
 * (db_postings_write); deleting an article's claims takes their ids out
 * of their blocks. A grouping search reads the newest ids of a key from
 * its last block or two.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "db/db_internal.h"

/* A varint of a 64-bit gap takes at most 10 bytes. */
#define GAP_MAX 10

/* A block's ids, ascending; one more than a block holds while adding. */
struct block {
    int64_t first; /* the row's first_id, as read */
    int64_t ids[DB_POSTINGS_BLOCK + 1];
    size_t n;
};

static size_t gap_put(unsigned char *out, uint64_t gap)
{
    size_t n = 0;

    do {
        out[n] = (unsigned char)(gap & 0x7f);
        gap >>= 7;
        out[n++] |= gap ? 0x80 : 0;
    } while (gap);
    return n;
}

/* @ids[1..n) as gaps from the one before each, into @out (n * GAP_MAX
 * bytes); returns the length. */
static size_t gaps_encode(const int64_t *ids, size_t n, unsigned char *out)
{
    size_t len = 0;

    for (size_t i = 1; i < n; i++)
        len += gap_put(out + len, (uint64_t)(ids[i] - ids[i - 1]));
    return len;
}

/* Block @first, @gaps[0..len) into @b; false when it is not one that
 * db_postings writes (a gap of 0 or too long, too many ids). */
static bool block_decode(int64_t first, const unsigned char *gaps, size_t len,
                         struct block *b)
{
    uint64_t gap = 0;
    unsigned shift = 0;

    b->first = first;
    b->ids[0] = first;
    b->n = 1;
    for (size_t i = 0; i < len; i++) {
        if (shift > 63)
            return false;
        gap |= (uint64_t)(gaps[i] & 0x7f) << shift;
        shift += 7;
        if (gaps[i] & 0x80)
            continue;
        if (gap == 0 || gap > INT64_MAX || b->n == DB_POSTINGS_BLOCK ||
            b->ids[b->n - 1] > INT64_MAX - (int64_t)gap)
            return false;
        b->ids[b->n] = b->ids[b->n - 1] + (int64_t)gap;
        b->n++;
        gap = 0;
        shift = 0;
    }
    return shift == 0;
}

/* The current row of @st, (first_id, ids), into @b. */
static int block_row(sqlite3_stmt *st, struct block *b)
{
    if (!block_decode(sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
                      (size_t)sqlite3_column_bytes(st, 1), b)) {
        log_error("claim_postings: a malformed block under key %lld",
                  (long long)sqlite3_column_int64(st, 2));
        return DB_ERROR;
    }
    return DB_OK;
}

/* The block of @key that holds @id or would: the last whose first id is
 * at most @id, else the key's first; DB_NOT_FOUND when @key has none. */
static int block_find(struct db *db, uint64_t key, int64_t id, struct block *b)
{
    static const char *const sql[] = {
        "SELECT first_id, ids, key FROM claim_postings WHERE key = ?1 AND "
        "first_id <= ?2 ORDER BY first_id DESC LIMIT 1",
        "SELECT first_id, ids, key FROM claim_postings WHERE key = ?1 "
        "ORDER BY first_id LIMIT 1",
    };

    for (size_t i = 0; i < 2; i++) {
        sqlite3_stmt *st = db_stmt(db, sql[i]);
        int rc;
        if (!st)
            return DB_ERROR;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
        if (i == 0)
            sqlite3_bind_int64(st, 2, id);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            rc = block_row(st, b);
        else
            rc = rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
        sqlite3_reset(st);
        if (rc != DB_NOT_FOUND)
            return rc;
    }
    return DB_NOT_FOUND;
}

/* Run @sql with ?1 = @key, ?2 = @first and, if @ids, ?3 = the gaps of
 * @ids[0..n). */
static int block_exec(struct db *db, const char *sql, uint64_t key,
                      int64_t first, const int64_t *ids, size_t n)
{
    unsigned char gaps[DB_POSTINGS_BLOCK * GAP_MAX];
    sqlite3_stmt *st = db_stmt(db, sql);

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
    sqlite3_bind_int64(st, 2, first);
    if (ids)
        sqlite3_bind_blob(st, 3, gaps, (int)gaps_encode(ids, n, gaps),
                          SQLITE_TRANSIENT);
    return db_step_done(db, st);
}

static int block_insert(struct db *db, uint64_t key, const int64_t *ids,
                        size_t n)
{
    return block_exec(db,
                      "INSERT INTO claim_postings(key, first_id, ids) "
                      "VALUES (?1, ?2, ?3)",
                      key, ids[0], ids, n);
}

/* Store @b back under @key: updated in place while its first id stays,
 * else its row replaced; cut in two past DB_POSTINGS_BLOCK; gone if empty. */
static int block_store(struct db *db, uint64_t key, const struct block *b)
{
    size_t head = b->n > DB_POSTINGS_BLOCK ? DB_POSTINGS_BLOCK : b->n;
    int rc = DB_OK;

    if (b->n && b->ids[0] == b->first)
        rc = block_exec(db,
                        "UPDATE claim_postings SET ids = ?3 WHERE key = ?1 "
                        "AND first_id = ?2",
                        key, b->first, b->ids, head);
    else if ((rc = block_exec(db,
                              "DELETE FROM claim_postings WHERE key = ?1 AND "
                              "first_id = ?2",
                              key, b->first, NULL, 0)) == DB_OK &&
             b->n)
        rc = block_insert(db, key, b->ids, head);
    if (rc == DB_OK && b->n > head)
        rc = block_insert(db, key, b->ids + head, b->n - head);
    return rc;
}

int db_postings_add(struct db *db, uint64_t key, int64_t id)
{
    struct block b;
    int rc = block_find(db, key, id, &b);

    if (rc == DB_NOT_FOUND)
        return block_insert(db, key, &id, 1);
    if (rc != DB_OK)
        return rc;
    /* A new claim's id comes last: a new block when this one is full. */
    if (id > b.ids[b.n - 1] && b.n == DB_POSTINGS_BLOCK)
        return block_insert(db, key, &id, 1);
    size_t at = b.n;
    while (at > 0 && b.ids[at - 1] >= id)
        at--;
    if (at < b.n && b.ids[at] == id)
        return DB_OK; /* there already */
    memmove(&b.ids[at + 1], &b.ids[at], (b.n - at) * sizeof(*b.ids));
    b.ids[at] = id;
    b.n++;
    return block_store(db, key, &b);
}

int db_postings_remove(struct db *db, uint64_t key, int64_t id)
{
    struct block b;
    int rc = block_find(db, key, id, &b);
    size_t at = 0;

    if (rc != DB_OK)
        return rc == DB_NOT_FOUND ? DB_OK : rc;
    while (at < b.n && b.ids[at] != id)
        at++;
    if (at == b.n)
        return DB_OK;
    memmove(&b.ids[at], &b.ids[at + 1], (b.n - at - 1) * sizeof(*b.ids));
    b.n--;
    return block_store(db, key, &b);
}

int db_postings_newest(struct db *db, uint64_t key, int64_t *out, size_t max,
                       size_t *n)
{
    sqlite3_stmt *st =
        db_stmt(db, "SELECT first_id, ids, key FROM claim_postings "
                    "WHERE key = ?1 ORDER BY first_id DESC");
    struct block b;
    int rc;

    *n = 0;
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = block_row(st, &b)) != DB_OK)
            break;
        for (size_t k = b.n; k > 0 && *n < max; k--)
            out[(*n)++] = b.ids[k - 1];
    }
    if (*n == max || rc == SQLITE_DONE)
        rc = DB_OK;
    else if (rc != DB_ERROR)
        rc = db_status_of(db, rc);
    sqlite3_reset(st);
    return rc;
}

int db_postings_write(struct db *db, uint64_t key, const int64_t *ids, size_t n)
{
    int rc = DB_OK;

    for (size_t at = 0; at < n && rc == DB_OK; at += DB_POSTINGS_BLOCK)
        rc = block_insert(db, key, ids + at,
                          n - at < DB_POSTINGS_BLOCK ? n - at
                                                     : DB_POSTINGS_BLOCK);
    return rc;
}

/* --- SQL functions, for the fills in SQL ---------------------------- */

/* dossier_word(fingerprint, i): the fingerprint's hash @i (its 4 bytes as
 * the program stores them), NULL past its end. */
static void word_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *fp = sqlite3_value_blob(argv[0]);
    sqlite3_int64 i = sqlite3_value_int64(argv[1]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]) / sizeof(uint32_t);
    uint32_t hash;

    (void)argc;
    if (!fp || i < 0 || (uint64_t)i >= n)
        return;
    memcpy(&hash, fp + (size_t)i * sizeof(hash), sizeof(hash));
    sqlite3_result_int64(ctx, hash);
}

struct gaps_acc {
    int64_t *ids;
    size_t n, cap;
};

static void gaps_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct gaps_acc *a = sqlite3_aggregate_context(ctx, sizeof(*a));

    (void)argc;
    if (!a) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    a->ids = xgrow(a->ids, sizeof(*a->ids), a->n + 1, &a->cap);
    a->ids[a->n++] = sqlite3_value_int64(argv[0]);
}

static int by_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

    return (a > b) - (a < b);
}

/* dossier_gaps(id): a block's ids column for the ids aggregated (at
 * most DB_POSTINGS_BLOCK; their first is the block's first_id, min(id)). */
static void gaps_final(sqlite3_context *ctx)
{
    struct gaps_acc *a = sqlite3_aggregate_context(ctx, 0);
    size_t n = 0;

    if (!a || !a->n) {
        sqlite3_result_zeroblob(ctx, 0);
        return;
    }
    qsort(a->ids, a->n, sizeof(*a->ids), by_id);
    for (size_t i = 0; i < a->n; i++) /* once each */
        if (!n || a->ids[i] != a->ids[n - 1])
            a->ids[n++] = a->ids[i];
    unsigned char *gaps = xmalloc(n * GAP_MAX + 1);
    size_t len = gaps_encode(a->ids, n, gaps);
    if (n > DB_POSTINGS_BLOCK)
        sqlite3_result_error(ctx, "dossier_gaps: more ids than a block", -1);
    else
        sqlite3_result_blob(ctx, gaps, (int)len, SQLITE_TRANSIENT);
    free(gaps);
    free(a->ids);
}

int db_postings_functions(sqlite3 *conn)
{
    int rc = sqlite3_create_function(conn, "dossier_word", 2,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                         SQLITE_DIRECTONLY,
                                     NULL, word_fn, NULL, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(conn, "dossier_gaps", 1,
                                     SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
                                     NULL, gaps_step, gaps_final);
    return rc;
}
