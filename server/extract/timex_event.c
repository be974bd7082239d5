/*
 * timex_event.c - what the ingest layer needs to build the timeline from
 * temporal expressions: the calendar precision of a value, the date an
 * event is filed under, which expressions are events, and how alike two
 * event labels are.
 */
#include "extract/timex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

enum timex_precision timex_precision(const char *v)
{
    size_t n = v ? strlen(v) : 0;

    if (n < 4 || !digits(v, 4))
        return TIMEX_PREC_NONE;
    if (n == 4)
        return TIMEX_PREC_YEAR;
    if (v[4] != '-')
        return TIMEX_PREC_NONE;
    if (v[5] == 'W' && n >= 8 && digits(v + 6, 2))
        return TIMEX_PREC_WEEK;
    if ((v[5] == 'Q' || v[5] == 'H') && n == 7 && isdigit((unsigned char)v[6]))
        return TIMEX_PREC_YEAR;
    if (n == 7 && isupper((unsigned char)v[5]) && isupper((unsigned char)v[6]))
        return TIMEX_PREC_YEAR; /* a season: 2021-SU */
    if (n < 7 || !digits(v + 5, 2))
        return TIMEX_PREC_NONE;
    if (n == 7)
        return TIMEX_PREC_MONTH;
    if (n < 10 || v[7] != '-' || !digits(v + 8, 2))
        return TIMEX_PREC_NONE;
    if (n == 10 || (n > 11 && v[10] == 'T' && !isdigit((unsigned char)v[11])))
        return TIMEX_PREC_DAY;
    return n > 11 && v[10] == 'T' ? TIMEX_PREC_TIME : TIMEX_PREC_NONE;
}

const char *timex_precision_name(enum timex_precision p)
{
    static const char *const names[] = {
        [TIMEX_PREC_YEAR] = "year", [TIMEX_PREC_MONTH] = "month",
        [TIMEX_PREC_WEEK] = "week", [TIMEX_PREC_DAY] = "day",
        [TIMEX_PREC_TIME] = "time",
    };
    return p > TIMEX_PREC_NONE && p <= TIMEX_PREC_TIME ? names[p] : NULL;
}

bool timex_event_date(const char *value, char *out, size_t size)
{
    enum timex_precision p = timex_precision(value);
    size_t n;

    if (size == 0)
        return false;
    out[0] = '\0';
    if (p == TIMEX_PREC_NONE)
        return false;
    n = p >= TIMEX_PREC_DAY ? 10 : strlen(value);
    if (n >= size)
        return false;
    memcpy(out, value, n);
    out[n] = '\0';
    return true;
}

bool timex_is_event(const struct ex_timex *t)
{
    return (t->type == EX_TIMEX_DATE || t->type == EX_TIMEX_TIME) && t->label &&
           timex_precision(t->value) != TIMEX_PREC_NONE;
}

/* Similarity -------------------------------------------------------------- */

/* Function words, sorted for bsearch. */
static const char *const stopwords[] = {
    "about", "after", "against", "all",  "also",  "an",     "and",  "any",
    "are",   "as",    "at",      "be",   "been",  "before", "but",  "by",
    "can",   "could", "did",     "do",   "for",   "from",   "had",  "has",
    "have",  "he",    "her",     "his",  "if",    "in",     "into", "is",
    "it",    "its",   "last",    "more", "new",   "next",   "not",  "of",
    "on",    "one",   "or",      "our",  "over",  "said",   "says", "she",
    "since", "so",    "than",    "that", "the",   "their",  "them", "then",
    "there", "these", "they",    "this", "those", "to",     "told", "two",
    "under", "until", "up",      "was",  "we",    "were",   "what", "when",
    "which", "while", "who",     "will", "with",  "would",  "year", "you",
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Strip -ing, -ed, -es, -s from a lower-case word of length @n. */
static size_t stem(char *w, size_t n)
{
    if (n > 5 && strcmp(w + n - 3, "ing") == 0)
        n -= 3;
    else if (n > 4 && strcmp(w + n - 2, "ed") == 0)
        n -= 2;
    else if (n > 4 && strcmp(w + n - 2, "es") == 0)
        n -= 2;
    else if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's')
        n -= 1;
    w[n] = '\0';
    return n;
}

static uint32_t word_hash(const char *w)
{
    uint32_t h = 2166136261u;

    for (; *w; w++)
        h = (h ^ (unsigned char)*w) * 16777619u;
    return h;
}

/* Whether @w (of hash @h) is one of @ws's words. */
static bool has_word(const struct timex_words *ws, uint32_t h, const char *w)
{
    for (size_t i = 0; i < ws->n; i++)
        if (ws->hash[i] == h && strcmp(ws->word[i], w) == 0)
            return true;
    return false;
}

void timex_words(const char *s, struct timex_words *out)
{
    out->n = 0;
    while (s && *s && out->n < TIMEX_WORDS_MAX) {
        char w[TIMEX_WORD_MAX];
        const char *key = w;
        size_t len = 0;

        while (*s && !isalpha((unsigned char)*s))
            s++;
        while (isalpha((unsigned char)*s)) {
            if (len < TIMEX_WORD_MAX - 1)
                w[len++] = (char)tolower((unsigned char)*s);
            s++;
        }
        w[len] = '\0';
        if (len < 2 ||
            bsearch(&key, stopwords, sizeof(stopwords) / sizeof(*stopwords),
                    sizeof(*stopwords), cmp_str))
            continue;
        stem(w, len);
        uint32_t h = word_hash(w);
        if (!has_word(out, h, w)) {
            out->hash[out->n] = h;
            memcpy(out->word[out->n++], w, TIMEX_WORD_MAX);
        }
    }
}

double timex_words_similarity(const struct timex_words *a,
                              const struct timex_words *b)
{
    size_t common = 0;

    if (!a->n || !b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        common += has_word(b, a->hash[i], a->word[i]);
    return (double)common / (double)(a->n < b->n ? a->n : b->n);
}

double timex_similarity(const char *a, const char *b)
{
    struct timex_words wa, wb;

    timex_words(a, &wa);
    timex_words(b, &wb);
    return timex_words_similarity(&wa, &wb);
}
