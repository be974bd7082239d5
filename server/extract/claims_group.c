/*
 * claims_group.c - claim fingerprints and the comparisons that group
 * claims across articles (semantics documented in claims.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"
#include "extract/claims_impl.h"

/* Letters a word is cut to. */
#define CL_STEM 5
/* Bytes of context taken on each side of a number claim. */
#define CL_CONTEXT 150

struct cl_bag {
    uint32_t *h;
    size_t n, cap;
};

static uint32_t cl_hash32(const char *s, size_t n, uint32_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

#define CL_HASH_WORD   2166136261u
#define CL_HASH_ENTITY 84696351u

static void bag_add(struct cl_bag *b, uint32_t h)
{
    b->h = xgrow(b->h, sizeof(*b->h), b->n + 1, &b->cap);
    b->h[b->n++] = h;
}

/* Add the content words of @text[s..e). */
static void bag_words(const struct claims_resources *res, const char *text,
                      size_t s, size_t e, struct cl_bag *b)
{
    size_t i = s;

    while (i < e) {
        size_t ws = i, we, j;
        uint32_t cp = utf8_decode(text, e, &i);
        char stem[4 * CL_STEM];
        size_t n = 0, letters = 0;
        const struct cl_word *w;

        if (!claims_is_alnum(cp))
            continue;
        for (we = i; we < e; we = j) {
            j = we;
            cp = utf8_decode(text, e, &j);
            if (!claims_is_alnum(cp))
                break;
        }
        i = we;
        w = claims_lookup(res, text + ws, we - ws);
        if ((w && (w->cls & CL_STOP)) || we - ws < 3)
            continue;
        for (j = ws; j < we && letters < CL_STEM;) {
            size_t k = j;
            utf8_decode(text, we, &k);
            for (; j < k; j++)
                stem[n++] =
                    (char)(text[j] >= 'A' && text[j] <= 'Z' ? text[j] + 32
                                                            : text[j]);
            letters++;
        }
        bag_add(b, cl_hash32(stem, n, CL_HASH_WORD));
        /* skip a possessive 's: Russia's, Russia’s */
        if (i < e && (text[i] == '\'' || (unsigned char)text[i] == 0xE2)) {
            j = i;
            cp = utf8_decode(text, e, &j);
            if ((cp == '\'' || cp == 0x2019) && j < e && text[j] == 's' &&
                (j + 1 == e || !claims_is_alnum((unsigned char)text[j + 1])))
                i = j + 1;
        }
    }
}

static int cl_u32_order(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/* Sort and deduplicate; hand the array over. */
static void bag_finish(struct cl_bag *b, uint32_t **out, size_t *n)
{
    size_t k = 0;

    if (b->n > 1)
        qsort(b->h, b->n, sizeof(*b->h), cl_u32_order);
    for (size_t i = 0; i < b->n; i++)
        if (k == 0 || b->h[i] != b->h[k - 1])
            b->h[k++] = b->h[i];
    if (k == 0) {
        free(b->h);
        b->h = NULL;
    }
    *out = b->h;
    *n = k;
}

void claims_fingerprint(const struct claims_resources *res, const char *text,
                        size_t len, uint32_t **out, size_t *n)
{
    struct cl_bag b = {0};

    bag_words(res, text, 0, len, &b);
    bag_finish(&b, out, n);
}

/* A number's context: its sentence around it, and the entities there. */
static void number_context(const struct claims_resources *res, const char *text,
                           size_t len, const struct ex_result *r,
                           struct ex_claim *c)
{
    struct cl_bag b = {0};
    size_t s = 0, e = len;

    if (c->sentence < r->nsentences) {
        s = r->sentences[c->sentence].start;
        e = r->sentences[c->sentence].end;
    }
    if (c->start > s + CL_CONTEXT)
        s = c->start - CL_CONTEXT;
    if (e > c->end + CL_CONTEXT)
        e = c->end + CL_CONTEXT;
    while (s > 0 && s < len && ((unsigned char)text[s] & 0xC0) == 0x80)
        s--;
    while (e < len && ((unsigned char)text[e] & 0xC0) == 0x80)
        e++;
    bag_words(res, text, s, c->start < s ? s : c->start, &b);
    bag_words(res, text, c->end > e ? e : c->end, e, &b);
    for (size_t i = 0; i < r->nmentions; i++) {
        const struct ex_mention *m = &r->mentions[i];
        const char *key;
        if (m->start < s || m->end > e || m->entity >= r->nentities)
            continue;
        key = r->entities[m->entity].key;
        if (key)
            bag_add(&b, cl_hash32(key, strlen(key), CL_HASH_ENTITY));
    }
    bag_finish(&b, &c->fingerprint, &c->nfingerprint);
}

void claims_fingerprints(const struct claims_resources *res, const char *text,
                         size_t len, struct ex_result *r)
{
    for (size_t i = 0; i < r->nclaims; i++) {
        struct ex_claim *c = &r->claims[i];
        if (c->kind == EX_CLAIM_NUMBER)
            number_context(res, text, len, r, c);
        else
            claims_fingerprint(res, text + c->start, c->end - c->start,
                               &c->fingerprint, &c->nfingerprint);
    }
}

size_t claims_fingerprint_shared(const uint32_t *a, size_t na,
                                 const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, shared = 0;

    while (i < na && j < nb) {
        if (a[i] < b[j]) {
            i++;
        } else if (a[i] > b[j]) {
            j++;
        } else {
            shared++;
            i++;
            j++;
        }
    }
    return shared;
}

/*
 * Does the smaller fingerprint lie @pct% in the other, with at least 3
 * shared words? Fingerprints of 1-2 words must be equal.
 */
static int cl_contained(const uint32_t *a, size_t na, const uint32_t *b,
                        size_t nb, size_t pct)
{
    size_t small = na < nb ? na : nb;
    size_t shared = claims_fingerprint_shared(a, na, b, nb);

    if (small < 3)
        return small > 0 && na == nb && shared == na;
    return shared >= 3 && shared * 100 >= small * pct;
}

int claims_quotes_same(const uint32_t *a, size_t na, const uint32_t *b,
                       size_t nb)
{
    return cl_contained(a, na, b, nb, 60);
}

/* @s folded for comparison: lower case, no dots, single spaces. */
static size_t cl_norm_name(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    int space = 0;

    for (; *s && n + 2 < cap; s++) {
        if (*s == '.')
            continue;
        if (*s == ' ' || *s == '\t' || *s == '\n') {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = 0;
        out[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    }
    out[n] = '\0';
    return n;
}

/* Does @a end with " " @b? */
static int cl_ends_with_word(const char *a, size_t na, const char *b, size_t nb)
{
    return na > nb && a[na - nb - 1] == ' ' && memcmp(a + na - nb, b, nb) == 0;
}

int claims_speakers_same(const char *a, const char *b)
{
    char x[256], y[256];
    size_t nx, ny;

    if (!a || !b)
        return 0;
    nx = cl_norm_name(a, x, sizeof(x));
    ny = cl_norm_name(b, y, sizeof(y));
    if (nx == 0 || ny == 0)
        return 0;
    return (nx == ny && memcmp(x, y, nx) == 0) ||
           cl_ends_with_word(x, nx, y, ny) || cl_ends_with_word(y, ny, x, nx);
}

int claims_statements_same(const char *speaker_a, const uint32_t *a, size_t na,
                           const char *speaker_b, const uint32_t *b, size_t nb)
{
    return claims_speakers_same(speaker_a, speaker_b) && na >= 3 && nb >= 3 &&
           cl_contained(a, na, b, nb, 60);
}

int claims_numbers_comparable(const char *unit_a, const uint32_t *a, size_t na,
                              const char *unit_b, const uint32_t *b, size_t nb)
{
    return unit_a && unit_b && strcmp(unit_a, unit_b) == 0 &&
           claims_fingerprint_shared(a, na, b, nb) >= 2;
}
