/*
 * db_rank.c - dossier_rank(): the rank of a search result, FTS5's bm25()
 * to the bit, without reading each match's length from the database on
 * every query.
 *
 * bm25() scores a row from the query's phrase frequencies in it and its
 * length in tokens, which FTS5 reads with a statement on its %_docsize
 * table, once per match and query: a quarter of the instructions of a
 * search for a rare word (callgrind, 20k articles). A document's length
 * changes only when its article is rewritten or deleted (a rowid may come
 * back for another article after a delete), so each connection keeps the
 * lengths it has read, by rowid, and forgets them all when a commit, by
 * any connection, deleted or rewrote an article (doclens_check()).
 *
 * The score is the one documented for bm25() (fts5.html, "The bm25()
 * function"), computed in the same order, so it is the same double; the
 * unit tests compare the two on every row of their queries.
 *
 *   dossier_rank(fts [, weight of column 0, weight of column 1, ...])
 *   dossier_rank_known(fts, matches [, weights...])
 *   dossier_top(fts, k, allow [, weights...])
 *   dossier_matches(fts)
 */
#include "db/db_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define BM25_K1 1.2
#define BM25_B  0.75

/* Lengths are kept for rowids below this: 4 bytes a rowid, so at most 32
 * MB a connection (4 MB at a million articles); past it, read each time. */
#define DOCLEN_MAX_ROWID ((int64_t)1 << 23)

/* What a query's rows share: computed at its first row. */
struct rank_query {
    int nphrase;
    double avgdl; /* the mean length of a row, in tokens */
    double *idf;  /* per phrase */
    double *freq; /* per phrase, the current row's (scratch) */
    size_t nweight;
    double *weight; /* the current row's weights (scratch) */
};

static void rank_query_free(void *p)
{
    struct rank_query *q = p;

    free(q->idf);
    free(q->freq);
    free(q->weight);
    free(q);
}

/* xQueryPhrase callback: count the rows holding the phrase. */
static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *n)
{
    (void)api;
    (void)fts;
    ++*(int64_t *)n;
    return SQLITE_OK;
}

/* IDF = log((N - n + 0.5) / (n + 0.5)) for a phrase in @nhit of @nrow
 * rows, kept just above zero for a phrase in more than half of them. */
static double idf_of(int64_t nrow, int64_t nhit)
{
    double idf = log((nrow - nhit + 0.5) / (nhit + 0.5));
    return idf <= 0.0 ? 1e-6 : idf;
}

/* The mean length of a row, in tokens. */
static int mean_length(const Fts5ExtensionApi *api, Fts5Context *fts,
                       int64_t *nrow, double *avgdl)
{
    sqlite3_int64 rows = 0, ntoken = 0;
    int rc = api->xRowCount(fts, &rows);

    if (rc == SQLITE_OK)
        rc = api->xColumnTotalSize(fts, -1, &ntoken);
    *nrow = rows;
    *avgdl = (double)ntoken / (double)rows;
    return rc;
}

/* @nhit: the matches of a query of one phrase if known, else -1. */
static int rank_query_new(const Fts5ExtensionApi *api, Fts5Context *fts,
                          int64_t nhit, struct rank_query **out)
{
    struct rank_query *q = xcalloc(1, sizeof(*q));
    int64_t nrow = 0;
    int rc;

    q->nphrase = api->xPhraseCount(fts);
    q->idf = xcalloc((size_t)q->nphrase + 1, sizeof(*q->idf));
    q->freq = xcalloc((size_t)q->nphrase + 1, sizeof(*q->freq));
    rc = mean_length(api, fts, &nrow, &q->avgdl);
    for (int i = 0; rc == SQLITE_OK && i < q->nphrase; i++) {
        int64_t n = 0;
        if (q->nphrase == 1 && nhit >= 0)
            n = nhit; /* known */
        else
            rc = api->xQueryPhrase(fts, i, &n, count_row);
        if (rc == SQLITE_OK)
            q->idf[i] = idf_of(nrow, n);
    }
    if (rc != SQLITE_OK) {
        rank_query_free(q);
        return rc;
    }
    *out = q;
    return SQLITE_OK;
}

/*
 * Forget every kept length if an article was deleted or rewritten since
 * they were read; commits that only add articles keep them (schema 0009:
 * at 1M articles, 200-400 ms to read a common word's lengths again after
 * each write). Without the count of rewrites, any commit forgets them.
 */
