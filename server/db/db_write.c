/* db_write.c - annotation rows and entity upkeep, inside a transaction. */
#include "db/db_write.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "db/db_internal.h"

/* Step a write statement once; DB_OK or the mapped error. */
static int step_done(struct db *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? DB_OK
                                                 : db_status_of(db, rc);
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
static int run_for_each(struct db *db, const char *const *steps,
                        size_t nsteps, const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t s = 0; s < nsteps; s++) {
            sqlite3_stmt *st = db_stmt(db, steps[s]);
            if (!st)
                return DB_ERROR;
            sqlite3_bind_int64(st, 1, ids[i]);
            int rc = step_done(db, st);
            if (rc != DB_OK)
                return rc;
        }
    }
    return DB_OK;
}

int db_entity_find(struct db *db, const char *key, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT k.entity_id FROM entity_keys k "
                                   "JOIN entities e ON e.id = k.entity_id "
                                   "WHERE k.key = ? ORDER BY "
                                   "e.mention_count DESC, e.id LIMIT 1");
    int rc;

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
    rc = step_done(db, st);
    if (rc != DB_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(db->conn);
    return db_entity_add_key(db, *id, key);
}

int db_entity_add_key(struct db *db, int64_t id, const char *key)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO entity_keys(key, "
                                   "entity_id) VALUES (?, ?)");

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, id);
    return step_done(db, st);
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
    sqlite3_stmt *st = db_stmt(db, "SELECT name FROM entities WHERE id = ?");
    bool fuller = false;
    int rc;

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *cur = db_col_text(st, 0);
        size_t wn = words(name), wc = words(cur);
        fuller = wn > wc || (wn == wc && strlen(name) > strlen(cur));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? DB_NOT_FOUND : db_status_of(db, rc);
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
    int rc2 = step_done(db, st);
    return rc2 == DB_OK ? db_entity_add_key(db, id, key) : rc2;
}

int db_entity_add_alias(struct db *db, int64_t id, const char *alias)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO entity_aliases(entity_id, "
                                   "alias, norm, count) VALUES (?, ?, ?, 1) "
                                   "ON CONFLICT(entity_id, alias) DO UPDATE "
                                   "SET count = count + 1");
    char *norm = xstrdup(alias);
    int rc;

    for (char *p = norm; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (!st) {
        free(norm);
        return DB_ERROR;
    }
    sqlite3_bind_int64(st, 1, id);
    db_bind_text(st, 2, alias);
    db_bind_text(st, 3, norm);
    rc = step_done(db, st);
    free(norm);
    return rc;
}

int db_entities_refresh(struct db *db, const int64_t *ids, size_t n)
{
    static const char *const steps[] = {
        "UPDATE entity_aliases SET count = (SELECT count(*) FROM mentions m "
        "WHERE m.entity_id = entity_aliases.entity_id AND m.text = "
        "entity_aliases.alias) WHERE entity_id = ?1",
        "DELETE FROM entity_aliases WHERE entity_id = ?1 AND count = 0",
        "UPDATE entities SET mention_count = (SELECT count(*) FROM mentions "
        "WHERE entity_id = ?1), article_count = (SELECT count(DISTINCT "
        "article_id) FROM mentions WHERE entity_id = ?1), source_count = "
        "(SELECT count(DISTINCT coalesce(a.source, '#' || a.id)) FROM "
        "mentions m JOIN articles a ON a.id = m.article_id WHERE m.entity_id "
        "= ?1) WHERE id = ?1",
        "DELETE FROM entities WHERE id = ?1 AND mention_count = 0 AND NOT "
        "EXISTS (SELECT 1 FROM claims WHERE speaker_entity_id = ?1)",
    };

    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps), ids, n);
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
                                   "text, type) VALUES (?,?,?,?,?,?,?)");

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, m->article_id);
    sqlite3_bind_int64(st, 2, m->entity_id);
    sqlite3_bind_int64(st, 3, m->start);
    sqlite3_bind_int64(st, 4, m->end);
    sqlite3_bind_int64(st, 5, m->sentence);
    db_bind_text(st, 6, m->text);
    db_bind_text(st, 7, m->type);
    return step_done(db, st);
}

