/* db_write.c - annotation rows and entity upkeep, inside a transaction. */
#include "db/db_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/dates.h"
#include "core/log.h"
#include "core/utf8.h"
#include "db/db_internal.h"
#include "db/db_query.h"

/*
 * The outlet of article ?2 as counted for sources: its source, or
 * "#<id>" for an article without one (an outlet of its own).
 */
#define SOURCE_KEY_OF_2                                                        \
    "(SELECT coalesce(source, '#' || id) FROM articles WHERE id = ?2)"

/* Entities of a clause compared with an event's, at most. */
#define EVENT_ENTITIES 32

/*
 * A claim's sketch, the keys it is listed under in claim_postings: its
 * lowest hashes (SKETCH_LOW, fewer for a number, whose words only need a
 * real share) and its highest SKETCH_HIGH (a number's entities). Must
 * match the fills of claim_postings in SQL: schema/0012's and the one in
 * db_load.c that a killed bulk load leaves to the next open.
 */
#define SKETCH_LOW        8
#define SKETCH_LOW_NUMBER 3
#define SKETCH_HIGH       4
/* Recent claims one probed hash contributes, and hashes probed at most. */
#define SKETCH_PER_HASH_N 32
#define SKETCH_PROBES     128

/* Run a write statement with ?1 = @a and ?2 = @b. */
static int exec_ids(struct db *db, const char *sql, int64_t a, int64_t b)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    return db_step_done(db, st);
}

/* --- ids of one article's rows ------------------------------------- */

static int collect_ids(struct db *db, const char *sql, int64_t article_id,
                       int64_t **ids, size_t *n)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    size_t cap = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, article_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *ids = xgrow(*ids, sizeof(**ids), *n + 1, &cap);
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* Run each statement of @steps with ?1 bound to each of @ids. */
static int run_for_each(struct db *db, const char *const *steps, size_t nsteps,
                        const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t s = 0; s < nsteps; s++) {
            sqlite3_stmt *st = db_stmt(db, steps[s]);
            if (!st)
                return DB_ERROR;
            sqlite3_bind_int64(st, 1, ids[i]);
            int rc = db_step_done(db, st);
            if (rc != DB_OK)
                return rc;
        }
    }
    return DB_OK;
}

/* db_entity_find during a load: the mention counts are in memory. */
static int entity_find_loading(struct db *db, const char *key, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT entity_id FROM entity_keys "
                                   "WHERE key = ? ORDER BY entity_id");
    int64_t best = -1;
    int rc;

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, key);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t e = sqlite3_column_int64(st, 0),
                n = db_sketch_mentions(db->sketch, e);
        if (n > best) {
            best = n;
            *id = e;
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_status_of(db, rc);
    return best >= 0 ? DB_OK : DB_NOT_FOUND;
}

int db_entity_find(struct db *db, const char *key, int64_t *id)
{
    sqlite3_stmt *st;
    int rc;

    if (db->sketch)
        return entity_find_loading(db, key, id);
    st = db_stmt(db, "SELECT k.entity_id FROM entity_keys k JOIN entities e "
                     "ON e.id = k.entity_id WHERE k.key = ? ORDER BY "
                     "e.mention_count DESC, e.id LIMIT 1");
    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
}

/* Run an entity_aliases write @sql: ?1 entity, ?2 alias, ?3 its fold. */
static int put_alias(struct db *db, const char *sql, int64_t id,
                     const char *alias)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    char *norm;
    int rc;

    if (!st)
        return DB_ERROR;
    norm = utf8_fold(alias);
    sqlite3_bind_int64(st, 1, id);
    db_bind_text(st, 2, alias);
    db_bind_text(st, 3, norm);
    rc = db_step_done(db, st);
    free(norm);
    return rc;
}

/* The canonical name is searchable like any alias, even before a mention
 * uses it (count 0). */
static int name_as_alias(struct db *db, int64_t id, const char *name)
{
    return put_alias(db,
                     "INSERT OR IGNORE INTO entity_aliases(entity_id, alias, "
                     "norm, count) VALUES (?1, ?2, ?3, 0)",
                     id, name);
}

int db_entity_name(struct db *db, int64_t id, char **name)
{
    /* During a load, from the names the sketch knows. */
    const char *known = db->sketch ? db_sketch_name(db->sketch, id) : NULL;
    sqlite3_stmt *st;
    int rc;

    if (known) {
        *name = xstrdup(known);
        return DB_OK;
    }
    if (!(st = db_stmt(db, "SELECT name FROM entities WHERE id = ?")))
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *name = xstrdup(db_col_text(st, 0));
        if (db->sketch)
            db_sketch_name_set(db->sketch, id, *name);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
}

int db_entity_create(struct db *db, const char *name, const char *type,
                     const char *key, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO entities(name, type, "
                                   "norm_key) VALUES (?, ?, ?)");
    int rc;

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, type);
    db_bind_text(st, 3, key);
    rc = db_step_done(db, st);
    if (rc != DB_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(db->conn);
    if (db->sketch)
        db_sketch_name_set(db->sketch, *id, name);
    rc = name_as_alias(db, *id, name);
    return rc == DB_OK ? db_entity_add_key(db, *id, key) : rc;
}

int db_entity_add_key(struct db *db, int64_t id, const char *key)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO entity_keys(key, "
                                   "entity_id) VALUES (?, ?)");

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, id);
    return db_step_done(db, st);
}

static size_t words(const char *s)
{
    size_t n = 0;
    bool in = false;

    for (; *s; s++) {
        bool space = *s == ' ';
        n += !space && !in;
        in = !space;
    }
    return n;
}

int db_entity_offer_name(struct db *db, int64_t id, const char *name,
                         const char *key)
{
    sqlite3_stmt *st;
    char *cur;
    int rc = db_entity_name(db, id, &cur);

    if (rc != DB_OK)
        return rc;
    size_t wn = words(name), wc = words(cur);
    bool fuller = wn > wc || (wn == wc && strlen(name) > strlen(cur));
    free(cur);
    if (!fuller)
        return DB_OK;
    /* Another entity may hold @key already: then keep our own key. */
    st = db_stmt(db, "UPDATE entities SET name = ?1, norm_key = CASE WHEN "
                     "EXISTS (SELECT 1 FROM entities WHERE norm_key = ?2) "
                     "THEN norm_key ELSE ?2 END WHERE id = ?3");
    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, key);
    sqlite3_bind_int64(st, 3, id);
    rc = db_step_done(db, st);
    if (rc == DB_OK && db->sketch)
        db_sketch_name_set(db->sketch, id, name);
    if (rc == DB_OK)
        rc = name_as_alias(db, id, name);
    return rc == DB_OK ? db_entity_add_key(db, id, key) : rc;
}

