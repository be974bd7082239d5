/*
 * db_read.c - entity, claim, timeline and annotation reads, written as
 * JSON items straight from the rows.
 */
#include "db/db_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/dates.h"
#include "core/utf8.h"
#include "db/db_articles.h"
#include "db/db_query.h"

/* Step @st, writing each row with @row until the page is full. */
static int write_page(struct db *db, sqlite3_stmt *st, struct db_list *page,
                      struct jsonw *w,
                      int (*row)(struct db *, sqlite3_stmt *, struct jsonw *))
{
    int rc;

    page->more = false;
    page->written = 0;
    jw_arr(w);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (page->written == page->limit) {
            page->more = true;
            break;
        }
        int r = row(db, st, w);
        if (r != DB_OK) {
            sqlite3_reset(st);
            return r;
        }
        page->written++;
    }
    jw_end(w);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

static void page_clause(struct db_query *dq, const struct db_list *page)
{
    db_query_sql(dq, " LIMIT ");
    db_query_int(dq, page->limit + 1);
    db_query_sql(dq, " OFFSET ");
    db_query_int(dq, page->offset);
}

static void col_str(struct jsonw *w, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        jw_null(w);
    else
        jw_strn(w, db_col_text(st, i), (size_t)sqlite3_column_bytes(st, i));
}

static void col_id(struct jsonw *w, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        jw_null(w);
    else
        jw_int(w, sqlite3_column_int64(st, i));
}

/* A column holding a JSON array built by json_group_array. */
static void col_json(struct jsonw *w, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        jw_raw(w, "[]", 2);
    else
        jw_raw(w, db_col_text(st, i), (size_t)sqlite3_column_bytes(st, i));
}

/*
 * write_rows - write "@key": [...] with one object per row of @st, each
 * column under its SQL name (use AS to name it) and typed by its value:
 * integer, real, text or null. Steps @st to the end and resets it.
 */
static int write_rows(struct db *db, sqlite3_stmt *st, struct jsonw *w,
                      const char *key)
{
    int rc, ncols = sqlite3_column_count(st);

    jw_key(w, key);
    jw_arr(w);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        jw_obj(w);
        for (int i = 0; i < ncols; i++) {
            jw_key(w, sqlite3_column_name(st, i));
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER:
                jw_int(w, sqlite3_column_int64(st, i));
                break;
            case SQLITE_FLOAT:
                jw_double(w, sqlite3_column_double(st, i));
                break;
            case SQLITE_NULL:
                jw_null(w);
                break;
            default:
                col_str(w, st, i);
            }
        }
        jw_end(w);
    }
    jw_end(w);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* --- entities ------------------------------------------------------ */

#define ENTITY_COLUMNS                                                         \
    "SELECT e.id, e.name, e.type, (SELECT json_group_array(alias) FROM "       \
    "(SELECT alias FROM entity_aliases WHERE entity_id = e.id AND alias "      \
    "!= e.name ORDER BY count DESC, alias)), e.mention_count, "                \
    "e.article_count, e.source_count"

static void entity_fields(sqlite3_stmt *st, struct jsonw *w)
{
    jw_key(w, "id");
    jw_int(w, sqlite3_column_int64(st, 0));
    jw_key(w, "name");
    col_str(w, st, 1);
    jw_key(w, "type");
    col_str(w, st, 2);
    jw_key(w, "aliases");
    col_json(w, st, 3);
    jw_key(w, "mention_count");
    jw_int(w, sqlite3_column_int64(st, 4));
    jw_key(w, "article_count");
    jw_int(w, sqlite3_column_int64(st, 5));
    jw_key(w, "source_count");
    jw_int(w, sqlite3_column_int64(st, 6));
}

static int entity_row(struct db *db, sqlite3_stmt *st, struct jsonw *w)
{
    (void)db;
    jw_obj(w);
    entity_fields(st, w);
    jw_end(w);
    return DB_OK;
}

/* Below this many entities an outlet's are fetched and sorted; from it
 * on, the list walks entities in order and keeps the outlet's. */
#define OUTLET_WALK 2000

/* The rows of index entity_sources_source for the outlets of @q, counted
 * up to OUTLET_WALK, in *@n. */
