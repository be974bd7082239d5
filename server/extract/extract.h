/*
 * extract.h - text to annotations: the contract between the extractors and
 * the rest of dossier.
 *
 * Everything under server/extract/ is pure: no I/O, no SQLite, no HTTP. A
 * run is a function of (text, metadata, resources) to the structs below.
 *
 * Offsets in these structs are BYTE offsets into the UTF-8 text, half-open
 * [start, end). They are converted to code points once, when stored (see
 * utf8_cp_map in core/utf8.h); the API hands out code points.
 *
 * Ownership: an ex_result owns every array and string it points to;
 * ex_result_release() frees them all.
 */
#ifndef DOSSIER_EXTRACT_EXTRACT_H
#define DOSSIER_EXTRACT_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "core/embed.h"

enum ex_entity_type { EX_ENT_PERSON, EX_ENT_ORG, EX_ENT_PLACE, EX_ENT__COUNT };

enum ex_timex_type {
    EX_TIMEX_DATE,
    EX_TIMEX_TIME,
    EX_TIMEX_DURATION,
    EX_TIMEX_SET,
    EX_TIMEX__COUNT
};

enum ex_claim_kind {
    EX_CLAIM_QUOTE,
    EX_CLAIM_STATEMENT,
    EX_CLAIM_NUMBER,
    EX_CLAIM__COUNT
};

/* "person", "org", "place"; NULL when out of range. Borrowed, static. */
const char *ex_entity_type_name(enum ex_entity_type type);
/* "date", "time", "duration", "set". */
const char *ex_timex_type_name(enum ex_timex_type type);
/* "quote", "statement", "number". */
const char *ex_claim_kind_name(enum ex_claim_kind kind);
/* Parse the names above; returns the enum value or -1. */
int ex_entity_type_parse(const char *name);
int ex_claim_kind_parse(const char *name);

struct ex_sentence {
    uint32_t start, end;
};

/* One occurrence of a name in the text. */
struct ex_mention {
    uint32_t start, end; /* the bare name: no title, no 's */
    enum ex_entity_type type;
    uint32_t sentence; /* index into ex_result.sentences */
    uint32_t entity;   /* index into ex_result.entities */
};

/*
 * An entity as seen inside one article: its mentions merged by in-article
 * aliasing ("Joe Biden", "Biden", "Mr. Biden").
 */
struct ex_entity {
    char *name; /* canonical: the fullest form seen */
    char *key;  /* cross-article merge key (see entities.h) */
    enum ex_entity_type type;
    char **aliases; /* every distinct surface form, incl. name */
    size_t naliases;
};

/* A TIMEX3 temporal expression, normalised against the document date. */
struct ex_timex {
    uint32_t start, end; /* TempEval-3 extent */
    enum ex_timex_type type;
    char value[48]; /* TIMEX3 value: 2021-12-30, P3W, PAST_REF */
    uint32_t sentence;
    /* The clause this expression anchors (for timeline events). */
    uint32_t clause_start, clause_end;
    char *label; /* short description of the event, or NULL */
};

/* A quote, a reported statement or a numeric assertion. */
struct ex_claim {
    uint32_t start, end;
    enum ex_claim_kind kind;
    uint32_t sentence;
    int32_t speaker_entity; /* index into entities, or -1 */
    char *speaker_text;     /* speaker as written, or NULL when none */
    int32_t continues;      /* quote continued by this one, or -1 */
    /* number claims only */
    int has_value;
    double value;
    char *unit;      /* singular counted thing: "troop" */
    char *qualifier; /* "as many as", "about", ... or NULL */
    /* Content-word hashes for grouping across articles (claims.h). */
    uint32_t *fingerprint;
    size_t nfingerprint;
};

struct ex_result {
    struct ex_sentence *sentences;
    size_t nsentences;
    struct ex_mention *mentions;
    size_t nmentions;
    struct ex_entity *entities;
    size_t nentities;
    struct ex_timex *timexes;
    size_t ntimexes;
    struct ex_claim *claims;
    size_t nclaims;
};

/* What the extractors are given about one article. */
struct ex_doc {
    const char *text; /* UTF-8 body, need not be NUL-terminated */
    size_t len;
    const char *title;     /* may be NULL */
    const char *published; /* YYYY-MM-DD[THH:MM:SSZ] or NULL: no anchor */
};

/*
 * Resources (gazetteers, word lists) parsed once from the embedded data
 * files and shared read-only by every thread.
 */
struct ex_resources;

/*
 * ex_resources_new - parse the data files (names like "entities/x.txt").
 * @data: a NULL-terminated embed table (borrowed; must outlive the result).
 * Returns a new object (free with ex_resources_free); aborts on OOM.
 */
struct ex_resources *ex_resources_new(const struct embed_file *data);
void ex_resources_free(struct ex_resources *res);

/*
 * extract_run - run every extractor over @doc.
 * @out is initialised by the call; release it with ex_result_release()
 * whatever the return value. Returns 0, or -1 for text that is not UTF-8.
 */
int extract_run(const struct ex_resources *res, const struct ex_doc *doc,
                struct ex_result *out);
void ex_result_release(struct ex_result *r);

#endif