int db_entity_add_alias(struct db *db, int64_t id, const char *alias)
{
    return put_alias(db,
                     "INSERT INTO entity_aliases(entity_id, alias, norm, "
                     "count) VALUES (?1, ?2, ?3, 1) ON CONFLICT(entity_id, "
                     "alias) DO UPDATE SET count = count + 1",
                     id, alias);
}

int db_entity_tally(struct db *db, int64_t entity_id, int64_t article_id,
                    int sign)
{
    /* ?1 entity, ?2 article. "m" is the article's mentions of the entity. */
#define ARTICLE_MENTIONS                                                       \
    "(SELECT count(*) FROM mentions WHERE article_id = ?2 AND entity_id = "    \
    "?1)"
#define ARTICLE_PUBLISHED "(SELECT published FROM articles WHERE id = ?2)"
    static const char *const add[] = {
        "UPDATE entities SET mention_count = mention_count + " ARTICLE_MENTIONS
        ", article_count = article_count + 1, "
        "first_published = CASE WHEN first_published IS NULL "
        "OR " ARTICLE_PUBLISHED " < first_published THEN " ARTICLE_PUBLISHED
        " ELSE first_published END, last_published = CASE WHEN "
        "last_published IS NULL OR " ARTICLE_PUBLISHED " > last_published "
        "THEN " ARTICLE_PUBLISHED " ELSE last_published END WHERE id = ?1",
        "INSERT INTO entity_sources(entity_id, source_key, source, articles, "
        "mentions) VALUES (?1, " SOURCE_KEY_OF_2 ", (SELECT source FROM "
        "articles WHERE id = ?2), 1, " ARTICLE_MENTIONS ") ON CONFLICT DO "
        "UPDATE SET articles = articles + 1, mentions = mentions + "
        "excluded.mentions",
    };
    static const char *const take[] = {
        "UPDATE entities SET mention_count = mention_count - " ARTICLE_MENTIONS
        ", article_count = article_count - 1 WHERE id = ?1",
        "UPDATE entity_aliases SET count = count - (SELECT count(*) FROM "
        "mentions m JOIN articles a ON a.id = m.article_id WHERE "
        "m.article_id = ?2 AND m.entity_id = ?1 AND substr(a.body, m.start "
        "+ 1, m.\"end\" - m.start) = entity_aliases.alias) WHERE entity_id "
        "= ?1",
        ("DELETE FROM entity_aliases WHERE entity_id = ?1 AND count <= 0 AND "
         "alias != (SELECT name FROM entities WHERE id = ?1)"),
        "UPDATE entity_sources SET articles = articles - 1, mentions = "
        "mentions - " ARTICLE_MENTIONS " WHERE entity_id = ?1 AND source_key "
        "= " SOURCE_KEY_OF_2,
        "DELETE FROM entity_sources WHERE entity_id = ?1 AND articles <= 0",
        /* Dates are recounted without this article (rare: deletes). */
        "UPDATE entities SET (first_published, last_published) = (SELECT "
        "min(a.published), max(a.published) FROM articles a WHERE a.id IN "
        "(SELECT article_id FROM mentions WHERE entity_id = ?1 AND "
        "article_id != ?2)) WHERE id = ?1",
    };
#undef ARTICLE_MENTIONS
#undef ARTICLE_PUBLISHED
    const char *const *steps = sign > 0 ? add : take;
    size_t n =
        sign > 0 ? sizeof(add) / sizeof(*add) : sizeof(take) / sizeof(*take);

    /* A bulk load counts in memory (written at its commits) and the
     * outlets at its end (db_load.c). */
    if (sign > 0 && db->sketch)
        return db_sketch_tally(db->sketch, entity_id, article_id);
    for (size_t i = 0; i <= n; i++) {
        const char *sql = i < n ? steps[i]
                                : "UPDATE entities SET source_count = (SELECT "
                                  "count(*) FROM entity_sources WHERE "
                                  "entity_id = ?1) WHERE id = ?1";
        sqlite3_stmt *st = db_stmt(db, sql);
        if (!st)
            return DB_ERROR;
        sqlite3_bind_int64(st, 1, entity_id);
        if (sqlite3_bind_parameter_count(st) >= 2)
            sqlite3_bind_int64(st, 2, article_id);
        int rc = db_step_done(db, st);
        if (rc != DB_OK)
            return rc;
    }
    return DB_OK;
}

int db_entity_cooccur_add(struct db *db, int64_t a, int64_t b)
{
    if (db->sketch)
        return DB_OK; /* a bulk load counts them at its end (db_load.c) */
    return exec_ids(db,
                    "INSERT INTO entity_cooccur(entity_id, other_id, count) "
                    "VALUES (?1, ?2, 1), (?2, ?1, 1) ON CONFLICT DO UPDATE "
                    "SET count = count + 1",
                    a, b);
}

int db_entity_cooccur_untally(struct db *db, int64_t article_id)
{
    /* The pairs of this article's sentences, counted as they were added:
     * once per sentence and ordered pair of distinct entities. */
    static const char *const steps[] = {
        "UPDATE entity_cooccur SET count = count - (SELECT count(*) FROM "
        "(SELECT DISTINCT m1.sentence FROM mentions m1 JOIN mentions m2 ON "
        "m2.article_id = m1.article_id AND m2.sentence = m1.sentence WHERE "
        "m1.article_id = ?1 AND m1.entity_id = entity_cooccur.entity_id AND "
        "m2.entity_id = entity_cooccur.other_id)) WHERE entity_id IN (SELECT "
        "DISTINCT entity_id FROM mentions WHERE article_id = ?1)",
        ("DELETE FROM entity_cooccur WHERE count <= 0 AND entity_id IN "
         "(SELECT DISTINCT entity_id FROM mentions WHERE article_id = ?1)"),
    };

    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps), &article_id,
                        1);
}

int db_entities_prune(struct db *db, const int64_t *ids, size_t n)
{
    static const char *const steps[] = {
        ("DELETE FROM entities WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM "
         "mentions WHERE entity_id = ?1) AND NOT EXISTS (SELECT 1 FROM "
         "claims WHERE speaker_entity_id = ?1)"),
    };

    if (db->sketch)
        db_sketch_names_forget(db->sketch);
    return run_for_each(db, steps, 1, ids, n);
}