int db_timex_insert(struct db *db, const struct db_timex_row *t, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO timexes(article_id, start, "
                                   "\"end\", type, value, sentence, text) "
                                   "VALUES (?,?,?,?,?,?,?)");
    int rc;

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, t->article_id);
    sqlite3_bind_int64(st, 2, t->start);
    sqlite3_bind_int64(st, 3, t->end);
    db_bind_text(st, 4, t->type);
    db_bind_text(st, 5, t->value);
    sqlite3_bind_int64(st, 6, t->sentence);
    db_bind_text(st, 7, t->text);
    rc = step_done(db, st);
    if (rc == DB_OK)
        *id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

int db_claim_insert(struct db *db, const struct db_claim_row *c, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO claims(article_id, kind, "
                                   "start, \"end\", sentence, text, "
                                   "speaker_entity_id, speaker_text, value, "
                                   "unit, qualifier, fingerprint) VALUES "
                                   "(?,?,?,?,?,?,?,?,?,?,?,?)");
    int rc;

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, c->article_id);
    db_bind_text(st, 2, c->kind);
    sqlite3_bind_int64(st, 3, c->start);
    sqlite3_bind_int64(st, 4, c->end);
    sqlite3_bind_int64(st, 5, c->sentence);
    db_bind_text(st, 6, c->text);
    if (c->speaker_entity_id)
        sqlite3_bind_int64(st, 7, c->speaker_entity_id);
    else
        sqlite3_bind_null(st, 7);
    db_bind_text(st, 8, c->speaker_text);
    if (c->has_value)
        sqlite3_bind_double(st, 9, c->value);
    else
        sqlite3_bind_null(st, 9);
    db_bind_text(st, 10, c->unit);
    db_bind_text(st, 11, c->qualifier);
    if (c->nfingerprint)
        sqlite3_bind_blob(st, 12, c->fingerprint,
                          (int)(c->nfingerprint * sizeof(uint32_t)),
                          SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 12);
    rc = step_done(db, st);
    if (rc != DB_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(db->conn);
    st = db_stmt(db, "INSERT OR IGNORE INTO claim_terms(hash, claim_id) "
                     "VALUES (?, ?)");
    if (!st)
        return DB_ERROR;
    for (size_t i = 0; i < c->nfingerprint && rc == DB_OK; i++) {
        sqlite3_bind_int64(st, 1, c->fingerprint[i]);
        sqlite3_bind_int64(st, 2, *id);
        rc = step_done(db, st);
    }
    return rc;
}

int db_claim_add_entity(struct db *db, int64_t claim_id, int64_t entity_id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO claim_entities("
                                   "claim_id, entity_id) VALUES (?, ?)");

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, claim_id);
    sqlite3_bind_int64(st, 2, entity_id);
    return step_done(db, st);
}

int db_annotations_clear(struct db *db, int64_t article_id)
{
    static const char *const steps[] = {
        "DELETE FROM event_mentions WHERE article_id = ?",
        "DELETE FROM timexes WHERE article_id = ?",
        "DELETE FROM claims WHERE article_id = ?",
        "DELETE FROM mentions WHERE article_id = ?",
    };

    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps),
                        &article_id, 1);
}

/* --- timeline events ------------------------------------------------ */

int db_events_candidates(struct db *db, const char *date,
                         const int64_t *entities, size_t nentities,
                         struct db_event_candidate **out, size_t *n)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, label FROM events WHERE "
                                   "date = ? ORDER BY source_count DESC, id "
                                   "LIMIT 200");
    sqlite3_stmt *ent;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, date);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = xgrow(*out, sizeof(**out), *n + 1, &cap);
        (*out)[*n].id = sqlite3_column_int64(st, 0);
        (*out)[*n].label = xstrdup(db_col_text(st, 1));
        (*out)[*n].shared_entities = 0;
        (*n)++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_status_of(db, rc);
    ent = db_stmt(db, "SELECT 1 FROM event_entities WHERE event_id = ? AND "
                      "entity_id = ?");
    if (!ent)
        return DB_ERROR;
    for (size_t i = 0; i < *n; i++) {
        for (size_t e = 0; e < nentities; e++) {
            sqlite3_bind_int64(ent, 1, (*out)[i].id);
            sqlite3_bind_int64(ent, 2, entities[e]);
            if (sqlite3_step(ent) == SQLITE_ROW)
                (*out)[i].shared_entities++;
            sqlite3_reset(ent);
        }
    }
    return DB_OK;
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
                                   "label) VALUES (?, ?, ?)");
    int rc;

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, date);
    db_bind_text(st, 2, precision);
    db_bind_text(st, 3, label);
    rc = step_done(db, st);
    if (rc == DB_OK)
        *id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

