/*
 * db_articles.c - article rows: insert with duplicate detection, fetch,
 * filtered and ranked lists, counts, delete, sources and volume.
 */
#include "db/db_articles.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/dates.h"
#include "db/db_query.h"

#define PUB_KEY "coalesce(a.published, '')"

/* The rank of a search: bm25() with a title word worth ten of the body,
 * the weights of articles_fts's rank option (schema 0001), computed by
 * dossier_rank() (db_rank.c): the same score without reading each
 * match's length on every query. */
#define RANK_WEIGHTS "10.0, 1.0"
#define RANK         "dossier_rank(articles_fts, " RANK_WEIGHTS ")"

int db_articles_duplicate(struct db *db, const char *external_id,
                          const char *body_hash, int64_t *id)
{
    sqlite3_stmt *st;
    int rc;

    st = db_stmt(db, "SELECT id FROM articles WHERE external_id = ?1 "
                     "UNION ALL SELECT id FROM articles WHERE body_hash = ?2 "
                     "LIMIT 1");
    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, external_id);
    db_bind_text(st, 2, body_hash);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return DB_DUPLICATE;
    return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
}

int db_articles_insert(struct db *db, const struct db_article_new *a,
                       int64_t *id)
{
    sqlite3_stmt *st;
    char now[21];
    int rc;

    rc = db_articles_duplicate(db, a->external_id, a->body_hash, id);
    if (rc != DB_NOT_FOUND)
        return rc;
    st = db_stmt(db, "INSERT INTO articles(external_id, source, title, "
                     "published, url, body, body_hash, word_count, "
                     "ingested_at) VALUES (?,?,?,?,?,?,?,?,?)");
    if (!st)
        return DB_ERROR;
    date_now_utc(now);
    db_bind_text(st, 1, a->external_id);
    db_bind_text(st, 2, a->source);
    db_bind_text(st, 3, a->title);
    db_bind_text(st, 4, a->published);
    db_bind_text(st, 5, a->url);
    db_bind_text(st, 6, a->body);
    db_bind_text(st, 7, a->body_hash);
    sqlite3_bind_int64(st, 8, a->word_count);
    db_bind_text(st, 9, now);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_status_of(db, rc);
    *id = sqlite3_last_insert_rowid(db->conn);
    return db_fts_added(db, false, *id);
}

int db_articles_get(struct db *db, int64_t id, db_article_cb cb, void *ctx)
{
    sqlite3_stmt *st;
    int rc;

    st = db_stmt(db, "SELECT id, external_id, source, title, published, url, "
                     "ingested_at, word_count, body FROM articles "
                     "WHERE id = ?");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct db_article a = {
            .id = sqlite3_column_int64(st, 0),
            .external_id = db_col_text(st, 1),
            .source = db_col_text(st, 2),
            .title = db_col_text(st, 3),
            .published = db_col_text(st, 4),
            .url = db_col_text(st, 5),
            .ingested_at = db_col_text(st, 6),
            .word_count = sqlite3_column_int64(st, 7),
            .body = db_col_text(st, 8),
            .body_len = (size_t)sqlite3_column_bytes(st, 8),
        };
        cb(ctx, &a);
        sqlite3_reset(st);
        return DB_OK;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
}

/* The conditions on an article's columns and mentions. */
static void article_filters(struct db_query *dq,
                            const struct db_article_query *q,
                            char until_next[11])
{
    if (q->nsources) {
        db_query_and(dq);
        db_query_sql(dq, "a.source IN ");
        db_query_text_list(dq, q->sources, q->nsources);
    }
    if (q->since) {
        db_query_and(dq);
        db_query_sql(dq, PUB_KEY " >= ");
        db_query_text(dq, q->since);
    }
    if (q->until) {
        date_next_day(q->until, until_next);
        db_query_and(dq);
        db_query_sql(dq, PUB_KEY " > '' AND " PUB_KEY " < ");
        db_query_text(dq, until_next);
    }
    if (q->nentities) {
        db_query_and(dq);
        db_query_sql(dq, "a.id IN (SELECT article_id FROM mentions "
                         "WHERE entity_id IN ");
        db_query_int_list(dq, q->entities, q->nentities);
        db_query_sql(dq, ")");
    }
}

/* The ids in column 0 of @st's rows. */
static int bitmap_of(struct db *db, sqlite3_stmt *st, struct db_idset *ids)
{
    int rc;

    *ids = (struct db_idset){.on = true};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        db_idset_add(ids, sqlite3_column_int64(st, 0));
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return DB_OK;
    free(ids->bits);
    *ids = (struct db_idset){.on = true};
    return db_status_of(db, rc);
}

/* Whether @m, an FTS5 expression, is one phrase: ftsq_translate()'s form
 * of one word, "a phrase" or prefix* (("word"), ("word"*)), no column. */
static bool one_phrase(const char *m)
{
    if (*m++ != '(' || *m++ != '"')
        return false;
    for (; *m; m++)
        if (*m == '"' && *++m != '"')
            break;
    if (m[-1] != '"')
        return false;
    if (*m == '*')
        m++;
    return m[0] == ')' && !m[1];
}

/* @len bytes of @bits, copied, as the bitmap of @ids. */
static void idset_bits(struct db_idset *ids, const void *bits, size_t len)
{
    ids->bits = len ? xmalloc(len) : NULL;
    ids->len = ids->cap = len;
    if (len)
        memcpy(ids->bits, bits, len);
}

/* The number of ids in @ids. */
static int64_t idset_count(const struct db_idset *ids)
{
    int64_t n = 0;

    for (size_t i = 0; i < ids->len; i++)
        n += __builtin_popcount(ids->bits[i]);
    return n;
}

/* The rowids of the matches of the full-text query @match; ids->n, how
 * many. One phrase's are read in C (dossier_matches(), db_rank.c), other
 * queries' a row of SQL each (1.6x the time for "said" at 1M). */