int db_article_entities(struct db *db, int64_t article_id, int64_t **ids,
                        size_t *n)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT DISTINCT entity_id FROM mentions "
                                   "WHERE article_id = ? UNION SELECT "
                                   "speaker_entity_id FROM claims WHERE "
                                   "article_id = ? AND speaker_entity_id IS "
                                   "NOT NULL");
    size_t cap = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, article_id);
    sqlite3_bind_int64(st, 2, article_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *ids = xgrow(*ids, sizeof(**ids), *n + 1, &cap);
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

int db_mention_insert(struct db *db, const struct db_mention_row *m)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO mentions(article_id, "
                                   "entity_id, start, \"end\", sentence, "
                                   "type) VALUES (?,?,?,?,?,?)");

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, m->article_id);
    sqlite3_bind_int64(st, 2, m->entity_id);
    sqlite3_bind_int64(st, 3, m->start);
    sqlite3_bind_int64(st, 4, m->end);
    sqlite3_bind_int64(st, 5, m->sentence);
    db_bind_text(st, 6, m->type);
    int rc = db_step_done(db, st);
    if (rc == DB_OK && db->sketch)
        rc = db_sketch_mention(db->sketch, m->entity_id);
    return rc;
}

int db_timex_insert(struct db *db, const struct db_timex_row *t, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO timexes(article_id, start, "
                                   "\"end\", type, value, sentence) "
                                   "VALUES (?,?,?,?,?,?)");
    int rc;

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, t->article_id);
    sqlite3_bind_int64(st, 2, t->start);
    sqlite3_bind_int64(st, 3, t->end);
    db_bind_text(st, 4, t->type);
    db_bind_text(st, 5, t->value);
    sqlite3_bind_int64(st, 6, t->sentence);
    rc = db_step_done(db, st);
    if (rc == DB_OK)
        *id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

/* In *@outlet, article @article_id's outlet as counted for sources (a
 * new string; NULL for no such article). */
static int outlet_of(struct db *db, int64_t article_id, char **outlet)
{
    const char *known =
        db->sketch ? db_sketch_outlet(db->sketch, article_id) : NULL;
    sqlite3_stmt *st;
    int rc;

    *outlet = NULL;
    if (known) {
        *outlet = xstrdup(known);
        return DB_OK;
    }
    if (!(st = db_stmt(db, "SELECT " SOURCE_KEY_OF_2)))
        return DB_ERROR;
    sqlite3_bind_int64(st, 2, article_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && db_col_text(st, 0)) {
        *outlet = xstrdup(db_col_text(st, 0));
        if (db->sketch)
            db_sketch_outlet_set(db->sketch, article_id, *outlet);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* The hashes of a claim of @kind with fingerprint @fp[0..n) that its
 * sketch keeps, into @out (SKETCH_LOW + SKETCH_HIGH of room); returns
 * how many. */
static size_t sketch_hashes(const char *kind, const uint32_t *fp, size_t n,
                            uint32_t *out)
{
    size_t low = strcmp(kind, "number") == 0 ? SKETCH_LOW_NUMBER : SKETCH_LOW,
           k = 0;

    for (size_t i = 0; i < n; i++)
        if (i < low || i + SKETCH_HIGH >= n)
            out[k++] = fp[i];
    return k;
}

/* List claim @id under its sketch's keys in claim_postings, or in the
 * sketch a load keeps in memory instead (db_sketch.c). */
static int sketch_claim(struct db *db, const struct db_claim_row *c, int64_t id)
{
    uint32_t hashes[SKETCH_LOW + SKETCH_HIGH];
    size_t n = sketch_hashes(c->kind, c->fingerprint, c->nfingerprint, hashes);
    int rc = DB_OK;

    for (size_t i = 0; i < n && rc == DB_OK; i++)
        rc = db->sketch ? db_sketch_add(db->sketch, c->kind[0], hashes[i], id)
                        : db_postings_add(
                              db, db_postings_key(c->kind[0], hashes[i]), id);
    return rc;
}

/* Take the claims of article @article_id out of claim_postings. */
static int sketch_forget_article(struct db *db, int64_t article_id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, kind, fingerprint FROM claims "
                                   "WHERE article_id = ? AND fingerprint IS "
                                   "NOT NULL");
    struct key_id {
        uint64_t key;
        int64_t id;
    } *keys = NULL;
    size_t n = 0, cap = 0;
    int rc;

    if (!st)
        return DB_ERROR;
    /* Read them all first: the removals run other statements. */
    sqlite3_bind_int64(st, 1, article_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = db_col_text(st, 1);
        size_t bytes = (size_t)sqlite3_column_bytes(st, 2);
        uint32_t *fp = xmalloc(bytes + 1), hashes[SKETCH_LOW + SKETCH_HIGH];
        memcpy(fp, sqlite3_column_blob(st, 2), bytes);
        size_t k = sketch_hashes(kind, fp, bytes / sizeof(*fp), hashes);
        for (size_t i = 0; i < k; i++) {
            keys = xgrow(keys, sizeof(*keys), n + 1, &cap);
            keys[n++] = (struct key_id){db_postings_key(kind[0], hashes[i]),
                                        sqlite3_column_int64(st, 0)};
        }
        free(fp);
    }
    sqlite3_reset(st);
    rc = rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
    for (size_t i = 0; i < n && rc == DB_OK; i++)
        rc = db_postings_remove(db, keys[i].key, keys[i].id);
    free(keys);
    return rc;
}

/* Hand claim @id, just stored as @c in group @group_id, to the sketch in
 * memory. */
static int hold_claim(struct db *db, const struct db_claim_row *c, int64_t id,
                      int64_t group_id)
{
    char *outlet;
    int rc = outlet_of(db, c->article_id, &outlet);

    if (rc != DB_OK)
        return rc;
    rc = db_sketch_claim_add(db->sketch,
                             &(struct db_sketch_claim){
                                 .id = id,
                                 .group_id = group_id,
                                 .article_id = c->article_id,
                                 .speaker_entity_id = c->speaker_entity_id,
                                 .value = c->has_value ? c->value : 0,
                                 .has_value = c->has_value,
                                 .kind = c->kind[0],
                                 .nfingerprint = c->nfingerprint,
                                 .fingerprint = c->fingerprint,
                                 .unit = c->unit,
                                 .speaker_text = c->speaker_text,
                                 .source_key = outlet,
                             });
    free(outlet);
    return rc;
}

int db_claims_sketch(struct db *db, const struct db_claim_row *c, size_t n,
                     int64_t *first)
{
    struct db_query q;
    int rc;

    /* The ids SQLite would give them: one past the largest. */
    db_query_init(&q, "SELECT coalesce(max(id), 0) + 1 FROM claims");
    if ((rc = db_query_int64(db, &q, first)) != DB_OK)
        return rc;
    db->listed.article_id = n ? c->article_id : 0;
    db->listed.from = *first;
    db->listed.end = *first + (int64_t)n;
    for (size_t i = 0; i < n && rc == DB_OK; i++)
        rc = sketch_claim(db, &c[i], *first + (int64_t)i);
    return rc;
}

/* The outlet key of article ?1, as SOURCE_KEY_OF_2 of ?2. */
#define SOURCE_KEY_OF_1                                                        \
    "(SELECT coalesce(source, '#' || id) FROM articles WHERE id = ?1)"

/* In *@f, what a load's held groups keep of claim @c; its outlet is a
 * new string (NULL for no such article: then DB_NOT_FOUND). */
static int group_fact(struct db *db, const struct db_claim_row *c,
                      struct db_group_fact *f)
{
    char *outlet;
    int rc = outlet_of(db, c->article_id, &outlet);

    *f = (struct db_group_fact){.kind = c->kind ? c->kind[0] : 0,
                                .outlet = outlet,
                                .has_value = c->has_value,
                                .value = c->value,
                                .speaker = c->speaker_entity_id};
    return rc == DB_OK && !outlet ? DB_NOT_FOUND : rc;
}

/* group_join() for a group the load holds; *@held false when it does not
 * (the tables answer). One write of the group's row, where it changed. */
static int held_join(struct db *db, const struct db_claim_row *c,
                     int64_t group_id, bool *held)
{
    struct db_group_fact f;
    int64_t sources;
    bool conflicting, changed;
    sqlite3_stmt *st;
    int rc = group_fact(db, c, &f);

    *held = false;
    if (rc == DB_NOT_FOUND) { /* the tables say what a missing article does */
        db_groups_forget(db->groups, group_id);
        return DB_OK;
    }
    if (rc == DB_OK)
        *held = db_groups_join(db->groups, group_id, &f, &sources, &conflicting,
                               &changed);
    free((char *)f.outlet);
    if (rc != DB_OK || !*held || !changed)
        return rc;
    st = db_stmt(db, "UPDATE claim_groups SET source_count = ?2, status = ?3 "
                     "WHERE id = ?1");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, group_id);
    sqlite3_bind_int64(st, 2, sources);
    db_bind_text(st, 3,
                 conflicting    ? "conflicting"
                 : sources >= 2 ? "corroborated"
                                : "single");
    return db_step_done(db, st);
}

