/*
 * claims_number.c - numeric assertions: "as many as 100,000 Russian
 * fighters" → value 100000, unit "troop", qualifier "as many as".
 *
 * A number claim is a cardinal (digits, number words, with a scale:
 * "1.5 million", "$15bn", "a dozen") or a vague quantity ("tens of
 * thousands of troops": no value, the phrase is the qualifier), with the
 * qualifier before it and the counted thing after it. The unit is the
 * lexicon's canonical form of the counted noun (troops, soldiers,
 * fighters → troop), else the singular of the head noun after the
 * number; money takes its currency code ("usd") and percentages
 * "percent"; a bare number keeps no unit.
 *
 * Not claims: years, dates (Dec. 7, 18 December), clock times, durations
 * and ages (a number before a time unit or "years old"), ordinals,
 * model names and numbers after a capitalised word (Boeing 787, Cold War
 * 2.0), "one" on its own, and spelled-out numbers after "the", "its"...
 * ("the two leaders": a reference, not an assertion).
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "extract/claims_impl.h"

/* How many words after the number may come before the counted noun. */
#define CL_UNIT_WINDOW 4

struct cl_number {
    size_t s, e; /* tokens of the claim, [s, e) */
    int has_value;
    double value;
    const char *unit;      /* borrowed from the lexicon, or NULL */
    char *own_unit;        /* a unit made from the text, or NULL */
    const char *qualifier; /* lexicon key, or NULL */
    size_t qlen;
};

static int tok_is(const struct cl_doc *d, size_t i, const char *s)
{
    size_t n = strlen(s);

    if (i >= d->n || d->t[i].end - d->t[i].start != n)
        return 0;
    for (size_t k = 0; k < n; k++) {
        char c = d->text[d->t[i].start + k];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != s[k])
            return 0;
    }
    return 1;
}

static int has_flag(const struct cl_doc *d, size_t i, uint16_t flag)
{
    return i < d->n && (d->t[i].flags & flag);
}

/* The longest lexicon phrase of class @cls starting at token @i. */
static const struct cl_word *phrase_at(const struct cl_doc *d, size_t i,
                                       uint32_t cls, size_t *words)
{
    if (i >= d->n || !d->t[i].w || !(d->t[i].w->starts & cls))
        return NULL;
    for (size_t n = claims_maxwords(d->res, cls); n > 0; n--) {
        const struct cl_word *w = claims_phrase(d, i, n);
        if (w && (w->cls & cls)) {
            *words = n;
            return w;
        }
    }
    return NULL;
}

/* The longest qualifier phrase ending just before token @i. */
static const struct cl_word *qualifier_before(const struct cl_doc *d, size_t i,
                                              size_t *start)
{
    for (size_t n = claims_maxwords(d->res, CL_QUAL); n > 0; n--) {
        const struct cl_word *w;
        if (n > i || has_flag(d, i - n + 1, CL_T_PARA))
            continue;
        w = claims_phrase(d, i - n, n);
        if (w && (w->cls & CL_QUAL)) {
            *start = i - n;
            return w;
        }
    }
    return NULL;
}

/* Digits with thousands separators: "100,000" → 100000. */
static double digits_value(const char *s, size_t n, size_t *used)
{
    char buf[64];
    size_t k = 0, i = 0;

    for (; i < n && k + 1 < sizeof(buf); i++) {
        if (s[i] >= '0' && s[i] <= '9')
            buf[k++] = s[i];
        else if (s[i] == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
            buf[k++] = '.';
        else if (s[i] != ',')
            break;
    }
    buf[k] = '\0';
    *used = i;
    return strtod(buf, NULL);
}

/* "people" stays, "tankers" → "tanker", "casualties" → "casualty". */
static char *singular(const char *s, size_t n)
{
    char *w = xstrndup(s, n);

    for (size_t i = 0; i < n; i++)
        if (w[i] >= 'A' && w[i] <= 'Z')
            w[i] = (char)(w[i] + 32);
    if (n > 4 && strcmp(w + n - 3, "ies") == 0)
        strcpy(w + n - 3, "y");
    else if (n > 4 &&
             (strcmp(w + n - 4, "ches") == 0 ||
              strcmp(w + n - 4, "shes") == 0 ||
              strcmp(w + n - 4, "sses") == 0 || strcmp(w + n - 3, "xes") == 0))
        w[n - 2] = '\0';
    else if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' &&
             w[n - 2] != 'i')
        w[n - 1] = '\0';
    return w;
}