int db_event_add_mention(struct db *db, int64_t event_id, int64_t article_id,
                         int64_t timex_id, int64_t sentence_start,
                         int64_t sentence_end, const char *sentence_text)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO event_mentions("
                                   "event_id, article_id, timex_id, "
                                   "sentence_start, sentence_end, text) "
                                   "VALUES (?,?,?,?,?,?)");
    int rc;

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, event_id);
    sqlite3_bind_int64(st, 2, article_id);
    sqlite3_bind_int64(st, 3, timex_id);
    sqlite3_bind_int64(st, 4, sentence_start);
    sqlite3_bind_int64(st, 5, sentence_end);
    db_bind_text(st, 6, sentence_text);
    rc = step_done(db, st);
    if (rc != DB_OK)
        return rc;
    st = db_stmt(db, "UPDATE timexes SET event_id = ? WHERE id = ?");
    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, event_id);
    sqlite3_bind_int64(st, 2, timex_id);
    return step_done(db, st);
}

int db_article_events(struct db *db, int64_t article_id, int64_t **ids,
                      size_t *n)
{
    return collect_ids(db, "SELECT DISTINCT event_id FROM event_mentions "
                           "WHERE article_id = ?",
                       article_id, ids, n);
}

int db_events_refresh(struct db *db, const int64_t *ids, size_t n)
{
    /* Entities are those named in the events' sentences. */
    static const char *const steps[] = {
        "DELETE FROM event_entities WHERE event_id = ?1",
        "INSERT INTO event_entities(event_id, entity_id, count) SELECT "
        "em.event_id, m.entity_id, count(*) FROM event_mentions em JOIN "
        "mentions m ON m.article_id = em.article_id AND m.start >= "
        "em.sentence_start AND m.\"end\" <= em.sentence_end WHERE "
        "em.event_id = ?1 GROUP BY m.entity_id",
        "UPDATE events SET source_count = (SELECT count(DISTINCT "
        "coalesce(a.source, '#' || a.id)) FROM event_mentions em JOIN "
        "articles a ON a.id = em.article_id WHERE em.event_id = ?1) WHERE "
        "id = ?1",
        "DELETE FROM events WHERE id = ?1 AND source_count = 0",
    };

    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps), ids, n);
}

/* --- claim groups --------------------------------------------------- */

int db_claims_candidates(struct db *db, const char *kind, int64_t article_id,
                         const uint32_t *fp, size_t nfp, size_t max,
                         struct db_claim_candidate **out, size_t *n)
{
    struct buf sql;
    sqlite3_stmt *st;
    size_t cap = 0, nh = nfp < 64 ? nfp : 64;
    int rc;