/*
 * What claim @c adds to group @group_id, asked before it joins: a new
 * outlet? A number that another outlet gives differently, or a quote
 * another speaker is named for, makes the group conflicting for good.
 * ?1 the claim's article, ?2 the group, ?3 its kind, ?4 its value, ?5 its
 * speaker.
 */
static int group_join(struct db *db, const struct db_claim_row *c,
                      int64_t group_id)
{
    static const char *const steps[] = {
        "UPDATE claim_groups SET source_count = source_count + 1 WHERE id = "
        "?2 AND NOT EXISTS (SELECT 1 FROM claims WHERE group_id = ?2 AND "
        "source_key = " SOURCE_KEY_OF_1 ")",
        /* Range seeks on (group_id, source_key, value) past the claim's
         * own outlet, and on (group_id, speaker_entity_id). */
        "UPDATE claim_groups SET status = 'conflicting' WHERE id = ?2 AND ("
        "(?3 = 'number' AND (EXISTS (SELECT 1 FROM claims o WHERE o.group_id "
        "= ?2 AND o.source_key < " SOURCE_KEY_OF_1 " AND o.value != ?4) OR "
        "EXISTS (SELECT 1 FROM claims o WHERE o.group_id = ?2 AND "
        "o.source_key > " SOURCE_KEY_OF_1 " AND o.value != ?4))) OR "
        "(?3 = 'quote' AND (EXISTS (SELECT 1 FROM claims o WHERE o.group_id "
        "= ?2 AND o.speaker_entity_id < ?5) OR EXISTS (SELECT 1 FROM claims "
        "o WHERE o.group_id = ?2 AND o.speaker_entity_id > ?5))))",
        "UPDATE claim_groups SET status = CASE WHEN source_count >= 2 THEN "
        "'corroborated' ELSE 'single' END WHERE id = ?2 AND status != "
        "'conflicting'",
    };
    bool held = false;
    int rc = db->groups ? held_join(db, c, group_id, &held) : DB_OK;

    if (rc != DB_OK || held)
        return rc;
    for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
        sqlite3_stmt *st = db_stmt(db, steps[i]);
        if (!st)
            return DB_ERROR;
        sqlite3_bind_int64(st, 1, c->article_id);
        sqlite3_bind_int64(st, 2, group_id);
        if (i == 1) {
            db_bind_text(st, 3, c->kind);
            if (c->has_value)
                sqlite3_bind_double(st, 4, c->value);
            else
                sqlite3_bind_null(st, 4);
            if (c->speaker_entity_id)
                sqlite3_bind_int64(st, 5, c->speaker_entity_id);
            else
                sqlite3_bind_null(st, 5);
        }
        if ((rc = db_step_done(db, st)) != DB_OK)
            return rc;
    }
    return DB_OK;
}

/* A new group, *@group_id, of claim @c (whose id is @claim_id), its first
 * member and label: one outlet, nothing to agree or conflict with. */
static int group_start(struct db *db, const struct db_claim_row *c,
                       int64_t claim_id, int64_t *group_id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO claim_groups(kind, label, "
                                   "label_claim_id, status, source_count) "
                                   "VALUES (?, '', ?, 'single', 1)");
    int rc;

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, c->kind);
    sqlite3_bind_int64(st, 2, claim_id);
    if ((rc = db_step_done(db, st)) != DB_OK)
        return rc;
    *group_id = sqlite3_last_insert_rowid(db->conn);
    if (db->groups) {
        struct db_group_fact f;
        if ((rc = group_fact(db, c, &f)) == DB_OK)
            db_groups_start(db->groups, *group_id, &f);
        free((char *)f.outlet);
        if (rc == DB_NOT_FOUND) /* the claim's insert fails */
            rc = DB_OK;
    }
    return rc;
}

