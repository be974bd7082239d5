/*
 * entities.c - named-entity mentions and in-article aliasing (entities.h).
 *
 * Passes over the tokens of one article:
 *  1. look every word up in the word lists; note which words the article
 *     also writes in lower case, or capitalised mid-sentence;
 *  2. group capitalised words into chunks (with "of", particles, initials
 *     and known phrases inside), split chunks at titles;
 *  3. trim and type each part: gazetteers, head words, titles, given
 *     names, initials, context; unsure one-word names stay untyped;
 *  4. settle types across the article (a word typed once is typed
 *     everywhere; a surname is a person) and merge mentions into
 *     entities.
 */
#include "extract/entities.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "extract/ent_dict.h"
#include "extract/text.h"

struct ent_resources {
    struct ent_dict dict;
};

/* Embedded lists and the classes they give. */
static const struct {
    const char *name;
    uint32_t bits;
} ent_lists[] = {
    {"entities/common_gen.txt", ENT_W_COMMON},
    {"entities/proper_gen.txt", ENT_W_PROPER},
    {"entities/nameable_gen.txt", ENT_W_NAMEABLE},
    {"entities/titles.txt", ENT_W_TITLE},
    {"entities/org_heads.txt", ENT_W_ORG_HEAD},
    {"entities/place_heads.txt", ENT_W_PLACE_HEAD},
    {"entities/place_starts.txt", ENT_W_PLACE_START},
    {"entities/org_starts.txt", ENT_W_ORG_START},
    {"entities/legal_suffixes.txt", ENT_W_LEGAL},
    {"entities/misc_heads.txt", ENT_W_MISC_HEAD},
    {"entities/misc_starts.txt", ENT_W_MISC_START},
    {"entities/hyphen_suffixes.txt", ENT_W_SUFFIX},
    {"entities/orgs.txt", ENT_W_ORG},
    {"entities/places.txt", ENT_W_PLACE},
    {"entities/places_gen.txt", ENT_W_PLACE},
    {"entities/first_names.txt", ENT_W_FIRST},
    {"entities/demonyms.txt", ENT_W_DEMONYM},
    {"entities/demonyms_gen.txt", ENT_W_DEMONYM},
    {"entities/stop.txt", ENT_W_STOP},
    {"entities/currencies_gen.txt", ENT_W_CURRENCY},
    {"entities/particles.txt", ENT_W_PARTICLE},
    {"entities/place_preps.txt", ENT_W_PLACE_PREP},
    {"entities/person_verbs.txt", ENT_W_PERSON_VERB},
    {"entities/period_words.txt", ENT_W_KEEP_PERIOD},
    {"entities/compound_prefixes.txt", ENT_W_COMPOUND},
    {"entities/labels.txt", ENT_W_LABEL},
    {"entities/pronouns.txt", ENT_W_PRONOUN},
    {"entities/member_nouns.txt", ENT_W_MEMBER},
    {"entities/people.txt", ENT_W_PERSON},
    {"entities/place_nouns.txt", ENT_W_PLACE_NOUN},
    {"entities/numbered.txt", ENT_W_NUMBERED},
};

struct ent_resources *ent_resources_new(const struct embed_file *data)
{
    struct ent_resources *res = xcalloc(1, sizeof(*res));

    ent_dict_init(&res->dict);
    for (size_t i = 0; i < sizeof(ent_lists) / sizeof(ent_lists[0]); i++)
        ent_dict_load_list(&res->dict, data, ent_lists[i].name,
                           ent_lists[i].bits);
    ent_dict_load_variants(&res->dict, data, "entities/variants.txt");
    return res;
}

void ent_resources_free(struct ent_resources *res)
{
    if (!res)
        return;
    ent_dict_release(&res->dict);
    free(res);
}

/* How sure a type is: settled across the article by the strongest. */
enum conf {
    CONF_DOUBT,   /* a common word: kept only as the short form of a name */
    CONF_NONE,    /* untyped one-word name */
    CONF_DEFAULT, /* shape only */
    CONF_CUE,     /* head word, given name, context */
    CONF_KNOWN,   /* gazetteer or title */
    CONF_TEAM,    /* a known place next to a match score: its team */
};

/* Per-word facts of the article (the word set). */
enum seen {
    SEEN_LOWER = 1 << 0, /* written in lower case somewhere */
    SEEN_CAP = 1 << 1,   /* capitalised mid-sentence somewhere */
};

struct cand {
    uint32_t a, b;       /* token range */
    uint32_t start, end; /* bytes */
    int type;            /* enum ex_entity_type, or -1 untyped */
    enum conf conf;
};

struct doc {
    const struct ent_dict *dict;
    const char *text;
    size_t len;
    struct text_token *tok;
    size_t ntok;
    char *norm;         /* normalised words, NUL-separated */
    uint32_t *norm_off; /* word i is norm + norm_off[i] */
    uint32_t *bits;     /* dictionary classes of each word */
    uint8_t *weak;      /* word whose capital proves nothing */
    uint32_t *wset;     /* word set: token index + 1, open addressing */
    uint8_t *wflags;    /* enum seen, per word set slot */
    size_t wcap;
    struct cand *cand;
    size_t ncand, candcap;
};

static const char *tok_norm(const struct doc *d, size_t i, size_t *len)
{
    *len = d->norm_off[i + 1] - d->norm_off[i] - 1;
    return d->norm + d->norm_off[i];
}

