/*
 * claims.c - the claims extractor's frame: the lexicon
 * (data/claims/lexicon.txt), the token stream the passes share, and
 * claims_extract, which runs the speech pass (quotes, speakers,
 * statements) and the number pass and puts their claims in text order.
 */
#include "extract/claims_impl.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"

/* Longest phrase key, in bytes. */
#define CL_KEY_MAX 64

/* Lexicon class names, in the order of enum cl_class bits. */
static const char *const class_names[] = {
    "verb",   "according", "title", "noun",     "pron", "aux",      "stop",
    "number", "scale",     "vague", "qual",     "unit", "currency", "percent",
    "skip",   "month",     "det",   "particle", "ref",  "obj",
};

#define CL_NCLASSES (sizeof(class_names) / sizeof(class_names[0]))

static uint64_t cl_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/*
 * Fold @s[0..len) into @out (CL_KEY_MAX bytes): ASCII lower case, runs of
 * white space to one space, ’ to '. Returns the length, or 0 when the
 * phrase does not fit.
 */
static size_t cl_fold(const char *s, size_t len, char *out)
{
    size_t n = 0;
    int space = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = n > 0;
            continue;
        }
        if (n + 4 > CL_KEY_MAX)
            return 0;
        if (space) {
            out[n++] = ' ';
            space = 0;
        }
        if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            out[n++] = '\'';
            i += 2;
            continue;
        }
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return n;
}

static struct cl_word *cl_slot(const struct claims_resources *res,
                               const char *key, size_t n)
{
    size_t i = (size_t)cl_hash(key, n) & res->mask;

    while (res->slots[i].key &&
           (res->slots[i].klen != n || memcmp(res->slots[i].key, key, n) != 0))
        i = (i + 1) & res->mask;
    return &res->slots[i];
}

const struct cl_word *claims_lookup(const struct claims_resources *res,
                                    const char *s, size_t len)
{
    char key[CL_KEY_MAX];
    size_t n = cl_fold(s, len, key);
    const struct cl_word *w;

    if (n == 0)
        return NULL;
    w = cl_slot(res, key, n);
    return w->key ? w : NULL;
}

static int cl_class_bit(const char *name, size_t n)
{
    for (size_t i = 0; i < CL_NCLASSES; i++)
        if (strlen(class_names[i]) == n && memcmp(class_names[i], name, n) == 0)
            return 1 << i;
    return 0;
}

/* Split off the next space-separated field of @*p (advanced past it). */
static size_t cl_field(char **p, char **field)
{
    char *s = *p;

    while (*s == ' ' || *s == '\t')
        s++;
    *field = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    *p = s;
    return (size_t)(s - *field);
}

/* Add one "class value phrase" line; malformed lines are ignored. */
static void cl_add_line(struct claims_resources *res, char *line)
{
    char key[CL_KEY_MAX], *cls, *val, *phrase = line;
    size_t ncls = cl_field(&phrase, &cls), nval, n, first;
    struct cl_word *w;
    int bit = cl_class_bit(cls, ncls);
    unsigned words = 1;

    nval = cl_field(&phrase, &val);
    while (*phrase == ' ' || *phrase == '\t')
        phrase++;
    n = cl_fold(phrase, strlen(phrase), key);
    if (!bit || nval == 0 || n == 0)
        return;
    first = n;
    val[nval] = '\0';
    for (size_t i = n; i-- > 0;)
        if (key[i] == ' ') {
            words++;
            first = i;
        }
    /* Folding never lengthens: the key fits where the phrase was. */
    memcpy(phrase, key, n);
    w = cl_slot(res, phrase, first);
    if (!w->key) {
        w->key = phrase;
        w->klen = (uint32_t)first;
    }
    w->starts |= (uint32_t)bit;
    w = cl_slot(res, phrase, n);
    if (!w->key) {
        w->key = phrase;
        w->klen = (uint32_t)n;
    }
    w->cls |= (uint32_t)bit;
    for (int b = 0; b < CL__BITS; b++)
        if (bit == 1 << b && res->maxwords[b] < words)
            res->maxwords[b] = words;
    switch (bit) {
    case CL_VERB:
        w->frame |= strcmp(val, "obj") == 0    ? CL_FRAME_OBJ
                    : strcmp(val, "acc") == 0  ? CL_FRAME_ACC
                    : strcmp(val, "that") == 0 ? CL_FRAME_THAT
                                               : 0;
        break;
    case CL_PRON:
        w->person = strcmp(val, "person") == 0;
        break;
    case CL_NUMBER:
    case CL_SCALE:
        w->number = strtod(val, NULL);
        break;
    case CL_UNIT:
    case CL_CURRENCY:
        w->unit = val;
        break;
    case CL_VAGUE:
        for (char *u = val; *u; u++)
            if (*u == '_')
                *u = ' ';
        w->vague = val;
        break;
    }
}