int db_claim_insert(struct db *db, const struct db_claim_row *c, int64_t *id,
                    int64_t *group_id)
{
    int64_t group = c->group_id;
    sqlite3_stmt *st;
    int rc = DB_OK;

    *id = c->id;
    if (!*id)
        rc = db_claims_sketch(db, c, 1, id);
    if (rc == DB_OK && group == DB_CLAIM_NEW_GROUP)
        rc = group_start(db, c, *id, &group);
    else if (rc == DB_OK && group)
        rc = group_join(db, c, group);
    if (rc != DB_OK)
        return rc;
    if (group_id)
        *group_id = group;

    /* The outlet key and the date from the claim's article (a missing
     * article makes them NULL: a constraint error, not a stray claim). */
    st = db_stmt(db, "INSERT INTO claims(id, group_id, article_id, kind, "
                     "start, \"end\", sentence, speaker_entity_id, "
                     "speaker_text, value, unit, qualifier, fingerprint, "
                     "label_start, label_end, source_key, published) VALUES "
                     "(?14, ?15, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                     "?11, ?12, ?13, " SOURCE_KEY_OF_1 ", (SELECT "
                     "coalesce(published, '') FROM articles WHERE id = ?1))");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, c->article_id);
    db_bind_text(st, 2, c->kind);
    sqlite3_bind_int64(st, 3, c->start);
    sqlite3_bind_int64(st, 4, c->end);
    sqlite3_bind_int64(st, 5, c->sentence);
    if (c->speaker_entity_id)
        sqlite3_bind_int64(st, 6, c->speaker_entity_id);
    else
        sqlite3_bind_null(st, 6);
    db_bind_text(st, 7, c->speaker_text);
    if (c->has_value)
        sqlite3_bind_double(st, 8, c->value);
    else
        sqlite3_bind_null(st, 8);
    db_bind_text(st, 9, c->unit);
    db_bind_text(st, 10, c->qualifier);
    if (c->nfingerprint)
        sqlite3_bind_blob(st, 11, c->fingerprint,
                          (int)(c->nfingerprint * sizeof(uint32_t)),
                          SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 11);
    if (c->label_end) {
        sqlite3_bind_int64(st, 12, c->label_start);
        sqlite3_bind_int64(st, 13, c->label_end);
    } else {
        sqlite3_bind_null(st, 12);
        sqlite3_bind_null(st, 13);
    }
    sqlite3_bind_int64(st, 14, *id);
    if (group)
        sqlite3_bind_int64(st, 15, group);
    else
        sqlite3_bind_null(st, 15);
    if ((rc = db_step_done(db, st)) != DB_OK)
        return rc;
    if ((rc = db_fts_added(db, true, *id)) != DB_OK)
        return rc;
    return db->sketch ? hold_claim(db, c, *id, group) : DB_OK;
}

int db_claim_add_entity(struct db *db, int64_t claim_id, int64_t entity_id)
{
    return exec_ids(db,
                    "INSERT OR IGNORE INTO claim_entities(claim_id, "
                    "entity_id) VALUES (?1, ?2)",
                    claim_id, entity_id);
}

int db_annotations_clear(struct db *db, int64_t article_id)
{
    static const char *const steps[] = {
        "DELETE FROM event_mentions WHERE article_id = ?",
        "DELETE FROM timexes WHERE article_id = ?",
        "DELETE FROM claims WHERE article_id = ?",
        "DELETE FROM mentions WHERE article_id = ?",
    };
    int rc = db_fts_sync(db);

    if (rc != DB_OK)
        return rc;
    /* Not in a load, which only adds; if it ever did, the sketch would
     * no longer hold the table's claims. */
    if (db->sketch)
        db_sketch_claims_forget(db->sketch);
    else if ((rc = sketch_forget_article(db, article_id)) != DB_OK)
        return rc;
    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps), &article_id,
                        1);
}

/* --- timeline events ------------------------------------------------ */

/* Hold @date in db->dates with the events the tables give it (the
 * query of db_events_candidates, and each one's entities). */
static int hold_date(struct db *db, const char *date)
{
    sqlite3_stmt *st;
    int rc;

    if (!db_dates_hold(db->dates, date))
        return DB_NOT_FOUND;
    st = db_stmt(db, "SELECT id, source_count, label FROM events WHERE date "
                     "= ? ORDER BY source_count DESC, id LIMIT " STR(
                         DB_EVENT_CANDIDATES));
    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, date);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        db_dates_add(db->dates, date, sqlite3_column_int64(st, 0),
                     sqlite3_column_int64(st, 1), db_col_text(st, 2));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_status_of(db, rc);

    const struct db_held_date *h = db_dates_get(db->dates, date);
    st = db_stmt(db, "SELECT entity_id FROM event_entities WHERE event_id = ?");
    if (!st)
        return DB_ERROR;
    for (size_t k = 0; k < h->n; k++) {
        sqlite3_bind_int64(st, 1, h->ev[k].id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            db_dates_entity(db->dates, h->ev[k].id,
                            sqlite3_column_int64(st, 0));
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return db_status_of(db, rc);
    }
    return DB_OK;
}

/* db_events_candidates from the events held for @date. */
static void held_candidates(const struct db_held_date *h,
                            const int64_t *entities, size_t ne,
                            struct db_event_candidate **out, size_t *n)
{
    *out = xcalloc(h->n + 1, sizeof(**out));
    *n = h->n;
    for (size_t k = 0; k < h->n; k++) {
        const struct db_held_event *e = &h->ev[k];
        int64_t shared = 0;
        /* As "entity_id IN (...)" counts them: each of the event's once. */
        for (size_t i = 0; i < e->nentities; i++) {
            bool in = false;
            for (size_t j = 0; j < ne && !in; j++)
                in = entities[j] == e->entities[i];
            shared += in;
        }
        (*out)[k] = (struct db_event_candidate){
            .id = e->id, .label = xstrdup(e->label), .shared_entities = shared};
    }
}

