/* db_write.c - annotation rows and entity upkeep, inside a transaction. */
#include "db/db_write.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "db/db_internal.h"

/* Step a write statement once; DB_OK or the mapped error. */
static int step_done(struct db *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? DB_OK
                                                 : db_status_of(db, rc);
}

int db_entity_find(struct db *db, const char *key, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT entity_id FROM entity_keys "
                                   "WHERE key = ?");
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

int db_entity_offer_name(struct db *db, int64_t id, const char *name)
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
    st = db_stmt(db, "UPDATE entities SET name = ? WHERE id = ?");
    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, id);
    return step_done(db, st);
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

    for (size_t i = 0; i < n; i++) {
        for (size_t s = 0; s < sizeof(steps) / sizeof(*steps); s++) {
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
                                   "unit, qualifier) VALUES "
                                   "(?,?,?,?,?,?,?,?,?,?,?)");
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
    rc = step_done(db, st);
    if (rc == DB_OK)
        *id = sqlite3_last_insert_rowid(db->conn);
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

    for (size_t s = 0; s < sizeof(steps) / sizeof(*steps); s++) {
        sqlite3_stmt *st = db_stmt(db, steps[s]);
        if (!st)
            return DB_ERROR;
        sqlite3_bind_int64(st, 1, article_id);
        int rc = step_done(db, st);
        if (rc != DB_OK)
            return rc;
    }
    return DB_OK;
}