static int outlet_entities(struct db *db, const struct db_entity_query *q,
                           int64_t *n)
{
    struct db_query dq;

    db_query_init(&dq, "SELECT count(*) FROM (SELECT 1 FROM entity_sources "
                       "WHERE source IN ");
    db_query_text_list(&dq, q->sources, q->nsources);
    db_query_sql(&dq, " LIMIT " STR(OUTLET_WALK) ")");
    return db_query_int64(db, &dq, n);
}

int db_entities_list(struct db *db, const struct db_entity_query *q,
                     struct db_list *page, struct jsonw *w)
{
    static const char *const order[] = {
        [DB_ENTITY_SORT_MENTIONS] = " ORDER BY e.mention_count DESC, e.id",
        [DB_ENTITY_SORT_ARTICLES] = " ORDER BY e.article_count DESC, e.id",
        [DB_ENTITY_SORT_NAME] = " ORDER BY e.name COLLATE NOCASE, e.id",
    };
    struct db_query dq;
    sqlite3_stmt *st;
    char *lo = NULL, *hi = NULL;
    int64_t outlet = 0;
    int rc;

    if (q->nsources && (rc = outlet_entities(db, q, &outlet)) != DB_OK)
        return rc;
    db_query_init(&dq, ENTITY_COLUMNS " FROM entities e");
    db_query_and(&dq);
    db_query_sql(&dq, "e.mention_count > 0");
    if (q->ntypes) {
        db_query_and(&dq);
        db_query_sql(&dq, "e.type IN ");
        db_query_text_list(&dq, q->types, q->ntypes);
    }
    if (q->prefix) {
        /* Prefix range on the folded alias: [p, p + 0xff). */
        lo = utf8_fold(q->prefix);
        hi = xasprintf("%s\xff", lo);
        db_query_and(&dq);
        db_query_sql(&dq, "e.id IN (SELECT entity_id FROM entity_aliases "
                          "WHERE norm >= ");
        db_query_text(&dq, lo);
        db_query_sql(&dq, " AND norm < ");
        db_query_text(&dq, hi);
        db_query_sql(&dq, ")");
    }
    if (q->article) {
        db_query_and(&dq);
        db_query_sql(&dq, "e.id IN (SELECT entity_id FROM mentions WHERE "
                          "article_id = ");
        db_query_int(&dq, q->article);
        db_query_sql(&dq, ")");
    }
    if (q->nsources) {
        db_query_and(&dq);
        /* A small outlet: its entities from the index, then sorted. A
         * large one: the entities in list order, one probe of the index
         * each, until the page is full (at 190k articles: 1-3 ms where
         * the first would sort 30k entities, and the walk would cost 30
         * ms for an outlet of no entity). */
        db_query_sql(&dq, outlet < OUTLET_WALK
                              ? "e.id IN (SELECT entity_id FROM "
                                "entity_sources s WHERE s.source IN "
                              : "EXISTS (SELECT 1 FROM entity_sources s "
                                "WHERE s.entity_id = e.id AND s.source IN ");
        db_query_text_list(&dq, q->sources, q->nsources);
        db_query_sql(&dq, ")");
    }
    db_query_sql(&dq, order[q->sort]);
    page_clause(&dq, page);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    rc = st ? write_page(db, st, page, w, entity_row) : DB_ERROR;
    free(lo);
    free(hi);
    return rc;
}

int db_entities_exists(struct db *db, int64_t id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM entities WHERE id = ?");
    int rc;

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
}

int db_entities_get(struct db *db, int64_t id, struct jsonw *w)
{
    sqlite3_stmt *st;
    int rc;

    /* Everything here is kept up to date at ingest: no mention is read. */
    st = db_stmt(db, ENTITY_COLUMNS ", e.first_published, e.last_published "
                                    "FROM entities e WHERE e.id = ?");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
    }
    jw_obj(w);
    entity_fields(st, w);
    jw_key(w, "first_published");
    col_str(w, st, 7);
    jw_key(w, "last_published");
    col_str(w, st, 8);
    sqlite3_reset(st);

    st = db_stmt(db, "SELECT source, mentions AS count FROM entity_sources "
                     "WHERE entity_id = ? ORDER BY mentions DESC, source");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    if ((rc = write_rows(db, st, w, "sources")) != DB_OK)
        return rc;

    /* Entities sharing a sentence with this one, by sentences shared. */
    st = db_stmt(db, "SELECT e.id AS id, e.name AS name, e.type AS type, "
                     "c.count AS count FROM entity_cooccur c JOIN entities e "
                     "ON e.id = c.other_id WHERE c.entity_id = ? ORDER BY "
                     "c.count DESC, e.id LIMIT 20");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = write_rows(db, st, w, "related");
    jw_end(w);
    return rc;
}

