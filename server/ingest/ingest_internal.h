/*
 * ingest_internal.h - what the ingest_*.c files share.
 */
#ifndef DOSSIER_INGEST_INTERNAL_H
#define DOSSIER_INGEST_INTERNAL_H

#include "ingest/ingest.h"

#define INGEST_MAX_BODY (4 << 20)

/*
 * ingest_next_line - the next non-blank line of @data[*@pos..len): on
 * true, *@line / *@n hold it without its leading spaces, tabs and CRs;
 * *@lineno counts every line passed (blank ones too), for messages.
 */
bool ingest_next_line(const char *data, size_t len, size_t *pos, size_t *lineno,
                      const char **line, size_t *n);

/* Validate and normalise in place; -1 with @err for a bad article. */
int ingest_article_normalise(struct ingest_article *a, char *err,
                             size_t errlen);
/* The duplicate key of a normalised body: 32 hex digits and a NUL. */
void ingest_body_hash(const char *body, char out[33]);
/* Words: runs of non-space characters. */
int64_t ingest_word_count(const char *body);

/*
 * annotate_store - store the extractor output @r for article @article_id
 * (mentions merged into corpus entities, timexes and events, claims and
 * claim groups). Runs inside the caller's transaction.
 */
int annotate_store(struct db *db, int64_t article_id, const char *body,
                   size_t len, const struct ex_result *r);

/*
 * consolidate_events - file the article's dated clauses under timeline
 * events (same date, and a shared entity or similar content, else a new
 * event). @timex_ids / @entity_ids: the stored ids of r->timexes and
 * r->entities; @cp maps byte to code point offsets.
 */
int consolidate_events(struct db *db, int64_t article_id, const uint32_t *cp,
                       const struct ex_result *r, const int64_t *timex_ids,
                       const int64_t *entity_ids);

/*
 * consolidate_claims - put each claim in a claim group with the same
 * claim from this or other articles (claims.h predicates), else a new
 * group; then refresh the groups' status.
 */
int consolidate_claims(struct db *db, int64_t article_id, const char *body,
                       const struct ex_result *r, const int64_t *claim_ids);

/* Undo what annotate_store did for @article_id (its rows must still
 * exist): drop the rows, then refresh the entities, events and groups
 * they touched. */
int annotate_remove(struct db *db, int64_t article_id);

#endif
