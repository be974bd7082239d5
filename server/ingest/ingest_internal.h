/*
 * ingest_internal.h - what the ingest_*.c files share.
 */
#ifndef DOSSIER_INGEST_INTERNAL_H
#define DOSSIER_INGEST_INTERNAL_H

#include "db/db_write.h"
#include "ingest/ingest.h"

#define INGEST_MAX_BODY (4 << 20)

/*
 * ingest_next_line - the next non-blank line of @data[*@pos..len): on
 * true, *@line / *@n hold it without its leading spaces, tabs and CRs;
 * *@lineno counts every line passed (blank ones too), for messages.
 */
bool ingest_next_line(const char *data, size_t len, size_t *pos, size_t *lineno,
                      const char **line, size_t *n);

/*
 * ingest_store in three steps, for a caller that extracts on another
 * thread (readers.c): ingest_check validates and normalises @a, hashes
 * its body into @hash and looks for a stored duplicate (INGEST_CREATED:
 * go on); ingest_extract runs the extractors (no database: any thread);
 * ingest_store_extracted looks for a duplicate again and stores @a with
 * @r in the open batch, as ingest_store does.
 */
enum ingest_outcome ingest_check(struct ingest *in, struct ingest_article *a,
                                 char hash[33], int64_t *id, char *err,
                                 size_t errlen);
int ingest_extract(const struct ingest *in, const struct ingest_article *a,
                   struct ex_result *r);
enum ingest_outcome
ingest_store_extracted(struct ingest *in, const struct ingest_article *a,
                       const char *hash, const struct ex_result *r, int64_t *id,
                       char *err, size_t errlen);
#define INGEST_NOT_UTF8 "body is not valid UTF-8"

/*
 * The extraction thread of `dossier ingest` (pipeline.c).
 * ingest_pipe_submit takes @a (its fields: *@a is left empty), checked
 * with ingest_check into @hash, and extracts it on the pipe's thread;
 * @store is called on the caller's thread, in submission order, with
 * each article and its extractors' output (NULL: the body is not valid
 * UTF-8), from ingest_pipe_submit (for those already extracted) and
 * ingest_pipe_drain (all). ingest_pipe_free drains, then stops.
 */
typedef void (*ingest_pipe_store)(void *ctx, struct ingest_article *a,
                                  const char *hash, const struct ex_result *r,
                                  const char *where);
struct ingest_pipe *ingest_pipe_new(const struct ingest *in,
                                    ingest_pipe_store store, void *ctx);
void ingest_pipe_submit(struct ingest_pipe *p, struct ingest_article *a,
                        const char hash[33], const char *where);
void ingest_pipe_drain(struct ingest_pipe *p);
void ingest_pipe_free(struct ingest_pipe *p);

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
 * consolidate_claims - store the article's claims @r->claims as @rows
 * (one each, not stored yet), each in a claim group with the same claim
 * from this or other articles (claims.h predicates), else in a new
 * group, whose status is refreshed; their ids in @claim_ids.
 */
int consolidate_claims(struct db *db, const struct ex_result *r,
                       struct db_claim_row *rows, int64_t *claim_ids);

/* Undo what annotate_store did for @article_id (its rows must still
 * exist): drop the rows, then refresh the entities, events and groups
 * they touched. */
int annotate_remove(struct db *db, int64_t article_id);

#endif
