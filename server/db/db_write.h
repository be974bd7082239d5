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
 * db_entity_find - the entity filed under @key (with the most mentions
 * when several are), or DB_NOT_FOUND.
 */
int db_entity_find(struct db *db, const char *key, int64_t *id);
/* The canonical name of entity @id into *@name (new string). */
int db_entity_name(struct db *db, int64_t id, char **name);
/* Create an entity named @name under @key. */
int db_entity_create(struct db *db, const char *name, const char *type,
                     const char *key, int64_t *id);
/* Add another key for an entity (ignored when the key is taken). */
int db_entity_add_key(struct db *db, int64_t id, const char *key);
/*
 * db_entity_offer_name - when @name is fuller (more words, then longer)
 * than the current canonical name, take it and @key as the entity's.
 */
int db_entity_offer_name(struct db *db, int64_t id, const char *name,
                         const char *key);
/* Count one more use of a surface form. */
int db_entity_add_alias(struct db *db, int64_t id, const char *alias);
/*
 * db_entity_tally - add (@sign = +1, after its mentions are stored) or
 * take away (@sign = -1, before they are deleted) one article's share of
 * an entity's counts: mentions, articles, outlets, and, on removal, alias
 * uses.
 */
int db_entity_tally(struct db *db, int64_t entity_id, int64_t article_id,
                    int sign);
/* Count one more sentence naming entities @a and @b (a != b). */
int db_entity_cooccur_add(struct db *db, int64_t a, int64_t b);
/* Take an article's sentences out of the co-occurrence counts (before its
 * mentions are deleted). */
int db_entity_cooccur_untally(struct db *db, int64_t article_id);
/* Delete the entities of @ids that no mention or claim uses any more. */
int db_entities_prune(struct db *db, const int64_t *ids, size_t n);
/* Distinct entity ids mentioned in an article (new array). */
int db_article_entities(struct db *db, int64_t article_id, int64_t **ids,
                        size_t *n);

struct db_mention_row {
    int64_t article_id, entity_id;
    int64_t start, end, sentence; /* code points */
    const char *type;
};
int db_mention_insert(struct db *db, const struct db_mention_row *m);

struct db_timex_row {
    int64_t article_id;
    int64_t start, end, sentence;
    const char *type, *value;
};
int db_timex_insert(struct db *db, const struct db_timex_row *t, int64_t *id);

struct db_claim_row {
    int64_t article_id;
    const char *kind;
    int64_t start, end, sentence; /* code points */
    int64_t speaker_entity_id;    /* 0: none */
    const char *speaker_text;
    int has_value;
    double value;
    const char *unit, *qualifier;
    const uint32_t *fingerprint; /* content-word hashes, sorted */
    size_t nfingerprint;
    /* What a group this claim starts is labelled with, when not the
     * claim's own span (code points; label_end 0: its own). */
    int64_t label_start, label_end;
    /* Its id from db_claims_sketch(), or 0: the next, sketched by the
     * insert. */
    int64_t id;
    /* Its group: 0 none, DB_CLAIM_NEW_GROUP a new one it labels, else the
     * id of the group it joins. */
    int64_t group_id;
};
#define DB_CLAIM_NEW_GROUP (-1)

/*
 * A claim is written once, with its group, which is chosen by comparing
 * it with the claims stored before (db_claims_candidates). So the claims
 * of an article are stored in two steps: db_claims_sketch() lists the
 * sketches of @c[0..n) (claim_postings, or a load's sketch in memory)
 * under the ids they will have, *@first, *@first + 1, ..., so that the
 * article's candidate searches meet them as before they were grouped (and
 * pass over them, as over every claim of the asking article);
 * db_claim_insert() then stores each as its row's id says, in its group:
 * it starts or joins the group first, updating the group's outlets and
 * status by what the claim adds, and gives the group's id in *@group_id
 * (unless NULL).
 */
int db_claims_sketch(struct db *db, const struct db_claim_row *c, size_t n,
                     int64_t *first);
int db_claim_insert(struct db *db, const struct db_claim_row *c, int64_t *id,
                    int64_t *group_id);
int db_claim_add_entity(struct db *db, int64_t claim_id, int64_t entity_id);

/* --- timeline events --- */

/* A stored event candidate for consolidation. */
struct db_event_candidate {
    int64_t id;
    char *label;             /* owned */
    int64_t shared_entities; /* with the entity list asked about */
};

/*
 * db_events_candidates - events dated @date, with how many of @entities
 * each has. *@out is a new array (db_event_candidates_free).
 */
int db_events_candidates(struct db *db, const char *date,
                         const int64_t *entities, size_t nentities,
                         struct db_event_candidate **out, size_t *n);
void db_event_candidates_free(struct db_event_candidate *c, size_t n);
int db_event_create(struct db *db, const char *date, const char *precision,
                    const char *label, int64_t *id);
/* Where an article places an event: its timex and the sentence around
 * it, with the entities mentioned there (one id per mention). */
struct db_event_mention {
    int64_t event_id, article_id, timex_id;
    int64_t sentence_start, sentence_end;
    const int64_t *entities;
    size_t nentities;
};
/* File a mention under its event and count its outlet and entities (one
 * mention per article and event: a second one only links the timex). */
int db_event_add_mention(struct db *db, const struct db_event_mention *m);
/* Events an article's timexes belong to (new array). */
int db_article_events(struct db *db, int64_t article_id, int64_t **ids,
                      size_t *n);
/* Take an article's mentions out of the counts of its events (before its
 * rows are deleted). */
int db_events_untally(struct db *db, int64_t article_id);
/* Recount the outlets of @ids from their mentions; drop empty events. */
int db_events_recount(struct db *db, const int64_t *ids, size_t n);

/* --- claim groups --- */

struct db_claim_candidate {
    int64_t id, group_id, article_id;
    char *speaker;         /* entity name or speaker text, owned */
    char *unit;            /* owned */
    uint32_t *fingerprint; /* owned */
    size_t nfingerprint;
    int same_outlet; /* the asking article's outlet (source_key) */
    int has_value;   /* numbers: value set */
    double value;
};

/*
 * db_claims_candidates - grouped claims of @kind in other articles than
 * @article_id whose stored sketch (a few of their fingerprint hashes, see
 * schema/0003_claim_sketch.sql and 0012) meets the hashes of @fp, most hashes
 * met first (at most @max). *@out is a new array (db_claim_candidates_free).
 * Unless @common is NULL, *@common (a new array, or NULL when *@ncommon is
 * 0) receives the hashes of @fp that so many stored claims carry that they
 * tell none apart.
 */
int db_claims_candidates(struct db *db, const char *kind, int64_t article_id,
                         const uint32_t *fp, size_t nfp, size_t max,
                         struct db_claim_candidate **out, size_t *n,
                         uint32_t **common, size_t *ncommon);
void db_claim_candidates_free(struct db_claim_candidate *c, size_t n);
/* Groups of an article's claims (new array). */
int db_article_groups(struct db *db, int64_t article_id, int64_t **ids,
                      size_t *n);
/* Recompute outlets and status of @ids from their claims (after claims
 * were removed); drop empty groups. */
int db_claim_groups_recount(struct db *db, const int64_t *ids, size_t n);

/* Remove an article's annotation rows (before re-extraction). */
int db_annotations_clear(struct db *db, int64_t article_id);

#endif
