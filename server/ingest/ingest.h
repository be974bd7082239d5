/*
 * ingest.h - from input to stored, annotated articles: parsing the input
 * formats, validation and normalisation, duplicates, extraction, atomic
 * articles committed alone or in batches, and cross-article consolidation.
 */
#ifndef DOSSIER_INGEST_INGEST_H
#define DOSSIER_INGEST_INGEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/jsonw.h"
#include "db/db.h"
#include "extract/extract.h"

/* One input article; every field owned (ingest_article_release). */
struct ingest_article {
    char *external_id, *source, *title, *published, *url, *body;
};

void ingest_article_release(struct ingest_article *a);

/*
 * ingest_article_from_json - take the fields of one JSON object (`text`
 * is a synonym of `body`, `id` of `external_id`; numbers are accepted as
 * ids). Returns 0, or -1 with the reason in @err.
 */
int ingest_article_from_json(const json_t *obj, struct ingest_article *a,
                             char *err, size_t errlen);

enum ingest_outcome {
    INGEST_CREATED,
    INGEST_DUPLICATE,
    INGEST_INVALID, /* the article itself is bad: @err says why */
    INGEST_FAILED,  /* the database failed: @err says why */
};

/*
 * Where articles go, and with what extractors.
 *
 * Each article is atomic: it is stored whole, with its annotations, or not
 * at all. With @batch 0 or 1 each article is its own transaction. With a
 * larger @batch, each article is a savepoint of a transaction that
 * ingest_commit_due() asks to commit every @batch articles or every
 * @batch_ms, and ingest_commit() commits: a failed article is rolled
 * back alone, a crash loses at most the uncommitted articles (whole ones),
 * and one commit per batch instead of per article is what makes bulk
 * loading fast. The public entry points (ingest_path, ingest_sample,
 * ingest_post) commit before they return.
 */
struct ingest {
    struct db *db;                        /* borrowed, writable */
    const struct ex_resources *resources; /* borrowed */
    unsigned batch;                       /* articles per transaction */
    unsigned batch_ms; /* and a commit at least this often (0: 250 ms) */
    /* private: the open batch */
    unsigned pending; /* stored articles not yet committed */
    long lost;        /* stored, then lost with a rolled-back batch */
    int64_t batch_started_ms;
};

#define INGEST_BATCH_MS   250
#define INGEST_BULK_BATCH 500 /* a good batch for bulk loads */
/* `dossier ingest` commits less often than a POST, as a crash of a long
 * load can lose more (it is run again): 12% less time at 20k articles. */
#define INGEST_LOAD_BATCH_MS 2000

/* Whether the open batch should be committed now. */
bool ingest_commit_due(const struct ingest *in);

/*
 * ingest_commit - commit the open batch, if any. On failure the batch is
 * lost (rolled back) and *@lost says how many stored articles it held.
 */
int ingest_commit(struct ingest *in, long *lost);

/*
 * ingest_store - validate and normalise @a, skip a duplicate, extract, and
 * store the article with its annotations atomically (its own transaction,
 * or a savepoint of the open batch: see struct ingest).
 * *@id is the new (or, for a duplicate, the stored) id.
 */
enum ingest_outcome ingest_store(struct ingest *in, struct ingest_article *a,
                                 int64_t *id, char *err, size_t errlen);

/* Delete an article, updating entities, events and claim groups. */
int ingest_delete(struct ingest *in, int64_t id);

/* Run the extractors again over stored article @id (same id). */
int ingest_reextract(struct ingest *in, int64_t id);

/*
 * ingest_post - the body of POST /api/v1/articles (a JSON object, array,
 * or NDJSON): store each article, and write the 201 result object
 * {"created", "duplicates", "errors"} to @w. Returns 0; -1 when the body
 * is not valid JSON / NDJSON (nothing stored; @err says where); or a
 * negative db status when the database failed.
 */
int ingest_post(struct ingest *in, const char *body, size_t len, bool ndjson,
                struct jsonw *w, char *err, size_t errlen);

/* --- reading files (readers.c) --- */

struct ingest_counts {
    long created, duplicates, errors;
};

struct ingest_defaults {
    const char *source; /* for articles without one, or NULL */
    const char *published;
};

/* Progress callback after every article: may print a status line. */
typedef void (*ingest_progress)(void *ctx, const struct ingest_counts *c);

/*
 * ingest_path - ingest a file, a directory (recursively), or "-" (NDJSON
 * on stdin). Problems are reported on stderr and counted in errors; the
 * rest is stored. Returns 0, or a negative db status if the database
 * failed (stop).
 */
int ingest_path(struct ingest *in, const char *path,
                const struct ingest_defaults *defaults,
                struct ingest_counts *counts, ingest_progress progress,
                void *progress_ctx);

/* --- the sample corpus --- */

/* Ingest the bundled sample corpus (embedded): 0 or a db status. */
int ingest_sample(struct ingest *in, struct ingest_counts *counts);

/* Parse one manifest.jsonl line into a manifest entry (for tests/fuzz). */
struct ingest_manifest_entry {
    char *file;
    struct ingest_article meta; /* body unused */
    bool has_external_id;
};
int ingest_manifest_parse_line(const char *line, size_t len,
                               struct ingest_manifest_entry *e, char *err,
                               size_t errlen);
void ingest_manifest_entry_release(struct ingest_manifest_entry *e);

/*
 * ingest_txt_split - the .txt rule of API.md: the first line is the title
 * when it is a short line without a final period or equals @title. On
 * return *@title_out is a new string (or NULL) and *@body_start the
 * offset where the body begins.
 */
void ingest_txt_split(const char *text, size_t len, const char *title,
                      char **title_out, size_t *body_start);

#endif
