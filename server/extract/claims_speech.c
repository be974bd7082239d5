/*
 * claims_speech.c - direct quotes, their speakers, and reported speech.
 *
 * Quotes: quotation marks of one style pair up (“ ” " '' `` « » or ‘ ’ ');
 * marks of the other style inside a quote are nested quotes and stay part
 * of the outer one, and so are marks of the same style that open and
 * close inside it (“… called “research”, would it?”). A quote left open
 * at a paragraph end goes on when the next paragraph starts with an
 * opening mark of its style (news style for quotes over several
 * paragraphs); otherwise a double-marked quote ends there if the
 * paragraph ends a sentence (the closing mark was left out), and any
 * other is dropped. Apostrophes never get here: the tokeniser keeps them
 * inside words. The span is the text between the marks.
 *
 * Speakers, in order of preference: after the closing mark ("…,” X said /
 * said X / according to X), then before the opening mark in the same
 * sentence (X said: “…” / X warned of “…”), then the speaker of the
 * previous quote when this one continues it (same paragraph, or the next
 * one). A speaker is a name (titles dropped: "Russian President Vladimir
 * Putin" is "Vladimir Putin"), a description ("a senior administration
 * official", no entity) or a pronoun: he/she is resolved to the speaker
 * named last if that is close, else to the nearest person before it (a
 * person mention of the entity extractor, a named speaker, or a name
 * after a title).
 *
 * Statements: reported speech outside quotation marks, "X said (that)
 * CONTENT", "X told reporters CONTENT", "X accused Y of CONTENT",
 * "According to X, CONTENT" and "CONTENT, X said." The span is CONTENT,
 * without the final punctuation.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "extract/claims_impl.h"

#define CL_NONE ((size_t)-1)
/* How far attribution looks, in tokens. */
#define CL_AFTER_WINDOW  12
#define CL_BEFORE_WINDOW 40
#define CL_NP_WINDOW     8
/* Longest name run, in tokens ("Rep. G. K. Butterfield Jr."). */
#define CL_NAME_MAX 12
/* Longest sentence looked at, in tokens, either side of a verb. */
#define CL_SENTENCE_MAX 200
/* How far back (bytes) a pronoun prefers the last named speaker. */
#define CL_SPEAKER_REACH 400
/* Shorter quotes are claims only when they end like an utterance. */
#define CL_QUOTE_MIN_WORDS 4
/* Fragments quoted inside a clause are claims from this length on. */
#define CL_FRAGMENT_MIN_WORDS 10
/* Longest quote read as a title when all its words are capitalised. */
#define CL_TITLE_MAX_WORDS 10

enum cl_spk_kind { CL_SPK_NONE, CL_SPK_NAME, CL_SPK_DESC, CL_SPK_PRON };

/* A speaker phrase: tokens [s, e). */
struct cl_spk {
    size_t s, e;
    enum cl_spk_kind kind;
};

/*
 * One paragraph of a quote: tokens [first, last] are its text. A quote
 * over several paragraphs is a chain of parts; @open is the opening mark
 * of the part, @close the closing mark (CL_NONE but in the last part).
 */
struct cl_quote {
    size_t open, close;
    size_t first, last;
    struct cl_spk spk;
    size_t verb;       /* the attributing verb, or CL_NONE */
    int after;         /* attributed after its closing mark */
    int32_t claim;     /* index in r->claims, or -1 */
    int32_t continues; /* the quote this one goes on from, or -1 */
};

/* A named person, a pronoun's possible antecedent. */
struct cl_person {
    uint32_t start, end; /* bytes */
    int32_t entity;
    int speaker; /* named as the speaker of something */
};

struct cl_speech {
    struct cl_doc *d;
    uint32_t *para;  /* paragraph number of each token */
    uint8_t *quoted; /* token inside a quote or a quotation mark */
    uint8_t *used;   /* verb token that attributes a quote */
    struct cl_quote *q;
    size_t nq, qcap;
    struct cl_person *people;
    size_t npeople, pcap;
};

static size_t sentence_start(const struct cl_speech *sp, size_t i);

static const struct cl_tok *tok(const struct cl_speech *sp, size_t i)
{
    return &sp->d->t[i];
}

static int is_punct(const struct cl_speech *sp, size_t i, uint32_t cp)
{
    return i < sp->d->n && tok(sp, i)->cp == cp;
}

static int is_word(const struct cl_speech *sp, size_t i)
{
    return i < sp->d->n && (tok(sp, i)->flags & CL_T_WORD);
}

static int is_cap(const struct cl_speech *sp, size_t i)
{
    return is_word(sp, i) && (tok(sp, i)->flags & CL_T_CAP);
}

static int is_class(const struct cl_speech *sp, size_t i, uint32_t cls)
{
    return claims_is(sp->d, i, cls);
}