int db_entities_articles(struct db *db, int64_t id, bool by_published,
                         struct db_list *page,
                         int (*cb)(void *ctx, const struct db_article *a),
                         void *ctx)
{
    struct db_query dq;
    sqlite3_stmt *st;
    int rc;

    db_query_init(&dq, "SELECT " DB_ARTICLE_LIST_COLUMNS ", m.n FROM "
                       "(SELECT article_id, count(*) AS n FROM mentions "
                       "WHERE entity_id = ");
    db_query_int(&dq, id);
    db_query_sql(&dq, " GROUP BY article_id) m JOIN articles a ON a.id = "
                      "m.article_id");
    db_query_sql(&dq, by_published
                          ? " ORDER BY coalesce(a.published, '') DESC, a.id"
                          : " ORDER BY m.n DESC, a.id");
    page_clause(&dq, page);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    if (!st)
        return DB_ERROR;
    page->more = false;
    page->written = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (page->written == page->limit) {
            page->more = true;
            break;
        }
        struct db_article a;
        db_article_list_row(st, &a);
        a.mention_count = sqlite3_column_int64(st, DB_ARTICLE_LIST_NCOLUMNS);
        cb(ctx, &a);
        page->written++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* --- claims -------------------------------------------------------- */

#define CLAIM_FIELDS                                                           \
    "SELECT c.id, c.kind, substr(a.body, c.start + 1, c.\"end\" - c.start), "  \
    "c.article_id, a.source, a.published, "                                    \
    "c.start, c.\"end\", c.speaker_entity_id, coalesce(c.speaker_text, "       \
    "e.name), c.group_id, c.value, c.unit, c.qualifier FROM "
#define CLAIM_SPEAKER " LEFT JOIN entities e ON e.id = c.speaker_entity_id"
#define CLAIM_ORDER   " ORDER BY coalesce(a.published, ''), a.id, c.start, c.id"

/* Claims first, then their articles: for a filter on claims' own indexes. */
#define CLAIM_COLUMNS                                                          \
    CLAIM_FIELDS "claims c JOIN articles a ON a.id = "                         \
                 "c.article_id" CLAIM_SPEAKER

/* Article by article in date order (index articles_published), each one's
 * claims by position (index claims_article): rows in CLAIM_ORDER without a
 * sort. The CROSS JOIN keeps SQLite from putting claims in the outer loop. */
#define CLAIM_COLUMNS_BY_ARTICLE                                               \
    CLAIM_FIELDS                                                               \
    "articles a CROSS JOIN claims c ON c.article_id = a.id" CLAIM_SPEAKER

static void claim_speaker(sqlite3_stmt *st, struct jsonw *w, int id_col,
                          int name_col)
{
    jw_key(w, "speaker");
    if (sqlite3_column_type(st, name_col) == SQLITE_NULL) {
        jw_null(w);
        return;
    }
    jw_obj(w);
    jw_key(w, "entity_id");
    col_id(w, st, id_col);
    jw_key(w, "name");
    col_str(w, st, name_col);
    jw_end(w);
}

static void number_fields(sqlite3_stmt *st, struct jsonw *w, int kind_col,
                          int value_col)
{
    if (strcmp(db_col_text(st, kind_col), "number") != 0)
        return;
    jw_key(w, "value");
    if (sqlite3_column_type(st, value_col) == SQLITE_NULL)
        jw_null(w);
    else
        jw_double(w, sqlite3_column_double(st, value_col));
    jw_key(w, "unit");
    col_str(w, st, value_col + 1);
    jw_key(w, "qualifier");
    col_str(w, st, value_col + 2);
}

static int claim_row(struct db *db, sqlite3_stmt *st, struct jsonw *w)
{
    (void)db;
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, sqlite3_column_int64(st, 0));
    jw_key(w, "kind");
    col_str(w, st, 1);
    jw_key(w, "text");
    col_str(w, st, 2);
    jw_key(w, "article_id");
    jw_int(w, sqlite3_column_int64(st, 3));
    jw_key(w, "source");
    col_str(w, st, 4);
    jw_key(w, "published");
    col_str(w, st, 5);
    jw_key(w, "start");
    jw_int(w, sqlite3_column_int64(st, 6));
    jw_key(w, "end");
    jw_int(w, sqlite3_column_int64(st, 7));
    claim_speaker(st, w, 8, 9);
    jw_key(w, "group_id");
    col_id(w, st, 10);
    number_fields(st, w, 1, 11);
    jw_end(w);
    return DB_OK;
}

