/*
 * ingest_internal.h - what the ingest_*.c files share.
 */
#ifndef DOSSIER_INGEST_INTERNAL_H
#define DOSSIER_INGEST_INTERNAL_H

#include "ingest/ingest.h"

#define INGEST_MAX_BODY (4 << 20)

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

/* Undo what annotate_store did for @article_id (its rows must still
 * exist): drop the rows, then refresh the entities, events and groups
 * they touched. */
int annotate_remove(struct db *db, int64_t article_id);

#endif