static int match_set(struct db *db, const char *match, struct db_idset *ids)
{
    sqlite3_stmt *st;
    int rc;

    *ids = (struct db_idset){.on = true};
    if (!one_phrase(match)) {
        st = db_stmt(db, "SELECT rowid FROM articles_fts WHERE articles_fts "
                         "MATCH ?");
        if (!st)
            return DB_ERROR;
        db_bind_text(st, 1, match);
        return bitmap_of(db, st, ids);
    }
    st = db_stmt(db, "SELECT dossier_matches(articles_fts) FROM articles_fts "
                     "WHERE articles_fts MATCH ? LIMIT 1");
    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, match);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        idset_bits(ids, sqlite3_column_blob(st, 0),
                   (size_t)sqlite3_column_bytes(st, 0));
        ids->n = idset_count(ids);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* The condition "@column is in @ids", @ids bound without a copy. */
static void add_has(struct db_query *dq, const struct db_idset *ids,
                    const char *column)
{
    db_query_and(dq);
    db_query_sql(dq, "dossier_has(");
    db_query_blob(dq, ids->bits, ids->len);
    db_query_sql(dq, ", ");
    db_query_sql(dq, column);
    db_query_sql(dq, ")");
}

/* Keep in @ids only the ids @other has too. */
static void idset_and(struct db_idset *ids, const struct db_idset *other)
{
    if (other->len < ids->len)
        ids->len = other->len;
    for (size_t i = 0; i < ids->len; i++)
        ids->bits[i] &= other->bits[i];
}

/* Free @ids once @st, which has it bound without a copy, is reset. */
static void idset_done(struct db_idset *ids, sqlite3_stmt *st)
{
    if (ids->bits && st)
        sqlite3_clear_bindings(st);
    free(ids->bits);
    *ids = (struct db_idset){0};
}

/* Whether @q has a filter besides its full-text query. */
static bool has_filters(const struct db_article_query *q)
{
    return q->nsources || q->since || q->until || q->nentities;
}

/* The filters of @q written out, the key of the set they keep. */
static char *filter_key(const struct db_article_query *q)
{
    struct buf key;

    buf_init(&key, SIZE_MAX);
    for (size_t i = 0; i < q->nsources; i++)
        buf_printf(&key, "%zu:%s,", strlen(q->sources[i]), q->sources[i]);
    buf_printf(&key, ";%s;%s;", q->since ? q->since : "",
               q->until ? q->until : "");
    for (size_t i = 0; i < q->nentities; i++)
        buf_printf(&key, "%lld,", (long long)q->entities[i]);
    return buf_steal(&key, NULL);
}

/* A copy of @from in @to. */
static void idset_copy(struct db_idset *to, const struct db_idset *from)
{
    *to = *from;
    idset_bits(to, from->bits, from->len);
}

/* The database's data version now: read after a statement, for the
 * pager to have seen any commit since its last read (a transaction
 * begun deferred has read nothing before its first statement). */
static bool version_now(struct db *db, unsigned *version)
{
    sqlite3_stmt *st = db_stmt(db, "PRAGMA schema_version");
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

    if (st)
        sqlite3_reset(st);
    return rc == SQLITE_ROW && db_data_version(db, version);
}

/*
 * The ids the filters of @q keep, read: the outlets and dates from the
 * articles' indexes, the entities from their mentions alone (the articles
 * of the most mentioned entity at 1M: 29 ms from index mentions_entity,
 * 553 ms looked up in articles), the two sets intersected.
 */
static int filter_set_build(struct db *db, const struct db_article_query *q,
                            struct db_idset *ids)
{
    struct db_idset ents = {0};
    struct db_query dq;
    sqlite3_stmt *st;
    char until_next[11];
    int rc = DB_OK;

    *ids = (struct db_idset){.on = true};
    if (q->nentities) {
        db_query_init(&dq, "SELECT article_id FROM mentions WHERE entity_id "
                           "IN ");
        db_query_int_list(&dq, q->entities, q->nentities);
        st = db_query_prepare(db, &dq);
        db_query_release(&dq);
        rc = st ? bitmap_of(db, st, &ents) : DB_ERROR;
        if (rc != DB_OK || (!q->nsources && !q->since && !q->until)) {
            *ids = ents;
            return rc;
        }
    }
    struct db_article_query columns = *q;
    columns.nentities = 0;
    db_query_init(&dq, "SELECT a.id FROM articles a");
    article_filters(&dq, &columns, until_next);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    rc = st ? bitmap_of(db, st, ids) : DB_ERROR;
    if (rc == DB_OK && q->nentities)
        idset_and(ids, &ents);
    free(ents.bits);
    return rc;
}

/*
 * The ids the filters of @q keep, as a bitmap (bit i of byte i / 8: id
 * i); ids->on false without a filter. The set of the last filters is
 * kept (struct db_filter_memo) while the database is unchanged: a page
 * and its count ask for the same, and so does the next page (at 1M
 * articles, Reuters' 250k articles are 28 ms to read from their index).
 */
static int filter_set(struct db *db, const struct db_article_query *q,
                      struct db_idset *ids)
{
    struct db_filter_memo *memo = &db->filters;
    unsigned version;
    char *key;
    int rc;

    *ids = (struct db_idset){.on = has_filters(q)};
    if (!ids->on)
        return DB_OK;
    if (!version_now(db, &version))
        return filter_set_build(db, q, ids);
    key = filter_key(q);
    if (memo->key && version == memo->version && !strcmp(key, memo->key)) {
        free(key);
        idset_copy(ids, &memo->set);
        return DB_OK;
    }
    rc = filter_set_build(db, q, ids);
    free(memo->key);
    free(memo->set.bits);
    *memo = (struct db_filter_memo){0};
    if (rc == DB_OK) {
        memo->key = key;
        memo->version = version;
        idset_copy(&memo->set, ids);
    } else {
        free(key);
    }
    return rc;
}