/* Does the word at @i equal @s (lower case)? */
static int is_text(const struct cl_speech *sp, size_t i, const char *s)
{
    const struct cl_tok *t;
    size_t n = strlen(s);

    if (!is_word(sp, i))
        return 0;
    t = tok(sp, i);
    if (t->end - t->start != n)
        return 0;
    for (size_t k = 0; k < n; k++) {
        char c = sp->d->text[t->start + k];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != s[k])
            return 0;
    }
    return 1;
}

/* A speech verb, in lower case ("States" is no verb). */
static int is_verb(const struct cl_speech *sp, size_t i)
{
    return is_class(sp, i, CL_VERB) && !(tok(sp, i)->flags & CL_T_CAP);
}

static int is_according(const struct cl_speech *sp, size_t i)
{
    const struct cl_word *w = tok(sp, i)->w;

    if (!w || !(w->starts & CL_ACCORDING))
        return 0;
    w = claims_phrase(sp->d, i, 2);
    return w && (w->cls & CL_ACCORDING);
}

static int is_determiner(const struct cl_speech *sp, size_t i)
{
    return is_class(sp, i, CL_DET);
}

/* Possessive ("Putin's", "Putin’s"): it names a thing, not a speaker. */
static int is_possessive(const struct cl_speech *sp, size_t i)
{
    const struct cl_tok *t = tok(sp, i);
    const char *s = sp->d->text;

    if (!is_word(sp, i))
        return 0;
    if (t->end - t->start > 2 && s[t->end - 2] == '\'' && s[t->end - 1] == 's')
        return 1;
    return t->end - t->start > 4 &&
           memcmp(s + t->end - 4, "\xE2\x80\x99s", 4) == 0;
}

/* Lower-case words that may stand between a speaker and the verb. */
static int is_aux(const struct cl_speech *sp, size_t i)
{
    const struct cl_tok *t = tok(sp, i);

    if (!is_word(sp, i) || (t->flags & CL_T_CAP))
        return 0;
    return is_class(sp, i, CL_AUX) ||
           (t->end - t->start > 3 && sp->d->text[t->end - 2] == 'l' &&
            sp->d->text[t->end - 1] == 'y');
}

/* Lower-case particles inside names: Charles de Gaulle, Osama bin Laden. */
static int is_particle(const struct cl_speech *sp, size_t i)
{
    return is_class(sp, i, CL_PARTICLE) && !is_cap(sp, i);
}

/* A full stop glued to an abbreviation (Mr. J. U.S.), not a boundary. */
static int is_abbrev_dot(const struct cl_speech *sp, size_t i)
{
    return is_punct(sp, i, '.') && !(tok(sp, i)->flags & CL_T_END) && i > 0 &&
           tok(sp, i - 1)->end == tok(sp, i)->start;
}

/* A token that may belong to a name run: Capitalised words, Mr. J. */
static int in_name(const struct cl_speech *sp, size_t i)
{
    return (is_cap(sp, i) && !is_class(sp, i, CL_PRON | CL_VERB)) ||
           is_abbrev_dot(sp, i);
}

/*
 * The name inside the run [s, e) of name tokens: what follows the last
 * title or function word ("Russian President Vladimir Putin" → "Vladimir
 * Putin", "But Biden" → "Biden"). Sets *@ns; returns 0 when nothing is
 * left.
 */
static int name_of_run(const struct cl_speech *sp, size_t s, size_t e,
                       size_t *ns)
{
    size_t k = s;

    for (size_t i = s; i < e; i++)
        if (is_class(sp, i, CL_TITLE | CL_STOP) || is_abbrev_dot(sp, i))
            k = i + 1;
    while (k < e && (is_abbrev_dot(sp, k) || is_particle(sp, k)))
        k++;
    *ns = k;
    return k < e && is_cap(sp, k);
}

/* The run of name tokens ending just before @e, not before @lo. */
static size_t run_back(const struct cl_speech *sp, size_t lo, size_t e)
{
    size_t s = e;

    while (s > lo && e - s < CL_NAME_MAX &&
           (in_name(sp, s - 1) ||
            (is_particle(sp, s - 1) && s - 1 > lo && is_cap(sp, s - 2))))
        s--;
    while (s < e && !is_cap(sp, s))
        s++;
    return s;
}

static size_t run_fwd(const struct cl_speech *sp, size_t s, size_t hi)
{
    size_t e = s;

    while (e < hi && e - s < CL_NAME_MAX &&
           (in_name(sp, e) ||
            (is_particle(sp, e) && e + 1 < hi && is_cap(sp, e + 1))))
        e++;
    while (e > s && !is_cap(sp, e - 1))
        e--;
    return e;
}

/*
 * A description ending at token @e - 1 ("a senior administration
 * official", "defence sources"): lower-case words back to a determiner,
 * headed by a speaker noun, or by any word after "a"/"the".
 */
static struct cl_spk desc_back(const struct cl_speech *sp, size_t lo, size_t e)
{
    struct cl_spk none = {0, 0, CL_SPK_NONE};
    size_t s = e - 1;