struct claims_resources *claims_resources_new(const struct embed_file *data)
{
    const struct embed_file *f = embed_find(data, "claims/lexicon.txt");
    struct claims_resources *res = xcalloc(1, sizeof(*res));
    size_t lines = 1, size = 16;
    char *s, *next;

    res->strings = xstrndup(f ? (const char *)f->data : "", f ? f->len : 0);
    for (s = res->strings; *s; s++)
        lines += *s == '\n';
    while (size < lines * 4)
        size <<= 1;
    res->slots = xcalloc(size, sizeof(*res->slots));
    res->mask = size - 1;
    for (s = res->strings; s; s = next) {
        next = strchr(s, '\n');
        if (next)
            *next++ = '\0';
        char *hash = strchr(s, '#');
        if (hash)
            *hash = '\0';
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
            s[--n] = '\0';
        if (n > 0)
            cl_add_line(res, s);
    }
    return res;
}

void claims_resources_free(struct claims_resources *res)
{
    if (!res)
        return;
    free(res->slots);
    free(res->strings);
    free(res);
}

/* Tokeniser. */

static int cl_is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
           cp == '\v' || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) ||
           cp == 0x202F || cp == 0x3000;
}

int claims_is_alnum(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') ||
               ((cp | 32) >= 'a' && (cp | 32) <= 'z');
    return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 &&
           !(cp >= 0x2000 && cp < 0x2C00) && !(cp >= 0x3000 && cp < 0x3040) &&
           !(cp >= 0xFE00 && cp < 0xFE70) && !(cp >= 0xFF00 && cp < 0xFF10);
}

static int cl_is_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

static int cl_is_upper(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
           (cp >= 0x100 && cp < 0x180 && cp % 2 == 0) ||
           (cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F);
}

/* Apostrophes, including a ‘ typed for one inside a word (Russia‘s). */
static int cl_is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x2018;
}

/* ’90s, '92: an apostrophe eliding a century is part of the word. */
static int cl_is_elision(const char *text, size_t len, size_t s, size_t i,
                         uint32_t cp)
{
    return (cp == '\'' || cp == 0x2019) && i + 2 <= len &&
           cl_is_digit((unsigned char)text[i]) &&
           cl_is_digit((unsigned char)text[i + 1]) &&
           (i + 2 == len || text[i + 2] == 's' ||
            !claims_is_alnum((unsigned char)text[i + 2])) &&
           (s == 0 || !claims_is_alnum((unsigned char)text[s - 1]));
}

static uint32_t cl_cp_at(const char *s, size_t len, size_t i)
{
    return i < len ? utf8_decode(s, len, &i) : 0;
}

/* The code point that ends before byte @i (0 at the start). */
static uint32_t cl_cp_before(const char *s, size_t i)
{
    size_t j = i;

    if (i == 0)
        return 0;
    do
        j--;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80);
    return utf8_decode(s, i, &j);
}