/* Is the number at token @i part of a date or a clock time? */
static int in_date(const struct cl_doc *d, size_t i, size_t e)
{
    size_t p = i;

    if (p > 0 && d->t[p - 1].cp == '.')
        p--;
    if (p > 0 && claims_is(d, p - 1, CL_MONTH) &&
        (d->t[p - 1].flags & CL_T_CAP) && !(d->t[i].flags & CL_T_PARA))
        return 1;
    if (claims_is(d, e, CL_MONTH) &&
        (d->t[e].flags & (CL_T_CAP | CL_T_PARA)) == CL_T_CAP)
        return 1;
    if (e < d->n && d->t[e].cp == ':' && d->t[e].start == d->t[i].end)
        return 1;
    return i > 0 && d->t[i - 1].cp == ':' && d->t[i - 1].end == d->t[i].start;
}

/* Does the word at @i have an upper-case letter (Boeing, iPhone)? */
static int has_upper(const struct cl_doc *d, size_t i)
{
    if (!(d->t[i].flags & CL_T_WORD))
        return 0;
    for (uint32_t k = d->t[i].start; k < d->t[i].end; k++)
        if (d->text[k] >= 'A' && d->text[k] <= 'Z')
            return 1;
    return (d->t[i].flags & CL_T_CAP) != 0;
}

/* Spelled-out numbers after "the", "its"... refer ("the two sides"). */
static int is_reference(const struct cl_doc *d, size_t i)
{
    return i > 0 && claims_is(d, i - 1, CL_REF);
}

/* "$40", "US$40", "£13": sets *@next to the number and *@unit. */
static int currency_at(const struct cl_doc *d, size_t i, size_t *next,
                       const char **unit)
{
    const struct cl_word *w;
    size_t k = i;

    if (tok_is(d, k, "us") && k + 1 < d->n && d->t[k + 1].start == d->t[k].end)
        k++;
    if (!(d->t[k].flags & CL_T_PUNCT))
        return 0;
    w = claims_lookup(d->res, d->text + d->t[k].start,
                      d->t[k].end - d->t[k].start);
    if (!w || !(w->cls & CL_CURRENCY) || k + 1 >= d->n ||
        d->t[k + 1].start != d->t[k].end ||
        !(d->t[k + 1].flags & (CL_T_NUM | CL_T_DIGIT)))
        return 0;
    *next = k + 1;
    *unit = w->unit;
    return 1;
}

/*
 * Read the quantity starting at token @i into @num (value, scale,
 * currency). Returns the token after it, or @i when there is none.
 */
static size_t read_quantity(const struct cl_doc *d, size_t i,
                            struct cl_number *num)
{
    const struct cl_tok *t = &d->t[i];
    const struct cl_word *w;
    size_t k = i, words;

    if (currency_at(d, i, &k, &num->unit))
        t = &d->t[k];
    if (t->flags & (CL_T_NUM | CL_T_DIGIT)) {
        size_t used, n = t->end - t->start;
        const char *s = d->text + t->start;
        if (s[0] < '0' || s[0] > '9')
            return i;
        num->value = digits_value(s, n, &used);
        num->has_value = 1;
        if (used < n) { /* 15bn, 2GB: a scale or a unit glued on */
            w = claims_lookup(d->res, s + used, n - used);
            if (!w || !(w->cls & (CL_SCALE | CL_UNIT | CL_CURRENCY)))
                return i;
            if (w->cls & CL_SCALE)
                num->value *= w->number;
            else
                num->unit = w->unit;
        }
        k++;
    } else if ((w = phrase_at(d, k, CL_NUMBER, &words))) {
        if (is_reference(d, k) || (tok_is(d, k, "one") && words == 1 &&
                                   !claims_is(d, k + 1, CL_SCALE)))
            return i;
        num->value = w->number;
        num->has_value = 1;
        k += words;
    } else if ((w = phrase_at(d, k, CL_VAGUE, &words))) {
        num->qualifier = w->vague;
        num->qlen = strlen(w->vague);
        k += words;
        /* only with what it counts: "tens of thousands of troops" */
        return tok_is(d, k, "of") ? k + 1 : i;
    } else {
        return i;
    }
    while (k < d->n && (w = d->t[k].w) && (w->cls & CL_SCALE) &&
           !(d->t[k].flags & CL_T_CAP)) {
        num->value *= w->number;
        k++;
    }
    if (k < d->n && (w = d->t[k].w) && (w->cls & CL_CURRENCY) &&
        !(d->t[k].flags & CL_T_CAP)) {
        num->unit = w->unit;
        k++;
    }
    return k;
}