static void doclens_check(struct db *db)
{
    struct db_doclens *d = &db->doclens;
    unsigned version;
    int64_t rewrites;

    if (db_data_version(db, &version) && version == d->version)
        return;
    if (!db_rewrites(db, &rewrites) || rewrites != d->rewrites) {
        db_doclens_free(db);
        d->rewrites = rewrites; /* -1 if unknown: never equal */
    }
    d->version = version;
}

/* The length of the current row in tokens, all columns: kept or read. */
static int row_length(const Fts5ExtensionApi *api, Fts5Context *fts,
                      struct db *db, int *length)
{
    int64_t rowid = api->xRowid(fts);
    struct db_doclens *d = &db->doclens;
    int rc;

    if (rowid > 0 && (size_t)rowid < d->n && d->len[rowid]) {
        *length = (int)(d->len[rowid] - 1);
        return SQLITE_OK;
    }
    rc = api->xColumnSize(fts, -1, length);
    if (rc != SQLITE_OK || rowid <= 0 || rowid >= DOCLEN_MAX_ROWID ||
        *length < 0)
        return rc;
    d->len = xgrow_zeroed(d->len, sizeof(*d->len), (size_t)rowid + 1, &d->n);
    d->len[rowid] = (uint32_t)*length + 1; /* 0: not read */
    return SQLITE_OK;
}

/* The columns' weights as doubles, from the function's arguments. */
static void weights_of(double *weight, int nval, sqlite3_value **val)
{
    for (int i = 0; i < nval; i++)
        weight[i] = sqlite3_value_double(val[i]);
}

/* The current row of @fts: each phrase's frequency in it, each instance
 * counting its column's weight (1 for a column past @nweight), in @freq;
 * its length, read or kept. The instances come from each phrase's
 * position list (xPhraseFirst), in the order in which bm25() adds them
 * up, without xInst's array of all the row's instances, built for every
 * row (a tenth of a common word's search, callgrind). */
static int row_terms(const Fts5ExtensionApi *api, Fts5Context *fts,
                     struct db *db, double *freq, int nphrase,
                     const double *weight, int nweight, int *length)
{
    int rc = SQLITE_OK;

    for (int i = 0; rc == SQLITE_OK && i < nphrase; i++) {
        Fts5PhraseIter it;
        int column, offset;

        freq[i] = 0.0;
        rc = api->xPhraseFirst(fts, i, &it, &column, &offset);
        for (; rc == SQLITE_OK && column >= 0;
             api->xPhraseNext(fts, &it, &column, &offset))
            freq[i] += column < nweight ? weight[column] : 1.0;
    }
    return rc == SQLITE_OK ? row_length(api, fts, db, length) : rc;
}

/* One phrase's part of the score (before its IDF). */
static double phrase_part(double freq, int length, double avgdl)
{
    double d = (double)length;
    return (freq * (BM25_K1 + 1.0)) /
           (freq + BM25_K1 * (1 - BM25_B + BM25_B * d / avgdl));
}

/* dossier_rank(): @nhit, the matches of a query of one phrase, or -1. */
static void rank_row(const Fts5ExtensionApi *api, Fts5Context *fts,
                     sqlite3_context *ctx, int64_t nhit, int nval,
                     sqlite3_value **val)
{
    struct db *db = api->xUserData(fts);
    struct rank_query *q = api->xGetAuxdata(fts, 0);
    int rc = SQLITE_OK, length = 0;
    double score = 0.0;

    if (!q) {
        doclens_check(db);
        if ((rc = rank_query_new(api, fts, nhit, &q)) == SQLITE_OK)
            rc = api->xSetAuxdata(fts, q, rank_query_free);
    }
    if (rc == SQLITE_OK) {
        /* The arguments are the row's: read them for each. */
        q->weight = xgrow(q->weight, sizeof(*q->weight), (size_t)nval,
                          &q->nweight);
        weights_of(q->weight, nval, val);
        rc = row_terms(api, fts, db, q->freq, q->nphrase, q->weight, nval,
                       &length);
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    for (int i = 0; i < q->nphrase; i++)
        score += q->idf[i] * phrase_part(q->freq[i], length, q->avgdl);
    sqlite3_result_double(ctx, -1.0 * score);
}

static void rank(const Fts5ExtensionApi *api, Fts5Context *fts,
                 sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    rank_row(api, fts, ctx, -1, nval, val);
}

/*
 * dossier_rank_known(fts, matches [, weights...]): dossier_rank() for a
 * query of one phrase whose number of matches is known. Each row found
 * by rowid is a cursor of its own, on which dossier_rank() would count
 * the phrase's matches for the IDF again (12 ms for "first" at 1M
 * articles). For other queries, the same as dossier_rank().
 */
static void rank_known(const Fts5ExtensionApi *api, Fts5Context *fts,
                       sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    if (nval < 1) {
        sqlite3_result_error(ctx, "dossier_rank_known: no matches given", -1);
        return;
    }
    rank_row(api, fts, ctx, sqlite3_value_int64(val[0]), nval - 1, val + 1);
}

/* A phrase's matches as they are read. */
struct match_scan {
    struct db *db;
    struct db_idset set;
};

/* xQueryPhrase callback: the match's rowid into the set. */
static int set_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *p)
{
    struct match_scan *m = p;

    if (((m->set.n + 1) & 4095) == 0 && db_deadline_passed(m->db))
        return SQLITE_INTERRUPT;
    db_idset_add(&m->set, api->xRowid(fts));
    return SQLITE_OK;
}

