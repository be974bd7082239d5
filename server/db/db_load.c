/*
 * db_load.c - bulk loads: while a load fills an empty database, the
 * indexes only reads use are dropped, the claim sketch is held in memory
 * and the entities' outlets and co-occurrences are not counted; at its
 * end each index is built and each of those tables computed once, by
 * sorting (schema 0010: table index_builds lists them until done).
 */
#include "db/db_internal.h"
#include "db/db_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"

/*
 * Indexes that no statement of an insert-only load reads: listings,
 * filters and counts by entity, outlet, group, status and date, and the
 * look-ups of deleting or re-extracting an article, which an empty
 * database does not have to do. Inserting an article updates each of
 * them at a place of its own (a random page, at scale); building them
 * after the load sorts their keys once. The claims' indexes by group
 * are among them: the load holds its groups (db_groups.c). Not listed:
 * the indexes the load reads (entity keys, claim postings, events by
 * date) and the two of articles that queries name with INDEXED BY.
 */
static const char *const deferred[] = {
    "claim_entities_entity", "claim_groups_sources",  "claim_groups_status",
    "claims_group",          "claims_group_order",    "claims_group_speaker",
    "claims_group_values",   "claims_speaker",        "entities_articles",
    "entities_mentions",     "entities_name",         "entity_aliases_norm",
    "entity_cooccur_other",  "entity_sources_source", "event_entities_entity",
    "events_first_day",      "mentions_entity",       "timexes_event",
};

#define NDEFERRED (sizeof(deferred) / sizeof(*deferred))

/*
 * Tables a load leaves to its end, each computed from the rows it
 * derives from, in key order (the statements run in one transaction).
 * claim_postings: from the claims' fingerprints, the blocks db_claim_insert
 * writes (as migration 0012 fills it; a fingerprint's hashes are unique,
 * and its last four are taken where they are not among its lowest, so
 * no key is met twice for a claim); during the load it is in memory
 * (db_sketch.c). entity_cooccur: once per sentence and ordered pair of
 * distinct entities, as annotate.c counts them. entity_sources: per
 * entity and outlet, the articles and mentions db_entity_tally counts,
 * then each entity's number of outlets.
 */
static const struct derived {
    const char *name, *sql;
} derived[] = {
    {"claim_postings",
     "WITH slot(i) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (-1), "
     "(-2), (-3), (-4)), c AS (SELECT id, unicode(kind) AS scope, "
     "fingerprint, length(fingerprint) / 4 AS n, CASE kind WHEN 'number' THEN "
     "3 ELSE 8 END AS low FROM claims WHERE fingerprint IS NOT NULL), k AS "
     "(SELECT (c.scope << 32) | dossier_word(c.fingerprint, CASE WHEN i >= 0 "
     "THEN i ELSE n + i END) AS key, c.id AS id FROM c, slot WHERE (i >= 0 "
     "AND i < low AND i < n) OR (i < 0 AND n + i >= low)), b AS "
     "(SELECT key, id, (row_number() OVER (PARTITION BY key ORDER BY id) - 1) "
     "/ " STR(DB_POSTINGS_BLOCK) " AS block FROM k) INSERT INTO "
                                 "claim_postings(key, first_id, ids) "
                                 "SELECT key, min(id), dossier_gaps(id) FROM b "
                                 "GROUP BY key, block ORDER "
                                 "BY key, 2"},
    {"entity_cooccur",
     "DELETE FROM entity_cooccur; WITH s AS (SELECT DISTINCT article_id, "
     "sentence, entity_id FROM mentions) INSERT INTO entity_cooccur("
     "entity_id, other_id, count) SELECT a.entity_id, b.entity_id, count(*) "
     "FROM s a JOIN s b ON b.article_id = a.article_id AND b.sentence = "
     "a.sentence AND b.entity_id != a.entity_id GROUP BY 1, 2 ORDER BY 1, 2"},
    {"entity_sources",
     "DELETE FROM entity_sources; INSERT INTO entity_sources(entity_id, "
     "source_key, source, articles, mentions) SELECT m.entity_id, "
     "coalesce(a.source, '#' || a.id), a.source, count(DISTINCT "
     "m.article_id), count(*) FROM mentions m JOIN articles a ON a.id = "
     "m.article_id GROUP BY 1, 2 ORDER BY 1, 2; UPDATE entities SET "
     "source_count = (SELECT count(*) FROM entity_sources WHERE entity_id = "
     "entities.id)"},
};