int db_events_candidates(struct db *db, const char *date,
                         const int64_t *entities, size_t nentities,
                         struct db_event_candidate **out, size_t *n)
{
    struct buf sql;
    sqlite3_stmt *st;
    size_t cap = 0,
           ne = nentities < EVENT_ENTITIES ? nentities : EVENT_ENTITIES;
    int rc;

    *out = NULL;
    *n = 0;
    if (db->dates) {
        const struct db_held_date *h = db_dates_get(db->dates, date);
        if (!h) {
            rc = hold_date(db, date);
            if (rc != DB_OK && rc != DB_NOT_FOUND)
                return rc;
            h = db_dates_get(db->dates, date);
        }
        if (h) {
            held_candidates(h, entities, ne, out, n);
            return DB_OK;
        }
    }
    /* One slot per entity (one cached statement per count): each slot
     * is a look-up in each of the 32 events. */
    buf_init(&sql, 512);
    buf_puts(&sql, "SELECT ev.id, ev.label, (SELECT count(*) FROM "
                   "event_entities ee WHERE ee.event_id = ev.id AND "
                   "ee.entity_id IN (NULL");
    for (size_t i = 0; i < ne; i++)
        buf_puts(&sql, ",?");
    buf_puts(&sql,
             ")) FROM events ev WHERE ev.date = ? ORDER BY "
             "ev.source_count DESC, ev.id LIMIT " STR(DB_EVENT_CANDIDATES));
    st = db_stmt(db, sql.data);
    buf_release(&sql);
    if (!st)
        return DB_ERROR;
    for (size_t i = 0; i < ne; i++)
        sqlite3_bind_int64(st, (int)i + 1, entities[i]);
    db_bind_text(st, (int)ne + 1, date);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = xgrow(*out, sizeof(**out), *n + 1, &cap);
        (*out)[*n].id = sqlite3_column_int64(st, 0);
        (*out)[*n].label = xstrdup(db_col_text(st, 1));
        (*out)[*n].shared_entities = sqlite3_column_int64(st, 2);
        (*n)++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

void db_event_candidates_free(struct db_event_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(c[i].label);
    free(c);
}

int db_event_create(struct db *db, const char *date, const char *precision,
                    const char *label, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO events(date, precision, "
                                   "label, first_day, end_day) VALUES "
                                   "(?, ?, ?, ?, ?)");
    char first[11], end[11];
    int rc;

    if (!st)
        return DB_ERROR;
    if (date_period_bounds(date, first, end) < 0) {
        snprintf(first, sizeof(first), "%.10s", date);
        snprintf(end, sizeof(end), "%.10s", date);
    }
    db_bind_text(st, 1, date);
    db_bind_text(st, 2, precision);
    db_bind_text(st, 3, label);
    db_bind_text(st, 4, first);
    db_bind_text(st, 5, end);
    rc = db_step_done(db, st);
    if (rc == DB_OK)
        *id = sqlite3_last_insert_rowid(db->conn);
    if (rc == DB_OK && db->dates)
        db_dates_add(db->dates, date, *id, 0, label);
    return rc;
}

int db_event_add_mention(struct db *db, const struct db_event_mention *m)
{
    sqlite3_stmt *st;
    int rc;

    /* A new outlet for the event? (asked before this mention exists) */
    st = db_stmt(
        db,
        "UPDATE events SET source_count = source_count + 1 "
        "WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM "
        "event_mentions WHERE event_id = ?1 AND source_key = " SOURCE_KEY_OF_2
        ")");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, m->event_id);
    sqlite3_bind_int64(st, 2, m->article_id);
    if ((rc = db_step_done(db, st)) != DB_OK)
        return rc;
    if (db->dates && sqlite3_changes(db->conn) == 1)
        db_dates_sourced(db->dates, m->event_id);
    st = db_stmt(db, "INSERT OR IGNORE INTO event_mentions(event_id, "
                     "article_id, timex_id, sentence_start, sentence_end, "
                     "source_key) VALUES (?1, ?2, ?3, ?4, ?5, " SOURCE_KEY_OF_2
                     ")");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, m->event_id);
    sqlite3_bind_int64(st, 2, m->article_id);
    sqlite3_bind_int64(st, 3, m->timex_id);
    sqlite3_bind_int64(st, 4, m->sentence_start);
    sqlite3_bind_int64(st, 5, m->sentence_end);
    if ((rc = db_step_done(db, st)) != DB_OK)
        return rc;
    if (sqlite3_changes(db->conn) == 1) {
        st = db_stmt(db, "INSERT INTO event_entities(event_id, entity_id, "
                         "count) VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET "
                         "count = count + 1");
        if (!st)
            return DB_ERROR;
        for (size_t i = 0; i < m->nentities && rc == DB_OK; i++) {
            sqlite3_bind_int64(st, 1, m->event_id);
            sqlite3_bind_int64(st, 2, m->entities[i]);
            rc = db_step_done(db, st);
            if (rc == DB_OK && db->dates)
                db_dates_entity(db->dates, m->event_id, m->entities[i]);
        }
        if (rc != DB_OK)
            return rc;
    }
    st = db_stmt(db, "UPDATE timexes SET event_id = ? WHERE id = ?");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, m->event_id);
    sqlite3_bind_int64(st, 2, m->timex_id);
    return db_step_done(db, st);
}

int db_article_events(struct db *db, int64_t article_id, int64_t **ids,
                      size_t *n)
{
    return collect_ids(db,
                       "SELECT DISTINCT event_id FROM event_mentions "
                       "WHERE article_id = ?",
                       article_id, ids, n);
}

int db_events_untally(struct db *db, int64_t article_id)
{
    if (db->dates) /* (as in db_events_recount) */
        db_dates_forget(db->dates);
    /* The entities counted for a mention are those of its sentence. */
    static const char *const steps[] = {
        "UPDATE event_entities SET count = count - (SELECT count(*) FROM "
        "event_mentions em JOIN mentions m ON m.article_id = em.article_id "
        "AND m.start >= em.sentence_start AND m.\"end\" <= em.sentence_end "
        "WHERE em.event_id = event_entities.event_id AND em.article_id = ?1 "
        "AND m.entity_id = event_entities.entity_id) WHERE event_id IN "
        "(SELECT event_id FROM event_mentions WHERE article_id = ?1)",
        "DELETE FROM event_entities WHERE count <= 0 AND event_id IN (SELECT "
        "event_id FROM event_mentions WHERE article_id = ?1)",
    };

    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps), &article_id,
                        1);
}