/*
 * dossier_matches(fts): the rowids of the matches of a query of one
 * phrase, as a bitmap (bit i of byte i / 8: rowid i; empty: no match),
 * read in one pass of C (xQueryPhrase) rather than a row of SQL each:
 * 92 -> 39 ms for "said" at 1M articles. NULL for other queries.
 */
static void matches(const Fts5ExtensionApi *api, Fts5Context *fts,
                    sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    struct match_scan m = {.db = api->xUserData(fts)};
    int rc;

    (void)val;
    if (nval != 0 || api->xPhraseCount(fts) != 1) {
        sqlite3_result_null(ctx);
        return;
    }
    rc = api->xQueryPhrase(fts, 0, &m, set_row);
    if (rc != SQLITE_OK) {
        free(m.set.bits);
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    if (m.set.bits)
        sqlite3_result_blob(ctx, m.set.bits, (int)m.set.len, free);
    else
        sqlite3_result_zeroblob(ctx, 0);
}

/*
 * dossier_top(fts, k, allow [, weights...]): for a query of one phrase,
 * every match ranked in one pass of C, without the SQL machinery each row
 * of dossier_rank() goes through (VM steps, the function call, the LIMIT
 * sorter). Called on the query's first row (LIMIT 1), it walks all the
 * matches with xQueryPhrase and returns a blob: the number of matches
 * kept, the number of all matches (int64 each; they differ with @allow),
 * then the best @k of the kept as (rowid int64, rank double) pairs,
 * in the order and with the ranks that ORDER BY dossier_rank(fts,
 * weights...), rowid gives. NULL for a query of other than one phrase.
 *
 * @allow, when not NULL, is a bitmap of the rowids a filter keeps (bit i
 * of byte i / 8: rowid i): the others are neither ranked nor counted,
 * but the phrase's IDF, as dossier_rank()'s, counts every match.
 *
 * The IDF depends on the number of matches, known at the end: the scan
 * keeps each kept match's part of the score before it (16 bytes a match),
 * then each rank is computed as dossier_rank() computes it, and the best
 * @k chosen.
 */
struct top_row {
    int64_t rowid;
    double x; /* the phrase's part of the score; then the rank */
};

struct top_scan {
    struct db *db;
    double avgdl;
    bool filtered;              /* else every rowid is kept */
    const unsigned char *allow; /* if filtered: the rowids kept */
    size_t nallow;              /* bytes */
    int nweight;
    double *weight;
    int64_t all; /* matches, kept or not */
    struct top_row *rows;
    size_t n, cap;
};

/* xQueryPhrase callback: one match's rowid and part of the score. */
static int top_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *p)
{
    struct top_scan *t = p;
    int64_t rowid = api->xRowid(fts);
    double freq;
    int length = 0, rc;

    /* The progress handler does not run inside a function call. */
    if ((++t->all & 4095) == 0 && db_deadline_passed(t->db))
        return SQLITE_INTERRUPT;
    if (t->filtered && !db_bitmap_has(t->allow, t->nallow, rowid))
        return SQLITE_OK;
    rc = row_terms(api, fts, t->db, &freq, 1, t->weight, t->nweight, &length);
    if (rc != SQLITE_OK)
        return rc;
    t->rows = xgrow(t->rows, sizeof(*t->rows), t->n + 1, &t->cap);
    t->rows[t->n].rowid = rowid;
    t->rows[t->n++].x = phrase_part(freq, length, t->avgdl);
    return SQLITE_OK;
}