int db_claims_list(struct db *db, const struct db_claim_query *q,
                   struct db_list *page, struct jsonw *w)
{
    struct db_query dq;
    sqlite3_stmt *st;

    /* A filter that picks few claims (a speaker, entities, an article, a
     * text match) is answered from its index and sorted; otherwise the
     * first page would sort every claim in the database (a second at
     * 200k articles): walk them in order instead, and stop at the page. */
    bool few = q->speaker || q->nentities || q->article || q->match;

    db_query_init(&dq, few ? CLAIM_COLUMNS : CLAIM_COLUMNS_BY_ARTICLE);
    if (q->nkinds) {
        db_query_and(&dq);
        db_query_sql(&dq, "c.kind IN ");
        db_query_text_list(&dq, q->kinds, q->nkinds);
    }
    if (q->speaker) {
        db_query_and(&dq);
        db_query_sql(&dq, "c.speaker_entity_id = ");
        db_query_int(&dq, q->speaker);
    }
    if (q->nentities) {
        db_query_and(&dq);
        db_query_sql(&dq, "c.id IN (SELECT claim_id FROM claim_entities "
                          "WHERE entity_id IN ");
        db_query_int_list(&dq, q->entities, q->nentities);
        db_query_sql(&dq, ")");
    }
    if (q->article) {
        db_query_and(&dq);
        db_query_sql(&dq, "c.article_id = ");
        db_query_int(&dq, q->article);
    }
    if (q->nsources) {
        db_query_and(&dq);
        db_query_sql(&dq, "a.source IN ");
        db_query_text_list(&dq, q->sources, q->nsources);
    }
    if (q->match) {
        db_query_and(&dq);
        db_query_sql(&dq, "c.id IN (SELECT rowid FROM claims_fts WHERE "
                          "claims_fts MATCH ");
        db_query_text(&dq, q->match);
        db_query_sql(&dq, ")");
    }
    if (q->status) {
        /* The group of each claim looked up: as "c.group_id IN (SELECT id
         * FROM claim_groups WHERE status = ...)" SQLite first made a set of
         * every group of that status (110k conflicting ones at 1M
         * articles, ~40 ms) for a page that reads a few hundred claims. */
        db_query_and(&dq);
        db_query_sql(&dq, "EXISTS (SELECT 1 FROM claim_groups g WHERE g.id = "
                          "c.group_id AND g.status = ");
        db_query_text(&dq, q->status);
        db_query_sql(&dq, ")");
    }
    db_query_sql(&dq, CLAIM_ORDER);
    page_clause(&dq, page);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    return st ? write_page(db, st, page, w, claim_row) : DB_ERROR;
}

int db_claims_get(struct db *db, int64_t id, struct jsonw *w)
{
    sqlite3_stmt *st = db_stmt(db, CLAIM_COLUMNS " WHERE c.id = ?");
    int rc;

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        claim_row(db, st, w);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
}

/* A group's sources, claims and (numbers) values. */
/* Claims embedded in a group: all of them (up to a bound) in the group
 * itself, the first few in a list of groups; claim_count tells them all. */
#define GROUP_CLAIMS_ONE  1000
#define GROUP_CLAIMS_LIST 50
/* A group's label: its claim's text (a number's: its sentence), cut to
 * about this many bytes. */
#define GROUP_LABEL_MAX 140
#define GROUP_VALUES    100