int db_events_recount(struct db *db, const int64_t *ids, size_t n)
{
    /* Not in a load, which only adds; if it ever did, what the dates
     * hold would no longer be what the tables say. */
    if (db->dates)
        db_dates_forget(db->dates);
    static const char *const steps[] = {
        "UPDATE events SET source_count = (SELECT count(DISTINCT source_key) "
        "FROM event_mentions WHERE event_id = ?1) WHERE id = ?1",
        ("DELETE FROM events WHERE id = ?1 AND source_count = 0"),
    };

    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps), ids, n);
}

/* --- claim groups --------------------------------------------------- */

/* Hits a search can count: SKETCH_PROBES hashes of SKETCH_PER_HASH_N
 * claims each, in a table at most half full. */
#define HIT_SLOTS (2 * SKETCH_PROBES * SKETCH_PER_HASH_N)

/* Start counting the hits of a new search. */
static void tally_start(struct db_hit_tally *t)
{
    if (!t->slot) {
        t->slot = xcalloc(HIT_SLOTS, sizeof(*t->slot));
        t->hits = xmalloc(HIT_SLOTS / 2 * sizeof(*t->hits));
    }
    if (++t->stamp == 0) { /* wrapped: every slot would look current */
        memset(t->slot, 0, HIT_SLOTS * sizeof(*t->slot));
        t->stamp = 1;
    }
    t->nhits = 0;
}

/* One more hit of @claim_id; false when the search met more claims
 * than its bound (not with the bounds above). */
static bool tally_add(struct db_hit_tally *t, int64_t claim_id)
{
    size_t i = (size_t)(((uint64_t)claim_id * 0x9e3779b97f4a7c15u) >> 32) &
               (HIT_SLOTS - 1);

    while (t->slot[i].stamp == t->stamp && t->slot[i].claim_id != claim_id)
        i = (i + 1) & (HIT_SLOTS - 1);
    if (t->slot[i].stamp == t->stamp) {
        t->hits[t->slot[i].hit].n++;
        return true;
    }
    if (t->nhits == HIT_SLOTS / 2)
        return false;
    t->slot[i] = (struct db_hit_slot){claim_id, t->stamp, (uint32_t)t->nhits};
    t->hits[t->nhits++] = (struct db_hit){claim_id, 1};
    return true;
}

/* Whether @a goes before @b: more hashes met, then the more recent. */
static bool hit_before(const struct db_hit *a, const struct db_hit *b)
{
    return a->n != b->n ? a->n > b->n : a->claim_id > b->claim_id;
}

static void hit_sift_down(struct db_hit *h, size_t n, size_t i)
{
    for (;;) {
        size_t best = i, l = 2 * i + 1, r = l + 1;
        if (l < n && hit_before(&h[l], &h[best]))
            best = l;
        if (r < n && hit_before(&h[r], &h[best]))
            best = r;
        if (best == i)
            return;
        struct db_hit x = h[i];
        h[i] = h[best];
        h[best] = x;
        i = best;
    }
}

/* The counted claims as a heap whose top goes first (hit_before). */
static void hits_heapify(struct db_hit_tally *t)
{
    for (size_t i = t->nhits / 2; i-- > 0;)
        hit_sift_down(t->hits, t->nhits, i);
}

/* Take the first of the heap's claims out; false when none is left. */
static bool hits_pop(struct db_hit_tally *t, int64_t *claim_id)
{
    if (!t->nhits)
        return false;
    *claim_id = t->hits[0].claim_id;
    t->hits[0] = t->hits[--t->nhits];
    hit_sift_down(t->hits, t->nhits, 0);
    return true;
}

/* Count the claims of hash @hash in the sketch of @kind's claims, the
 * most recent SKETCH_PER_HASH_N: from table claim_postings, or from the
 * sketch in memory. In *@got how many. */
static int sketch_probe(struct db *db, const char *kind, uint32_t hash,
                        size_t *got)
{
    struct db_hit_tally *t = &db->tally_hits;
    int64_t ids[SKETCH_PER_HASH_N];
    int rc = DB_OK;

    if (db->sketch)
        *got =
            db_sketch_probe(db->sketch, kind[0], hash, ids, SKETCH_PER_HASH_N);
    else
        rc = db_postings_newest(db, db_postings_key(kind[0], hash), ids,
                                SKETCH_PER_HASH_N, got);
    for (size_t i = 0; i < *got && rc == DB_OK; i++)
        if (!tally_add(t, ids[i])) {
            log_error("claim candidates: more claims than counted");
            rc = DB_ERROR;
        }
    return rc;
}

/* Candidate @c from the claim the sketch holds, @held: what the query
 * of db_claims_candidates() reads for a claim of the table. */
static int held_candidate(struct db *db, const struct db_sketch_claim *held,
                          const char *outlet, struct db_claim_candidate *c)
{
    size_t bytes = held->nfingerprint * sizeof(*held->fingerprint);
    int rc = DB_NOT_FOUND;

    *c = (struct db_claim_candidate){
        .id = held->id,
        .group_id = held->group_id,
        .article_id = held->article_id,
        .unit = held->unit ? xstrdup(held->unit) : NULL,
        .nfingerprint = held->nfingerprint,
        .fingerprint = xmalloc(bytes ? bytes : 1),
        .same_outlet = outlet && strcmp(held->source_key, outlet) == 0,
        .has_value = held->has_value,
        .value = held->value,
    };
    memcpy(c->fingerprint, held->fingerprint, bytes);
    if (held->speaker_entity_id &&
        (rc = db_entity_name(db, held->speaker_entity_id, &c->speaker)) < 0)
        return rc;
    if (rc == DB_NOT_FOUND && held->speaker_text)
        c->speaker = xstrdup(held->speaker_text);
    return DB_OK;
}