/*
 * The WHERE of a list, a count or a volume. With a full-text query the
 * article filters become one set of ids, built once (filter_set), that
 * each match is looked up in: "dossier_has(?, articles_fts.rowid)".
 * Joined per match instead, each match of a common word cost a row
 * lookup, and SQLite could drive the query from the filter and run the
 * MATCH once per article (a count of "first" in one outlet's articles:
 * 376 ms; as a set, 12 ms at 190k articles). The set was a subquery,
 * "+articles_fts.rowid IN (SELECT a.id FROM articles a WHERE ...)", a
 * b-tree insert per id: 1.4 s for the articles since 2019 at 1M (600k);
 * as a bitmap, 50 ms.
 */
static void add_filters(struct db_query *dq, const struct db_article_query *q,
                        const struct db_idset *ids, char until_next[11])
{
    if (!q->match) {
        article_filters(dq, q, until_next);
        return;
    }
    db_query_and(dq);
    db_query_sql(dq, "articles_fts MATCH ");
    db_query_text(dq, q->match);
    if (ids && ids->on)
        add_has(dq, ids, "articles_fts.rowid");
}

static const char *from_clause(const struct db_article_query *q)
{
    return q->match ? " FROM articles_fts JOIN articles a "
                      "ON a.id = articles_fts.rowid"
                    : " FROM articles a";
}

void db_article_list_row(sqlite3_stmt *st, struct db_article *a)
{
    *a = (struct db_article){
        .id = sqlite3_column_int64(st, 0),
        .title = db_col_text(st, 1),
        .source = db_col_text(st, 2),
        .published = db_col_text(st, 3),
        .url = db_col_text(st, 4),
        .word_count = sqlite3_column_int64(st, 5),
        .body = db_col_text(st, 6),
        .body_len = (size_t)sqlite3_column_bytes(st, 6),
    };
}

/* Past the cursor of a keyset-paged sort; @id: the id column to compare. */
static void add_after(struct db_query *dq, const struct db_article_query *q,
                      const char *id)
{
    if (!q->after.set || q->sort == DB_SORT_RELEVANCE)
        return;
    db_query_and(dq);
    if (q->sort == DB_SORT_ID) {
        db_query_sql(dq, id);
        db_query_sql(dq, " > ");
        db_query_int(dq, q->after.id);
        return;
    }
    db_query_sql(dq, q->sort == DB_SORT_PUBLISHED_DESC
                         ? "(" PUB_KEY ", a.id) < ("
                         : "(" PUB_KEY ", a.id) > (");
    db_query_text(dq, q->after.published);
    db_query_sql(dq, ", ");
    db_query_int(dq, q->after.id);
    db_query_sql(dq, ")");
}

/* A search item's columns: the list's, but the body (search items show
 * the snippet, not the lead, so the body is left unread); then the score
 * and the snippet. */
#define SEARCH_COLUMNS                                                         \
    "a.id, a.title, a.source, a.published, a.url, a.word_count, NULL"
#define SNIPPET "dossier_snippet(articles_fts, 1, char(2), char(3), '…', 40)"

/* From this many matches a page row on, the page's rows are found by
 * rowid (~60 us a row at 1M articles) rather than by walking the matches
 * again (~0.07 us a match) for the cursor snippet() needs. Not for a
 * prefix query: each seek merges the doclists of all the prefix's words
 * again (35 ms a row for "firs*" at 1M). */
#define SEEK_MATCHES_PER_ROW 1000

/* Whether the FTS5 expression @m has a prefix term (a * outside quotes). */
static bool has_prefix(const char *m)
{
    for (bool quoted = false; *m; m++) {
        if (*m == '"')
            quoted = !quoted; /* "" inside quotes: out and back in */
        else if (*m == '*' && !quoted)
            return true;
    }
    return false;
}

/* ORDER BY of a search sorted by date: the articles' columns. */
static const char *date_order(const struct db_article_query *q)
{
    return q->sort == DB_SORT_PUBLISHED_ASC
               ? " ORDER BY " PUB_KEY " ASC, a.id ASC"
               : " ORDER BY " PUB_KEY " DESC, a.id DESC";
}

/*
 * The ids of a date walk's page: articles in date order from index
 * articles_published, each kept if @walk, a set of matches (walk_set),
 * has it. (The matches as a set in SQL, "+a.id IN (SELECT rowid ...
 * MATCH ...)", cost a b-tree insert each: 50 ms for "first" at 1M
 * against 18 ms.)
 */
static void walk_ids(struct db_query *dq, const struct db_article_query *q,
                     const struct db_idset *walk, char until_next[11])
{
    struct db_article_query dates = *q;

    /* The set has the outlets and entities asked for (walk_set); asked
     * of each article, they would cost a row lookup each. */
    dates.nsources = dates.nentities = 0;
    db_query_sql(dq, "SELECT a.id AS rid FROM articles a INDEXED BY "
                     "articles_published");
    article_filters(dq, &dates, until_next);
    add_has(dq, walk, "a.id");
    add_after(dq, q, "a.id");
    db_query_sql(dq, date_order(q));
    db_query_sql(dq, " LIMIT ");
    db_query_int(dq, q->limit);
}

/*
 * The page of a search sorted by date or id (by relevance: search_ranked
 * below): its ids first, the columns and snippets of those rows only
 * after.
 *
 *   WITH r AS MATERIALIZED (SELECT rowid AS rid, rank AS s ... MATCH ...
 *                           ORDER BY ... LIMIT n)
 *   SELECT columns, -r.s, snippet(...) FROM articles_fts CROSS JOIN r
 *     CROSS JOIN articles a WHERE articles_fts MATCH ... AND
 *     r.rid = +articles_fts.rowid AND a.id = r.rid ORDER BY ...
 *
 * In one SELECT, SQLite would compute the snippet of every match before
 * sorting. The second pass walks the matches again in rowid order (as
 * cheap as a count: no rank), so the cursor stands on each chosen row for
 * snippet() without a per-row seek; the unary + keeps SQLite from turning
 * the join into such seeks. A date walk's ids (@walk) come from
 * walk_ids(), their ranks in the second pass.
 */