    if (e == lo || !is_word(sp, e - 1) || is_class(sp, e - 1, CL_STOP) ||
        is_possessive(sp, e - 1))
        return none;
    while (s > lo && e - s < CL_NP_WINDOW && is_word(sp, s - 1) &&
           !is_determiner(sp, s - 1) && !is_verb(sp, s - 1) &&
           (!is_class(sp, s - 1, CL_STOP) || is_possessive(sp, s - 1)))
        s--;
    if (s > lo && is_determiner(sp, s - 1))
        return (struct cl_spk){s - 1, e, CL_SPK_DESC};
    if (is_class(sp, e - 1, CL_NOUN) &&
        (!is_cap(sp, s) || is_possessive(sp, s)))
        return (struct cl_spk){s, e, CL_SPK_DESC};
    return none;
}

/*
 * The speaker phrase that ends just before @e (the verb, after skipping
 * "has", "also", "repeatedly"...), not reaching before @lo.
 */
static struct cl_spk speaker_back(const struct cl_speech *sp, size_t lo,
                                  size_t e)
{
    struct cl_spk none = {0, 0, CL_SPK_NONE}, desc;
    size_t s, ns;

    while (e > lo && is_aux(sp, e - 1))
        e--;
    if (e == lo || is_possessive(sp, e - 1))
        return none;
    if (is_class(sp, e - 1, CL_PRON))
        return (struct cl_spk){e - 1, e, CL_SPK_PRON};
    if (is_punct(sp, e - 1, ')')) {
        /* Rep. Joseph Crowley (D-N.Y.) said */
        size_t k = e - 1;
        while (k > lo && e - k < CL_NP_WINDOW && !is_punct(sp, k, '('))
            k--;
        if (!is_punct(sp, k, '('))
            return none;
        e = k;
    } else if (is_punct(sp, e - 1, ',')) {
        /* Chad Bown, an expert on trade, said: the name before it. */
        size_t k = e - 1;
        while (k > lo && e - k < 3 * CL_NP_WINDOW &&
               !is_punct(sp, k - 1, ',') &&
               !(tok(sp, k - 1)->flags & (CL_T_END | CL_T_OPEN | CL_T_CLOSE)))
            k--;
        if (k == lo || !is_punct(sp, k - 1, ','))
            return none;
        e = k - 1;
    }
    s = run_back(sp, lo, e);
    if (s < e && name_of_run(sp, s, e, &ns)) {
        /* a spokesman for the Kremlin said */
        size_t p = s;
        if (p > lo && is_text(sp, p - 1, "the"))
            p--;
        if (p > lo &&
            (is_text(sp, p - 1, "for") || is_text(sp, p - 1, "of") ||
             is_text(sp, p - 1, "at") || is_text(sp, p - 1, "from"))) {
            desc = desc_back(sp, lo, p - 1);
            if (desc.kind && is_class(sp, p - 2, CL_NOUN))
                return (struct cl_spk){desc.s, e, CL_SPK_DESC};
        }
        return (struct cl_spk){ns, e, CL_SPK_NAME};
    }
    if (s < e) /* "the President said": a title alone */
        return (struct cl_spk){s > lo && is_determiner(sp, s - 1) ? s - 1 : s,
                               e, CL_SPK_DESC};
    return desc_back(sp, lo, e);
}

/* The speaker phrase that starts at @s (after "said", "according to"). */
static struct cl_spk speaker_fwd(const struct cl_speech *sp, size_t s,
                                 size_t hi)
{
    struct cl_spk none = {0, 0, CL_SPK_NONE};
    size_t e, ns, k;

    if (s >= hi)
        return none;
    if (is_class(sp, s, CL_PRON))
        return (struct cl_spk){s, s + 1, CL_SPK_PRON};
    /* The last name before a pause: said Kremlin spokesman Dmitry Peskov */
    struct cl_spk name = none;
    for (k = s;
         k < hi && k - s < CL_NP_WINDOW &&
         (is_word(sp, k) || is_abbrev_dot(sp, k)) &&
         (in_name(sp, k) || !is_class(sp, k, CL_STOP) || is_determiner(sp, k));
         k++) {
        if (!in_name(sp, k))
            continue;
        e = run_fwd(sp, k, hi);
        if (e > k && name_of_run(sp, k, e, &ns) && !is_possessive(sp, e - 1))
            name = (struct cl_spk){ns, e, CL_SPK_NAME};
        k = e > k ? e - 1 : k;
    }
    /* a United Nations spokesman: the name only qualifies the noun */
    if (name.kind && k > name.e && is_class(sp, k - 1, CL_NOUN) &&
        !is_cap(sp, k - 1))
        return (struct cl_spk){s, k, CL_SPK_DESC};
    if (name.kind)
        return name;
    /* a description: up to a function word or punctuation */
    e = s;
    while (e < hi && e - s < CL_NP_WINDOW && is_word(sp, e) &&
           (!is_class(sp, e, CL_STOP) || is_determiner(sp, e)))
        e++;
    while (e > s && !is_class(sp, e - 1, CL_NOUN) &&
           !(is_determiner(sp, s) && e - s >= 2))
        e--;
    if (e > s && !is_determiner(sp, e - 1))
        return (struct cl_spk){s, e, CL_SPK_DESC};
    return none;
}

