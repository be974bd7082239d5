/*
 * timex.h - TIMEX3 temporal expressions normalised against the document
 * creation time (TempEval-3 conventions), and the helpers the ingest layer
 * uses to turn them into timeline events.
 *
 * Spans follow TempEval-3: determiners, modifiers and approximators are
 * inside ("the past three weeks", "earlier this month", "nearly eight
 * years"), prepositions outside. Values are TIMEX3 values: 2021-12-30,
 * 2021-12, 2021-W51, 2021-Q3, 2021-SU, 199 (a decade), 2021-12-30TAF,
 * 2021-12-30T15:35, P3W, PT2H, PXY, XXXX-WXX-4, PRESENT_REF, PAST_REF,
 * FUTURE_REF. Relative expressions are resolved against doc->published;
 * without it they stay unanchored (XXXX-WXX-4, XXXX-12-07), never guessed.
 */
#ifndef DOSSIER_EXTRACT_TIMEX_H
#define DOSSIER_EXTRACT_TIMEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/extract.h"

struct timex_resources;

/*
 * timex_resources_new - parse "timex/lexicon.txt" from @data (borrowed;
 * must outlive the result). Returns a new object (free with
 * timex_resources_free); aborts on OOM.
 */
struct timex_resources *timex_resources_new(const struct embed_file *data);
void timex_resources_free(struct timex_resources *res);

/*
 * timex_extract - fill r->timexes (with their anchored clause and label).
 * Needs r->sentences; uses doc->published as the anchor. Returns 0 or -1.
 */
int timex_extract(const struct timex_resources *res, const struct ex_doc *doc,
                  struct ex_result *r);

enum timex_precision {
    TIMEX_PREC_NONE,  /* durations, sets, vague refs, decades */
    TIMEX_PREC_YEAR,  /* 2014, 2021-Q3, 2021-SU, 2021-H1 */
    TIMEX_PREC_MONTH, /* 2021-12 */
    TIMEX_PREC_WEEK,  /* 2021-W51, 2021-W51-WE */
    TIMEX_PREC_DAY,   /* 2021-12-30, 2021-12-30TAF */
    TIMEX_PREC_TIME,  /* 2021-12-30T15:35 */
};

/*
 * timex_precision - the calendar precision of a TIMEX3 value. Values that
 * are not anchored on a calendar (X digits, durations, *_REF) are
 * TIMEX_PREC_NONE; a part of day (TAF) counts as a day.
 */
enum timex_precision timex_precision(const char *value);

/* "year", "month", "week", "day", "time"; NULL for TIMEX_PREC_NONE. */
const char *timex_precision_name(enum timex_precision p);

/*
 * timex_event_date - the date a timeline event is filed under: @value cut
 * to its calendar part ("2021-12-30TAF" and "2021-12-30T15:35" give
 * "2021-12-30"; "2021-W51", "2021-12", "2014" are kept). Writes a
 * NUL-terminated string into @out (@size >= 16 is always enough).
 * Returns false (and writes "") when the value has no calendar precision
 * or does not fit.
 */
bool timex_event_date(const char *value, char *out, size_t size);

/*
 * timex_is_event - true when @t should become a timeline event: a date or
 * time with at least year precision (timex_precision() != NONE) that
 * anchors a real clause (it has a label). Durations, sets, vague
 * references and bare datelines/bylines (no clause around them) are not
 * events.
 */
bool timex_is_event(const struct ex_timex *t);

/*
 * timex_similarity - content overlap of two labels or clauses, in [0, 1]:
 * the overlap coefficient |A & B| / min(|A|, |B|) of their sets of
 * content-word stems (ASCII-lower-cased words of two or more letters,
 * function words dropped, plural -s/-es, -ed and -ing stripped). 0 when
 * either side has no content word. NULL counts as empty.
 */
double timex_similarity(const char *a, const char *b);

/*
 * The content-word stems timex_similarity() compares, taken out of a
 * text once (timex_words) to compare it with many others
 * (timex_words_similarity(a, b) = timex_similarity() of their texts).
 */
#define TIMEX_WORDS_MAX 64
#define TIMEX_WORD_MAX  24
struct timex_words {
    size_t n;
    uint32_t hash[TIMEX_WORDS_MAX];
    char word[TIMEX_WORDS_MAX][TIMEX_WORD_MAX];
};
void timex_words(const char *s, struct timex_words *out);
double timex_words_similarity(const struct timex_words *a,
                              const struct timex_words *b);

#endif