/* Quotation mark style and intrinsic direction (-1 opening, 1 closing). */
static enum cl_style cl_mark(uint32_t cp, int *dir)
{
    *dir = 0;
    switch (cp) {
    case 0x201C:
    case 0x201E:
    case 0xAB:
    case '`':
        *dir = -1;
        return CL_STYLE_DOUBLE;
    case 0x201D:
    case 0xBB:
        *dir = 1;
        return CL_STYLE_DOUBLE;
    case '"':
        return CL_STYLE_DOUBLE;
    case 0x2018:
    case 0x201A:
    case 0x201B:
        *dir = -1;
        return CL_STYLE_SINGLE;
    case 0x2019:
        *dir = 1;
        return CL_STYLE_SINGLE;
    case '\'':
        return CL_STYLE_SINGLE;
    default:
        return CL_STYLE_NONE;
    }
}

/* May a quote open after @cp / close before @cp? */
static int cl_left_edge(uint32_t cp)
{
    int dir;

    return cp == 0 || cl_is_space(cp) || cp == '(' || cp == '[' || cp == '{' ||
           cp == 0x2014 || cp == 0x2013 || cp == '-' || cp == '/' ||
           cp == ':' || cl_mark(cp, &dir);
}

static int cl_right_edge(uint32_t cp)
{
    return cp == 0 || !claims_is_alnum(cp);
}

/*
 * Direction of the quotation mark at [s, e): CL_T_OPEN when a quote may
 * start after it, CL_T_CLOSE when one may end before it. A mark's own
 * shape breaks ties; straight marks may be both.
 */
static uint16_t cl_mark_flags(const char *text, size_t len, size_t s, size_t e,
                              uint32_t cp, int dir)
{
    uint32_t before = cl_cp_before(text, s), after = cl_cp_at(text, len, e);
    int open = cl_left_edge(before) && after && !cl_is_space(after);
    int close = before && !cl_is_space(before) && cl_right_edge(after);

    /*
     * the officials’ answers: a plural possessive, not a closing mark
     * (but '' is a double mark: the ''genius'' of it)
     */
    if (close && cl_is_apostrophe(cp) && !(cp == '\'' && e - s > 1) &&
        before == 's' && cl_is_space(after)) {
        size_t j = e;
        utf8_decode(text, len, &j);
        uint32_t next = cl_cp_at(text, len, j);
        if (next >= 'a' && next <= 'z')
            return 0;
    }

    /*
     * A straight double mark with space on both sides (outreach,' " he
     * said; said, " Hello) closes the quote that is open, else opens one.
     */
    if (!dir && (cp == '"' || e - s > 1) && cl_is_space(before) &&
        cl_is_space(after))
        return CL_T_OPEN | CL_T_CLOSE;

    if (dir < 0 && !(close && !open))
        return CL_T_OPEN;
    if (dir > 0 && !(open && !close))
        return CL_T_CLOSE;
    return (uint16_t)((open ? CL_T_OPEN : 0) | (close ? CL_T_CLOSE : 0));
}

/* May the word at @i go on past the joiner @cp? */
static int cl_joins(const char *text, size_t len, size_t start, size_t i,
                    uint32_t cp, size_t next)
{
    uint32_t prev = cl_cp_before(text, i), nx = cl_cp_at(text, len, next);
    int digits = 1;

    if (cl_is_apostrophe(cp) || cp == '-' || cp == 0x2011 || cp == '&')
        return claims_is_alnum(prev) && claims_is_alnum(nx);
    if (cp == '.')
        return (cl_is_digit(prev) && cl_is_digit(nx)) ||
               (!cl_is_digit(prev) && claims_is_alnum(prev) &&
                claims_is_alnum(nx) && !cl_is_digit(nx));
    if (cp != ',')
        return 0;
    for (size_t k = start; k < i; k++)
        digits &= cl_is_digit((unsigned char)text[k]) || text[k] == ',';
    return digits && cl_is_digit(prev) && cl_is_digit(nx) && next + 2 < len &&
           cl_is_digit((unsigned char)text[next + 1]) &&
           cl_is_digit((unsigned char)text[next + 2]);
}