static void search_page(struct db_query *dq, const struct db_article_query *q,
                        const struct db_idset *walk,
                        const struct db_idset *ids, char until_next[11])
{
    bool by_id = q->sort == DB_SORT_ID;

    db_query_sql(dq, "WITH r AS MATERIALIZED (");
    if (walk) {
        walk_ids(dq, q, walk, until_next);
    } else {
        db_query_sql(dq, "SELECT articles_fts.rowid AS rid, " RANK " AS s");
        db_query_sql(dq, by_id ? " FROM articles_fts" : from_clause(q));
        add_filters(dq, q, ids, until_next);
        add_after(dq, q, "articles_fts.rowid");
        db_query_sql(dq, by_id ? " ORDER BY rid" : date_order(q));
        db_query_sql(dq, " LIMIT ");
        db_query_int(dq, q->limit);
    }
    db_query_sql(dq, ") SELECT " SEARCH_COLUMNS ", ");
    /* Not by rowid (SEEK_MATCHES_PER_ROW): dossier_rank() would count
     * the phrases' matches for their IDF again at every seek, each one a
     * new query (12 ms for "first" at 1M); walked_page() does that for
     * one phrase, whose matches it knows. */
    db_query_sql(dq, walk ? "-" RANK : "-r.s");
    db_query_sql(dq, ", " SNIPPET " FROM articles_fts CROSS JOIN r CROSS JOIN "
                     "articles a WHERE articles_fts MATCH ");
    db_query_text(dq, q->match);
    db_query_sql(dq, " AND r.rid = +articles_fts.rowid AND a.id = r.rid");
    db_query_sql(dq, by_id ? " ORDER BY r.rid" : date_order(q));
}

/* A page of articles without a full-text query. */
static void list_page(struct db_query *dq, const struct db_article_query *q,
                      char until_next[11])
{
    db_query_sql(dq, "SELECT " DB_ARTICLE_LIST_COLUMNS);
    db_query_sql(dq, from_clause(q));
    add_filters(dq, q, NULL, until_next);
    add_after(dq, q, "a.id");
    switch (q->sort) {
    case DB_SORT_RELEVANCE: /* without a query: newest first */
    case DB_SORT_PUBLISHED_DESC:
        db_query_sql(dq, " ORDER BY " PUB_KEY " DESC, a.id DESC");
        break;
    case DB_SORT_PUBLISHED_ASC:
        db_query_sql(dq, " ORDER BY " PUB_KEY " ASC, a.id ASC");
        break;
    case DB_SORT_ID:
        db_query_sql(dq, " ORDER BY a.id");
        break;
    }
    db_query_sql(dq, " LIMIT ");
    db_query_int(dq, q->limit);
    if (q->sort == DB_SORT_RELEVANCE && q->after.set) {
        db_query_sql(dq, " OFFSET ");
        db_query_int(dq, q->after.offset);
    }
}

/*
 * A search by relevance, in two steps: the page's ids and ranks, with the
 * number of matches (every match is ranked to find them); then the
 * columns and snippets of those rows (ranked_page).
 */
struct ranked {
    struct db_top_row *row; /* the rank: dossier_rank(), lower first */
    size_t n, cap;
    int64_t matches; /* what the filters keep */
    int64_t walked;  /* the full-text query's own: a walk reads them */
};

static void ranked_add(struct ranked *r, int64_t rid, double s)
{
    r->row = xgrow(r->row, sizeof(*r->row), r->n + 1, &r->cap);
    r->row[r->n++] = (struct db_top_row){rid, s};
}

/* A search for one phrase ranks at least this many of its best matches,
 * or twice what its page needs, kept (struct db_top_memo) for the next
 * pages of the same search. */
#define TOP_MEMO_ROWS 200

/* The query and filters of @q written out: the key of its ranking. */
static char *top_key(const struct db_article_query *q)
{
    char *filters = filter_key(q), *key = xasprintf("%s\n%s", q->match,
                                                    filters);

    free(filters);
    return key;
}

/* Run dossier_top() for @q, its best @k into @m; *@ranked false if it
 * does not apply. */
static int top_rank(struct db *db, const struct db_article_query *q,
                    const struct db_idset *ids, size_t k,
                    struct db_top_memo *m, bool *ranked)
{
    sqlite3_stmt *st;
    int rc;

    *ranked = false;
    st = db_stmt(db, "SELECT dossier_top(articles_fts, ?2, ?3, " RANK_WEIGHTS
                     ") FROM articles_fts WHERE articles_fts MATCH ?1 "
                     "LIMIT 1");
    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, q->match);
    sqlite3_bind_int64(st, 2, (int64_t)k);
    if (!ids->on)
        sqlite3_bind_null(st, 3);
    else if (ids->len)
        sqlite3_bind_blob(st, 3, ids->bits, (int)ids->len, SQLITE_STATIC);
    else
        sqlite3_bind_zeroblob(st, 3, 0); /* the filters keep nothing */
    rc = sqlite3_step(st);
    m->k = k;
    if (rc == SQLITE_DONE) { /* no match */
        *ranked = true;
    } else if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
        /* The matches kept and all of them, then (rowid, rank) pairs in
         * order. */
        const unsigned char *b = sqlite3_column_blob(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 0);
        size_t pair = sizeof(int64_t) + sizeof(double), cap = 0;
        memcpy(&m->matches, b, sizeof(int64_t));
        memcpy(&m->walked, b + sizeof(int64_t), sizeof(int64_t));
        for (size_t at = 2 * sizeof(int64_t); at + pair <= len; at += pair) {
            m->row = xgrow(m->row, sizeof(*m->row), m->n + 1, &cap);
            memcpy(&m->row[m->n].rid, b + at, sizeof(int64_t));
            memcpy(&m->row[m->n].s, b + at + sizeof(int64_t), sizeof(double));
            m->n++;
        }
        *ranked = true;
    }
    sqlite3_reset(st);
    sqlite3_bind_null(st, 3); /* @ids is bound without a copy */
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/*
 * The ranked ids of a search for one phrase, from dossier_top()
 * (db_rank.c), which ranks every match in one pass of C rather than a row
 * of SQL each: half the time of a common word's search at 1M articles;
 * with filters, the ids they keep as a bitmap. *@done false when it does
 * not apply. The best TOP_MEMO_ROWS (or twice as many as the page needs)
 * are kept for the next pages while the database does not change: each
 * page of a common word ranked all its matches again (20-120 ms at 1M;
 * 1-2 ms from the kept ranking).
 */
