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

#define SIM_MAX_WORDS 64
#define SIM_WORD_MAX  24

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

/* The distinct content stems of @s into @set; returns how many. */
static size_t content_stems(const char *s, char set[][SIM_WORD_MAX])
{
    size_t n = 0;

    while (s && *s && n < SIM_MAX_WORDS) {
        char w[SIM_WORD_MAX];
        const char *key = w;
        size_t len = 0;
        bool dup = false;

        while (*s && !isalpha((unsigned char)*s))
            s++;
        while (isalpha((unsigned char)*s)) {
            if (len < SIM_WORD_MAX - 1)
                w[len++] = (char)tolower((unsigned char)*s);
            s++;
        }
        w[len] = '\0';
        if (len < 2 ||
            bsearch(&key, stopwords, sizeof(stopwords) / sizeof(*stopwords),
                    sizeof(*stopwords), cmp_str))
            continue;
        stem(w, len);
        for (size_t i = 0; i < n && !dup; i++)
            dup = strcmp(set[i], w) == 0;
        if (!dup)
            memcpy(set[n++], w, SIM_WORD_MAX);
    }
    return n;
}

double timex_similarity(const char *a, const char *b)
{
    char sa[SIM_MAX_WORDS][SIM_WORD_MAX], sb[SIM_MAX_WORDS][SIM_WORD_MAX];
    size_t na = content_stems(a, sa), nb = content_stems(b, sb), common = 0;

    if (!na || !nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        for (size_t k = 0; k < nb; k++)
            if (strcmp(sa[i], sb[k]) == 0) {
                common++;
                break;
            }
    return (double)common / (double)(na < nb ? na : nb);
}