static void cl_push(struct cl_doc *d, size_t *cap, struct cl_tok tok)
{
    d->t = xgrow(d->t, sizeof(*d->t), d->n + 1, cap);
    d->t[d->n++] = tok;
}

/* Flags of the word [s, e). */
static uint16_t cl_word_flags(const char *text, size_t s, size_t e)
{
    int digits = 0, letters = 0;
    size_t i = s;

    for (size_t k = s; k < e; k++) {
        unsigned char c = (unsigned char)text[k];
        digits += cl_is_digit(c);
        letters += c >= 0x80 || ((c | 32) >= 'a' && (c | 32) <= 'z');
    }
    if (digits && !letters && cl_is_digit((unsigned char)text[s]))
        return CL_T_NUM;
    return (uint16_t)(CL_T_WORD | (digits ? CL_T_DIGIT : 0) |
                      (cl_is_upper(utf8_decode(text, e, &i)) ? CL_T_CAP : 0));
}

/* Mark a full stop that ends a sentence (not Mr. U.S. J. Dec. 7.5). */
static void cl_full_stop(struct cl_doc *d)
{
    struct cl_tok *t = &d->t[d->n - 1], *p = d->n > 1 ? t - 1 : NULL;

    if (t->cp != '.' && t->cp != '!' && t->cp != '?')
        return;
    if (t->cp == '.' && p && p->end == t->start && (p->flags & CL_T_WORD) &&
        ((p->w && (p->w->cls & (CL_TITLE | CL_MONTH)) &&
          (p->flags & CL_T_CAP) && p->end - p->start <= 4) ||
         p->end - p->start == 1 ||
         memchr(d->text + p->start, '.', p->end - p->start)))
        return;
    t->flags |= CL_T_END;
}

static void cl_tokenise(struct cl_doc *d)
{
    const char *text = d->text;
    size_t len = d->len, cap = 0, i = 0;
    uint16_t pending = CL_T_PARA;

    while (i < len) {
        size_t s = i;
        uint32_t cp = utf8_decode(text, len, &i);
        struct cl_tok tok = {(uint32_t)s, 0, pending, 0, 0, NULL};
        int dir;

        if (cl_is_space(cp)) {
            pending |= CL_T_SPACE | (cp == '\n' ? CL_T_PARA : 0);
            continue;
        }
        pending = 0;
        if (claims_is_alnum(cp) || cl_is_elision(text, len, s, i, cp)) {
            while (i < len) {
                size_t j = i;
                uint32_t c = utf8_decode(text, len, &j);
                if (!claims_is_alnum(c) && !cl_joins(text, len, s, i, c, j))
                    break;
                i = j;
            }
            tok.end = (uint32_t)i;
            tok.flags |= cl_word_flags(text, s, i);
            if (tok.flags & CL_T_WORD)
                tok.w = claims_lookup(d->res, text + s, i - s);
            cl_push(d, &cap, tok);
            continue;
        }
        /* '' and `` are one double quotation mark. */
        if ((cp == '\'' || cp == '`') && i < len && text[i] == (char)cp)
            i++;
        tok.end = (uint32_t)i;
        tok.flags |= CL_T_PUNCT;
        tok.cp = cp;
        tok.style = (uint8_t)cl_mark(cp, &dir);
        if (i - s == 2)
            tok.style = CL_STYLE_DOUBLE;
        if (tok.style)
            tok.flags |= cl_mark_flags(text, len, s, i, cp, dir);
        cl_push(d, &cap, tok);
        cl_full_stop(d);
    }
    /* No sentence ends before ")", "," or a lower-case word: (D-Wis.) said */
    for (size_t k = 0; k + 1 < d->n; k++) {
        const struct cl_tok *next = &d->t[k + 1];
        if ((d->t[k].flags & CL_T_END) && d->t[k].cp == '.' &&
            !(next->flags & CL_T_PARA) &&
            (next->cp == ')' || next->cp == ',' || next->cp == ';' ||
             ((next->flags & CL_T_WORD) && !(next->flags & CL_T_CAP))))
            d->t[k].flags &= (uint16_t)~CL_T_END;
    }
}

