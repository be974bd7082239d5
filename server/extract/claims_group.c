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
/* Context words (names aside) two numbers about a shared entity share
 * at the least; numbers compared on words alone need 3. */
#define CL_NUMBER_WORDS 1
/* Context words a number needs to be compared on words alone. */
#define CL_NUMBER_CONTEXT 5

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

/*
 * In a number's context, entity hashes live in the top 1/256 of the hash
 * space and the words of names (inside an entity mention) in the 1/256
 * below; other words stay out of both. So a number's fingerprint tells
 * entities, names and words apart without a second array (entities sort
 * last, names before them). Moving the few word hashes that fall there
 * keeps all other words' hashes as they always were, so fingerprints
 * stored before still meet new ones.
 */
#define CL_ENTITY_TAG 0xFF000000u
#define CL_NAME_TAG   0xFE000000u
#define CL_LOW_BITS   0x00FFFFFFu

static uint32_t cl_word_hash(uint32_t h)
{
    return h >= CL_NAME_TAG ? h ^ 0x02000000u : h;
}

static uint32_t cl_name_hash(uint32_t h)
{
    return CL_NAME_TAG | (h & CL_LOW_BITS);
}

static uint32_t cl_entity_hash(uint32_t h)
{
    return CL_ENTITY_TAG | (h & CL_LOW_BITS);
}

int claims_hash_is_entity(uint32_t h)
{
    return h >= CL_ENTITY_TAG;
}

static void bag_add(struct cl_bag *b, uint32_t h)
{
    b->h = xgrow(b->h, sizeof(*b->h), b->n + 1, &b->cap);
    b->h[b->n++] = h;
}

/* Add the content words of @text[s..e) (of a name when @name). */
static void bag_words(const struct claims_resources *res, const char *text,
                      size_t s, size_t e, int name, struct cl_bag *b)
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
        uint32_t h = cl_hash32(stem, n, CL_HASH_WORD);
        bag_add(b, name ? cl_name_hash(h) : cl_word_hash(h));
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

    bag_words(res, text, 0, len, 0, &b);
    bag_finish(&b, out, n);
}

/*
 * Add the content words of @text[s..e), those inside entity mentions as
 * names: a shared place ("New Zealand") is one shared entity, not also
 * two shared words.
 */
static void bag_context(const struct claims_resources *res, const char *text,
                        size_t s, size_t e, const struct ex_result *r,
                        struct cl_bag *b)
{
    while (s < e) {
        size_t next = e, skip = e;
        /* The first mention still ahead of s, and where it ends. */
        for (size_t i = 0; i < r->nmentions; i++) {
            const struct ex_mention *m = &r->mentions[i];
            if (m->entity >= r->nentities || m->end <= s || m->start >= e)
                continue;
            size_t ms = m->start < s ? s : m->start;
            if (ms < next || (ms == next && m->end > skip)) {
                next = ms;
                skip = m->end < e ? m->end : e;
            }
        }
        bag_words(res, text, s, next, 0, b);
        bag_words(res, text, next, skip, 1, b);
        s = skip;
    }
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
    bag_context(res, text, s, c->start < s ? s : c->start, r, &b);
    bag_context(res, text, c->end > e ? e : c->end, e, r, &b);
    for (size_t i = 0; i < r->nmentions; i++) {
        const struct ex_mention *m = &r->mentions[i];
        const char *key;
        if (m->start < s || m->end > e || m->entity >= r->nentities)
            continue;
        key = r->entities[m->entity].key;
        if (key)
            bag_add(&b, cl_entity_hash(
                            cl_hash32(key, strlen(key), CL_HASH_ENTITY)));
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

/* How many of the sorted @h[0..n) are at or above @tag (they come last). */
static size_t cl_count_from(const uint32_t *h, size_t n, uint32_t tag)
{
    size_t k = 0;

    while (k < n && h[n - 1 - k] >= tag)
        k++;
    return k;
}

static int cl_low_order(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a & CL_LOW_BITS,
             y = *(const uint32_t *)b & CL_LOW_BITS;

    return (x > y) - (x < y);
}

/*
 * Words two contexts share, names included: a name word on one side
 * ("Russia" as an entity) meets the same word on the other ("Russia"
 * where no entity was recognised), so both are compared on their low
 * bits.
 */
static size_t cl_words_shared(const uint32_t *a, size_t na, const uint32_t *b,
                              size_t nb)
{
    uint32_t *x = xmalloc((na + nb + 1) * sizeof(*x)), *y = x + na;
    size_t i = 0, j = 0, shared = 0;

    if (na)
        memcpy(x, a, na * sizeof(*x));
    if (nb)
        memcpy(y, b, nb * sizeof(*y));
    qsort(x, na, sizeof(*x), cl_low_order);
    qsort(y, nb, sizeof(*y), cl_low_order);
    while (i < na && j < nb) {
        uint32_t p = x[i] & CL_LOW_BITS, q = y[j] & CL_LOW_BITS;
        if (p < q) {
            i++;
        } else if (p > q) {
            j++;
        } else {
            shared++;
            /* a word and the same name word count once */
            while (i < na && (x[i] & CL_LOW_BITS) == p)
                i++;
            while (j < nb && (y[j] & CL_LOW_BITS) == q)
                j++;
        }
    }
    free(x);
    return shared;
}

int claims_numbers_comparable(const char *unit_a, const uint32_t *a, size_t na,
                              const char *unit_b, const uint32_t *b, size_t nb)
{
    size_t ea, eb, wa, wb, pa, pb, small;

    if (!unit_a || !unit_b || strcmp(unit_a, unit_b) != 0)
        return 0;
    ea = cl_count_from(a, na, CL_ENTITY_TAG);
    eb = cl_count_from(b, nb, CL_ENTITY_TAG);
    wa = na - ea; /* words and names */
    wb = nb - eb;
    /*
     * Wire copy repeats the same frame ("net profit ... pct", "shr ...
     * cts") for every company: when both contexts name entities, one of
     * them must be the same, or at least a name's word must be on both
     * sides ("Russia" named here, "Russian troops" there). Then one more
     * word (not a name) will do: two outlets word the same fact
     * differently ("massed ... on the border", "deployed ... close to
     * the border").
     */
    if (ea > 0 && eb > 0) {
        pa = wa - cl_count_from(a, wa, CL_NAME_TAG);
        pb = wb - cl_count_from(b, wb, CL_NAME_TAG);
        size_t plain = claims_fingerprint_shared(a, pa, b, pb);
        size_t names =
            claims_fingerprint_shared(a + pa, wa - pa, b + pb, wb - pb);
        /* A name word on one side and a plain word on the other: the
         * same name where it was not recognised. Two different names
         * sharing a word ("... Inc") do not count. */
        return plain >= CL_NUMBER_WORDS &&
               (claims_fingerprint_shared(a + wa, ea, b + wb, eb) > 0 ||
                cl_words_shared(a, wa, b, wb) > plain + names);
    }
    /*
     * Without entities on both sides the words alone must carry it:
     * enough of them, and at least half of the smaller context, so that
     * a frame of common words is not enough. With no entity on either
     * side (a table line, a template) half of the larger one: the same
     * sentence, not the same frame.
     */
    size_t words = cl_words_shared(a, wa, b, wb);
    small = wa < wb ? wa : wb;
    size_t large = wa < wb ? wb : wa;
    return small >= CL_NUMBER_CONTEXT && words >= 3 && words * 2 >= small &&
           (ea > 0 || eb > 0 || words * 2 >= large);
}
