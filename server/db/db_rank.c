/*
 * db_rank.c - dossier_rank(): the rank of a search result, FTS5's bm25()
 * to the bit, without reading each match's length from the database on
 * every query.
 *
 * bm25() scores a row from the query's phrase frequencies in it and its
 * length in tokens, which FTS5 reads with a statement on its %_docsize
 * table, once per match and query: a quarter of the instructions of a
 * search for a rare word (callgrind, 20k articles). A document's length
 * does not change while the database does not, so each connection keeps
 * the lengths it has read, by rowid, and forgets them all when the
 * database changes (SQLITE_FCNTL_DATA_VERSION: any commit, by any
 * connection; a rowid may come back for another article after a delete).
 *
 * The score is the one documented for bm25() (fts5.html, "The bm25()
 * function"), computed in the same order, so it is the same double; the
 * unit tests compare the two on every row of their queries.
 *
 *   dossier_rank(fts [, weight of column 0, weight of column 1, ...])
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
};

static void rank_query_free(void *p)
{
    struct rank_query *q = p;

    free(q->idf);
    free(q->freq);
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

static int rank_query_new(const Fts5ExtensionApi *api, Fts5Context *fts,
                          struct rank_query **out)
{
    struct rank_query *q = xcalloc(1, sizeof(*q));
    sqlite3_int64 nrow = 0, ntoken = 0;
    int rc;

    q->nphrase = api->xPhraseCount(fts);
    q->idf = xcalloc((size_t)q->nphrase + 1, sizeof(*q->idf));
    q->freq = xcalloc((size_t)q->nphrase + 1, sizeof(*q->freq));
    rc = api->xRowCount(fts, &nrow);
    if (rc == SQLITE_OK)
        rc = api->xColumnTotalSize(fts, -1, &ntoken);
    if (rc == SQLITE_OK)
        q->avgdl = (double)ntoken / (double)nrow;
    /* IDF = log((N - n + 0.5) / (n + 0.5)), kept just above zero for a
     * phrase in more than half of the rows. */
    for (int i = 0; rc == SQLITE_OK && i < q->nphrase; i++) {
        int64_t nhit = 0;
        rc = api->xQueryPhrase(fts, i, &nhit, count_row);
        if (rc == SQLITE_OK) {
            double idf = log((nrow - nhit + 0.5) / (nhit + 0.5));
            q->idf[i] = idf <= 0.0 ? 1e-6 : idf;
        }
    }
    if (rc != SQLITE_OK) {
        rank_query_free(q);
        return rc;
    }
    *out = q;
    return SQLITE_OK;
}

/* Forget every kept length if the database changed since they were read. */
static void doclens_check(struct db *db)
{
    unsigned version = 0;

    if (sqlite3_file_control(db->conn, "main", SQLITE_FCNTL_DATA_VERSION,
                             &version) != SQLITE_OK ||
        version != db->doclens.version) {
        db_doclens_free(db);
        db->doclens.version = version;
    }
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
    if ((size_t)rowid >= d->n) {
        size_t n = d->n ? d->n : 1024;
        while (n <= (size_t)rowid)
            n *= 2;
        d->len = xrealloc(d->len, n * sizeof(*d->len));
        memset(d->len + d->n, 0, (n - d->n) * sizeof(*d->len));
        d->n = n;
    }
    d->len[rowid] = (uint32_t)*length + 1; /* 0: not read */
    return SQLITE_OK;
}

static void rank(const Fts5ExtensionApi *api, Fts5Context *fts,
                 sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    struct db *db = api->xUserData(fts);
    struct rank_query *q = api->xGetAuxdata(fts, 0);
    int rc = SQLITE_OK, ninst = 0, length = 0;
    double score = 0.0;

    if (!q) {
        doclens_check(db);
        if ((rc = rank_query_new(api, fts, &q)) == SQLITE_OK)
            rc = api->xSetAuxdata(fts, q, rank_query_free);
    }
    if (rc == SQLITE_OK) {
        memset(q->freq, 0, (size_t)q->nphrase * sizeof(*q->freq));
        rc = api->xInstCount(fts, &ninst);
    }
    /* Each instance of a phrase counts its column's weight (default 1). */
    for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
        int phrase, column, offset;
        rc = api->xInst(fts, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK)
            q->freq[phrase] +=
                column < nval ? sqlite3_value_double(val[column]) : 1.0;
    }
    if (rc == SQLITE_OK)
        rc = row_length(api, fts, db, &length);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double d = (double)length;
    for (int i = 0; i < q->nphrase; i++)
        score +=
            q->idf[i] *
            ((q->freq[i] * (BM25_K1 + 1.0)) /
             (q->freq[i] + BM25_K1 * (1 - BM25_B + BM25_B * d / q->avgdl)));
    sqlite3_result_double(ctx, -1.0 * score);
}

void db_doclens_free(struct db *db)
{
    free(db->doclens.len);
    memset(&db->doclens, 0, sizeof(db->doclens));
}

int db_rank_register(fts5_api *api, struct db *db)
{
    return api->xCreateFunction(api, "dossier_rank", db, rank, NULL);
}