static int is_dash(const struct cl_speech *sp, size_t i)
{
    return is_punct(sp, i, 0x2014) || is_punct(sp, i, 0x2015) ||
           is_punct(sp, i, 0x2013);
}

/* Is token @i a boundary for attribution scans? */
static int stops_scan(const struct cl_speech *sp, size_t i)
{
    return (tok(sp, i)->flags & (CL_T_END | CL_T_OPEN | CL_T_CLOSE)) ||
           is_punct(sp, i, ';');
}

/*
 * Attribution after the closing mark at @c: "…,” X said", "…,” said X",
 * "…,” according to X". Sets *@verb.
 */
static struct cl_spk attrib_after(const struct cl_speech *sp, size_t c,
                                  size_t *verb)
{
    struct cl_spk none = {0, 0, CL_SPK_NONE};
    size_t i = c + 1, n = sp->d->n, k;

    if (i < n && is_dash(sp, i)) {
        /* “…” ― Pamela Padilla, at the end of a line */
        size_t e = run_fwd(sp, i + 1, n), ns;
        if (e > i + 1 && name_of_run(sp, i + 1, e, &ns) &&
            (e == n || (tok(sp, e)->flags & CL_T_PARA) ||
             (tok(sp, e)->flags & CL_T_END)))
            return (struct cl_spk){ns, e, CL_SPK_NAME};
        i++;
    } else if (i < n && is_punct(sp, i, ',')) {
        i++;
    }
    for (k = i; k < n && k - i < CL_AFTER_WINDOW; k++) {
        if ((tok(sp, k)->flags & CL_T_PARA) || stops_scan(sp, k))
            return none;
        if (is_according(sp, k))
            return speaker_fwd(sp, k + 2, n);
        if (!is_verb(sp, k))
            continue;
        *verb = k;
        if (k == i) {
            size_t hi = k + 1;
            while (hi < n && hi - k < 2 * CL_NP_WINDOW && !stops_scan(sp, hi) &&
                   !is_punct(sp, hi, ','))
                hi++;
            return speaker_fwd(sp, k + 1, hi);
        }
        struct cl_spk spk = speaker_back(sp, i, k);
        /* only the speaker's titles between the mark and it */
        for (size_t j = i; spk.kind && j < spk.s; j++)
            if (!is_word(sp, j) && !is_abbrev_dot(sp, j))
                return none;
        return spk;
    }
    return none;
}

/* "saying", "adding": the speaker is the subject of the sentence. */
static int is_gerund(const struct cl_speech *sp, size_t i)
{
    const struct cl_tok *t = tok(sp, i);

    return t->end - t->start > 4 &&
           memcmp(sp->d->text + t->end - 3, "ing", 3) == 0;
}

/*
 * The subject of the sentence [lo, v): its first pronoun or name that
 * does not follow a preposition ("At a news conference, Putin ...").
 */
static struct cl_spk subject_of(const struct cl_speech *sp, size_t lo, size_t v)
{
    struct cl_spk none = {0, 0, CL_SPK_NONE};
    size_t e, ns;

    for (size_t k = lo; k < v; k++) {
        if (k > lo && is_class(sp, k - 1, CL_STOP) &&
            !is_class(sp, k - 1, CL_PRON))
            continue;
        if (is_class(sp, k, CL_PRON))
            return (struct cl_spk){k, k + 1, CL_SPK_PRON};
        if (!in_name(sp, k) || is_class(sp, k, CL_STOP))
            continue;
        e = run_fwd(sp, k, v);
        if (e > k && name_of_run(sp, k, e, &ns) && !is_possessive(sp, e - 1))
            return (struct cl_spk){ns, e, CL_SPK_NAME};
        return none;
    }
    return none;
}

/*
 * Attribution before the opening mark at @o, in its sentence. A quote
 * that opens a paragraph belongs to the sentence before only when that
 * sentence introduces it ("Rathbun stated:¶“…”", "He said,¶“…”").
 */
static struct cl_spk attrib_before(const struct cl_speech *sp, size_t o,
                                   size_t *verb)
{
    struct cl_spk none = {0, 0, CL_SPK_NONE}, spk;
    size_t lo = o, k;

    if (tok(sp, o)->flags & CL_T_PARA) {
        if (o == 0 || !(is_punct(sp, o - 1, ':') || is_punct(sp, o - 1, ',')))
            return none;
        lo = o - 1;
    }
    while (lo > 0 && o - lo < CL_BEFORE_WINDOW && !stops_scan(sp, lo - 1) &&
           !(tok(sp, lo)->flags & CL_T_PARA))
        lo--;
    for (k = o; k-- > lo;) {
        if (is_according(sp, k))
            return speaker_fwd(sp, k + 2, o);
        if (!is_verb(sp, k))
            continue;
        spk =
            is_gerund(sp, k) ? subject_of(sp, lo, k) : speaker_back(sp, lo, k);
        if (!spk.kind)
            spk = speaker_fwd(sp, k + 1, o);
        if (spk.kind)
            *verb = k;
        return spk;
    }
    return none;
}