static int group_body(struct db *db, int64_t gid, const char *kind,
                      int64_t max_claims, struct jsonw *w)
{
    sqlite3_stmt *st, *st2;
    int rc;

    /* The outlets by their keys, from the index (a group can hold
     * thousands of claims). A key is its outlet's name, or '#<article
     * id>' for an article without one: only a key that starts with '#'
     * needs one of its rows to tell which (no outlet, or an outlet so
     * named). Reading a row and its article for every outlet cost 6 ms a
     * group on a cold database of 1M articles. */
    st = db_stmt(db, "SELECT json_group_array(source) FROM (SELECT DISTINCT "
                     "CASE WHEN substr(k.source_key, 1, 1) != '#' THEN "
                     "k.source_key ELSE (SELECT a.source FROM claims c JOIN "
                     "articles a ON a.id = c.article_id WHERE c.group_id = "
                     "k.group_id AND c.source_key = k.source_key LIMIT 1) "
                     "END AS source FROM (SELECT DISTINCT group_id, "
                     "source_key FROM claims WHERE group_id = ?) k ORDER BY "
                     "source)");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, gid);
    rc = sqlite3_step(st);
    jw_key(w, "sources");
    if (rc == SQLITE_ROW)
        col_json(w, st, 0);
    else
        jw_raw(w, "[]", 2);
    sqlite3_reset(st);

    if (strcmp(kind, "number") == 0) {
        /* Outlets from the claims' own source_key (the source, or
         * '#<article id>' for an article without one), not a join of
         * every claim to its article: 2.4x faster at 503k articles. */
        st =
            db_stmt(db, "SELECT c.value, (SELECT c2.qualifier FROM claims c2 "
                        "WHERE c2.group_id = c.group_id AND c2.value = "
                        "c.value GROUP BY c2.qualifier ORDER BY count(*) "
                        "DESC, c2.qualifier LIMIT 1), json_group_array("
                        "DISTINCT CASE WHEN c.source_key = '#' || "
                        "c.article_id THEN NULL ELSE c.source_key END) FROM "
                        "claims c WHERE c.group_id = ? AND c.value IS NOT "
                        "NULL GROUP BY c.value ORDER BY count(DISTINCT "
                        "c.source_key) DESC, c.value LIMIT " STR(GROUP_VALUES));
        if (!st)
            return DB_ERROR;
        sqlite3_bind_int64(st, 1, gid);
        jw_key(w, "values");
        jw_arr(w);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            jw_obj(w);
            jw_key(w, "value");
            jw_double(w, sqlite3_column_double(st, 0));
            jw_key(w, "qualifier");
            col_str(w, st, 1);
            jw_key(w, "sources");
            col_json(w, st, 2);
            jw_end(w);
        }
        jw_end(w);
        sqlite3_reset(st);
    }

    /* The page's ids first, then their rows. Since schema 0008 each
     * claim carries its article's date and index claims_group_order
     * lists a group's claims in CLAIM_ORDER: the page reads as many
     * entries as it shows. A read-only snapshot of an older schema joins
     * the group's claims to their articles and sorts them all (on the
     * join's keys alone: ordering the full rows cut every claim's text
     * out of its article's body). ?2: the page and the one row past it
     * that write_page() looks for. */
    if (db->schema >= 8)
        st = db_stmt(db, CLAIM_COLUMNS " WHERE c.id IN (SELECT id FROM claims "
                                       "WHERE group_id = ?1 ORDER BY "
                                       "published, article_id, start, id "
                                       "LIMIT ?2)" CLAIM_ORDER);
    else
        st = db_stmt(db,
                     CLAIM_COLUMNS " WHERE c.id IN (SELECT c.id FROM "
                                   "claims c JOIN articles a ON a.id = "
                                   "c.article_id WHERE c.group_id = "
                                   "?1" CLAIM_ORDER " LIMIT ?2)" CLAIM_ORDER);
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, gid);
    sqlite3_bind_int64(st, 2, max_claims + 1);
    st2 = db_stmt(db, "SELECT count(*) FROM claims WHERE group_id = ?");
    if (!st2)
        return DB_ERROR;
    sqlite3_bind_int64(st2, 1, gid);
    rc = sqlite3_step(st2);
    jw_key(w, "claim_count");
    jw_int(w, rc == SQLITE_ROW ? sqlite3_column_int64(st2, 0) : 0);
    sqlite3_reset(st2);
    struct db_list all = {.limit = max_claims};
    jw_key(w, "claims");
    return write_page(db, st, &all, w, claim_row);
}