/*
 * The counted thing after the quantity ending before token @k: sets
 * num->unit / own_unit and num->e. Returns 0 when the number is not a
 * claim (a time unit follows).
 */
static int read_unit(const struct cl_doc *d, size_t k, struct cl_number *num)
{
    const struct cl_word *w;
    size_t head = 0, words;
    int found = 0, plural = 0;

    num->e = k;
    if (num->unit)
        return 1;
    if (k < d->n && d->t[k].cp == '%') {
        num->unit = "percent";
        num->e = k + 1;
        return 1;
    }
    if (phrase_at(d, k, CL_PERCENT, &words)) {
        num->unit = "percent";
        num->e = k + words;
        return 1;
    }
    for (size_t j = k; j < d->n && j - k < CL_UNIT_WINDOW; j++) {
        if (!(d->t[j].flags & CL_T_WORD) || (d->t[j].flags & CL_T_PARA))
            break;
        if (phrase_at(d, j, CL_SKIP, &words) && !(d->t[j].flags & CL_T_CAP))
            return 0;
        if ((w = phrase_at(d, j, CL_UNIT, &words)) &&
            !(d->t[j].flags & CL_T_CAP)) {
            num->unit = w->unit;
            num->e = j + words;
            return 1;
        }
        if (d->t[j].w && (d->t[j].w->cls & (CL_STOP | CL_VERB | CL_AUX))) {
            if (!(tok_is(d, j, "of") && j == k))
                break;
            continue;
        }
        if (!(d->t[j].flags & (CL_T_CAP | CL_T_DIGIT)) && !plural) {
            /* the first plural noun, else the last word: 300 rockets
               overnight, 179 new aerial refueling tankers */
            const char *s = d->text + d->t[j].start;
            size_t n = d->t[j].end - d->t[j].start;
            plural = n > 2 && s[n - 1] == 's' && s[n - 2] != 's';
            head = j;
            found = 1;
        }
    }
    if (found) {
        const struct cl_tok *h = &d->t[head];
        num->own_unit = singular(d->text + h->start, h->end - h->start);
        num->e = head + 1;
    }
    return 1;
}

/* Is the number at @i a year, a model name or otherwise no quantity? */
static int not_a_quantity(const struct cl_doc *d, size_t i, size_t e,
                          const struct cl_number *num, int qualified)
{
    const struct cl_tok *t = &d->t[i];
    size_t n = t->end - t->start;

    if (in_date(d, i, e))
        return 1;
    if ((t->flags & CL_T_NUM) && n == 4 && num->value >= 1000 &&
        num->value <= 2100 && !memchr(d->text + t->start, ',', n) &&
        !memchr(d->text + t->start, '.', n) && !num->unit)
        return 1;
    if (qualified || i == 0 || (t->flags & CL_T_PARA))
        return 0;
    /* the 787, its 737: a reference to a model, not a count */
    if ((t->flags & CL_T_NUM) && !memchr(d->text + t->start, ',', n) &&
        is_reference(d, i))
        return 1;
    /* Boeing 787, Cold War 2.0, iPhone 4, No. 5, #3 */
    return (has_upper(d, i - 1) &&
            !claims_is(d, i - 1, CL_QUAL | CL_STOP | CL_VERB)) ||
           d->t[i - 1].cp == '#' || d->t[i - 1].cp == '-';
}

static void emit(struct cl_doc *d, struct cl_number *num)
{
    struct ex_claim *c = claims_add(d, EX_CLAIM_NUMBER, d->t[num->s].start,
                                    d->t[num->e - 1].end);

    c->has_value = num->has_value;
    c->value = num->value;
    c->unit = num->own_unit ? num->own_unit
              : num->unit   ? xstrdup(num->unit)
                            : NULL;
    num->own_unit = NULL;
    if (num->qualifier)
        c->qualifier = xstrndup(num->qualifier, num->qlen);
}

void claims_numbers(struct cl_doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        struct cl_number num = {0};
        const struct cl_word *q;
        size_t k, qs = i;

        k = read_quantity(d, i, &num);
        if (k == i)
            continue;
        q = num.qualifier ? NULL : qualifier_before(d, i, &qs);
        if (q) {
            num.qualifier = q->key;
            num.qlen = q->klen;
        }
        num.s = qs;
        if (!read_unit(d, k, &num) ||
            (num.has_value && not_a_quantity(d, i, k, &num, q != NULL)) ||
            (!num.has_value && !num.unit && !num.own_unit)) {
            free(num.own_unit);
            continue;
        }
        emit(d, &num);
        i = num.e - 1;
    }
}