static void add_part(struct cl_speech *sp, size_t open, size_t close,
                     size_t last, int32_t continues)
{
    sp->q = xgrow(sp->q, sizeof(*sp->q), sp->nq + 1, &sp->qcap);
    sp->q[sp->nq++] = (struct cl_quote){
        open,    close, open + 1, last,     {0, 0, CL_SPK_NONE},
        CL_NONE, 0,     -1,       continues};
}

/* Does token @i end a sentence (. ! ? that the tokeniser marked)? */
static int ends_sentence(const struct cl_speech *sp, size_t i)
{
    return (tok(sp, i)->flags & CL_T_END) != 0;
}

/*
 * Is the opening mark at @i, met inside an open quote of its own style, a
 * nested quote (“… called “research”, would it?”)? It is when, in its
 * paragraph, the next mark of the style may close it and the mark after
 * that may close the outer quote. Otherwise the outer mark was never
 * closed and @i starts a new quote.
 */
static int nests(const struct cl_speech *sp, size_t i, uint8_t style)
{
    size_t n = sp->d->n, inner = CL_NONE;

    for (size_t k = i + 1; k < n && !(tok(sp, k)->flags & CL_T_PARA); k++) {
        uint16_t f = tok(sp, k)->flags;
        if (tok(sp, k)->style != style)
            continue;
        if (!(f & CL_T_CLOSE))
            return 0;
        if (inner != CL_NONE)
            return 1;
        inner = k;
    }
    return 0;
}

/*
 * A quote still open where its paragraph ends, with no opening mark to
 * carry it on: when the paragraph ends a sentence, the closing mark was
 * left out and the quote ends there (said, “We learned a lot today.¶).
 * Keeps the chain's parts then; drops them otherwise. Single marks are
 * left alone: an unpaired ’ is far more often an apostrophe ('scopes,
 * the Joneses’ car) than a quote.
 */
static void end_open_quote(struct cl_speech *sp, size_t open, size_t last,
                           size_t chain)
{
    if (last > open + 1 && tok(sp, open)->style == CL_STYLE_DOUBLE &&
        ends_sentence(sp, last))
        add_part(sp, open, last, last,
                 sp->nq > chain ? (int32_t)sp->nq - 1 : -1);
    else
        sp->nq = chain;
}

/*
 * Find the quotes: pair the marks, one part per paragraph. A quote whose
 * closing mark is missing ends with its paragraph when that ends a
 * sentence; otherwise it is dropped.
 */
static void find_quotes(struct cl_speech *sp)
{
    size_t open = CL_NONE, n = sp->d->n, chain = 0, inner = CL_NONE;
    uint8_t style = CL_STYLE_NONE;

    for (size_t i = 0; i < n; i++) {
        const struct cl_tok *t = tok(sp, i);
        if (open != CL_NONE && (t->flags & CL_T_PARA)) {
            if (t->style == style && (t->flags & CL_T_OPEN) && i > open + 1) {
                /* the quote goes on in this paragraph */
                add_part(sp, open, CL_NONE, i - 1,
                         sp->nq > chain ? (int32_t)sp->nq - 1 : -1);
                open = i;
                continue;
            }
            end_open_quote(sp, open, i - 1, chain);
            open = CL_NONE;
        }
        if (!t->style)
            continue;
        if (open == CL_NONE) {
            if (t->flags & CL_T_OPEN) {
                open = i;
                style = t->style;
                chain = sp->nq;
                inner = CL_NONE;
            }
            continue;
        }
        if (t->style != style)
            continue; /* a nested quote */
        if (inner != CL_NONE && (t->flags & CL_T_CLOSE)) {
            inner = CL_NONE; /* the end of a nested quote of the same style */
        } else if ((t->flags & CL_T_CLOSE) &&
                   (!(t->flags & CL_T_OPEN) || !nests(sp, i, style))) {
            if (i > open + 1)
                add_part(sp, open, i, i - 1,
                         sp->nq > chain ? (int32_t)sp->nq - 1 : -1);
            open = CL_NONE;
        } else if (nests(sp, i, style)) {
            inner = i;
        } else if (t->flags & CL_T_OPEN) {
            sp->nq = chain; /* the previous mark never closed */
            open = i;
        }
    }
    if (open != CL_NONE)
        end_open_quote(sp, open, n - 1, chain);
}