static int write_group(struct db *db, int64_t id, int64_t max_claims,
                       struct jsonw *w);

/*
 * group_body() runs other statements: fetch the page's ids first, then
 * write each group.
 */
int db_claim_groups_list(struct db *db, const struct db_group_query *q,
                         struct db_list *page, struct jsonw *w)
{
    struct db_query dq;
    sqlite3_stmt *st;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;

    db_query_init(&dq, "SELECT g.id FROM claim_groups g");
    if (q->status) {
        db_query_and(&dq);
        db_query_sql(&dq, "g.status = ");
        db_query_text(&dq, q->status);
    }
    if (q->nkinds) {
        db_query_and(&dq);
        db_query_sql(&dq, "g.kind IN ");
        db_query_text_list(&dq, q->kinds, q->nkinds);
    }
    if (q->min_sources > 0) {
        db_query_and(&dq);
        db_query_sql(&dq, "g.source_count >= ");
        db_query_int(&dq, q->min_sources);
    }
    if (q->nentities) {
        db_query_and(&dq);
        db_query_sql(&dq, "g.id IN (SELECT c.group_id FROM claims c JOIN "
                          "claim_entities ce ON ce.claim_id = c.id WHERE "
                          "ce.entity_id IN ");
        db_query_int_list(&dq, q->entities, q->nentities);
        db_query_sql(&dq, ")");
    }
    if (q->match) {
        db_query_and(&dq);
        db_query_sql(&dq, "g.id IN (SELECT c.group_id FROM claims c WHERE "
                          "c.id IN (SELECT rowid FROM claims_fts WHERE "
                          "claims_fts MATCH ");
        db_query_text(&dq, q->match);
        db_query_sql(&dq, "))");
    }
    db_query_sql(&dq, " ORDER BY g.source_count DESC, g.id");
    page_clause(&dq, page);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    if (!st)
        return DB_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ids = xgrow(ids, sizeof(*ids), n + 1, &cap);
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(ids);
        return db_status_of(db, rc);
    }
    page->more = (int64_t)n > page->limit;
    page->written = page->more ? page->limit : (int64_t)n;
    jw_arr(w);
    rc = DB_OK;
    for (int64_t i = 0; i < page->written && rc == DB_OK; i++)
        rc = write_group(db, ids[i], GROUP_CLAIMS_LIST, w);
    jw_end(w);
    free(ids);
    return rc;
}

static int write_group(struct db *db, int64_t id, int64_t max_claims,
                       struct jsonw *w)
{
    /* Since schema 0011 the label is cut from the labelling claim's
     * article; a group stored before keeps its text, as does every group
     * of an older read-only snapshot. */
    sqlite3_stmt *st =
        db->schema >= 11
            ? db_stmt(db, "SELECT g.id, g.kind, g.status, g.source_count, "
                          "g.label, g.label_claim_id IS NULL, substr(a.body, "
                          "coalesce(c.label_start, c.start) + 1, "
                          "coalesce(c.label_end, c.\"end\") - "
                          "coalesce(c.label_start, c.start)) FROM "
                          "claim_groups g LEFT JOIN claims c ON c.id = "
                          "g.label_claim_id LEFT JOIN articles a ON a.id = "
                          "c.article_id WHERE g.id = ?")
            : db_stmt(db, "SELECT id, kind, status, source_count, label, 1, "
                          "NULL FROM claim_groups WHERE id = ?");
    int rc;

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
    }
    /* Copy the row out: group_row's nested queries may evict @st. */
    int64_t gid = sqlite3_column_int64(st, 0);
    char *kind = xstrdup(db_col_text(st, 1));
    char *status = xstrdup(db_col_text(st, 2));
    int64_t sources = sqlite3_column_int64(st, 3);
    char *label;
    if (sqlite3_column_int(st, 5)) {
        label = xstrdup(db_col_text(st, 4));
    } else {
        const char *text = db_col_text(st, 6);
        label = utf8_shorten(text, (size_t)sqlite3_column_bytes(st, 6),
                             GROUP_LABEL_MAX);
    }
    sqlite3_reset(st);
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, gid);
    jw_key(w, "kind");
    jw_str(w, kind);
    jw_key(w, "label");
    jw_str(w, label);
    jw_key(w, "status");
    jw_str(w, status);
    jw_key(w, "source_count");
    jw_int(w, sources);
    rc = group_body(db, gid, kind, max_claims, w);
    jw_end(w);
    free(kind);
    free(label);
    free(status);
    return rc;
}