/* Whether @a comes after @b: ORDER BY rank, rowid. */
static bool top_after(const struct top_row *a, const struct top_row *b)
{
    return a->x > b->x || (a->x == b->x && a->rowid > b->rowid);
}

/* Restore the heap (the last row in order at its root) below @i. */
static void top_sift(struct top_row *h, size_t n, size_t i)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && top_after(&h[c + 1], &h[c]))
            c++;
        if (!top_after(&h[c], &h[i]))
            return;
        struct top_row tmp = h[i];
        h[i] = h[c];
        h[c] = tmp;
        i = c;
    }
}

/* The best @k of @rows (ranks in .x) to the front of @rows, in order;
 * how many. */
static size_t top_select(struct top_row *rows, size_t n, size_t k)
{
    size_t m = n < k ? n : k;

    /* A heap of the m best so far in rows[0, m), the worst at the root. */
    for (size_t i = m / 2; i-- > 0;)
        top_sift(rows, m, i);
    for (size_t i = m; i < n; i++) {
        if (m && top_after(&rows[0], &rows[i])) {
            rows[0] = rows[i];
            top_sift(rows, m, 0);
        }
    }
    /* Heap sort: the worst to the end, in turn. */
    for (size_t end = m; end > 1; end--) {
        struct top_row tmp = rows[0];
        rows[0] = rows[end - 1];
        rows[end - 1] = tmp;
        top_sift(rows, end - 1, 0);
    }
    return m;
}

static void top(const Fts5ExtensionApi *api, Fts5Context *fts,
                sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    struct top_scan t = {.db = api->xUserData(fts)};
    int64_t nrow = 0, k;
    int rc;

    if (nval < 2 || api->xPhraseCount(fts) != 1) {
        sqlite3_result_null(ctx);
        return;
    }
    k = sqlite3_value_int64(val[0]);
    /* A zero-length blob keeps nothing; NULL, everything. */
    t.filtered = sqlite3_value_type(val[1]) != SQLITE_NULL;
    t.allow = sqlite3_value_blob(val[1]);
    t.nallow = (size_t)sqlite3_value_bytes(val[1]);
    t.nweight = nval - 2;
    t.weight = xcalloc((size_t)t.nweight + 1, sizeof(*t.weight));
    weights_of(t.weight, t.nweight, val + 2);
    doclens_check(t.db);
    rc = mean_length(api, fts, &nrow, &t.avgdl);
    if (rc == SQLITE_OK)
        rc = api->xQueryPhrase(fts, 0, &t, top_row);
    free(t.weight);
    if (rc != SQLITE_OK) {
        free(t.rows);
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    /* The rank as dossier_rank() computes it: 0 + IDF x part, negated. */
    double idf = idf_of(nrow, t.all);
    for (size_t i = 0; i < t.n; i++) {
        double score = 0.0;
        score += idf * t.rows[i].x;
        t.rows[i].x = -1.0 * score;
    }
    size_t m = top_select(t.rows, t.n, k > 0 ? (size_t)k : 0);
    size_t len = 2 * sizeof(int64_t) + m * (sizeof(int64_t) + sizeof(double));
    unsigned char *blob = xmalloc(len), *b = blob;
    int64_t count = (int64_t)t.n;
    memcpy(b, &count, sizeof(count));
    memcpy(b + sizeof(count), &t.all, sizeof(t.all));
    b += 2 * sizeof(int64_t);
    for (size_t i = 0; i < m; i++) {
        memcpy(b, &t.rows[i].rowid, sizeof(int64_t));
        memcpy(b + sizeof(int64_t), &t.rows[i].x, sizeof(double));
        b += sizeof(int64_t) + sizeof(double);
    }
    free(t.rows);
    sqlite3_result_blob(ctx, blob, (int)len, free);
}

void db_doclens_free(struct db *db)
{
    free(db->doclens.len);
    memset(&db->doclens, 0, sizeof(db->doclens));
}

int db_rank_register(fts5_api *api, struct db *db)
{
    static const struct {
        const char *name;
        fts5_extension_function fn;
    } fns[] = {{"dossier_rank", rank},
               {"dossier_rank_known", rank_known},
               {"dossier_top", top},
               {"dossier_matches", matches}};
    int rc = SQLITE_OK;

    for (size_t i = 0; rc == SQLITE_OK && i < sizeof(fns) / sizeof(*fns); i++)
        rc = api->xCreateFunction(api, fns[i].name, db, fns[i].fn, NULL);
    return rc;
}