static void add_person(struct cl_speech *sp, uint32_t start, uint32_t end,
                       int32_t entity, int speaker)
{
    sp->people =
        xgrow(sp->people, sizeof(*sp->people), sp->npeople + 1, &sp->pcap);
    sp->people[sp->npeople++] = (struct cl_person){start, end, entity, speaker};
}

static int person_order(const void *a, const void *b)
{
    const struct cl_person *x = a, *y = b;

    return (x->end > y->end) - (x->end < y->end);
}

/* The entity mention covering bytes [s, e), or -1. */
static int32_t entity_at(const struct ex_result *r, uint32_t s, uint32_t e)
{
    for (size_t i = 0; i < r->nmentions; i++)
        if (r->mentions[i].start < e && r->mentions[i].end > s)
            return (int32_t)r->mentions[i].entity;
    return -1;
}

/*
 * The bytes of the name @spk, narrowed to the last person mention in it
 * ("United Nations Dmitry Polyansky" → "Dmitry Polyansky"), and its
 * entity.
 */
static void name_span(const struct cl_speech *sp, const struct cl_spk *spk,
                      uint32_t *s, uint32_t *e, int32_t *entity)
{
    const struct ex_result *r = sp->d->r;

    *s = tok(sp, spk->s)->start;
    *e = tok(sp, spk->e - 1)->end;
    *entity = entity_at(r, *s, *e);
    for (size_t i = r->nmentions; i-- > 0;) {
        const struct ex_mention *m = &r->mentions[i];
        if (m->type == EX_ENT_PERSON && m->start >= *s && m->end <= *e) {
            *s = m->start;
            *e = m->end;
            *entity = (int32_t)m->entity;
            return;
        }
    }
}

static void add_name(struct cl_speech *sp, const struct cl_spk *spk)
{
    uint32_t s, e;
    int32_t entity;

    name_span(sp, spk, &s, &e, &entity);
    add_person(sp, s, e, entity, 1);
}

/*
 * Pronoun antecedents: person mentions, names after a title, and named
 * speakers.
 */
static void collect_people(struct cl_speech *sp)
{
    const struct ex_result *r = sp->d->r;
    size_t n = sp->d->n;

    for (size_t i = 0; i < r->nmentions; i++)
        if (r->mentions[i].type == EX_ENT_PERSON)
            add_person(sp, r->mentions[i].start, r->mentions[i].end,
                       (int32_t)r->mentions[i].entity, 0);
    for (size_t i = 0; i < n; i++) {
        size_t e, ns;
        if (!is_class(sp, i, CL_TITLE) || !is_cap(sp, i))
            continue;
        e = run_fwd(sp, i, n);
        if (e > i && name_of_run(sp, i, e, &ns))
            add_person(sp, tok(sp, ns)->start, tok(sp, e - 1)->end,
                       entity_at(r, tok(sp, ns)->start, tok(sp, e - 1)->end),
                       0);
        if (e > i)
            i = e - 1;
    }
    for (size_t i = 0; i < sp->nq; i++)
        if (sp->q[i].spk.kind == CL_SPK_NAME)
            add_name(sp, &sp->q[i].spk);
    for (size_t v = 0; v < n; v++) {
        struct cl_spk spk;
        if (!is_verb(sp, v))
            continue;
        spk = speaker_back(sp, sentence_start(sp, v), v);
        if (spk.kind == CL_SPK_NAME)
            add_name(sp, &spk);
    }
    if (sp->npeople > 1)
        qsort(sp->people, sp->npeople, sizeof(*sp->people), person_order);
}

/* Fill the claim's speaker from the phrase @spk. */
static void set_speaker(struct cl_speech *sp, struct ex_claim *c,
                        const struct cl_spk *spk)
{
    const char *text = sp->d->text;
    uint32_t s, e;

    if (!spk->kind)
        return;
    s = tok(sp, spk->s)->start;
    e = tok(sp, spk->e - 1)->end;
    if (spk->kind == CL_SPK_PRON && tok(sp, spk->s)->w->person) {
        /* the nearest person named before the pronoun */
        size_t lo = 0, hi = sp->npeople;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (sp->people[mid].end <= s)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0) {
            const struct cl_person *p = &sp->people[lo - 1];
            /* a speaker named shortly before wins over a passing mention */
            for (size_t k = lo;
                 k-- > 0 && s - sp->people[k].end < CL_SPEAKER_REACH;)
                if (sp->people[k].speaker) {
                    p = &sp->people[k];
                    break;
                }
            c->speaker_text = xstrndup(text + p->start, p->end - p->start);
            c->speaker_entity = p->entity;
            return;
        }
    }
    if (spk->kind == CL_SPK_NAME)
        name_span(sp, spk, &s, &e, &c->speaker_entity);
    c->speaker_text = xstrndup(text + s, e - s);
}

/*
 * Attribute each chain of parts (one quote): after its last closing mark,
 * else before its first opening mark, else it continues the previous
 * quote (same paragraph, or the paragraph before) and inherits its
 * speaker.
 */