int db_claim_groups_get(struct db *db, int64_t id, struct jsonw *w)
{
    return write_group(db, id, GROUP_CLAIMS_ONE, w);
}

/* --- timeline ------------------------------------------------------ */

static int event_body(struct db *db, int64_t eid, struct jsonw *w)
{
    sqlite3_stmt *st;
    int rc;

    st = db_stmt(db, "SELECT e.id AS id, e.name AS name FROM "
                     "event_entities ee JOIN "
                     "entities e ON e.id = ee.entity_id WHERE ee.event_id = ? "
                     "ORDER BY ee.count DESC, e.mention_count DESC, e.id "
                     "LIMIT 20");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, eid);
    if ((rc = write_rows(db, st, w, "entities")) != DB_OK)
        return rc;

    st = db_stmt(db, "SELECT em.article_id AS article_id, a.source AS "
                     "source, substr(a.body, em.sentence_start + 1, "
                     "em.sentence_end - em.sentence_start) AS text, "
                     "substr(a.body, t.start + 1, t.\"end\" - t.start) AS "
                     "timex, "
                     "em.sentence_start AS start, em.sentence_end AS "
                     "\"end\", t.start AS timex_start, t.\"end\" AS "
                     "timex_end FROM event_mentions em JOIN articles a ON "
                     "a.id = "
                     "em.article_id JOIN timexes t ON t.id = em.timex_id "
                     "WHERE em.event_id = ? ORDER BY coalesce(a.published, "
                     "''), em.article_id");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, eid);
    return write_rows(db, st, w, "mentions");
}

int db_events_list(struct db *db, const struct db_event_query *q,
                   struct db_list *page, struct jsonw *w)
{
    static const char *const precisions[] = {
        "('year','month','week','day','time')",
        "('month','week','day','time')",
        "('day','time')",
    };
    struct db_query dq;
    sqlite3_stmt *st;
    char since_first[11], since_end[11], until_first[11], until_end[11];
    struct {
        int64_t id, sources;
        char *date, *precision, *label;
    } *rows = NULL;
    size_t n = 0, cap = 0;
    int rc;

    db_query_init(&dq, "SELECT ev.id, ev.date, ev.precision, ev.label, "
                       "ev.source_count FROM events ev");
    db_query_and(&dq);
    db_query_sql(&dq, "ev.source_count > 0");
    /* Events are placed by the first day of their period. */
    if (q->since && date_period_bounds(q->since, since_first, since_end) == 0) {
        db_query_and(&dq);
        db_query_sql(&dq, "ev.first_day >= ");
        db_query_text(&dq, since_first);
    }
    if (q->until && date_period_bounds(q->until, until_first, until_end) == 0) {
        db_query_and(&dq);
        db_query_sql(&dq, "ev.first_day < ");
        db_query_text(&dq, until_end);
    }
    if (q->min_precision > 0) {
        db_query_and(&dq);
        db_query_sql(&dq, "ev.precision IN ");
        db_query_sql(&dq, precisions[q->min_precision]);
    }
    if (q->nentities) {
        db_query_and(&dq);
        db_query_sql(&dq, "ev.id IN (SELECT event_id FROM event_entities "
                          "WHERE entity_id IN ");
        db_query_int_list(&dq, q->entities, q->nentities);
        db_query_sql(&dq, ")");
    }
    if (q->nsources) {
        db_query_and(&dq);
        db_query_sql(&dq, "ev.id IN (SELECT em.event_id FROM event_mentions "
                          "em JOIN articles a ON a.id = em.article_id WHERE "
                          "a.source IN ");
        db_query_text_list(&dq, q->sources, q->nsources);
        db_query_sql(&dq, ")");
    }
    if (q->article) {
        db_query_and(&dq);
        db_query_sql(&dq, "ev.id IN (SELECT event_id FROM event_mentions "
                          "WHERE article_id = ");
        db_query_int(&dq, q->article);
        db_query_sql(&dq, ")");
    }
    db_query_sql(&dq, " ORDER BY ev.first_day, ev.end_day DESC, ev.id");
    page_clause(&dq, page);
    st = db_query_prepare(db, &dq);
    db_query_release(&dq);
    if (!st)
        return DB_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rows = xgrow(rows, sizeof(*rows), n + 1, &cap);
        rows[n].id = sqlite3_column_int64(st, 0);
        rows[n].date = xstrdup(db_col_text(st, 1));
        rows[n].precision = xstrdup(db_col_text(st, 2));
        rows[n].label = xstrdup(db_col_text(st, 3));
        rows[n].sources = sqlite3_column_int64(st, 4);
        n++;
    }
    sqlite3_reset(st);
    page->more = (int64_t)n > page->limit;
    page->written = page->more ? page->limit : (int64_t)n;
    jw_arr(w);
    for (int64_t i = 0; i < page->written && rc == SQLITE_DONE; i++) {
        jw_obj(w);
        jw_key(w, "id");
        jw_int(w, rows[i].id);
        jw_key(w, "date");
        jw_str(w, rows[i].date);
        jw_key(w, "precision");
        jw_str(w, rows[i].precision);
        jw_key(w, "label");
        jw_str(w, rows[i].label);
        jw_key(w, "source_count");
        jw_int(w, rows[i].sources);
        if (event_body(db, rows[i].id, w) != DB_OK)
            rc = SQLITE_ERROR;
        jw_end(w);
    }
    jw_end(w);
    for (size_t i = 0; i < n; i++) {
        free(rows[i].date);
        free(rows[i].precision);
        free(rows[i].label);
    }
    free(rows);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* --- annotations ---------------------------------------------------- */