static int ranked_top(struct db *db, const struct db_article_query *q,
                      const struct db_idset *ids, int64_t offset,
                      struct ranked *r, bool *done)
{
    struct db_top_memo *m = &db->top, fresh = {0};
    size_t need = (size_t)offset + (size_t)q->limit;
    unsigned version;
    bool kept;
    int rc;

    *done = false;
    if (!one_phrase(q->match))
        return DB_OK;
    /* Without a data version, nothing is kept. */
    char *key = version_now(db, &version) ? top_key(q) : NULL;
    kept = key && m->key && m->version == version && !strcmp(m->key, key) &&
           (need <= m->k || m->n < m->k);
    if (!kept) {
        rc = top_rank(db, q, ids,
                      2 * need > TOP_MEMO_ROWS ? 2 * need : TOP_MEMO_ROWS,
                      &fresh, done);
        if (rc != DB_OK || !*done) {
            free(fresh.row);
            free(key);
            return rc;
        }
        free(m->key);
        free(m->row);
        *m = fresh;
        m->version = version;
        m->key = key;
    } else {
        free(key);
    }
    r->matches = m->matches;
    r->walked = m->walked;
    for (size_t i = (size_t)offset; i < need && i < m->n; i++)
        ranked_add(r, m->row[i].rid, m->row[i].s);
    *done = true;
    return DB_OK;
}

/*
 * The ranked ids of any search: SQLite's LIMIT sorter on dossier_rank()
 * with the id as a tie-break (the order FTS5 gives ties), which keeps only
 * the top n; FTS5's own ORDER BY rank prepares an inner statement on every
 * query and sorts every match (25-40% more work). dossier_tally() counts
 * the matches that reach the sorter.
 */