#define NDERIVED (sizeof(derived) / sizeof(*derived))

/* Whether the database has table index_builds (schema 10 and later). */
static bool has_index_builds(struct db *db)
{
    return db->schema >= 10;
}

int db_indexes_pending(struct db *db)
{
    struct db_query dq;
    int64_t n = 0;

    if (!has_index_builds(db))
        return 0;
    db_query_init(&dq, "SELECT count(*) FROM index_builds");
    return db_query_int64(db, &dq, &n) == DB_OK ? (int)n : -1;
}

/* List the derived tables as to be computed. */
static int list_derived(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO index_builds(name, "
                                   "sql) VALUES (?, ?)");
    int rc = st ? DB_OK : DB_ERROR;

    for (size_t i = 0; i < NDERIVED && rc == DB_OK; i++) {
        db_bind_text(st, 1, derived[i].name);
        db_bind_text(st, 2, derived[i].sql);
        rc = db_step_done(db, st);
    }
    return rc;
}

/* Drop index @name, listing it in index_builds (inside a transaction). */
static int defer_index(struct db *db, const char *name)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO index_builds(name, sql) "
                                   "SELECT name, sql FROM sqlite_master "
                                   "WHERE type = 'index' AND name = ?");
    int rc;

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, name);
    rc = db_step_done(db, st);
    if (rc != DB_OK || sqlite3_changes(db->conn) == 0)
        return rc; /* already listed, or not in this schema */
    char *sql = xasprintf("DROP INDEX %s", name);
    rc = db_exec(db, sql);
    free(sql);
    return rc;
}

int db_load_begin(struct db *db, bool *deferring)
{
    struct db_query dq;
    int64_t empty = 0;
    int rc;

    *deferring = false;
    if (!has_index_builds(db))
        return DB_OK;
    if ((rc = db_begin(db)) != DB_OK)
        return rc;
    db_query_init(&dq, "SELECT NOT EXISTS (SELECT 1 FROM articles)");
    if ((rc = db_query_int64(db, &dq, &empty)) != DB_OK) {
        db_rollback(db);
        return rc;
    }
    for (size_t i = 0; empty && i < NDEFERRED && rc == DB_OK; i++)
        rc = defer_index(db, deferred[i]);
    if (empty && rc == DB_OK)
        rc = list_derived(db);
    if (rc == DB_OK)
        rc = db_commit(db);
    if (rc != DB_OK) {
        db_rollback(db);
        return rc;
    }
    if (empty && !db->sketch) {
        db->sketch = db_sketch_new(DB_SKETCH_CLAIMS);
        db->dates = db_dates_new();
        db->groups = db_groups_new();
    }
    *deferring = empty != 0;
    return DB_OK;
}

static int by_article(const void *a, const void *b)
{
    const struct db_sketch_tally *x = a, *y = b;

    return (x->article_id > y->article_id) - (x->article_id < y->article_id);
}

static int by_entity(const void *a, const void *b)
{
    const struct db_sketch_tally *x = a, *y = b;

    if (x->entity_id != y->entity_id)
        return (x->entity_id > y->entity_id) - (x->entity_id < y->entity_id);
    return (x->article_id > y->article_id) - (x->article_id < y->article_id);
}

/* The earlier of two dates, NULL counting as none (SQL's min()). */
static const char *earlier(const char *a, const char *b)
{
    return !a || (b && strcmp(b, a) < 0) ? b : a;
}