    *out = NULL;
    *n = 0;
    if (!nh)
        return DB_OK;
    buf_init(&sql, 1 << 16);
    buf_puts(&sql, "SELECT c.id, c.group_id, c.article_id, coalesce(e.name, "
                   "c.speaker_text), c.unit, c.fingerprint FROM (SELECT "
                   "claim_id, count(*) AS shared FROM claim_terms WHERE "
                   "hash IN (");
    for (size_t i = 0; i < nh; i++)
        buf_puts(&sql, i ? ",?" : "?");
    buf_puts(&sql, ") GROUP BY claim_id ORDER BY shared DESC LIMIT ?) t "
                   "JOIN claims c ON c.id = t.claim_id LEFT JOIN entities e "
                   "ON e.id = c.speaker_entity_id WHERE c.kind = ? AND "
                   "c.article_id != ? AND c.group_id IS NOT NULL ORDER BY "
                   "t.shared DESC, c.id");
    st = db_stmt(db, sql.data);
    buf_release(&sql);
    if (!st)
        return DB_ERROR;
    for (size_t i = 0; i < nh; i++)
        sqlite3_bind_int64(st, (int)i + 1, fp[i]);
    sqlite3_bind_int64(st, (int)nh + 1, (int64_t)max * 4);
    db_bind_text(st, (int)nh + 2, kind);
    sqlite3_bind_int64(st, (int)nh + 3, article_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        *out = xgrow(*out, sizeof(**out), *n + 1, &cap);
        struct db_claim_candidate *c = &(*out)[(*n)++];
        const char *speaker = db_col_text(st, 3), *unit = db_col_text(st, 4);
        size_t bytes = (size_t)sqlite3_column_bytes(st, 5);
        c->id = sqlite3_column_int64(st, 0);
        c->group_id = sqlite3_column_int64(st, 1);
        c->article_id = sqlite3_column_int64(st, 2);
        c->speaker = speaker ? xstrdup(speaker) : NULL;
        c->unit = unit ? xstrdup(unit) : NULL;
        c->nfingerprint = bytes / sizeof(uint32_t);
        c->fingerprint = xmalloc(bytes ? bytes : 1);
        if (bytes)
            memcpy(c->fingerprint, sqlite3_column_blob(st, 5), bytes);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? DB_OK
                                                 : db_status_of(db, rc);
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

int db_claim_group_create(struct db *db, const char *kind, const char *label,
                          int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO claim_groups(kind, label, "
                                   "status) VALUES (?, ?, 'single')");
    int rc;

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, kind);
    db_bind_text(st, 2, label);
    rc = step_done(db, st);
    if (rc == DB_OK)
        *id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

int db_claim_set_group(struct db *db, int64_t claim_id, int64_t group_id)
{
    sqlite3_stmt *st = db_stmt(db, "UPDATE claims SET group_id = ? WHERE "
                                   "id = ?");

    if (!st)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, group_id);
    sqlite3_bind_int64(st, 2, claim_id);
    return step_done(db, st);
}

int db_article_groups(struct db *db, int64_t article_id, int64_t **ids,
                      size_t *n)
{
    return collect_ids(db, "SELECT DISTINCT group_id FROM claims WHERE "
                           "article_id = ? AND group_id IS NOT NULL",
                       article_id, ids, n);
}

int db_claim_groups_refresh(struct db *db, const int64_t *ids, size_t n)
{
    /*
     * Outlets are distinct sources (an article without one counts alone).
     * A number group conflicts when two outlets give different values; a
     * quote group when its claims name different speaker entities.
     */
    static const char *const steps[] = {
        "UPDATE claim_groups SET source_count = (SELECT count(DISTINCT "
        "coalesce(a.source, '#' || a.id)) FROM claims c JOIN articles a ON "
        "a.id = c.article_id WHERE c.group_id = ?1) WHERE id = ?1",
        "UPDATE claim_groups SET status = CASE "
        "WHEN kind = 'number' AND EXISTS (SELECT 1 FROM claims c1 JOIN "
        "articles a1 ON a1.id = c1.article_id JOIN claims c2 ON c2.group_id "
        "= c1.group_id JOIN articles a2 ON a2.id = c2.article_id WHERE "
        "c1.group_id = ?1 AND c1.value IS NOT NULL AND c2.value IS NOT NULL "
        "AND c1.value != c2.value AND coalesce(a1.source, '#' || a1.id) != "
        "coalesce(a2.source, '#' || a2.id)) THEN 'conflicting' "
        "WHEN kind = 'quote' AND (SELECT count(DISTINCT speaker_entity_id) "
        "FROM claims WHERE group_id = ?1) > 1 THEN 'conflicting' "
        "WHEN source_count >= 2 THEN 'corroborated' ELSE 'single' END "
        "WHERE id = ?1",
        "DELETE FROM claim_groups WHERE id = ?1 AND NOT EXISTS (SELECT 1 "
        "FROM claims WHERE group_id = ?1)",
    };

    return run_for_each(db, steps, sizeof(steps) / sizeof(*steps), ids, n);
}
