/*
 * db_write.h - the rows the ingest layer writes for an article's
 * annotations, and the upkeep of derived counts. Every function runs
 * inside the caller's transaction.
 */
#ifndef DOSSIER_DB_WRITE_H
#define DOSSIER_DB_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/*
 * db_entity_find - the entity stored under @key (any of its keys), or
 * DB_NOT_FOUND.
 */
int db_entity_find(struct db *db, const char *key, int64_t *id);
/* Create an entity named @name under @key. */
int db_entity_create(struct db *db, const char *name, const char *type,
                     const char *key, int64_t *id);
/* Add another key for an entity (ignored when the key is taken). */
int db_entity_add_key(struct db *db, int64_t id, const char *key);
/* Rename when @name is fuller (more words, then longer) than the current. */
int db_entity_offer_name(struct db *db, int64_t id, const char *name);
/* Count one more use of a surface form. */
int db_entity_add_alias(struct db *db, int64_t id, const char *alias);
/* Recompute mention/article/source counts and alias counts of @ids;
 * entities left without mentions are deleted. */
int db_entities_refresh(struct db *db, const int64_t *ids, size_t n);
/* Distinct entity ids mentioned in an article (new array). */
int db_article_entities(struct db *db, int64_t article_id, int64_t **ids,
                        size_t *n);

struct db_mention_row {
    int64_t article_id, entity_id;
    int64_t start, end, sentence;
    const char *text, *type;
};
int db_mention_insert(struct db *db, const struct db_mention_row *m);

struct db_timex_row {
    int64_t article_id;
    int64_t start, end, sentence;
    const char *text, *type, *value;
};
int db_timex_insert(struct db *db, const struct db_timex_row *t,
                    int64_t *id);

struct db_claim_row {
    int64_t article_id;
    const char *kind;
    int64_t start, end, sentence;
    const char *text;
    int64_t speaker_entity_id;    /* 0: none */
    const char *speaker_text;
    int has_value;
    double value;
    const char *unit, *qualifier;
};
int db_claim_insert(struct db *db, const struct db_claim_row *c,
                    int64_t *id);
int db_claim_add_entity(struct db *db, int64_t claim_id, int64_t entity_id);

/* Remove an article's annotation rows (before re-extraction). */
int db_annotations_clear(struct db *db, int64_t article_id);

#endif