int db_annotations_get(struct db *db, int64_t article_id, struct jsonw *w)
{
    sqlite3_stmt *st;
    int rc;

    st = db_stmt(db, "SELECT 1 FROM articles WHERE id = ?");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, article_id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);

    jw_obj(w);
    jw_key(w, "article_id");
    jw_int(w, article_id);

    st = db_stmt(db, "SELECT m.start AS start, m.\"end\" AS \"end\", "
                     "substr(a.body, m.start + 1, m.\"end\" - m.start) AS "
                     "text, m.type AS type, m.entity_id AS entity_id FROM "
                     "mentions m JOIN articles a ON a.id = m.article_id "
                     "WHERE m.article_id = ? ORDER BY m.start");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, article_id);
    if ((rc = write_rows(db, st, w, "entities")) != DB_OK)
        return rc;

    st = db_stmt(db, "SELECT t.start AS start, t.\"end\" AS \"end\", "
                     "substr(a.body, t.start + 1, t.\"end\" - t.start) AS "
                     "text, t.type AS type, t.value AS value, t.event_id AS "
                     "event_id FROM timexes t JOIN articles a ON a.id = "
                     "t.article_id WHERE t.article_id = ? ORDER BY t.start");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, article_id);
    if ((rc = write_rows(db, st, w, "timexes")) != DB_OK)
        return rc;

    st = db_stmt(db, "SELECT c.start, c.\"end\", substr(a.body, c.start + "
                     "1, c.\"end\" - c.start), c.kind, c.id, "
                     "c.speaker_entity_id, coalesce(c.speaker_text, e.name), "
                     "c.value, c.unit, c.qualifier, c.group_id FROM claims c "
                     "JOIN articles a ON a.id = c.article_id "
                     "LEFT JOIN entities e ON e.id = c.speaker_entity_id "
                     "WHERE c.article_id = ? ORDER BY c.start, c.id");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, article_id);
    jw_key(w, "claims");
    jw_arr(w);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        jw_obj(w);
        jw_key(w, "start");
        jw_int(w, sqlite3_column_int64(st, 0));
        jw_key(w, "end");
        jw_int(w, sqlite3_column_int64(st, 1));
        jw_key(w, "text");
        col_str(w, st, 2);
        jw_key(w, "kind");
        col_str(w, st, 3);
        jw_key(w, "claim_id");
        jw_int(w, sqlite3_column_int64(st, 4));
        claim_speaker(st, w, 5, 6);
        number_fields(st, w, 3, 7);
        jw_key(w, "group_id");
        col_id(w, st, 10);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}