static bool norm_is(const struct doc *d, size_t i, const char *word)
{
    size_t len;
    const char *s = tok_norm(d, i, &len);

    return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* Are words @i and @j the same word? */
static bool norm_same(const struct doc *d, size_t i, size_t j)
{
    size_t li, lj;
    const char *si = tok_norm(d, i, &li), *sj = tok_norm(d, j, &lj);

    return li == lj && memcmp(si, sj, li) == 0;
}

static bool is_word(const struct doc *d, size_t i)
{
    return i < d->ntok && (d->tok[i].flags & TEXT_TOK_WORD) &&
           !(d->tok[i].flags & TEXT_TOK_POSS);
}

static bool is_cap(const struct doc *d, size_t i)
{
    return is_word(d, i) && (d->tok[i].flags & TEXT_TOK_CAP);
}

static bool is_punct(const struct doc *d, size_t i, char c)
{
    return i < d->ntok && (d->tok[i].flags & TEXT_TOK_PUNCT) &&
           d->text[d->tok[i].start] == c;
}

/* A '.' right after the word before it ("J.", "Gen."). */
static bool attached_period(const struct doc *d, size_t i)
{
    return i > 0 && is_punct(d, i, '.') &&
           d->tok[i].start == d->tok[i - 1].end && is_word(d, i - 1);
}

/* A hyphen glued to a word on both sides: "Moscow-NATO", "Al-Qaeda". */
static bool inner_hyphen(const struct doc *d, size_t i)
{
    return i > 0 && is_punct(d, i, '-') &&
           d->tok[i].start == d->tok[i - 1].end && i + 1 < d->ntok &&
           d->tok[i + 1].start == d->tok[i].end && is_word(d, i - 1) &&
           is_word(d, i + 1);
}

/* A single capital followed by its period: "J." */
static bool is_initial(const struct doc *d, size_t i)
{
    return is_cap(d, i) && d->tok[i].end - d->tok[i].start == 1 &&
           attached_period(d, i + 1);
}

static uint32_t hash_str(const char *s, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The word set slot of word @i. */
static size_t wset_slot(const struct doc *d, size_t i)
{
    size_t len, olen;
    const char *s = tok_norm(d, i, &len);
    size_t mask = d->wcap - 1, k = hash_str(s, len) & mask;

    for (;; k = (k + 1) & mask) {
        if (!d->wset[k])
            return k;
        const char *o = tok_norm(d, d->wset[k] - 1, &olen);
        if (olen == len && memcmp(o, s, len) == 0)
            return k;
    }
}

static uint8_t seen(const struct doc *d, size_t i)
{
    return d->wflags[wset_slot(d, i)];
}

static void see(struct doc *d, size_t i, uint8_t flag)
{
    size_t k = wset_slot(d, i);

    if (!d->wset[k])
        d->wset[k] = (uint32_t)i + 1;
    d->wflags[k] |= flag;
}

/*
 * A headline: most long words capitalised and no final stop (a sentence
 * full of names ends with one). Its capitals prove nothing.
 */
static bool headline(const struct doc *d, size_t a, size_t b)
{
    size_t words = 0, caps = 0;
    char last = d->text[d->tok[b - 1].start];

    for (size_t i = a; i < b; i++) {
        if (!is_word(d, i) || d->tok[i].end - d->tok[i].start < 4)
            continue;
        words++;
        caps += (d->tok[i].flags & TEXT_TOK_CAP) != 0;
    }
    if ((d->tok[b - 1].flags & TEXT_TOK_PUNCT) &&
        (last == '.' || last == '!' || last == '?'))
        return false;
    return words >= 3 && caps * 4 >= words * 3;
}

static void doc_prepare(struct doc *d)
{
    size_t room = 0;

    for (size_t i = 0; i < d->ntok; i++)
        room += 4 * (d->tok[i].end - d->tok[i].start) + 1;
    d->norm = xmalloc(room + 1);
    d->norm_off = xmalloc((d->ntok + 1) * sizeof(*d->norm_off));
    d->bits = xcalloc(d->ntok + 1, sizeof(*d->bits));
    d->weak = xcalloc(d->ntok + 1, 1);
    size_t pos = 0;
    for (size_t i = 0; i < d->ntok; i++) {
        const struct text_token *t = &d->tok[i];
        d->norm_off[i] = (uint32_t)pos;
        if (t->flags & TEXT_TOK_WORD)
            pos = ent_norm_append(d->norm, pos, d->text + t->start,
                                  t->end - t->start);
        else
            d->norm[pos] = '\0';
        if (is_word(d, i))
            d->bits[i] = ent_dict_bits(d->dict, d->norm + d->norm_off[i],
                                       pos - d->norm_off[i]);
        pos++;
    }
    d->norm_off[d->ntok] = (uint32_t)pos;

    d->wcap = 64;
    while (d->wcap < 2 * d->ntok + 2)
        d->wcap *= 2;
    d->wset = xcalloc(d->wcap, sizeof(*d->wset));
    d->wflags = xcalloc(d->wcap, 1);

    /* Weak positions: sentence starts, headlines, shouted words. */
    size_t s = 0;
    while (s < d->ntok) {
        size_t e = s + 1;
        while (e < d->ntok && !(d->tok[e].flags & TEXT_TOK_SENT))
            e++;
        bool head = headline(d, s, e);
        size_t first = s;
        while (first < e && (d->tok[first].flags & TEXT_TOK_PUNCT))
            first++;
        for (size_t i = s; i < e; i++) {
            if (!is_word(d, i))
                continue;
            uint32_t f = d->tok[i].flags;
            bool shouted =
                (f & TEXT_TOK_UPPER) && d->tok[i].end - d->tok[i].start > 4;
            d->weak[i] = head || i == first || shouted ||
                         (i > 0 && is_punct(d, i - 1, ':')) ||
                         (i > 0 && (d->tok[i - 1].flags & TEXT_TOK_QUOTE) &&
                          !(d->tok[i].flags & TEXT_TOK_UPPER));
            if (!(f & TEXT_TOK_CAP))
                see(d, i, SEEN_LOWER);
            else if (!d->weak[i])
                see(d, i, SEEN_CAP);
        }
        s = e;
    }
}

static void doc_release(struct doc *d)
{
    free(d->norm);
    free(d->norm_off);
    free(d->bits);
    free(d->weak);
    free(d->wset);
    free(d->wflags);
    free(d->cand);
    free(d->tok);
}

/*
 * Longest phrase of the word lists starting at word @i, within [i, lim),
 * whose classes meet @want and whose last word is capitalised. Returns the
 * token end (past an attached period), or @i when none; *@bits gets the
 * phrase's classes.
 */
static size_t match_phrase(const struct doc *d, size_t i, size_t lim,
                           uint32_t want, uint32_t *bits)
{
    char key[256];
    size_t len = 0, best = i;
    unsigned words = 0;
    bool glued = false; /* the next word follows a hyphen */

    for (size_t j = i; j < lim && words < d->dict->max_words; j++) {
        if (attached_period(d, j))
            continue;
        if (j > i && inner_hyphen(d, j) && len + 1 < sizeof(key)) {
            key[len++] = '-'; /* "Al-Qaeda" */
            glued = true;
            continue;
        }
        if (!is_word(d, j) || (j > i && (d->tok[j].flags & TEXT_TOK_SENT)))
            break;
        size_t wl;
        const char *w = tok_norm(d, j, &wl);
        if (len + wl + 2 > sizeof(key))
            break;
        if (words++ && !glued)
            key[len++] = ' ';
        glued = false;
        memcpy(key + len, w, wl);
        len += wl;
        const struct ent_dict_slot *s = ent_dict_get(d->dict, key, len);
        if (!s)
            break;
        if ((s->bits & want) && is_cap(d, j)) {
            best = j + 1;
            *bits = s->bits;
        }
        if (!(s->bits & ENT_W_PREFIX))
            break;
    }
    if (best > i && best < lim && attached_period(d, best) &&
        (d->tok[best - 1].end - d->tok[best - 1].start <= 4))
        best++; /* "Gen." "Jr." */
    return best;
}

/*
 * Words that cannot be (part of) a name: with digits ("A320"), made
 * adjectives by a hyphen ("Kremlin-backed"), contractions ("They've").
 */
static bool not_a_name(const struct doc *d, size_t i)
{
    const char *s = d->text + d->tok[i].start;
    size_t len = d->tok[i].end - d->tok[i].start;

    for (size_t k = 0; k < len; k++) {
        if (s[k] >= '0' && s[k] <= '9')
            return true;
        if (s[k] == '-' && k + 1 < len && s[k + 1] >= 'a' && s[k + 1] <= 'z') {
            char buf[64];
            size_t n = len - k - 1;
            uint32_t bits =
                n < sizeof(buf) / 4
                    ? ent_dict_bits(d->dict, buf,
                                    ent_norm_append(buf, 0, s + k + 1, n))
                    : 0;
            /* two syllables of a Chinese or Korean given name */
            bool syllables =
                k >= 2 && k <= 5 && n <= 5 && !(d->bits[i] & ENT_W_COMMON);
            /* "Yau Wai-ching", "Wong Kwok-kin" are names, "NASA T-shirt"
             * is not */
            if ((bits & ENT_W_SUFFIX) ||
                ((bits & ENT_W_COMMON) && !syllables) || i == 0 ||
                !is_cap(d, i - 1))
                return true;
        }
        if (s[k] == '\'' && k >= 2 && len - k <= 3)
            return true;
    }

    return d->tok[i].end < d->len && d->text[d->tok[i].end] == '$';
}

/* Is word @i the name in an adjective: "pro-Beijing", "anti-NATO"? */
static bool in_compound(const struct doc *d, size_t i)
{
    return i >= 2 && inner_hyphen(d, i - 1) &&
           (d->bits[i - 2] & ENT_W_COMPOUND);
}

/* Could word @i be part of a name? */
static bool name_word(const struct doc *d, size_t i)
{
    uint32_t b = d->bits[i];

    if (!is_cap(d, i) || (b & ENT_W_STOP) || not_a_name(d, i) ||
        ((b & ENT_W_CURRENCY) && (d->tok[i].flags & TEXT_TOK_UPPER)) ||
        ((b & ENT_W_LABEL) && is_punct(d, i + 1, ':')) ||
        ((b & ENT_W_NUMBERED) && i + 1 < d->ntok &&
         (d->tok[i + 1].flags & TEXT_TOK_NUMBER)))
        return false; /* "Image: Jane Doe", "Flight 447" */
    if (in_compound(d, i))
        return false;
    if (!d->weak[i] || (is_initial(d, i) && is_cap(d, i + 2)))
        return true;
    if (b & (ENT_W_ORG | ENT_W_PLACE | ENT_W_FIRST | ENT_W_TITLE |
             ENT_W_DEMONYM | ENT_W_PREFIX))
        return true;
    if ((b & ENT_W_NAMEABLE) && is_cap(d, i + 1) && !d->weak[i + 1] &&
        !(d->bits[i + 1] & (ENT_W_COMMON | ENT_W_STOP)))
        return true; /* "Rod Eddington" opening a sentence */
    if (is_punct(d, i + 1, '&') && is_cap(d, i + 2))
        return true; /* "Marsh & McLennan" */
    uint8_t sn = seen(d, i);
    if (sn & SEEN_LOWER)
        return false;
    if (sn & SEEN_CAP)
        return true;
    return (b & ENT_W_PROPER) || !(b & ENT_W_COMMON) ||
           (d->tok[i].flags & TEXT_TOK_UPPER &&
            d->tok[i].end - d->tok[i].start <= 4);
}

/* "d'Ettorre", "d’Estaing": a lower-case particle glued to a name. */
static bool glued_particle(const struct doc *d, size_t i)
{
    const char *s = d->text + d->tok[i].start;
    size_t len = d->tok[i].end - d->tok[i].start;

    if (!is_word(d, i) || is_cap(d, i) || len < 3 || s[0] < 'a' || s[0] > 'z')
        return false;
    if (s[1] == '\'')
        return s[2] >= 'A' && s[2] <= 'Z';
    return len > 5 && memcmp(s + 1, "\xe2\x80\x99", 3) == 0 && s[4] >= 'A' &&
           s[4] <= 'Z'; /* ’ */
}

/* A lower-case word inside a name: "Charles de Gaulle". */
static bool is_particle(const struct doc *d, size_t i)
{
    return is_word(d, i) && !is_cap(d, i) && (d->bits[i] & ENT_W_PARTICLE);
}

/* Is token @i a word of class @bit? */
static bool word_is(const struct doc *d, size_t i, uint32_t bit)
{
    return is_word(d, i) && (d->bits[i] & bit);
}

/* The last word token of [a, b). */
static size_t last_word(const struct doc *d, size_t a, size_t b)
{
    while (b > a && !is_word(d, b - 1))
        b--;
    return b - 1;
}

static size_t count_words(const struct doc *d, size_t a, size_t b)
{
    size_t n = 0;

    for (size_t i = a; i < b; i++)
        n += is_word(d, i);
    return n;
}

/*
 * Is [a, b) an organisation by its head word: the last word, or one
 * followed by "of" or "for" ("Ministry of Culture")?
 */
static bool org_headed(const struct doc *d, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if ((d->bits[i] & ENT_W_ORG_HEAD) && is_cap(d, i) &&
            (i == last_word(d, a, b) || norm_is(d, i + 1, "of") ||
             norm_is(d, i + 1, "for")))
            return true;
    return false;
}

/* Classes of the phrase [a, b) as a whole (0 when not listed). */
static uint32_t phrase_bits(const struct doc *d, size_t a, size_t b)
{
    uint32_t bits = 0;

    return match_phrase(d, a, b, ~(uint32_t)ENT_W_PREFIX, &bits) == b ? bits
                                                                      : 0;
}

/* A plural of a listed demonym: "Russians". */
static bool plural_demonym(const struct doc *d, size_t i)
{
    size_t len;
    const char *s = tok_norm(d, i, &len);

    return len > 3 && s[len - 1] == 's' &&
           (ent_dict_bits(d->dict, s, len - 1) & ENT_W_DEMONYM);
}

static void add_cand(struct doc *d, size_t a, size_t b, int type,
                     enum conf conf)
{
    d->cand = xgrow(d->cand, sizeof(*d->cand), d->ncand + 1, &d->candcap);
    d->cand[d->ncand++] = (struct cand){
        (uint32_t)a,       (uint32_t)b, d->tok[a].start,
        d->tok[b - 1].end, type,        conf,
    };
}

/* Is "( ACRONYM )" right after token @b? */
static bool acronym_follows(const struct doc *d, size_t b)
{
    return is_punct(d, b, '(') && is_word(d, b + 1) &&
           (d->tok[b + 1].flags & TEXT_TOK_UPPER) && is_punct(d, b + 2, ')');
}

/* A hyphen or an en or em dash: "3-0", "3 – 0". */
static bool is_dash(const struct doc *d, size_t i)
{
    if (i >= d->ntok || !(d->tok[i].flags & TEXT_TOK_PUNCT))
        return false;
    const char *s = d->text + d->tok[i].start;
    size_t len = d->tok[i].end - d->tok[i].start;

    return ((len == 1 && s[0] == '-') ||
            (len == 3 && memcmp(s, "\xe2\x80", 2) == 0 &&
             (s[2] == '\x93' || s[2] == '\x94')));
}

/* A match score at token @i: two small numbers and a dash, "2 – 1". */
static bool score_at(const struct doc *d, size_t i)
{
    for (size_t k = i; k <= i + 2; k += 2)
        if (k >= d->ntok || !(d->tok[k].flags & TEXT_TOK_NUMBER) ||
            d->tok[k].end - d->tok[k].start > 2)
            return false;
    return is_dash(d, i + 1);
}

/*
 * Does the name [a, b) play a match: a score right before it, or after it
 * past at most three words ("Norway 2 – 1", "Norway beat Portugal 2 – 1")?
 */
static bool plays_match(const struct doc *d, size_t a, size_t b)
{
    enum { WORDS = 3 };

    if (a >= 3 && score_at(d, a - 3))
        return true;
    for (size_t j = b; j <= b + WORDS && j < d->ntok; j++) {
        if (score_at(d, j))
            return true;
        if (!is_word(d, j) || (d->tok[j].flags & TEXT_TOK_SENT))
            return false;
    }
    return false;
}

/*
 * Does a pronoun of a person ("he", "her") follow the name ending at @b
 * before any other name, within this sentence and the next?
 */
static bool pronoun_follows(const struct doc *d, size_t b)
{
    enum { REACH = 40 }; /* tokens */
    int sentences = 0;

    for (size_t j = b; j < d->ntok && j < b + REACH; j++) {
        if ((d->tok[j].flags & TEXT_TOK_SENT) && ++sentences > 1)
            return false;
        if (word_is(d, j, ENT_W_PRONOUN) && (!is_cap(d, j) || d->weak[j]))
            return true; /* "he", or "He" opening the next sentence */
        if (is_cap(d, j) && !d->weak[j] && !(d->bits[j] & ENT_W_PLACE))
            return false;
    }
    return false;
}

static bool is_conj(const struct doc *d, size_t i)
{
    return is_word(d, i) && (norm_is(d, i, "and") || norm_is(d, i, "or"));
}

/*
 * Is the name [a, b) listed after a known place: "Poland and
 * Czechoslovakia", "Poland, Hungary and ..." (not "In Kyiv, Okafor said")?
 */
static bool listed_after_place(const struct doc *d, size_t a, size_t b)
{
    bool comma = is_punct(d, a - 1, ',');

    if (!(is_conj(d, a - 1) ||
          (comma && (is_punct(d, b, ',') || is_conj(d, b)))))
        return false;
    return is_cap(d, a - 2) && (d->bits[a - 2] & ENT_W_PLACE) &&
           !(d->bits[a - 2] & ENT_W_FIRST);
}

struct typing {
    int type; /* enum ex_entity_type, or -1 */
    enum conf conf;
};

/*
 * The type of the trimmed name [a, b), strongest evidence first: lists,
 * a title, head words, given names and initials, context, shape.
 */
static struct typing type_part(const struct doc *d, size_t a, size_t b,
                               bool person)
{
    size_t n = count_words(d, a, b), last = last_word(d, a, b);
    uint32_t whole = phrase_bits(d, a, b), first = d->bits[a];
    uint32_t lb = d->bits[last], bits;
    bool initial = false;

    for (size_t i = a; i + 1 < b; i++)
        initial = initial || is_initial(d, i);
    if (whole & ENT_W_ORG)
        return (struct typing){EX_ENT_ORG, CONF_KNOWN};
    if ((whole & ENT_W_PLACE) && plays_match(d, a, b))
        return (struct typing){EX_ENT_ORG, CONF_TEAM}; /* "Belgium 3 – 0" */
    if (whole & ENT_W_PLACE)
        return (struct typing){EX_ENT_PLACE, CONF_KNOWN};
    if (person || (n == 1 && (whole & ENT_W_PERSON)))
        return (struct typing){EX_ENT_PERSON, CONF_KNOWN}; /* "Obama" */
    if (word_is(d, b, ENT_W_NUMBERED) && norm_is(d, b, "flight"))
        return (struct typing){EX_ENT_ORG, CONF_CUE}; /* "Adam Air Flight" */
    bool ampersand = false;
    for (size_t i = a; i < b; i++)
        ampersand = ampersand || is_punct(d, i, '&');
    if (n >= 2 &&
        (org_headed(d, a, b) || (first & (ENT_W_ORG_START | ENT_W_ORG)) ||
         ampersand ||
         ((first & ENT_W_DEMONYM) && (phrase_bits(d, a + 1, b) & ENT_W_ORG))))
        return (struct typing){
            EX_ENT_ORG, CONF_CUE}; /* "British Red Cross", "Marsh & Co" */
    if (n >= 2 && (lb & ENT_W_PLACE_HEAD))
        return (struct typing){EX_ENT_PLACE, CONF_CUE};
    if (a >= 2 && norm_is(d, a - 1, "of") &&
        word_is(d, a - 2, ENT_W_PLACE_NOUN) && !is_cap(d, a - 2))
        return (struct typing){EX_ENT_PLACE, CONF_CUE}; /* "the town of" */
    if (n == 1 && a >= 2 && listed_after_place(d, a, b))
        return (struct typing){EX_ENT_PLACE, CONF_CUE}; /* "Poland and" */
    if (n >= 3 && norm_is(d, a + 1, "of"))              /* "Gulf of Mexico" */
        return (struct typing){
            (first & ENT_W_PLACE_HEAD) ? EX_ENT_PLACE : EX_ENT_ORG, CONF_CUE};
    if ((n >= 2 && ((first & ENT_W_FIRST) || initial)) ||
        (a > 0 && is_word(d, a - 1) && !is_cap(d, a - 1) &&
         (d->bits[a - 1] & ENT_W_TITLE))) /* "spokesperson Emily Horne" */
        return (struct typing){EX_ENT_PERSON, CONF_CUE};
    if (n >= 2 && (first & ENT_W_PLACE_START))
        return (struct typing){EX_ENT_PLACE, CONF_CUE};
    if (n == 1 && a > 0 && norm_is(d, a - 1, "the") && is_cap(d, a - 1) &&
        !d->weak[a - 1])
        return (struct typing){EX_ENT_ORG, CONF_CUE}; /* "told The Onion" */
    if (n == 1 && (first & ENT_W_FIRST))
        return (struct typing){EX_ENT_PERSON, CONF_DEFAULT};
    if (acronym_follows(d, b))
        return (struct typing){EX_ENT_ORG, CONF_CUE};
    if (is_punct(d, b, ',') &&
        match_phrase(d, b + 1, d->ntok, ENT_W_PLACE, &bits) > b + 1)
        return (struct typing){EX_ENT_PLACE, CONF_CUE}; /* "Cupertino, CA" */
    if (n == 1 && (d->tok[a].flags & TEXT_TOK_UPPER) &&
        d->tok[a].end - d->tok[a].start >= 2)
        return (struct typing){EX_ENT_ORG, CONF_DEFAULT};
    if (n <= 3 && a > 0 && word_is(d, a - 1, ENT_W_PLACE_PREP))
        return (struct typing){EX_ENT_PLACE, CONF_DEFAULT};
    if (n >= 2 && n <= 3) { /* "Britney Spears", "Foreign Policy" */
        bool acronym = false;
        for (size_t i = a; i < b; i++)
            acronym = acronym ||
                      (is_word(d, i) && (d->tok[i].flags & TEXT_TOK_UPPER) &&
                       d->tok[i].end - d->tok[i].start > 1);
        return (struct typing){(acronym || (first & lb & ENT_W_COMMON))
                                   ? EX_ENT_ORG
                                   : EX_ENT_PERSON,
                               CONF_DEFAULT};
    }
    if (n >= 2)
        return (struct typing){EX_ENT_ORG, CONF_DEFAULT};
    if (word_is(d, b, ENT_W_MEMBER) ||
        (b < d->ntok && (d->tok[b].flags & TEXT_TOK_POSS) &&
         word_is(d, b + 1, ENT_W_MEMBER)))
        return (struct typing){EX_ENT_ORG, CONF_CUE}; /* "Acme officials" */
    if (word_is(d, b, ENT_W_PERSON_VERB) ||
        (is_punct(d, b, ',') && word_is(d, b + 1, ENT_W_PERSON_VERB)) ||
        pronoun_follows(d, b))
        return (struct typing){EX_ENT_PERSON, CONF_DEFAULT}; /* "Obama, who" */
    return (struct typing){-1, CONF_NONE};
}

/* A model designation: a capital, letters and digits ("A330", "A400M"). */
static bool model_number(const struct doc *d, size_t i)
{
    if (i >= d->ntok || !(d->tok[i].flags & TEXT_TOK_WORD))
        return false;
    const char *s = d->text + d->tok[i].start;
    size_t len = d->tok[i].end - d->tok[i].start;
    bool digit = false;

    if (s[0] < 'A' || s[0] > 'Z')
        return false;
    for (size_t k = 1; k < len; k++)
        digit = digit || (s[k] >= '0' && s[k] <= '9');
    return digit;
}

/*
 * Is word @i the lower-case species of a Latin binomial after a genus
 * ("Formica fusca", "Beauveria bassiana"): no English word, Latin ending?
 */
static bool latin_species(const struct doc *d, size_t i)
{
    static const char *const endings[] = {"a", "ae", "i", "is", "um", "us"};

    if (!is_word(d, i) || is_cap(d, i) ||
        (d->bits[i] & (ENT_W_COMMON | ENT_W_PARTICLE)))
        return false;
    size_t len;
    const char *s = tok_norm(d, i, &len);

    if (len < 4)
        return false;
    for (size_t k = 0; k < sizeof(endings) / sizeof(endings[0]); k++) {
        size_t el = strlen(endings[k]);
        if (memcmp(s + len - el, endings[k], el) == 0)
            return true;
    }
    return false;
}

/* Trim and type one name part [a, b); @person when a title precedes it. */
static void emit_part(struct doc *d, size_t a, size_t b, bool person)
{
    while (a < b && (!is_cap(d, a) || (d->bits[a] & ENT_W_STOP) ||
                     (b - a > 1 && norm_is(d, a, "the")) ||
                     (d->weak[a] && !name_word(d, a))))
        a++;
    while (b > a && ((!is_cap(d, b - 1) && !glued_particle(d, b - 1)) ||
                     (d->bits[b - 1] & ENT_W_STOP)))
        b--;
    if (a >= b || (phrase_bits(d, a, b) & ENT_W_TITLE))
        return; /* "Prime Minister" with no name after it */
    while (b - 1 > a && (d->bits[b - 1] & ENT_W_TITLE) &&
           !(d->bits[b - 1] & ENT_W_ORG_HEAD) && is_cap(d, b - 2))
        b--; /* "Los Angeles Sheriff", but "Court of Justice" */

    size_t n = count_words(d, a, b), last = last_word(d, a, b);
    uint32_t whole = phrase_bits(d, a, b), lb = d->bits[last];

    if (n == 1 && model_number(d, b))
        return; /* "Airbus A330": a product */
    if (!(whole & (ENT_W_ORG | ENT_W_PLACE))) {
        if (whole & ENT_W_STOP)
            return; /* "New Year" */
        if ((lb & ENT_W_MISC_HEAD) ||
            (n >= 2 && (d->bits[a] & ENT_W_MISC_START)))
            return; /* "World Cup", "Cyclone Phailin" */
        if (n == 1 &&
            ((whole & (ENT_W_DEMONYM | ENT_W_TITLE | ENT_W_ORG_HEAD |
                       ENT_W_PLACE_HEAD)) ||
             plural_demonym(d, a) || d->tok[a].end - d->tok[a].start == 1))
            return; /* "Russian", "Ministry", "Senator", "B" alone */
        if (n == 1 && latin_species(d, b))
            return; /* "Formica fusca" */
        if ((d->bits[a] & ENT_W_DEMONYM) && !org_headed(d, a, b) &&
            !(phrase_bits(d, a + 1, b) & ENT_W_ORG)) {
            emit_part(d, a + 1, b, person); /* "Russian troops" */
            return;
        }
    }

    struct typing ty = type_part(d, a, b, person);
    if (n == 1 && ty.conf < CONF_KNOWN &&
        ((seen(d, a) & SEEN_LOWER) ||
         (ty.conf < CONF_CUE && (d->bits[a] & ENT_W_COMMON) &&
          !(d->tok[a].flags & TEXT_TOK_UPPER))))
        ty.conf = CONF_DOUBT; /* "the West" when the article says "west" */
    if (attached_period(d, b) && word_is(d, last, ENT_W_KEEP_PERIOD))
        b++; /* "Apple Inc." */
    add_cand(d, a, b, ty.type, ty.conf);
}

/*
 * Emit the part [a, b), split where one name runs into the next: before a
 * given name ("United Nations Dmitry Polyansky"), after a known place or
 * an organisation's head word followed by two more words ("Refugee
 * Council Enver Solomon"). Names joined by "of" or particles stay whole.
 */
static void emit_split(struct doc *d, size_t a, size_t b, bool person)
{
    size_t last = last_word(d, a, b);
    bool joined = false;

    for (size_t k = a; k < b; k++)
        joined = joined || (is_word(d, k) && !is_cap(d, k));
    if (person || joined ||
        (phrase_bits(d, a, b) & (ENT_W_ORG | ENT_W_PLACE)) ||
        (d->bits[last] & (ENT_W_ORG_HEAD | ENT_W_PLACE_HEAD))) {
        emit_part(d, a, b, person);
        return;
    }
    for (size_t k = a + 1; k < last; k++) {
        if (!is_cap(d, k) || attached_period(d, k) || inner_hyphen(d, k - 1))
            continue;
        bool split = (d->bits[k] & ENT_W_FIRST) && is_cap(d, k + 1) &&
                     !(k >= 2 && is_initial(d, k - 2)); /* "L. Ron Hubbard" */
        if (!split && count_words(d, k, b) >= 2) {
            uint32_t lb = d->bits[last_word(d, a, k)];
            split = (phrase_bits(d, a, k) & ENT_W_PLACE) ||
                    ((lb & ENT_W_ORG_HEAD) && count_words(d, a, k) >= 2);
        }
        if (split) {
            emit_part(d, a, k, false);
            emit_part(d, k, b, false);
            return;
        }
    }
    emit_part(d, a, b, person);
}

/* Split the chunk [a, b) at titles and emit its parts. */
static void emit_chunk(struct doc *d, size_t a, size_t b)
{
    bool person = false;
    size_t part = a;

    for (size_t k = a; k < b; k++) {
        uint32_t bits = 0;
        if (!(d->bits[k] & (ENT_W_TITLE | ENT_W_PREFIX)))
            continue;
        size_t m = match_phrase(d, k, b, ENT_W_TITLE, &bits);
        if (m == k || m >= b)
            continue;
        uint32_t rest = phrase_bits(d, k, b);
        if (is_cap(d, m) &&
            ((rest & (ENT_W_ORG | ENT_W_PLACE)) || org_headed(d, k, b)))
            break; /* "General Motors", "Justice Department" */
        if (k > part)
            emit_part(d, part, k, false);
        part = m;
        person = is_cap(d, m); /* not "Chief Operating Officer of Acme" */
        k = m - 1;
    }
    if (part < b)
        emit_split(d, part, b, person);
}

/*
 * Does "of" or "for" at @j join the name [start, j) to the one after it?
 * After a head word or a capitalised common noun: "Ministry of Defence",
 * "Gulf of Mexico", "Centre for Social Evolution", "Brotherhood of ...".
 */
static bool joins_head(const struct doc *d, size_t start, size_t j)
{
    uint32_t lb = d->bits[last_word(d, start, j)];

    if (!is_word(d, j) || is_cap(d, j) || !name_word(d, j + 1) ||
        d->weak[j + 1])
        return false;
    if (norm_is(d, j, "of") && (d->bits[start] & ENT_W_FIRST) &&
        !(lb & (ENT_W_ORG_HEAD | ENT_W_PLACE_HEAD)))
        return false; /* "Nathan Law of Demosisto": a person's party */
    if (norm_is(d, j, "of"))
        return lb & (ENT_W_ORG_HEAD | ENT_W_PLACE_HEAD | ENT_W_COMMON);
    if (norm_is(d, j, "for"))
        return lb & ENT_W_ORG_HEAD;
    return false;
}

/* Length of "of the" / "for the" / "of" / "for" joining at @j, or 0. */
static size_t join_len(const struct doc *d, size_t start, size_t j)
{
    if (joins_head(d, start, j))
        return 1;
    if (j + 2 < d->ntok && norm_is(d, j + 1, "the") && !is_cap(d, j + 1) &&
        (norm_is(d, j, "of") || norm_is(d, j, "for")) &&
        (d->bits[last_word(d, start, j)] & ENT_W_ORG_HEAD) &&
        name_word(d, j + 2) && !d->weak[j + 2])
        return 2;
    return 0;
}

/*
 * Does "and" at @j sit inside an organisation's name [start, ...): is the
 * part before it no organisation yet, and the run of name words after it
 * headed ("Securities and Exchange Commission", "Iraq and
 * Afghanistan Veterans of America")?
 */
static bool and_joins_org(const struct doc *d, size_t start, size_t j)
{
    size_t e = j + 1;

    if (!is_word(d, j) || is_cap(d, j) || !norm_is(d, j, "and") ||
        org_headed(d, start, j) || (phrase_bits(d, start, j) & ENT_W_ORG))
        return false; /* "Shanghai Airlines and Xiamen Airlines": two */
    while (e < d->ntok && name_word(d, e) && !d->weak[e])
        e++;
    if (e == j + 1)
        return false;
    return (d->bits[e - 1] & ENT_W_ORG_HEAD) || joins_head(d, j + 1, e);
}

/* Longer runs of capitalised words are cut: they are no single name. */
enum { MAX_NAME_TOKENS = 16 };

/* Find the chunks: runs of name words with what may sit inside names. */
static void find_chunks(struct doc *d)
{
    size_t i = 0;

    while (i < d->ntok) {
        uint32_t bits = 0;
        size_t j = match_phrase(d, i, d->ntok,
                                ENT_W_ORG | ENT_W_PLACE | ENT_W_TITLE, &bits);
        if ((j == i && !name_word(d, i)) || in_compound(d, i) ||
            (j > i && not_a_name(d, i))) { /* "US$40" */
            i++;
            continue;
        }
        size_t start = i, seg = i; /* seg: the last name joined */
        if (j == i)
            j = i + 1;
        for (;;) {
            if (j >= d->ntok || (d->tok[j].flags & TEXT_TOK_SENT) ||
                j - start >= MAX_NAME_TOKENS)
                break;
            size_t k = match_phrase(
                d, j, d->ntok, ENT_W_ORG | ENT_W_PLACE | ENT_W_TITLE, &bits);
            if (k > j) {
                seg = j;
                j = k;
            } else if (name_word(d, j) && !(d->tok[j].flags & TEXT_TOK_LINE)) {
                seg = j++;
            } else if (inner_hyphen(d, j) && name_word(d, j + 1)) {
                uint32_t bits2;
                if ((phrase_bits(d, seg, j) & (ENT_W_ORG | ENT_W_PLACE)) &&
                    match_phrase(d, j + 1, d->ntok, ENT_W_ORG | ENT_W_PLACE,
                                 &bits2) > j + 1)
                    break; /* "Moscow-NATO": two names */
                j++;
            } else if (attached_period(d, j) &&
                       (is_initial(d, j - 1) ||
                        (d->bits[j - 1] & ENT_W_PLACE_START)) &&
                       name_word(d, j + 1)) {
                j++;
            } else if ((is_particle(d, j) || is_punct(d, j, '&')) &&
                       name_word(d, j + 1) && !d->weak[j + 1]) {
                j++;
            } else if (glued_particle(d, j)) {
                j++;
            } else if (is_particle(d, j) && inner_hyphen(d, j + 1) &&
                       name_word(d, j + 2)) {
                j += 2; /* "al-Amr" */
            } else if (and_joins_org(d, start, j)) {
                j++; /* "Securities and Exchange Commission" */
            } else if (join_len(d, start, j)) {
                j += join_len(d, start, j);
            } else {
                break;
            }
        }
        emit_chunk(d, start, j);
        i = j;
    }
}

/* Normalised, variant-folded form of a phrase; new string. */
static char *fold(const struct ent_dict *dict, const char *s, size_t len)
{
    char *buf = xmalloc(4 * len + 1), *out;
    size_t n = ent_norm_append(buf, 0, s, len), pos = 0;
    const struct ent_dict_slot *v = ent_dict_get(dict, buf, n);

    if (v && v->to) {
        free(buf);
        return xstrdup(v->to);
    }
    out = xmalloc(8 * len + 64);
    for (size_t i = 0; i <= n;) {
        size_t e = i;
        while (e < n && buf[e] != ' ')
            e++;
        v = ent_dict_get(dict, buf + i, e - i);
        const char *w = v && v->to ? v->to : buf + i;
        size_t wl = v && v->to ? strlen(v->to) : e - i;
        if (pos + wl + 2 > 8 * len + 64)
            break;
        if (pos)
            out[pos++] = ' ';
        memcpy(out + pos, w, wl);
        pos += wl;
        i = e + 1;
    }
    while (pos > 0) { /* "apple inc" -> "apple" */
        size_t w = pos;
        while (w > 0 && out[w - 1] != ' ')
            w--;
        if (w == 0 || !(ent_dict_bits(dict, out + w, pos - w) & ENT_W_LEGAL))
            break;
        pos = w - 1;
    }
    out[pos] = '\0';
    free(buf);
    return out;
}

/* Initials of the capitalised words of candidate @c, lower case: "nato". */
static size_t initials(const struct doc *d, const struct cand *c, char *buf,
                       size_t cap)
{
    size_t n = 0;

    for (size_t i = c->a; i < c->b && n + 1 < cap; i++)
        if (is_cap(d, i))
            buf[n++] = d->norm[d->norm_off[i]];
    buf[n] = '\0';
    return n;
}

/* The folded form of word @i (its spelling variant, or itself). */
static const char *word_form(const struct doc *d, size_t i, size_t *len)
{
    const char *s = tok_norm(d, i, len);
    const struct ent_dict_slot *v = ent_dict_get(d->dict, s, *len);

    if (v && v->to) {
        *len = strlen(v->to);
        return v->to;
    }
    return s;
}

/* A map from 64-bit keys (never 0) to candidate indices. */
struct hmap {
    uint64_t *keys; /* 0: empty slot */
    uint32_t *vals;
    size_t cap;
};

static void hmap_init(struct hmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < 2 * n + 2)
        m->cap *= 2;
    m->keys = xcalloc(m->cap, sizeof(*m->keys));
    m->vals = xcalloc(m->cap, sizeof(*m->vals));
}

static void hmap_release(struct hmap *m)
{
    free(m->keys);
    free(m->vals);
}

static size_t hmap_slot(const struct hmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = (size_t)(key ^ (key >> 31)) & mask;

    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static void hmap_put(struct hmap *m, uint64_t key, uint32_t val)
{
    size_t i = hmap_slot(m, key);

    m->keys[i] = key;
    m->vals[i] = val;
}

static long hmap_get(const struct hmap *m, uint64_t key)
{
    size_t i = hmap_slot(m, key);

    return m->keys[i] ? (long)m->vals[i] : -1;
}

static uint64_t hash_more(uint64_t h, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* How a one-word name may stand for a longer one. */
enum link {
    LINK_SURNAME,   /* "Biden" for the person "Joe Biden" */
    LINK_GIVEN,     /* "Joe" for the person "Joe Biden" */
    LINK_ORG_FIRST, /* "Lockheed" for the org "Lockheed Martin" */
    LINK_INITIALS,  /* "NATO" for "North Atlantic Treaty Organization" */
};

static uint64_t link_key(enum link kind, const char *s, size_t len)
{
    uint64_t h =
        hash_more(1469598103934665603ull ^ (uint64_t)(kind + 1), s, len);

    return h ? h : 1;
}

/* The keys under which the multi-word candidate @f may be named short. */
static size_t long_keys(const struct doc *d, const struct cand *f,
                        uint64_t *out)
{
    size_t n = 0, len;
    const char *w;
    char ini[64];

    if (count_words(d, f->a, f->b) < 2)
        return 0;
    if (f->type == EX_ENT_PERSON) {
        w = word_form(d, last_word(d, f->a, f->b), &len);
        out[n++] = link_key(LINK_SURNAME, w, len);
        w = tok_norm(d, f->a, &len);
        out[n++] = link_key(LINK_GIVEN, w, len);
    } else if (f->type == EX_ENT_ORG && !(d->bits[f->a] & ENT_W_ORG)) {
        w = tok_norm(d, f->a, &len); /* not "Boeing" of "Boeing Capital" */
        out[n++] = link_key(LINK_ORG_FIRST, w, len);
    }
    len = initials(d, f, ini, sizeof(ini));
    if (len >= 2)
        out[n++] = link_key(LINK_INITIALS, ini, len);
    return n;
}

/* The keys the one-word candidate @s looks up. */
static size_t short_keys(const struct doc *d, const struct cand *s,
                         uint64_t *out)
{
    size_t n = 0, len;
    const char *w = word_form(d, s->a, &len);

    out[n++] = link_key(LINK_SURNAME, w, len);
    w = tok_norm(d, s->a, &len);
    if (d->bits[s->a] & ENT_W_FIRST)
        out[n++] = link_key(LINK_GIVEN, w, len);
    if (!(d->bits[s->a] & ENT_W_COMMON))
        out[n++] = link_key(LINK_ORG_FIRST, w, len);
    if (d->tok[s->a].flags & TEXT_TOK_UPPER)
        out[n++] = link_key(LINK_INITIALS, w, len);
    return n;
}

/*
 * link[c] = the multi-word candidate the one-word candidate c stands for
 * (a person by surname or given name, an org by its first word, anything
 * by its acronym), or -1: the latest before c, else the first after.
 * One pass forwards, one backwards.
 */
static void link_short_forms(const struct doc *d, long *link)
{
    struct hmap m;
    uint64_t keys[4];

    hmap_init(&m, 4 * d->ncand);
    for (int pass = 0; pass < 2; pass++) {
        memset(m.keys, 0, m.cap * sizeof(*m.keys));
        for (size_t step = 0; step < d->ncand; step++) {
            size_t c = pass == 0 ? step : d->ncand - 1 - step;
            const struct cand *s = &d->cand[c];
            if (s->b - s->a == 1 && (pass == 0 || link[c] < 0)) {
                size_t n = short_keys(d, s, keys);
                long best = -1;
                for (size_t k = 0; k < n; k++) {
                    long f = hmap_get(&m, keys[k]);
                    if (f >= 0 && (best < 0 || (pass == 0) == (f > best)))
                        best = f;
                }
                link[c] = best;
            } else if (pass == 0) {
                link[c] = -1;
            }
            size_t n = long_keys(d, s, keys);
            for (size_t k = 0; k < n; k++)
                hmap_put(&m, keys[k], (uint32_t)c);
        }
    }
    hmap_release(&m);
}

/* Hash of an entity of @type under the folded name @key. */
static uint64_t entity_hash(int type, const char *key)
{
    char t = (char)('0' + type);
    uint64_t h = hash_more(1469598103934665603ull, &t, 1);

    h = hash_more(h, key, strlen(key));
    return h ? h : 1;
}

/* Hash of the words of candidate @c. */
static uint64_t words_key(const struct doc *d, const struct cand *c)
{
    uint64_t h = 1469598103934665603ull;

    for (size_t i = c->a; i < c->b; i++) {
        size_t len;
        const char *w = tok_norm(d, i, &len);
        h = hash_more(hash_more(h, w, len), "|", 1);
    }
    return h ? h : 1;
}

/*
 * Settle the types: a one-word name takes the type of the name it stands
 * for; then every candidate takes the strongest typing of its words in
 * the article. Doubtful common words that found no support go.
 */
static void settle_types(struct doc *d)
{
    long *link = xmalloc((d->ncand + 1) * sizeof(*link));
    struct hmap best;

    link_short_forms(d, link);
    for (size_t c = 0; c < d->ncand; c++) {
        struct cand *s = &d->cand[c];
        if (link[c] < 0)
            continue;
        const struct cand *f = &d->cand[link[c]];
        if (s->conf < CONF_KNOWN) {
            s->type = f->type;
            s->conf = CONF_CUE;
        } else if (s->type == EX_ENT_PLACE && f->type == EX_ENT_PERSON &&
                   f->conf >= CONF_DEFAULT && f->b - 1 > f->a &&
                   norm_same(d, f->b - 1, s->a)) {
            s->type = EX_ENT_PERSON; /* "Valeska Paris" ... "Paris said" */
        }
    }
    free(link);

    hmap_init(&best, d->ncand);
    for (size_t c = 0; c < d->ncand; c++) {
        uint64_t key = words_key(d, &d->cand[c]);
        long b = hmap_get(&best, key);
        if (b < 0 || d->cand[b].conf < d->cand[c].conf)
            hmap_put(&best, key, (uint32_t)c);
    }
    for (size_t c = 0; c < d->ncand; c++) {
        struct cand *s = &d->cand[c];
        const struct cand *o = &d->cand[hmap_get(&best, words_key(d, s))];
        if (o->conf > s->conf) {
            s->type = o->type;
            s->conf = o->conf;
        }
        if (s->type < 0)
            s->type = EX_ENT_ORG; /* a lone unknown name: firms, outlets */
    }
    hmap_release(&best);

    size_t kept = 0;
    for (size_t c = 0; c < d->ncand; c++)
        if (d->cand[c].conf != CONF_DOUBT)
            d->cand[kept++] = d->cand[c];
    d->ncand = kept;
}

/* Copy of the candidate's text with whitespace runs made one space. */
static char *surface(const struct doc *d, const struct cand *c)
{
    char *out = xmalloc(c->end - c->start + 1);
    size_t n = 0;

    for (uint32_t i = c->start; i < c->end; i++) {
        char ch = d->text[i];
        if (ch == '\n' || ch == '\r' || ch == '\t')
            ch = ' ';
        if (ch == ' ' && n > 0 && out[n - 1] == ' ')
            continue;
        out[n++] = ch;
    }
    out[n] = '\0';
    return out;
}

static void entity_add_alias(struct ex_entity *e, const struct doc *d,
                             const struct cand *c)
{
    char *s = surface(d, c);

    for (size_t i = 0; i < e->naliases; i++) {
        if (strcmp(e->aliases[i], s) == 0) {
            free(s);
            return;
        }
    }
    e->aliases = xrealloc(e->aliases, (e->naliases + 1) * sizeof(char *));
    e->aliases[e->naliases++] = s;
    size_t words = 1, best = 1;
    for (const char *p = s; *p; p++)
        words += *p == ' ';
    for (const char *p = e->name; *p; p++)
        best += *p == ' ';
    if (words > best || (words == best && strlen(s) > strlen(e->name)))
        e->name = s;
}

static uint32_t sentence_of(const struct ex_result *r, uint32_t start)
{
    size_t lo = 0, hi = r->nsentences;

    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (r->sentences[mid].start <= start)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

/* Merge the candidates into entities and write r->mentions/entities. */
static void build_entities(struct doc *d, struct ex_result *r)
{
    size_t cap = 0, mcap = 0;
    char **keys = xcalloc(d->ncand + 1, sizeof(*keys));
    long *link = xmalloc((d->ncand + 1) * sizeof(*link));
    struct hmap by_key;

    link_short_forms(d, link);
    hmap_init(&by_key, d->ncand);
    for (size_t c = 0; c < d->ncand; c++) {
        struct cand *s = &d->cand[c];
        long f =
            link[c] >= 0 && d->cand[link[c]].type == s->type ? link[c] : -1;
        const struct cand *named = f >= 0 ? &d->cand[f] : s;
        char *key =
            fold(d->dict, d->text + named->start, named->end - named->start);
        uint64_t h = entity_hash(s->type, key);
        long e = hmap_get(&by_key, h);
        if (e < 0 || strcmp(keys[e], key) != 0) {
            e = (long)r->nentities;
            r->entities = xgrow(r->entities, sizeof(*r->entities),
                                r->nentities + 1, &cap);
            r->entities[e] = (struct ex_entity){0};
            r->entities[e].type = (enum ex_entity_type)s->type;
            r->entities[e].name = "";
            keys[e] = key;
            r->nentities++;
            hmap_put(&by_key, h, (uint32_t)e);
        } else {
            free(key);
        }
        entity_add_alias(&r->entities[e], d, s);
        r->mentions =
            xgrow(r->mentions, sizeof(*r->mentions), r->nmentions + 1, &mcap);
        r->mentions[r->nmentions++] = (struct ex_mention){
            s->start,
            s->end,
            (enum ex_entity_type)s->type,
            sentence_of(r, s->start),
            (uint32_t)e,
        };
    }
    hmap_release(&by_key);
    free(link);
    for (size_t e = 0; e < r->nentities; e++) {
        struct ex_entity *en = &r->entities[e];
        char *folded = fold(d->dict, en->name, strlen(en->name));
        for (size_t i = 0; i < en->naliases; i++)
            if (en->aliases[i] == en->name)
                en->name = xstrdup(en->name);
        en->key = xasprintf("%s:%s", ex_entity_type_name(en->type), folded);
        free(folded);
        free(keys[e]);
    }
    free(keys);
}

int entities_extract(const struct ent_resources *res, const struct ex_doc *doc,
                     struct ex_result *r)
{
    struct doc d = {0};

    d.dict = &res->dict;
    d.text = doc->text;
    d.len = doc->len;
    text_tokens(doc->text, doc->len, &d.tok, &d.ntok);
    doc_prepare(&d);
    find_chunks(&d);
    settle_types(&d);
    build_entities(&d, r);
    doc_release(&d);
    return 0;
}

/* "TYPE:~" + @word; new string. */
static char *weak_key(enum ex_entity_type type, const char *word, size_t len,
                      bool tilde)
{
    return xasprintf("%s:%s%.*s", ex_entity_type_name(type), tilde ? "~" : "",
                     (int)len, word);
}

static bool acronym_alias(const char *s)
{
    size_t letters = 0;

    for (; *s; s++) {
        if (*s >= 'A' && *s <= 'Z')
            letters++;
        else if (*s != '.')
            return false;
    }
    return letters >= 2;
}

size_t ent_weak_keys(const struct ex_entity *e, enum ent_key_use use,
                     char ***out)
{
    const char *folded = strchr(e->key, ':');
    char **keys = NULL;
    size_t n = 0, cap = 0;

    *out = NULL;
    if (!folded)
        return 0;
    folded++;
    const char *space = strrchr(folded, ' ');
    if (!space) {
        if (use == ENT_KEYS_LOOKUP) {
            keys = xmalloc(sizeof(*keys));
            keys[n++] = weak_key(e->type, folded, strlen(folded), true);
        }
        *out = keys;
        return n;
    }
    if (e->type == EX_ENT_PERSON) {
        keys = xgrow(keys, sizeof(*keys), n + 1, &cap);
        keys[n++] = weak_key(e->type, space + 1, strlen(space + 1),
                             use == ENT_KEYS_INDEX);
    }
    for (size_t i = 0; i < e->naliases; i++) {
        if (!acronym_alias(e->aliases[i]))
            continue;
        char *norm = xmalloc(4 * strlen(e->aliases[i]) + 1);
        size_t len =
            ent_norm_append(norm, 0, e->aliases[i], strlen(e->aliases[i]));
        keys = xgrow(keys, sizeof(*keys), n + 1, &cap);
        keys[n++] = weak_key(e->type, norm, len, use == ENT_KEYS_INDEX);
        free(norm);
    }
    *out = keys;
    return n;
}