/* Helpers for the passes. */

const struct cl_word *claims_phrase(const struct cl_doc *d, size_t i, size_t n)
{
    if (n == 0 || i + n > d->n || !d->t[i].w)
        return NULL;
    for (size_t k = i; k < i + n; k++)
        if (!(d->t[k].flags & (CL_T_WORD | CL_T_NUM)))
            return NULL;
    if (n == 1)
        return d->t[i].w;
    return claims_lookup(d->res, d->text + d->t[i].start,
                         d->t[i + n - 1].end - d->t[i].start);
}

unsigned claims_maxwords(const struct claims_resources *res, uint32_t cls)
{
    for (int b = 0; b < CL__BITS; b++)
        if (cls == 1u << b)
            return res->maxwords[b];
    return 1;
}

int claims_is(const struct cl_doc *d, size_t i, uint32_t cls)
{
    return i < d->n && d->t[i].w && (d->t[i].w->cls & cls);
}

struct ex_claim *claims_add(struct cl_doc *d, enum ex_claim_kind kind,
                            uint32_t start, uint32_t end)
{
    struct ex_result *r = d->r;
    struct ex_claim *c;

    r->claims = xgrow(r->claims, sizeof(*r->claims), r->nclaims + 1, &d->cap);
    c = &r->claims[r->nclaims++];
    memset(c, 0, sizeof(*c));
    c->start = start;
    c->end = end;
    c->kind = kind;
    c->speaker_entity = -1;
    c->continues = -1;
    return c;
}

static int cl_claim_order(const void *a, const void *b)
{
    const struct ex_claim *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

/* Sort the claims by position, keeping `continues` links right. */
static void cl_sort(struct ex_result *r)
{
    size_t n = r->nclaims;
    uint32_t *pos = xmalloc((n + 1) * sizeof(*pos));
    size_t s = 0;

    /* Remember each claim's old index in its `sentence` field meanwhile. */
    for (size_t i = 0; i < n; i++)
        r->claims[i].sentence = (uint32_t)i;
    if (n > 1)
        qsort(r->claims, n, sizeof(*r->claims), cl_claim_order);
    for (size_t i = 0; i < n; i++)
        pos[r->claims[i].sentence] = (uint32_t)i;
    for (size_t i = 0; i < n; i++) {
        struct ex_claim *c = &r->claims[i];
        if (c->continues >= 0)
            c->continues = (int32_t)pos[c->continues];
        while (s + 1 < r->nsentences && r->sentences[s].end <= c->start)
            s++;
        c->sentence = (uint32_t)s;
    }
    free(pos);
}

/*
 * A number said inside a quote or a statement is that speaker's claim:
 * sweep the sorted claims keeping the speech claim that reaches furthest.
 */
static void cl_number_speakers(struct ex_result *r)
{
    const struct ex_claim *speech = NULL;

    for (size_t i = 0; i < r->nclaims; i++) {
        struct ex_claim *c = &r->claims[i];
        if (c->kind != EX_CLAIM_NUMBER) {
            if (c->speaker_text && (!speech || c->end > speech->end))
                speech = c;
            continue;
        }
        if (speech && speech->start <= c->start && c->end <= speech->end) {
            c->speaker_text = xstrdup(speech->speaker_text);
            c->speaker_entity = speech->speaker_entity;
        }
    }
}

int claims_extract(const struct claims_resources *res, const struct ex_doc *doc,
                   struct ex_result *r)
{
    struct cl_doc d = {res, doc->text, doc->len, NULL, 0, r, 0};

    cl_tokenise(&d);
    claims_speech(&d);
    claims_numbers(&d);
    cl_sort(r);
    cl_number_speakers(r);
    claims_fingerprints(res, doc->text, doc->len, r);
    free(d.t);
    return 0;
}
