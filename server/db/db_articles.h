/*
 * db_articles.h - articles: insert, fetch, list and full-text search,
 * delete, sources and coverage volume.
 */
#ifndef DOSSIER_DB_ARTICLES_H
#define DOSSIER_DB_ARTICLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* Snippet match markers (control characters are stripped at ingest). */
#define DB_MARK_OPEN  '\x02'
#define DB_MARK_CLOSE '\x03'

/* One article row; strings are borrowed for the duration of a callback. */
struct db_article {
    int64_t id;
    const char *external_id, *source, *title, *published, *url;
    const char *ingested_at;
    int64_t word_count;
    const char *body; /* whole body (get) or its start (lists) */
    size_t body_len;
    bool has_score;
    double score;          /* higher is better */
    const char *snippet;   /* with DB_MARK_* around matches, or NULL */
    int64_t mention_count; /* entity article lists only */
};

/* An article to store; word_count and body_hash come from ingest. */
struct db_article_new {
    const char *external_id, *source, *title, *published, *url, *body;
    const char *body_hash;
    int64_t word_count;
};

enum db_article_sort {
    DB_SORT_RELEVANCE,
    DB_SORT_PUBLISHED_DESC,
    DB_SORT_PUBLISHED_ASC,
    DB_SORT_ID,
};

/* Where the previous page ended: keyset (published, id) or an offset. */
struct db_position {
    bool set;
    int64_t offset;
    char published[40];
    int64_t id;
};

struct db_article_query {
    const char *match;          /* FTS5 expression, or NULL */
    const char *const *sources; /* OR-ed, exact */
    size_t nsources;
    const char *since, *until; /* inclusive YYYY-MM-DD, or NULL */
    const int64_t *entities;   /* OR-ed entity ids */
    size_t nentities;
    enum db_article_sort sort;
    struct db_position after;
    int64_t limit;
};

typedef int (*db_article_cb)(void *ctx, const struct db_article *a);

/*
 * db_articles_insert - store @a (one statement; the caller holds the
 * transaction). *@id receives the new id, or the stored one for
 * DB_DUPLICATE (same external_id, or else same body_hash).
 */
int db_articles_insert(struct db *db, const struct db_article_new *a,
                       int64_t *id);

/*
 * db_articles_duplicate - DB_DUPLICATE with the stored *@id when an article
 * has @external_id (if not NULL), or else @body_hash; DB_NOT_FOUND if new.
 */
int db_articles_duplicate(struct db *db, const char *external_id,
                          const char *body_hash, int64_t *id);

/* db_articles_get - call @cb once with the whole article, or DB_NOT_FOUND. */
int db_articles_get(struct db *db, int64_t id, db_article_cb cb, void *ctx);

/*
 * db_articles_list - call @cb for each article of @q, in order, at most
 * @q->limit times. A non-zero return from @cb stops the walk. *@matches
 * (if @matches is not NULL) receives how many articles match @q, all
 * pages, when the list counted them on the way (a search by relevance
 * ranks every match), else -1.
 */
int db_articles_list(struct db *db, const struct db_article_query *q,
                     db_article_cb cb, void *ctx, int64_t *matches);

/* Count the matches of @q (ignoring paging), stopping at @cap. */
int db_articles_count(struct db *db, const struct db_article_query *q,
                      int64_t cap, int64_t *count);

/* Total number of articles. */
int db_articles_total(struct db *db, int64_t *count);

/* Delete one article and its annotations' rows; DB_NOT_FOUND if absent. */
int db_articles_delete(struct db *db, int64_t id);

/* Ids of every article, ascending (for --reextract). New array. */
int db_articles_ids(struct db *db, int64_t **ids, size_t *n);

struct db_source {
    const char *source; /* NULL: articles without a source */
    int64_t article_count;
    const char *first_published, *last_published;
};
typedef int (*db_source_cb)(void *ctx, const struct db_source *s);
int db_sources_list(struct db *db, db_source_cb cb, void *ctx);

enum db_interval {
    DB_INTERVAL_DAY,
    DB_INTERVAL_WEEK, /* buckets named by their Monday */
    DB_INTERVAL_MONTH,
};
typedef int (*db_bucket_cb)(void *ctx, const char *date, int64_t count);
/* Articles per interval by published, filtered like a list (no paging). */
int db_articles_volume(struct db *db, const struct db_article_query *q,
                       enum db_interval interval, db_bucket_cb cb, void *ctx);

#endif