static const char *later(const char *a, const char *b)
{
    return !a || (b && strcmp(b, a) > 0) ? b : a;
}

/* The published date of article @id among @n sorted @ids (@dates). */
static const char *date_of(const int64_t *ids, char *const *dates, size_t n,
                           int64_t id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? dates[lo] : NULL;
}

int db_load_flush(struct db *db)
{
    const struct db_sketch_tally *log;
    size_t n = db_sketch_tallies(db->sketch, &log), narticles = 0;
    sqlite3_stmt *st = db_stmt(db, "SELECT published FROM articles WHERE "
                                   "id = ?");
    int rc = st ? DB_OK : DB_ERROR;

    if (!n || rc != DB_OK)
        return rc;
    /* The dates of the articles tallied, each once (sorted by id). */
    struct db_sketch_tally *t = xmalloc(n * sizeof(*t));
    int64_t *ids = xmalloc(n * sizeof(*ids));
    char **dates = xcalloc(n, sizeof(*dates));
    memcpy(t, log, n * sizeof(*t));
    qsort(t, n, sizeof(*t), by_article);
    for (size_t i = 0; i < n && rc == DB_OK; i++) {
        if (narticles && ids[narticles - 1] == t[i].article_id)
            continue;
        ids[narticles] = t[i].article_id;
        sqlite3_bind_int64(st, 1, t[i].article_id);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && db_col_text(st, 0))
            dates[narticles] = xstrdup(db_col_text(st, 0));
        sqlite3_reset(st);
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK
                                                   : db_status_of(db, rc);
        narticles++;
    }
    /*
     * Each entity once: its counts as they stand, its dates moved by
     * those of its new articles (as db_entity_tally moves them).
     */
    qsort(t, n, sizeof(*t), by_entity);
    st = rc == DB_OK
             ? db_stmt(db, "UPDATE entities SET mention_count = ?2, "
                           "article_count = ?3, first_published = CASE WHEN "
                           "first_published IS NULL OR ?4 < first_published "
                           "THEN ?4 ELSE first_published END, last_published "
                           "= CASE WHEN last_published IS NULL OR ?5 > "
                           "last_published THEN ?5 ELSE last_published END "
                           "WHERE id = ?1")
             : NULL;
    if (rc == DB_OK && !st)
        rc = DB_ERROR;
    for (size_t i = 0, j; i < n && rc == DB_OK; i = j) {
        const char *from = NULL, *to = NULL;
        int64_t e = t[i].entity_id;
        for (j = i; j < n && t[j].entity_id == e; j++) {
            const char *d = date_of(ids, dates, narticles, t[j].article_id);
            from = earlier(from, d);
            to = later(to, d);
        }
        sqlite3_bind_int64(st, 1, e);
        sqlite3_bind_int64(st, 2, db_sketch_mentions(db->sketch, e));
        sqlite3_bind_int64(st, 3, db_sketch_articles(db->sketch, e));
        db_bind_text(st, 4, from);
        db_bind_text(st, 5, to);
        rc = db_step_done(db, st);
    }
    for (size_t i = 0; i < narticles; i++)
        free(dates[i]);
    free(dates);
    free(ids);
    free(t);
    return rc;
}

/* Unlist @name if @rc is DB_OK and commit, else roll back; the status. */
static int unlist(struct db *db, const char *name, int rc)
{
    sqlite3_stmt *st;

    if (rc == DB_OK) {
        st = db_stmt(db, "DELETE FROM index_builds WHERE name = ?");
        if (!st)
            rc = DB_ERROR;
        else {
            db_bind_text(st, 1, name);
            rc = db_step_done(db, st);
        }
    }
    if (rc == DB_OK)
        rc = db_commit(db);
    if (rc != DB_OK)
        db_rollback(db);
    return rc;
}

/* Build the listed index @name from @sql (or fill the table @name) and
 * unlist it, in one transaction; an index that exists already is only
 * unlisted. */