static int ranked_sql(struct db *db, const struct db_article_query *q,
                      const struct db_idset *ids, int64_t offset, struct ranked *r)
{
    struct db_query dq;
    sqlite3_stmt *st;
    char until_next[11];
    int rc;

    /* dossier_tally() in the sort key: SQLite computes the key of every
     * row the sort takes, other columns maybe only for the rows kept. */
    db_query_init(&dq, "SELECT articles_fts.rowid AS rid, " RANK
                       " AS s FROM articles_fts");
    add_filters(&dq, q, ids, until_next);
    db_query_sql(&dq, " ORDER BY s, rid, dossier_tally() LIMIT ");
    db_query_int(&dq, q->limit);
    db_query_sql(&dq, " OFFSET ");
    db_query_int(&dq, offset);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    if (!st)
        return DB_ERROR;
    db->tally = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ranked_add(r, sqlite3_column_int64(st, 0),
                   sqlite3_column_double(st, 1));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* @ids is bound without a copy */
    /* The sort takes every match before the first row comes out (the
     * ones the filters keep: fewer than a walk reads, if any). */
    r->matches = r->walked = db->tally;
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* "[id,id,...]": @r's rows for json_each(). */
static void page_ids(const struct ranked *r, struct buf *ids)
{
    buf_init(ids, r->n * 24 + 8); /* 20 digits, a comma */
    buf_putc(ids, '[');
    for (size_t i = 0; i < r->n; i++)
        buf_printf(ids, "%s%lld", i ? "," : "", (long long)r->row[i].rid);
    buf_putc(ids, ']');
}

/* The ranks of @r's rows, a walk's of a phrase of r->walked matches, each
 * row found by rowid. */
static int page_ranks(struct db *db, const struct db_article_query *q,
                      struct ranked *r)
{
    sqlite3_stmt *st = db_stmt(
        db, "SELECT r.key, dossier_rank_known(articles_fts, ?3, " RANK_WEIGHTS
            ") FROM json_each(?1) r CROSS JOIN articles_fts WHERE "
            "articles_fts MATCH ?2 AND articles_fts.rowid = r.value");
    struct buf ids;
    int rc;

    if (!st)
        return DB_ERROR;
    page_ids(r, &ids);
    sqlite3_bind_text(st, 1, ids.data, (int)ids.len, SQLITE_TRANSIENT);
    buf_release(&ids);
    db_bind_text(st, 2, q->match);
    sqlite3_bind_int64(st, 3, r->walked);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t pos = sqlite3_column_int64(st, 0);
        if (pos >= 0 && (size_t)pos < r->n)
            r->row[pos].s = sqlite3_column_double(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* The columns and snippets of the ranked rows, in their order. */
static int ranked_page(struct db *db, const struct db_article_query *q,
                       const struct ranked *r, db_article_cb cb, void *ctx)
{
    bool seek = r->walked > (int64_t)r->n * SEEK_MATCHES_PER_ROW &&
                !has_prefix(q->match);
    struct buf ids;
    sqlite3_stmt *st;
    int rc;

    page_ids(r, &ids);
    st = db_stmt(db, seek ? "WITH r(rid, pos) AS MATERIALIZED (SELECT value, "
                            "key FROM json_each(?1)) SELECT " SEARCH_COLUMNS
                            ", r.pos, " SNIPPET " FROM r CROSS JOIN "
                            "articles_fts CROSS JOIN articles a WHERE "
                            "articles_fts MATCH ?2 AND articles_fts.rowid = "
                            "r.rid AND a.id = r.rid ORDER BY r.pos"
                          : "WITH r(rid, pos) AS MATERIALIZED (SELECT value, "
                            "key FROM json_each(?1)) SELECT " SEARCH_COLUMNS
                            ", r.pos, " SNIPPET " FROM articles_fts CROSS "
                            "JOIN r CROSS JOIN articles a WHERE articles_fts "
                            "MATCH ?2 AND r.rid = +articles_fts.rowid AND "
                            "a.id = r.rid ORDER BY r.pos");
    if (!st) {
        buf_release(&ids);
        return DB_ERROR;
    }
    sqlite3_bind_text(st, 1, ids.data, (int)ids.len, SQLITE_TRANSIENT);
    buf_release(&ids);
    db_bind_text(st, 2, q->match);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_article a;
        int64_t pos = sqlite3_column_int64(st, DB_ARTICLE_LIST_NCOLUMNS);
        db_article_list_row(st, &a);
        a.has_score = true;
        a.score = pos >= 0 && (size_t)pos < r->n ? -r->row[pos].s : 0.0;
        a.snippet = db_col_text(st, DB_ARTICLE_LIST_NCOLUMNS + 1);
        if (cb(ctx, &a))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/*
 * The page of a date walk for one phrase of many matches (@set, from
 * walk_set(); set->n, all the phrase's matches): the walk's ids, their
 * ranks, then their columns and snippets, each row found by rowid with
 * the IDF of the matches known (dossier_rank_known()), rather than
 * walking every match again for the cursor rank and snippet() need (as
 * search_page() does): for "said" in Reuters' articles at 1M, by date,
 * 83 ms -> 3 ms for the ranks and 3 for the page.
 */
static int walked_page(struct db *db, const struct db_article_query *q,
                       const struct db_idset *set, db_article_cb cb, void *ctx)
{
    struct ranked r = {.walked = set->n};
    struct db_query dq;
    char until_next[11];
    sqlite3_stmt *st;
    int rc;

    db_query_init(&dq, "");
    walk_ids(&dq, q, set, until_next);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    if (!st)
        return DB_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ranked_add(&r, sqlite3_column_int64(st, 0), 0.0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* @set is bound without a copy */
    rc = rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
    if (rc == DB_OK && r.n)
        rc = page_ranks(db, q, &r);
    if (rc == DB_OK && r.n)
        rc = ranked_page(db, q, &r, cb, ctx);
    free(r.row);
    return rc;
}

static int search_ranked(struct db *db, const struct db_article_query *q,
                         db_article_cb cb, void *ctx, int64_t *matches)
{
    struct ranked r = {0};
    int64_t offset = q->after.set ? q->after.offset : 0;
    bool done;
    int rc;

    struct db_idset ids;

    if (matches)
        *matches = -1;
    if ((rc = filter_set(db, q, &ids)) != DB_OK)
        return rc;
    rc = ranked_top(db, q, &ids, offset, &r, &done);
    if (rc == DB_OK && !done)
        rc = ranked_sql(db, q, &ids, offset, &r);
    idset_done(&ids, NULL);
    if (rc == DB_OK && r.n)
        rc = ranked_page(db, q, &r, cb, ctx);
    if (rc == DB_OK && matches)
        *matches = r.matches;
    free(r.row);
    return rc;
}

/* From this many matches on, a search sorted by date walks the articles
 * in date order (search_page) instead of sorting its matches. */
#define DATE_WALK 2000

/*
 * date_walk - whether the search @q may walk the date index: sorted by
 * date, with DATE_WALK matches or more, counted up to there. At 190k
 * articles, "first" (43k matches): 70 ms sorted, 7 ms walked; a word of
 * no match: 0.2 ms sorted, 14 ms walked.
 */
static int date_walk(struct db *db, const struct db_article_query *q,
                     bool *walk)
{
    struct db_query dq;
    int64_t n = 0;
    int rc;

    *walk = false;
    if (q->sort != DB_SORT_PUBLISHED_DESC && q->sort != DB_SORT_PUBLISHED_ASC)
        return DB_OK;
    db_query_init(&dq, "SELECT count(*) FROM (SELECT 1 FROM articles_fts "
                       "WHERE articles_fts MATCH ");
    db_query_text(&dq, q->match);
    db_query_sql(&dq, " LIMIT " STR(DATE_WALK) ")");
    rc = db_query_int64(db, &dq, &n);
    *walk = n >= DATE_WALK;
    return rc;
}

/*
 * walk_set - the articles a date walk keeps, in @set: the matches of @q,
 * and with an outlet or an entity filter, only those the filters keep
 * (@ids: the filters' set). Those filters can leave few of the walked
 * articles: with fewer than DATE_WALK matches left, *walk turns false and
 * the search sorts them (the walk goes on until it has the page: a few
 * matches spread over a million articles are found faster sorted). At 1M
 * articles, "said" in Reuters' articles sorted by date: 503 after 2 s
 * (35 s without the time limit: every match's date looked up, ranked and
 * sorted) -> 100 ms walked, 50 ms with the filters' set kept.
 */
static int walk_set(struct db *db, const struct db_article_query *q,
                    struct db_idset *set, struct db_idset *ids, bool *walk)
{
    int rc = match_set(db, q->match, set);

    if (rc != DB_OK || (!q->nsources && !q->nentities))
        return rc;
    rc = filter_set(db, q, ids);
    if (rc == DB_OK) {
        idset_and(set, ids);
        *walk = idset_count(set) >= DATE_WALK;
    }
    return rc;
}

int db_articles_list(struct db *db, const struct db_article_query *q,
                     db_article_cb cb, void *ctx, int64_t *matches)
{
    struct db_query dq;
    sqlite3_stmt *st;
    char until_next[11];
    int rc = DB_OK;

    if (q->match && q->sort == DB_SORT_RELEVANCE)
        return search_ranked(db, q, cb, ctx, matches);
    bool walk = false;
    struct db_idset set = {0}, ids = {0};
    if (q->match && (rc = date_walk(db, q, &walk)) != DB_OK)
        return rc;
    if (walk)
        rc = walk_set(db, q, &set, &ids, &walk);
    else if (q->match)
        rc = filter_set(db, q, &ids);
    if (rc == DB_OK && walk && one_phrase(q->match) && !has_prefix(q->match) &&
        set.n > q->limit * SEEK_MATCHES_PER_ROW) {
        if (matches)
            *matches = -1;
        rc = walked_page(db, q, &set, cb, ctx);
        idset_done(&set, NULL);
        idset_done(&ids, NULL);
        return rc;
    }
    if (rc != DB_OK) {
        idset_done(&set, NULL);
        idset_done(&ids, NULL);
        return rc;
    }
    db_query_init(&dq, "");
    if (q->match)
        search_page(&dq, q, walk ? &set : NULL, &ids, until_next);
    else
        list_page(&dq, q, until_next);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    if (matches)
        *matches = -1;
    if (!st) {
        idset_done(&set, NULL);
        idset_done(&ids, NULL);
        return DB_ERROR;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_article a;
        db_article_list_row(st, &a);
        if (q->match) {
            a.has_score = true;
            a.score = sqlite3_column_double(st, DB_ARTICLE_LIST_NCOLUMNS);
            a.snippet = db_col_text(st, DB_ARTICLE_LIST_NCOLUMNS + 1);
        }
        if (cb(ctx, &a))
            break;
    }
    sqlite3_reset(st);
    idset_done(&set, st); /* both bound without a copy */
    idset_done(&ids, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

int db_articles_count(struct db *db, const struct db_article_query *q,
                      int64_t cap, int64_t *count)
{
    struct db_query dq;
    char until_next[11];
    int rc;

    /* With no filter at all, SQLite counts the b-tree without reading
     * rows; the cap is applied here. */
    if (!q->match && !has_filters(q)) {
        rc = db_articles_total(db, count);
        if (rc == DB_OK && *count > cap)
            *count = cap;
        return rc;
    }
    /* A search counts on the FTS table alone (add_filters). */
    struct db_idset ids = {0};
    if (q->match && (rc = filter_set(db, q, &ids)) != DB_OK)
        return rc;
    db_query_init(&dq, "SELECT count(*) FROM (SELECT 1");
    db_query_sql(&dq, q->match ? " FROM articles_fts" : " FROM articles a");
    add_filters(&dq, q, &ids, until_next);
    db_query_sql(&dq, " LIMIT ");
    db_query_int(&dq, cap);
    db_query_sql(&dq, ")");
    rc = db_query_int64(db, &dq, count);
    idset_done(&ids, NULL); /* db_query_int64 unbinds its statement */
    return rc;
}

int db_articles_total(struct db *db, int64_t *count)
{
    struct db_query dq;

    db_query_init(&dq, "SELECT count(*) FROM articles");
    return db_query_int64(db, &dq, count);
}

int db_articles_delete(struct db *db, int64_t id)
{
    sqlite3_stmt *st;
    int rc = db_fts_sync(db);

    if (rc != DB_OK)
        return rc;
    if (!(st = db_stmt(db, "DELETE FROM articles WHERE id = ?")))
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_status_of(db, rc);
    return sqlite3_changes(db->conn) ? DB_OK : DB_NOT_FOUND;
}

int db_articles_ids(struct db *db, int64_t **ids, size_t *n)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM articles ORDER BY id");
    size_t cap = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (!st)
        return DB_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *ids = xgrow(*ids, sizeof(**ids), *n + 1, &cap);
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

int db_sources_list(struct db *db, db_source_cb cb, void *ctx)
{
    sqlite3_stmt *st;
    int rc;

    /* One row per outlet (table source_counts, kept by triggers; schema
     * 6), its first and last dates two seeks in index articles_source. A
     * read-only snapshot of an older schema counts on that index. */
    if (db->schema >= 6)
        st = db_stmt(db,
                     "SELECT s.source, s.articles, (SELECT min(" PUB_KEY
                     ") FROM articles a WHERE a.source IS s.source AND " PUB_KEY
                     " > ''), (SELECT max(" PUB_KEY ") FROM "
                     "articles a WHERE a.source IS s.source AND " PUB_KEY
                     " > '') FROM source_counts s ORDER BY s.articles "
                     "DESC, s.source");
    else
        st = db_stmt(db, "SELECT a.source, count(*), min(nullif(" PUB_KEY
                         ", '')), nullif(max(" PUB_KEY "), '') FROM articles "
                         "a GROUP BY a.source ORDER BY count(*) DESC, "
                         "a.source");
    if (!st)
        return DB_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_source s = {
            .source = db_col_text(st, 0),
            .article_count = sqlite3_column_int64(st, 1),
            .first_published = db_col_text(st, 2),
            .last_published = db_col_text(st, 3),
        };
        if (cb(ctx, &s))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* From this many matches per article on (rowids up to the largest), a
 * volume of a search walks index articles_published, ~0.2 us an entry at
 * 1M articles, rather than joining each match to its article, ~9 us. */
#define VOLUME_WALK_RATIO 32

/* Up to this many outlets, a walked volume may read each outlet's part
 * of index articles_source rather than all of articles_published. */
#define VOLUME_OUTLET_WALKS 8

/*
 * Whether a walked volume of @q reads its outlets' parts of index
 * articles_source: up to VOLUME_OUTLET_WALKS outlets, holding fewer than
 * half of the @last articles (per table source_counts; schema 6). At 1M,
 * 8 outlets holding 64% of the articles: 174 ms walked by outlet, 123
 * along articles_published.
 */
static int volume_by_outlet(struct db *db, const struct db_article_query *q,
                            int64_t last, bool *by_outlet)
{
    struct db_query dq;
    int64_t held = 0;
    int rc;

    *by_outlet = false;
    if (!q->nsources || q->nsources > VOLUME_OUTLET_WALKS || db->schema < 6)
        return DB_OK;
    db_query_init(&dq, "SELECT coalesce(sum(articles), 0) FROM source_counts "
                       "WHERE source IN ");
    db_query_text_list(&dq, q->sources, q->nsources);
    rc = db_query_int64(db, &dq, &held);
    *by_outlet = rc == DB_OK && held * 2 < last;
    return rc;
}

/*
 * The set a volume of the search @q counts: *@walk, the matches that its
 * outlets and entities keep, when there are enough matches to walk a date
 * index (its dates are left to the walk, and its outlets if *@by_outlet);
 * otherwise the ids its filters keep, for add_filters().
 */
static int volume_set(struct db *db, const struct db_article_query *q,
                      struct db_idset *ids, bool *walk, bool *by_outlet)
{
    struct db_idset keep = {0};
    int64_t last = 0;
    int rc;

    *walk = *by_outlet = false;
    if ((rc = match_set(db, q->match, ids)) != DB_OK)
        return rc;
    struct db_query dq;
    db_query_init(&dq, "SELECT coalesce(max(id), 0) FROM articles");
    if ((rc = db_query_int64(db, &dq, &last)) != DB_OK)
        return rc;
    *walk = ids->n * VOLUME_WALK_RATIO > last;
    if (!*walk) {
        idset_done(ids, NULL);
        return filter_set(db, q, ids);
    }
    if ((rc = volume_by_outlet(db, q, last, by_outlet)) != DB_OK)
        return rc;
    struct db_article_query others = *q;
    others.since = others.until = NULL;
    if (*by_outlet)
        others.nsources = 0;
    if (!others.nsources && !others.nentities)
        return DB_OK;
    if ((rc = filter_set(db, &others, &keep)) == DB_OK)
        idset_and(ids, &keep);
    free(keep.bits);
    return rc;
}

int db_articles_volume(struct db *db, const struct db_article_query *q,
                       enum db_interval interval, db_bucket_cb cb, void *ctx)
{
    /* Counted per date key first (the order of index articles_published,
     * which holds the key: no table row is read unless a filter needs it),
     * then summed into buckets: 10x faster than bucketing every row. */
    static const char *const bucket[] = {
        [DB_INTERVAL_DAY] = "substr(k, 1, 10)",
        [DB_INTERVAL_WEEK] = "date(substr(k, 1, 10), 'weekday 0', '-6 days')",
        [DB_INTERVAL_MONTH] = "substr(k, 1, 7)",
    };
    struct db_query dq;
    struct db_idset ids = {0};
    sqlite3_stmt *st;
    char until_next[11];
    bool walk = false, by_outlet = false;
    int rc;

    if (q->match &&
        (rc = volume_set(db, q, &ids, &walk, &by_outlet)) != DB_OK) {
        idset_done(&ids, NULL);
        return rc;
    }
    db_query_init(&dq, "SELECT ");
    db_query_sql(&dq, bucket[interval]);
    if (!q->match && !q->nsources && !q->nentities && db->schema >= 7) {
        /* Dates alone: from the articles per day that schema 0007's
         * triggers keep (a day is a key's first ten characters, so the
         * bounds compare the same way). */
        db_query_sql(&dq, " AS d, sum(articles) FROM (SELECT day AS k, "
                          "articles FROM day_counts");
        if (q->since) {
            db_query_and(&dq);
            db_query_sql(&dq, "day >= ");
            db_query_text(&dq, q->since);
        }
        if (q->until) {
            date_next_day(q->until, until_next);
            db_query_and(&dq);
            db_query_sql(&dq, "day < ");
            db_query_text(&dq, until_next);
        }
        db_query_sql(&dq, ") GROUP BY d ORDER BY d");
    } else if (walk) {
        /* The matches (and the outlets and entities) as one set, then the
         * keys of index articles_published that it holds, in key order;
         * or by_outlet, those of each outlet's part of articles_source,
         * one SELECT an outlet (a quarter of the index for Reuters at 1M:
         * "said" 218 -> 86 ms; Reuters and BBC News 168 -> 115; "source
         * IN (a, b)" on that index, SQLite sorts the keys: 2 s). Each
         * match joined to its article for its date took over 2 s for
         * "first" (229k matches) at 1M. */
        size_t parts = by_outlet ? q->nsources : 1;

        db_query_sql(&dq, " AS d, sum(n) FROM (");
        for (size_t i = 0; i < parts; i++) {
            struct db_article_query dates = {.since = q->since,
                                             .until = q->until};
            if (by_outlet) {
                dates.sources = q->sources + i;
                dates.nsources = 1;
            }
            if (i)
                db_query_sql(&dq, " UNION ALL ");
            db_query_open(&dq, by_outlet
                                   ? "SELECT " PUB_KEY " AS k, count(*) AS n "
                                     "FROM articles a INDEXED BY "
                                     "articles_source"
                                   : "SELECT " PUB_KEY " AS k, count(*) AS n "
                                     "FROM articles a INDEXED BY "
                                     "articles_published");
            add_has(&dq, &ids, "a.id");
            article_filters(&dq, &dates, until_next);
            db_query_and(&dq);
            db_query_sql(&dq, PUB_KEY " > '' GROUP BY k");
        }
        db_query_sql(&dq, ") GROUP BY d ORDER BY d");
    } else {
        db_query_sql(&dq, " AS d, sum(n) FROM (SELECT " PUB_KEY " AS k, "
                          "count(*) AS n");
        db_query_sql(&dq, from_clause(q));
        add_filters(&dq, q, &ids, until_next);
        db_query_and(&dq);
        db_query_sql(&dq, PUB_KEY " > '' GROUP BY k) GROUP BY d ORDER BY d");
    }
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    if (!st) {
        idset_done(&ids, NULL);
        return DB_ERROR;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (cb(ctx, db_col_text(st, 0), sqlite3_column_int64(st, 1)))
            break;
    sqlite3_reset(st);
    idset_done(&ids, st); /* bound without a copy */
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}