static void attribute_quotes(struct cl_speech *sp)
{
    size_t first = 0;

    for (size_t i = 0; i < sp->nq; i++) {
        struct cl_quote *q = &sp->q[i], *head;
        if (q->continues < 0)
            first = i;
        if (q->close == CL_NONE)
            continue;
        head = &sp->q[first];
        q->spk = attrib_after(sp, q->close, &q->verb);
        q->after = q->spk.kind != CL_SPK_NONE;
        if (!q->spk.kind)
            q->spk = attrib_before(sp, head->open, &q->verb);
        if (q->verb != CL_NONE)
            sp->used[q->verb] = 1;
        if (!q->spk.kind && first > 0) {
            const struct cl_quote *p = &sp->q[first - 1];
            uint32_t para = sp->para[head->open], prev = sp->para[p->last];
            if (p->spk.kind &&
                (para == prev || (para == prev + 1 &&
                                  (tok(sp, head->open)->flags & CL_T_PARA)))) {
                q->spk = p->spk;
                head->continues = (int32_t)(first - 1);
            }
        }
        for (size_t k = first; k < i; k++)
            sp->q[k].spk = q->spk;
    }
}

/*
 * Is the quote a claim? Short quotes (scare quotes, titles) are not,
 * unless they end like an utterance with a speaker after them ("No," he
 * said). Nor are fragments quoted inside a clause (Reid called Trump a
 * “human leech”), unless long or attributed after the closing mark.
 */
static int worth_a_claim(const struct cl_speech *sp, const struct cl_quote *q)
{
    size_t words = 0, lower = 0;
    uint32_t last = tok(sp, q->last)->cp;
    /* inside a clause, but not right after its verb: said “…” */
    int inside = q->open > 0 && !(tok(sp, q->open)->flags & CL_T_PARA) &&
                 (tok(sp, q->open - 1)->flags & (CL_T_WORD | CL_T_NUM)) &&
                 !is_verb(sp, q->open - 1);

    for (size_t k = q->first; k <= q->last; k++) {
        words += is_word(sp, k) || (tok(sp, k)->flags & CL_T_NUM);
        lower += is_word(sp, k) && !is_cap(sp, k) && !is_class(sp, k, CL_STOP);
    }
    /* “Make Your Kid a Millionaire”: a title, not speech */
    if (words >= 2 && words <= CL_TITLE_MAX_WORDS && lower == 0)
        return 0;
    /*
     * A later quote of the same speaker goes on with their words, but a
     * fragment inside a clause only when it runs to the end of the
     * sentence (wants troops to return “to their bases.”), not when it
     * labels something mid-sentence (called him “a genius” for ...).
     */
    if ((q->continues >= 0 &&
         (!inside || last == '.' || last == '?' || last == '!')) ||
        (words > 0 && q->after &&
         (last == ',' || last == '.' || last == '?' || last == '!')))
        return 1;
    return words >=
           (inside && !q->after ? CL_FRAGMENT_MIN_WORDS : CL_QUOTE_MIN_WORDS);
}

static void emit_quotes(struct cl_speech *sp)
{
    for (size_t i = 0; i < sp->nq; i++) {
        struct cl_quote *q = &sp->q[i];
        struct ex_claim *c;

        for (size_t k = q->open;
             k <= (q->close == CL_NONE ? q->last : q->close); k++)
            sp->quoted[k] = 1;
        if (!worth_a_claim(sp, q))
            continue;
        q->claim = (int32_t)sp->d->r->nclaims;
        c = claims_add(sp->d, EX_CLAIM_QUOTE, tok(sp, q->first)->start,
                       tok(sp, q->last)->end);
        set_speaker(sp, c, &q->spk);
        if (q->continues >= 0)
            c->continues = sp->q[q->continues].claim;
    }
}

/* The last token of the sentence holding @i, before its final stop. */
static size_t sentence_end(const struct cl_speech *sp, size_t i)
{
    size_t n = sp->d->n, from = i;

    while (i + 1 < n && i - from < CL_SENTENCE_MAX &&
           !(tok(sp, i + 1)->flags & CL_T_PARA) &&
           !(tok(sp, i)->flags & CL_T_END))
        i++;
    while (i > from && (tok(sp, i)->flags & CL_T_PUNCT) && !sp->quoted[i])
        i--;
    return i;
}

static size_t sentence_start(const struct cl_speech *sp, size_t i)
{
    size_t from = i;

    while (i > 0 && from - i < CL_SENTENCE_MAX &&
           !(tok(sp, i)->flags & CL_T_PARA) &&
           !(tok(sp, i - 1)->flags & CL_T_END))
        i--;
    return i;
}

