/*
 * db_read.h - read queries for entities, claims, timeline events and an
 * article's annotations. They write JSON items straight from the rows
 * into a core/jsonw writer (the shapes of API.md).
 *
 * List functions take a struct db_list: they write at most @limit items
 * and set @more when another page exists; paging is by @offset.
 */
#ifndef DOSSIER_DB_READ_H
#define DOSSIER_DB_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/jsonw.h"
#include "db/db.h"

struct db_list {
    int64_t limit;
    int64_t offset;
    bool more;       /* out */
    int64_t written; /* out */
};

enum db_entity_sort {
    DB_ENTITY_SORT_MENTIONS,
    DB_ENTITY_SORT_ARTICLES,
    DB_ENTITY_SORT_NAME,
};

struct db_entity_query {
    const char *const *types;
    size_t ntypes;
    const char *prefix; /* case-insensitive, name or alias */
    int64_t article;    /* 0: any */
    const char *const *sources;
    size_t nsources;
    enum db_entity_sort sort;
};

int db_entities_list(struct db *db, const struct db_entity_query *q,
                     struct db_list *page, struct jsonw *w);
/* One entity with sources, first/last published, related; or NOT_FOUND. */
int db_entities_get(struct db *db, int64_t id, struct jsonw *w);
/* DB_OK when entity @id exists, else DB_NOT_FOUND. */
int db_entities_exists(struct db *db, int64_t id);

/*
 * Articles mentioning entity @id, by mentions (or newest first when
 * @by_published), calling @cb with mention_count set.
 */
struct db_article;
int db_entities_articles(struct db *db, int64_t id, bool by_published,
                         struct db_list *page,
                         int (*cb)(void *ctx, const struct db_article *a),
                         void *ctx);

struct db_claim_query {
    const char *const *kinds;
    size_t nkinds;
    int64_t speaker; /* 0: any */
    const int64_t *entities;
    size_t nentities;
    int64_t article;
    const char *const *sources;
    size_t nsources;
    const char *match; /* FTS5 expression over claim text */
    const char *status;
};

int db_claims_list(struct db *db, const struct db_claim_query *q,
                   struct db_list *page, struct jsonw *w);
int db_claims_get(struct db *db, int64_t id, struct jsonw *w);

struct db_group_query {
    const char *const *kinds;
    size_t nkinds;
    const char *status;
    const int64_t *entities;
    size_t nentities;
    const char *match;
    int64_t min_sources;
};

int db_claim_groups_list(struct db *db, const struct db_group_query *q,
                         struct db_list *page, struct jsonw *w);
int db_claim_groups_get(struct db *db, int64_t id, struct jsonw *w);

struct db_event_query {
    const char *since, *until; /* YYYY[-MM[-DD]] */
    const int64_t *entities;
    size_t nentities;
    const char *const *sources;
    size_t nsources;
    int64_t article;
    int min_precision; /* 0 year, 1 month, 2 day */
};

int db_events_list(struct db *db, const struct db_event_query *q,
                   struct db_list *page, struct jsonw *w);

/* The annotations object of one article, or DB_NOT_FOUND. */
int db_annotations_get(struct db *db, int64_t article_id, struct jsonw *w);

#endif