int db_claims_candidates(struct db *db, const char *kind, int64_t article_id,
                         const uint32_t *fp, size_t nfp, size_t max,
                         struct db_claim_candidate **out, size_t *n,
                         uint32_t **common, size_t *ncommon)
{
    size_t cap = 0, ccap = 0;
    sqlite3_stmt *st;
    int rc = DB_OK;

    *out = NULL;
    *n = 0;
    if (common) {
        *common = NULL;
        *ncommon = 0;
    }
    if (!nfp || !max)
        return DB_OK;
    /*
     * Stored claims keep only a sketch; probing with every hash of the
     * new claim finds a stored claim whose sampled words it contains
     * (a longer quote trimmed here) and a short stored claim it holds
     * whole. Each hash yields its most recent claims only, so a common
     * word costs no more than a rare one.
     */
    size_t step = nfp > SKETCH_PROBES ? nfp / SKETCH_PROBES + 1 : 1;
    tally_start(&db->tally_hits);
    for (size_t k = 0; k < nfp; k += step) {
        size_t got;
        rc = sketch_probe(db, kind, fp[k], &got);
        if (rc != DB_OK)
            break;
        /* A full posting list: a hash too common to tell claims apart. */
        if (common && got == SKETCH_PER_HASH_N) {
            *common = xgrow(*common, sizeof(**common), *ncommon + 1, &ccap);
            (*common)[(*ncommon)++] = fp[k];
        }
    }
    if (rc != DB_OK) {
        if (common) {
            free(*common);
            *common = NULL;
            *ncommon = 0;
        }
        return rc;
    }
    /* The claims met, best first. */
    hits_heapify(&db->tally_hits);

    /* Fetch the best @max that are grouped claims of other articles. */
    st = db_stmt(db, "SELECT c.group_id, c.article_id, coalesce(e.name, "
                     "c.speaker_text), c.unit, c.fingerprint, c.source_key = "
                     "?4, c.value FROM claims c LEFT JOIN entities e ON e.id = "
                     "c.speaker_entity_id WHERE c.id = ?1 AND c.kind = ?2 AND "
                     "c.article_id != ?3 AND c.group_id IS NOT NULL");
    if (!st)
        return DB_ERROR;
    char *outlet = NULL;
    if (db->tally_hits.nhits > 0 &&
        (rc = outlet_of(db, article_id, &outlet)) != DB_OK)
        return rc;
    rc = SQLITE_DONE;
    int64_t id;
    int status = DB_OK;
    while (*n < max && rc == SQLITE_DONE && status == DB_OK &&
           hits_pop(&db->tally_hits, &id)) {
        /* The asking article's own claims, listed and not all stored
         * yet, are no candidates (as the query says of stored ones). */
        if (article_id == db->listed.article_id && id >= db->listed.from &&
            id < db->listed.end)
            continue;
        /* The same as the query, without it. */
        const struct db_sketch_claim *held =
            db->sketch ? db_sketch_claim(db->sketch, id) : NULL;
        if (held) {
            if (held->kind == kind[0] && held->article_id != article_id &&
                held->group_id) {
                *out = xgrow(*out, sizeof(**out), *n + 1, &cap);
                status = held_candidate(db, held, outlet, &(*out)[(*n)++]);
            }
            continue;
        }
        sqlite3_bind_int64(st, 1, id);
        db_bind_text(st, 2, kind);
        sqlite3_bind_int64(st, 3, article_id);
        db_bind_text(st, 4, outlet);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = xgrow(*out, sizeof(**out), *n + 1, &cap);
            struct db_claim_candidate *c = &(*out)[(*n)++];
            const char *speaker = db_col_text(st, 2),
                       *unit = db_col_text(st, 3);
            size_t bytes = (size_t)sqlite3_column_bytes(st, 4);
            c->id = id;
            c->group_id = sqlite3_column_int64(st, 0);
            c->article_id = sqlite3_column_int64(st, 1);
            c->speaker = speaker ? xstrdup(speaker) : NULL;
            c->unit = unit ? xstrdup(unit) : NULL;
            c->nfingerprint = bytes / sizeof(uint32_t);
            c->fingerprint = xmalloc(bytes ? bytes : 1);
            if (bytes)
                memcpy(c->fingerprint, sqlite3_column_blob(st, 4), bytes);
            c->same_outlet = sqlite3_column_int(st, 5);
            c->has_value = sqlite3_column_type(st, 6) != SQLITE_NULL;
            c->value = sqlite3_column_double(st, 6);
            rc = SQLITE_DONE;
        }
        sqlite3_reset(st);
    }
    free(outlet);
    if (status != DB_OK)
        return status;
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

void db_claim_candidates_free(struct db_claim_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].speaker);
        free(c[i].unit);
        free(c[i].fingerprint);
    }
    free(c);
}

int db_article_groups(struct db *db, int64_t article_id, int64_t **ids,
                      size_t *n)
{
    return collect_ids(db,
                       "SELECT DISTINCT group_id FROM claims WHERE "
                       "article_id = ? AND group_id IS NOT NULL",
                       article_id, ids, n);
}

int db_claim_groups_recount(struct db *db, const int64_t *ids, size_t n)
{
    static const char *const steps[] = {
        "UPDATE claim_groups SET source_count = (SELECT count(DISTINCT "
        "source_key) FROM claims WHERE group_id = ?1) WHERE id = ?1",
        "UPDATE claim_groups SET status = CASE "
        "WHEN kind = 'number' AND EXISTS (SELECT 1 FROM claims c1 JOIN "
        "claims c2 ON c2.group_id = ?1 AND c2.value > c1.value AND "
        "c2.source_key != c1.source_key WHERE c1.group_id = ?1 AND c1.value "
        "IS NOT NULL) THEN 'conflicting' "
        "WHEN kind = 'quote' AND (SELECT count(DISTINCT speaker_entity_id) "
        "FROM claims WHERE group_id = ?1) > 1 THEN 'conflicting' "
        "WHEN source_count >= 2 THEN 'corroborated' ELSE 'single' END "
        "WHERE id = ?1",
        /* The claim it was labelled by went with its article: its
         * oldest claim left labels it. (A group stored before schema 11
         * keeps its label's text.) */
        "UPDATE claim_groups SET label_claim_id = (SELECT min(id) FROM "
        "claims WHERE group_id = ?1) WHERE id = ?1 AND label_claim_id IS "
        "NOT NULL AND NOT EXISTS (SELECT 1 FROM claims WHERE id = "
        "label_claim_id AND group_id = ?1)",
        ("DELETE FROM claim_groups WHERE id = ?1 AND NOT EXISTS (SELECT 1 "
         "FROM claims WHERE group_id = ?1)"),
    };

    /* A load's held groups lost claims: the tables answer for them now
     * (slowly, without the indexes the load defers; a load replaces an
     * article only when its input repeats an id with another text). */
    for (size_t i = 0; db->groups && i < n; i++)
        db_groups_forget(db->groups, ids[i]);
    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps), ids, n);
}