static int build_index(struct db *db, const char *name, const char *sql)
{
    struct db_query dq;
    int64_t exists = 0;
    int rc;

    if ((rc = db_begin(db)) != DB_OK)
        return rc;
    db_query_init(&dq, "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE "
                       "type = 'index' AND name = ");
    db_query_text(&dq, name);
    db_query_sql(&dq, ")");
    rc = db_query_int64(db, &dq, &exists);
    if (rc == DB_OK && !exists)
        rc = db_exec(db, sql);
    return unlist(db, name, rc);
}

/* Write a key's ids into an empty table at once. */
static int sketch_key_ids(void *ctx, uint64_t key, const int64_t *ids, size_t n)
{
    return db_postings_write(ctx, key, ids, n);
}

/* Add a key's ids one by one to what the table holds already. */
static int sketch_key_ids_add(void *ctx, uint64_t key, const int64_t *ids,
                              size_t n)
{
    int rc = DB_OK;

    for (size_t i = 0; i < n && rc == DB_OK; i++)
        rc = db_postings_add(ctx, key, ids[i]);
    return rc;
}

/*
 * Fill claim_postings from the sketch the load kept in memory, in key
 * order, and unlist it, in one transaction: the same rows as its listed
 * statement computes from the claims (which a load killed before its
 * end leaves to the next open), without reading and sorting them. A
 * writable server opened during the load may have filled it already
 * (and listed claims POSTed to it): then each id is added to it.
 */
static int sketch_fill(struct db *db)
{
    struct db_query dq;
    int64_t filled = 0;
    int rc = db_begin(db);

    if (rc == DB_OK) {
        db_query_init(&dq, "SELECT EXISTS (SELECT 1 FROM claim_postings)");
        rc = db_query_int64(db, &dq, &filled);
    }
    if (rc == DB_OK)
        rc = db_sketch_each(db->sketch,
                            filled ? sketch_key_ids_add : sketch_key_ids, db);
    return unlist(db, "claim_postings", rc);
}

int db_indexes_build(struct db *db, int *built)
{
    sqlite3_stmt *st;
    struct listed {
        char *name, *sql;
    } *todo = NULL;
    size_t n = 0, cap = 0;
    int rc;

    *built = 0;
    if (!has_index_builds(db))
        return DB_OK;
    /* The load is over: the tables take over from here on, computed
     * even if another connection did it already (a server opening the
     * database writable) while this one went on loading. */
    if (db->sketch) {
        rc = list_derived(db);
        if (rc == DB_OK && (rc = sketch_fill(db)) == DB_OK)
            ++*built;
        db_sketch_free(db->sketch);
        db->sketch = NULL;
        db_dates_free(db->dates);
        db->dates = NULL;
        db_groups_free(db->groups);
        db->groups = NULL;
        if (rc != DB_OK)
            return rc;
    }
    st = db_stmt(db, "SELECT name, sql FROM index_builds ORDER BY name");
    if (!st)
        return DB_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        todo = xgrow(todo, sizeof(*todo), n + 1, &cap);
        todo[n++] = (struct listed){xstrdup(db_col_text(st, 0)),
                                    xstrdup(db_col_text(st, 1))};
    }
    sqlite3_reset(st);
    rc = rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
    if (rc == DB_OK && n > 0) {
        /* Sorts of millions of keys spill to temporary files, not to
         * memory (as in the migrations, db_open). */
        db_exec(db, "PRAGMA temp_store = DEFAULT");
        for (size_t i = 0; i < n && rc == DB_OK; i++) {
            rc = build_index(db, todo[i].name, todo[i].sql);
            if (rc == DB_OK)
                ++*built;
        }
        db_exec(db, "PRAGMA temp_store = MEMORY");
    }
    for (size_t i = 0; i < n; i++) {
        free(todo[i].name);
        free(todo[i].sql);
    }
    free(todo);
    return rc;
}