static void add_statement(struct cl_speech *sp, size_t s, size_t e,
                          const struct cl_spk *spk)
{
    size_t words = 0;
    struct ex_claim *c;

    for (size_t k = s; k <= e; k++) {
        /* ", and has massed ...": the subject's next act, not speech */
        if (k > s && is_punct(sp, k, ',') &&
            (is_text(sp, k + 1, "and") || is_text(sp, k + 1, "but")) &&
            is_class(sp, k + 2, CL_AUX)) {
            e = k - 1;
            break;
        }
        words += is_word(sp, k) || (tok(sp, k)->flags & CL_T_NUM);
    }
    if (s > e || words < 3 || !is_word(sp, s))
        return;
    c = claims_add(sp->d, EX_CLAIM_STATEMENT, tok(sp, s)->start,
                   tok(sp, e)->end);
    set_speaker(sp, c, spk);
}

/* The token after the first "that" in [k, end], within reach, or CL_NONE. */
static size_t after_that(const struct cl_speech *sp, size_t k, size_t end)
{
    for (size_t j = k; j <= end && j - k < CL_NP_WINDOW; j++) {
        if (!is_word(sp, j) && !is_punct(sp, j, ','))
            break;
        if (is_text(sp, j, "that"))
            return j + 1;
    }
    return CL_NONE;
}

/*
 * Where the content of the speech verb at @v starts, or CL_NONE: after
 * "that", after the object of "told", right after "said" when a clause
 * follows, and after "said in a statement that".
 */
static size_t content_start(const struct cl_speech *sp, size_t v, size_t end)
{
    const struct cl_word *w = tok(sp, v)->w;
    size_t k = v + 1;

    if (k > end || !is_word(sp, k))
        return CL_NONE;
    if (is_text(sp, k, "that"))
        return k + 1;
    if (w->frame & CL_FRAME_ACC)
        return k;
    if (w->frame & CL_FRAME_OBJ) {
        /* told reporters / told him / told the BBC, then the content */
        if (is_class(sp, k, CL_OBJ)) {
            k++;
        } else {
            if (is_determiner(sp, k))
                k++;
            while (k <= end && k - v <= 4 && is_word(sp, k) &&
                   !is_class(sp, k, CL_PRON | CL_STOP))
                k++;
        }
        if (is_text(sp, k, "that"))
            k++;
        return k <= end && is_word(sp, k) ? k : CL_NONE;
    }
    /* said in a statement that ..., confirmed that ... */
    if ((w->frame & CL_FRAME_THAT) ||
        (is_class(sp, k, CL_STOP) && !is_class(sp, k, CL_PRON) &&
         !is_determiner(sp, k)))
        return after_that(sp, k, end);
    return k;
}

static void find_statements(struct cl_speech *sp)
{
    size_t n = sp->d->n;

    for (size_t v = 0; v < n; v++) {
        struct cl_spk spk;
        size_t lo, end, s;

        if (sp->quoted[v])
            continue;
        if (is_according(sp, v)) {
            lo = sentence_start(sp, v);
            end = sentence_end(sp, v);
            size_t k = v + 2;
            while (k <= end && !is_punct(sp, k, ','))
                k++;
            spk = speaker_fwd(sp, v + 2, k);
            if (!spk.kind)
                continue;
            if (v == lo) /* According to X, CONTENT. */
                add_statement(sp, k + 1, end, &spk);
            else if (v >= lo + 2 &&
                     is_punct(sp, v - 1, ',')) /* CONTENT, according to X */
                add_statement(sp, lo, v - 2, &spk);
            continue;
        }
        if (!is_verb(sp, v) || sp->used[v])
            continue;
        lo = sentence_start(sp, v);
        end = sentence_end(sp, v);
        spk = speaker_back(sp, lo, v);
        if (!spk.kind)
            continue;
        if (v == end ||
            (v + 1 <= end && is_class(sp, v + 1, CL_STOP) &&
             !is_determiner(sp, v + 1) && !is_class(sp, v + 1, CL_PRON) &&
             !is_text(sp, v + 1, "that"))) {
            /* CONTENT, X said (on Thursday). */
            if (spk.s > lo + 1 && is_punct(sp, spk.s - 1, ','))
                add_statement(sp, lo, spk.s - 2, &spk);
            continue;
        }
        s = content_start(sp, v, end);
        if (s != CL_NONE && s <= end && !(tok(sp, s)->flags & CL_T_OPEN))
            add_statement(sp, s, end, &spk);
    }
}

void claims_speech(struct cl_doc *d)
{
    struct cl_speech sp = {.d = d};
    uint32_t para = 0;

    if (d->n == 0)
        return;
    sp.para = xmalloc(d->n * sizeof(*sp.para));
    sp.quoted = xcalloc(d->n, 1);
    sp.used = xcalloc(d->n, 1);
    for (size_t i = 0; i < d->n; i++) {
        para += i > 0 && (d->t[i].flags & CL_T_PARA);
        sp.para[i] = para;
    }
    find_quotes(&sp);
    attribute_quotes(&sp);
    collect_people(&sp);
    emit_quotes(&sp);
    find_statements(&sp);
    free(sp.people);
    free(sp.q);
    free(sp.used);
    free(sp.quoted);
    free(sp.para);
}
