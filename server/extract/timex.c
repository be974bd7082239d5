/*
 * timex.c - the temporal tagger: finds TIMEX3 expressions in news text,
 * types them and normalises their values against the document date, then
 * finds the clause each one anchors and a short label for it.
 *
 * The text is cut into small tokens (letter runs, digit runs, single
 * punctuation marks, each knowing whether a space precedes it), so
 * "Dec." is Dec + ".", "mid-2022" is mid + "-" + 2022 and "3:35" is
 * 3 + ":" + 35. Words are looked up once in the lexicon (data file
 * timex/lexicon.txt). At each token a set of small recognisers (one per
 * expression family: month dates, weekdays, durations, ...) is tried and
 * the longest match wins; determiners, modifiers and approximators in
 * front are then taken into the span when the expression admits them.
 * Everything is a linear scan with bounded look-ahead.
 *
 * Direction of relative expressions ("Thursday", "December 18") comes from
 * the tense of the verb group governing them, as HeidelTime does: the
 * nearest marker in the same phrase (before, then after), else in the
 * sentence. Past verbs point back; will, 'll, is to, set to, scheduled,
 * to be ... point forward; reporting verbs (said) only count right next
 * to the expression.
 */
#include "extract/timex.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* Lexicon ----------------------------------------------------------------- */

enum lx_class {
    LX_MONTH,
    LX_MONTHABBR,
    LX_WEEKDAY,
    LX_NUMBER,
    LX_ORDINAL,
    LX_UNIT,
    LX_SEASON,
    LX_PART,
    LX_DAYREL,
    LX_VAGUE,
    LX_SHIFT,
    LX_MOD,
    LX_APPROX,
    LX_SETADV,
    LX_EVERY,
    LX_TIMEWORD,
    LX_ZONE,
    LX_FEW,
    LX_PAST,
    LX_NOTPAST,
    LX_FUTURE,
    LX_PRESENT,
    LX_DATEPREP,
    LX_FUNCTION,
    LX_LABELTRIM,
    LX_HOLIDAY,
    LX_ONWARD,
    LX__COUNT
};

static const char *const lx_names[LX__COUNT] = {
    [LX_MONTH] = "month",         [LX_MONTHABBR] = "monthabbr",
    [LX_WEEKDAY] = "weekday",     [LX_NUMBER] = "number",
    [LX_ORDINAL] = "ordinal",     [LX_UNIT] = "unit",
    [LX_SEASON] = "season",       [LX_PART] = "part",
    [LX_DAYREL] = "dayrel",       [LX_VAGUE] = "vague",
    [LX_SHIFT] = "shift",         [LX_MOD] = "mod",
    [LX_APPROX] = "approx",       [LX_SETADV] = "setadv",
    [LX_EVERY] = "every",         [LX_TIMEWORD] = "timeword",
    [LX_ZONE] = "zone",           [LX_FEW] = "few",
    [LX_PAST] = "past",           [LX_NOTPAST] = "notpast",
    [LX_FUTURE] = "future",       [LX_PRESENT] = "present",
    [LX_DATEPREP] = "dateprep",   [LX_FUNCTION] = "function",
    [LX_LABELTRIM] = "labeltrim", [LX_HOLIDAY] = "holiday",
    [LX_ONWARD] = "onward",
};

/* Units of the "unit" class; plurals add UNIT_PLURAL. */
enum unit {
    U_NONE,
    U_SECOND,
    U_MINUTE,
    U_HOUR,
    U_DAY,
    U_WEEK,
    U_MONTH,
    U_QUARTER,
    U_YEAR,
    U_DECADE,
    U_CENTURY,
    U_WEEKEND,
};
#define UNIT_PLURAL 16

enum vague { V_PRESENT = 1, V_PAST, V_FUTURE };

static const char *const vague_values[] = {
    [V_PRESENT] = "PRESENT_REF",
    [V_PAST] = "PAST_REF",
    [V_FUTURE] = "FUTURE_REF",
};

static const char *const season_codes[] = {"", "SP", "SU", "FA", "WI"};
static const char *const part_codes[] = {"", "MO", "AF", "EV", "NI"};

#define LX_WORD_MAX 24

struct lx_entry {
    char word[LX_WORD_MAX];
    uint32_t mask;
    int16_t val[LX__COUNT];
};

struct timex_resources {
    struct lx_entry *slots;
    size_t mask; /* number of slots - 1 (a power of two) */
};

static uint32_t lx_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot of lower-case @word: its entry, or the empty slot for it. */
static struct lx_entry *lx_slot(const struct timex_resources *res,
                                const char *word, size_t n)
{
    size_t i = lx_hash(word, n) & res->mask;

    for (;;) {
        struct lx_entry *e = &res->slots[i];
        if (!e->word[0] ||
            (strncmp(e->word, word, n) == 0 && e->word[n] == '\0'))
            return e;
        i = (i + 1) & res->mask;
    }
}

/* Parse one "word class value" line; malformed lines are skipped. */
static void lx_add_line(struct timex_resources *res, const char *line,
                        size_t len)
{
    char word[LX_WORD_MAX], cls[16];
    int val;
    char buf[96];

    if (len >= sizeof(buf))
        return;
    memcpy(buf, line, len);
    buf[len] = '\0';
    if (sscanf(buf, "%23s %15s %d", word, cls, &val) != 3)
        return;
    for (int c = 0; c < LX__COUNT; c++) {
        if (strcmp(cls, lx_names[c]) != 0)
            continue;
        struct lx_entry *e = lx_slot(res, word, strlen(word));
        if (!e->word[0])
            memcpy(e->word, word, sizeof(word));
        e->mask |= 1u << c;
        e->val[c] = (int16_t)val;
        return;
    }
}

struct timex_resources *timex_resources_new(const struct embed_file *data)
{
    const struct embed_file *f = embed_find(data, "timex/lexicon.txt");
    struct timex_resources *res = xcalloc(1, sizeof(*res));
    size_t lines = 0, nslots = 64;

    if (f)
        for (size_t i = 0; i < f->len; i++)
            lines += f->data[i] == '\n';
    while (nslots < 2 * lines)
        nslots *= 2;
    res->slots = xcalloc(nslots, sizeof(*res->slots));
    res->mask = nslots - 1;
    if (!f)
        return res;

    const char *p = (const char *)f->data, *end = p + f->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (*p != '#')
            lx_add_line(res, p, (size_t)(eol - p));
        p = eol + 1;
    }
    return res;
}

void timex_resources_free(struct timex_resources *res)
{
    if (!res)
        return;
    free(res->slots);
    free(res);
}

/* Tokens ------------------------------------------------------------------ */

enum tok_kind { TK_WORD, TK_NUM, TK_PUNCT };

struct tok {
    uint32_t start, end;
    uint8_t kind;
    bool space; /* white space (or the start of the text) before */
    bool cap;   /* starts with an upper-case letter */
    uint8_t ndigits;
    int32_t num; /* TK_NUM: the value, saturated at 999999999 */
    const struct lx_entry *lx;
    char low[LX_WORD_MAX]; /* lower-cased word, "" when too long */
};

static bool is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Length of a UTF-8 space or punctuation sequence at @s, or 0. */
static size_t utf8_sep_len(const unsigned char *s, size_t left, bool *space)
{
    if (left >= 2 && s[0] == 0xC2 && s[1] == 0xA0) {
        *space = true; /* no-break space */
        return 2;
    }
    if (left >= 3 && s[0] == 0xE2 && s[1] == 0x80) {
        *space = s[2] <= 0x8B || s[2] == 0xAF; /* U+2000..200B, 202F */
        return 3;                              /* dashes, quotes, ... */
    }
    return 0;
}

static void tok_lookup(const struct timex_resources *res, const char *text,
                       struct tok *t)
{
    size_t n = t->end - t->start;

    t->low[0] = '\0';
    t->lx = NULL;
    if (n >= LX_WORD_MAX)
        return;
    for (size_t i = 0; i < n; i++)
        t->low[i] =
            (char)(text[t->start + i] >= 'A' && text[t->start + i] <= 'Z'
                       ? text[t->start + i] | 0x20
                       : text[t->start + i]);
    t->low[n] = '\0';
    const struct lx_entry *e = lx_slot(res, t->low, n);
    t->lx = e->word[0] ? e : NULL;
}

/* Cut @text into tokens (a new array, caller frees). */
static struct tok *tokenize(const struct timex_resources *res, const char *text,
                            size_t len, size_t *ntok)
{
    const unsigned char *s = (const unsigned char *)text;
    struct tok *t = NULL;
    size_t cap = 0, n = 0, i = 0;
    bool space = true;

    while (i < len) {
        unsigned char c = s[i];
        size_t start = i, seplen;
        bool sp = false;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
            c == '\v') {
            space = true;
            i++;
            continue;
        }
        seplen = utf8_sep_len(s + i, len - i, &sp);
        if (seplen && sp) {
            space = true;
            i += seplen;
            continue;
        }
        t = xgrow(t, sizeof(*t), n + 1, &cap);
        struct tok *k = &t[n++];
        memset(k, 0, sizeof(*k));
        if (is_digit(c)) {
            int64_t v = 0;
            while (i < len && is_digit(s[i])) {
                v = v * 10 + (s[i] - '0');
                if (v > 999999999)
                    v = 999999999;
                i++;
            }
            k->kind = TK_NUM;
            k->num = (int32_t)v;
            k->ndigits = (uint8_t)(i - start > 255 ? 255 : i - start);
        } else if (is_alpha(c) || (c >= 0x80 && !seplen)) {
            while (i < len &&
                   (is_alpha(s[i]) ||
                    (s[i] >= 0x80 && !utf8_sep_len(s + i, len - i, &sp))))
                i++;
            k->kind = TK_WORD;
            k->cap = c >= 'A' && c <= 'Z';
        } else {
            i += seplen ? seplen : 1;
            k->kind = TK_PUNCT;
        }
        k->start = (uint32_t)start;
        k->end = (uint32_t)i;
        k->space = space;
        space = false;
        if (k->kind == TK_WORD)
            tok_lookup(res, text, k);
    }
    *ntok = n;
    return t;
}

/* Calendar ---------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ISO weekday, 1 = Monday .. 7 = Sunday. */
static int weekday_of(int64_t days)
{
    return (int)(((days % 7) + 7 + 3) % 7) + 1;
}

static int days_in_month(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* Values ------------------------------------------------------------------ */

enum tense { TENSE_NONE, TENSE_PAST, TENSE_FUTURE, TENSE_PRESENT };

struct match {
    size_t n; /* tokens consumed from the start of the core */
    enum ex_timex_type type;
    char value[48];
    bool the_ok; /* a leading "the" belongs to the expression */
};

struct ctx {
    const struct timex_resources *res;
    const char *text;
    const struct tok *t;
    size_t lo, hi; /* the current sentence's tokens */
    bool anchored;
    int dy, dm; /* document date */
    int64_t dday;
    int64_t ref_day; /* last day-precision date seen (times hang on it) */
    bool has_ref;
    int last_year; /* for "the same year"; 0 when none */
    int qyear, qn; /* the last quarter named, for "a year earlier" */
    int depth;     /* nesting of "the end of ..." */
    bool *taken;   /* tokens of expressions and their prepositions */
};

static void set_value(struct match *m, enum ex_timex_type type, const char *fmt,
                      ...) __attribute__((format(printf, 3, 4)));

static void set_value(struct match *m, enum ex_timex_type type, const char *fmt,
                      ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(m->value, sizeof(m->value), fmt, ap);
    va_end(ap);
    m->type = type;
}

static void put_day(struct match *m, int64_t days)
{
    int y, mo, d;

    civil_from_days(days, &y, &mo, &d);
    set_value(m, EX_TIMEX_DATE, "%04d-%02d-%02d", y, mo, d);
}

static void put_week(struct match *m, int64_t days)
{
    int64_t thursday = days - weekday_of(days) + 4;
    int y, mo, d;

    civil_from_days(thursday, &y, &mo, &d);
    int week = (int)((thursday - days_from_civil(y, 1, 1)) / 7) + 1;
    set_value(m, EX_TIMEX_DATE, "%04d-W%02d", y, week);
}

/* Month @mo of year @y; @mo may run past either end of the year. */
static void put_month(struct match *m, int y, int mo)
{
    int months = y * 12 + mo - 1;
    int yy = months >= 0 ? months / 12 : (months - 11) / 12;

    set_value(m, EX_TIMEX_DATE, "%04d-%02d", yy, months - yy * 12 + 1);
}

/* Format a quantity: 3, 2.5. */
static void fmt_qty(char *out, size_t size, double q)
{
    if (q == (double)(int64_t)q)
        snprintf(out, size, "%lld", (long long)q);
    else
        snprintf(out, size, "%g", q);
}

/* P3W, PT2H, PXY; @q < 0 means an unknown quantity. */
static void put_duration(struct match *m, double q, int unit)
{
    static const struct {
        const char *prefix, *suffix, *vague;
        double scale;
    } units[] = {
        [U_SECOND] = {"PT", "S", "S", 1},   [U_MINUTE] = {"PT", "M", "M", 1},
        [U_HOUR] = {"PT", "H", "H", 1},     [U_DAY] = {"P", "D", "D", 1},
        [U_WEEK] = {"P", "W", "W", 1},      [U_MONTH] = {"P", "M", "M", 1},
        [U_QUARTER] = {"P", "M", "Q", 3},   [U_YEAR] = {"P", "Y", "Y", 1},
        [U_DECADE] = {"P", "Y", "DE", 10},  [U_CENTURY] = {"P", "Y", "CE", 100},
        [U_WEEKEND] = {"P", "WE", "WE", 1},
    };
    char num[24];

    unit &= ~UNIT_PLURAL;
    if (q < 0) {
        set_value(m, EX_TIMEX_DURATION, "%sX%s", units[unit].prefix,
                  units[unit].vague);
        return;
    }
    fmt_qty(num, sizeof(num), q * units[unit].scale);
    set_value(m, EX_TIMEX_DURATION, "%s%s%s", units[unit].prefix, num,
              units[unit].suffix);
}

/* Token tests ------------------------------------------------------------- */

static bool in_sent(const struct ctx *c, size_t i)
{
    return i >= c->lo && i < c->hi;
}

static bool is_word(const struct ctx *c, size_t i, const char *w)
{
    return in_sent(c, i) && c->t[i].kind == TK_WORD &&
           strcmp(c->t[i].low, w) == 0;
}

static bool is_punct(const struct ctx *c, size_t i, char ch)
{
    return in_sent(c, i) && c->t[i].kind == TK_PUNCT &&
           c->t[i].end - c->t[i].start == 1 && c->text[c->t[i].start] == ch;
}

static bool has(const struct ctx *c, size_t i, enum lx_class cls)
{
    return in_sent(c, i) && c->t[i].lx && (c->t[i].lx->mask & (1u << cls));
}

static int val(const struct ctx *c, size_t i, enum lx_class cls)
{
    return c->t[i].lx->val[cls];
}

/* Token @i directly follows the previous one (no space). */
static bool adj(const struct ctx *c, size_t i)
{
    return in_sent(c, i) && !c->t[i].space;
}

static bool is_num(const struct ctx *c, size_t i, int mindig, int maxdig)
{
    return in_sent(c, i) && c->t[i].kind == TK_NUM &&
           c->t[i].ndigits >= mindig && c->t[i].ndigits <= maxdig;
}

/* Any of the NULL-terminated @words. */
static bool is_any(const struct ctx *c, size_t i, const char *const *words)
{
    for (; *words; words++)
        if (is_word(c, i, *words))
            return true;
    return false;
}

static bool is_ordinal_suffix(const struct ctx *c, size_t i)
{
    static const char *const sfx[] = {"th", "st", "nd", "rd", NULL};
    return adj(c, i) && is_any(c, i, sfx);
}

/* A clause break: ; : ( ) or an en or em dash. */
static bool is_clause_break(const struct ctx *c, size_t i)
{
    const struct tok *k = &c->t[i];
    const unsigned char *s = (const unsigned char *)c->text + k->start;

    if (k->kind != TK_PUNCT)
        return false;
    if (k->end - k->start == 3) /* en and em dashes */
        return s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x93 || s[2] == 0x94);
    if (*s == ':') /* not inside 10:30 */
        return !adj(c, i + 1);
    return *s == ';' || *s == '(' || *s == ')';
}

/* A plausible year: four digits in 1000..2199. */
static bool is_year(const struct ctx *c, size_t i)
{
    return is_num(c, i, 4, 4) && c->t[i].num >= 1000 && c->t[i].num < 2200;
}

/* "last" as a verb: "the talks will last several days". */
static bool is_verb_last(const struct ctx *c, size_t i)
{
    static const char *const before[] = {
        "to",   "will", "would", "could", "may", "might", "can", "should",
        "must", "did",  "does",  "do",    "ll",  "not",   NULL};
    return is_word(c, i, "last") && i > c->lo && is_any(c, i - 1, before);
}

/* Tense ------------------------------------------------------------------- */

/* An -ed word before a noun is an adjective ("preferred shares"); a verb
 * is followed by punctuation, a number, a name, a function word or a time
 * word ("met with", "rose 5%", "arrived yesterday"). */
static bool is_adjective(const struct ctx *c, size_t i)
{
    size_t k = i + 1;

    return in_sent(c, k) && c->t[k].kind == TK_WORD && !c->t[k].cap &&
           !has(c, k, LX_FUNCTION) && !has(c, k, LX_UNIT) &&
           !has(c, k, LX_DAYREL) && !has(c, k, LX_SHIFT);
}

static enum tense tense_of(const struct ctx *c, size_t i)
{
    const struct tok *k = &c->t[i];
    size_t n = k->end - k->start;

    if (k->kind != TK_WORD)
        return TENSE_NONE;
    /* is to meet, set to take place, to be held */
    if (is_word(c, i + 1, "to") && has(c, i, LX_ONWARD))
        return TENSE_FUTURE;
    if (is_word(c, i, "to") && is_word(c, i + 1, "be"))
        return TENSE_FUTURE;
    /* headline style: "Biden and Putin to talk Thursday" */
    if (is_word(c, i, "to") && i > c->lo && c->t[i - 1].cap &&
        in_sent(c, i + 1) && c->t[i + 1].kind == TK_WORD && !c->t[i + 1].cap &&
        !c->t[i + 1].lx)
        return TENSE_FUTURE;
    if (has(c, i, LX_FUTURE))
        return TENSE_FUTURE;
    if (has(c, i, LX_PAST))
        return TENSE_PAST;
    if (has(c, i, LX_PRESENT))
        return TENSE_PRESENT;
    if (!k->cap && n >= 4 && n < LX_WORD_MAX && k->low[n - 2] == 'e' &&
        k->low[n - 1] == 'd' && !has(c, i, LX_NOTPAST) && !is_adjective(c, i) &&
        !(i > c->lo && is_word(c, i - 1, "be")))
        return TENSE_PAST; /* not "to be completed", "will be held" */
    return TENSE_NONE;
}

/* Reporting verbs date the report, not the event, unless right next to
 * the expression ("said Thursday"). */
static bool is_reporting(const struct ctx *c, size_t i)
{
    static const char *const verbs[] = {"said",  "says",      "say", "told",
                                        "added", "announced", NULL};
    return is_any(c, i, verbs);
}

static enum tense tense_at(const struct ctx *c, size_t i, size_t d)
{
    return d > 2 && is_reporting(c, i) ? TENSE_NONE : tense_of(c, i);
}

/* A break for the tense scan: a comma, colon, semicolon, bracket or a
 * spaced dash. */
static bool is_phrase_break(const struct ctx *c, size_t i)
{
    return is_punct(c, i, ',') || is_clause_break(c, i) ||
           (is_punct(c, i, '-') && c->t[i].space);
}

/* The first tense marker from @i stepping by @dir, within 12 tokens,
 * stopping at a phrase break when @narrow. */
static enum tense tense_scan(const struct ctx *c, size_t i, int dir,
                             bool narrow)
{
    for (size_t d = 1; d <= 12; d++) {
        size_t k = dir < 0 ? i - d : i + d;
        enum tense t;
        if ((dir < 0 && i < c->lo + d) || (dir > 0 && k >= c->hi))
            break;
        if (narrow && is_phrase_break(c, k))
            break;
        if ((t = tense_at(c, k, d)) != TENSE_NONE)
            return t;
    }
    return TENSE_NONE;
}

/*
 * The tense governing tokens [first, last): the verb group before it in
 * the same phrase, else after it in the same phrase, else the nearest
 * marker in the sentence (before, then after).
 */
static enum tense tense_near(const struct ctx *c, size_t first, size_t last)
{
    enum tense t;

    if ((t = tense_scan(c, first, -1, true)) != TENSE_NONE ||
        (t = tense_scan(c, last - 1, 1, true)) != TENSE_NONE ||
        (t = tense_scan(c, first, -1, false)) != TENSE_NONE)
        return t;
    return tense_scan(c, last - 1, 1, false);
}

static bool forward(enum tense t)
{
    return t == TENSE_FUTURE || t == TENSE_PRESENT;
}

/* Resolution -------------------------------------------------------------- */

/* The day of weekday @wd: on or before the document date, or on or after
 * it when @ahead. */
static int64_t weekday_day(const struct ctx *c, int wd, bool ahead)
{
    int dwd = weekday_of(c->dday);

    return ahead ? c->dday + (wd - dwd + 7) % 7 : c->dday - (dwd - wd + 7) % 7;
}

static void put_weekday(struct ctx *c, struct match *m, int wd, enum tense t)
{
    if (!c->anchored)
        set_value(m, EX_TIMEX_DATE, "XXXX-WXX-%d", wd);
    else
        put_day(m, weekday_day(c, wd, forward(t)));
}

/* Year of a month-day given without one: by tense, else the nearest. */
static int year_of_day(const struct ctx *c, int mo, int d, enum tense t)
{
    int best = c->dy;
    int64_t bestdist = INT64_MAX;

    for (int y = c->dy - 1; y <= c->dy + 1; y++) {
        int64_t day = days_from_civil(y, mo, d), dist = day - c->dday;
        if ((t == TENSE_PAST && dist > 0) || (t == TENSE_FUTURE && dist < 0))
            continue;
        if (dist < 0)
            dist = -dist;
        if (dist < bestdist) {
            bestdist = dist;
            best = y;
        }
    }
    return best;
}

static int year_of_month(const struct ctx *c, int mo, enum tense t)
{
    if (t == TENSE_PAST)
        return mo <= c->dm ? c->dy : c->dy - 1;
    if (t == TENSE_FUTURE)
        return mo >= c->dm ? c->dy : c->dy + 1;
    if (mo - c->dm > 6)
        return c->dy - 1;
    if (c->dm - mo > 6)
        return c->dy + 1;
    return c->dy;
}

static void put_month_day(struct ctx *c, struct match *m, int y, int mo, int d,
                          enum tense t)
{
    if (y)
        put_day(m, days_from_civil(y, mo, d));
    else if (!c->anchored)
        set_value(m, EX_TIMEX_DATE, "XXXX-%02d-%02d", mo, d);
    else
        put_day(m, days_from_civil(year_of_day(c, mo, d, t), mo, d));
}

/* Shift the document date by @q units (forward when @q > 0) and write it
 * at the unit's precision. */
static bool put_shifted(struct ctx *c, struct match *m, int q, int unit)
{
    static const char *const unanchored[] = {
        [U_DAY] = "XXXX-XX-XX", [U_WEEK] = "XXXX-WXX",
        [U_MONTH] = "XXXX-XX",  [U_QUARTER] = "XXXX-QX",
        [U_YEAR] = "XXXX",      [U_DECADE] = "XXX",
        [U_CENTURY] = "XX",     [U_WEEKEND] = "XXXX-WXX-WE",
    };
    int qn;

    unit &= ~UNIT_PLURAL;
    if (unit < U_DAY)
        return false;
    if (!c->anchored) {
        set_value(m, EX_TIMEX_DATE, "%s", unanchored[unit]);
        return true;
    }
    switch (unit) {
    case U_DAY:
        put_day(m, c->dday + q);
        break;
    case U_WEEK:
        put_week(m, c->dday + 7 * (int64_t)q);
        break;
    case U_MONTH:
        put_month(m, c->dy, c->dm + q);
        break;
    case U_QUARTER:
        qn = (c->dm - 1) / 3 + q;
        set_value(m, EX_TIMEX_DATE, "%04d-Q%d",
                  c->dy + (qn >= 0 ? qn / 4 : (qn - 3) / 4),
                  ((qn % 4) + 4) % 4 + 1);
        break;
    case U_YEAR:
        set_value(m, EX_TIMEX_DATE, "%04d", c->dy + q);
        break;
    case U_DECADE:
        set_value(m, EX_TIMEX_DATE, "%03d", c->dy / 10 + q);
        break;
    case U_CENTURY:
        set_value(m, EX_TIMEX_DATE, "%02d", c->dy / 100 + q);
        break;
    case U_WEEKEND: {
        /* the weekend of the document's week, or the one before/after */
        int64_t sat = c->dday - weekday_of(c->dday) + 6;
        if (q < 0 && sat >= c->dday)
            sat -= 7;
        put_week(m, sat + 7 * (int64_t)(q > 0 ? q - (sat < c->dday) : 0));
        strcat(m->value, "-WE");
        break;
    }
    default:
        return false;
    }
    return true;
}

static int season_year(const struct ctx *c, int season, int shift)
{
    static const int first_month[] = {0, 3, 6, 9, 12};
    int start = first_month[season];

    if (shift < 0)
        return start + 2 < c->dm ? c->dy : c->dy - 1;
    if (shift > 0)
        return start > c->dm ? c->dy : c->dy + 1;
    return c->dy;
}

static void put_season(struct match *m, int y, int season)
{
    if (y)
        set_value(m, EX_TIMEX_DATE, "%04d-%s", y, season_codes[season]);
    else
        set_value(m, EX_TIMEX_DATE, "XXXX-%s", season_codes[season]);
}

/* A year before: the same quarter of the year before when a quarter of
 * this year is being reported on ("profit rose from $5 million a year
 * earlier"). */
static bool put_year_before(struct ctx *c, struct match *m)
{
    if (c->qn) {
        set_value(m, EX_TIMEX_DATE, "%04d-Q%d", c->qyear - 1, c->qn);
        return true;
    }
    return put_shifted(c, m, -1, U_YEAR);
}

/* Quantities -------------------------------------------------------------- */

/*
 * Parse a quantity at @i: 3, 2.5, twenty-four, a, a few, several, a couple
 * of, two and a half. Sets *@q (-1 for a vague one). Returns the tokens
 * used, 0 when there is none.
 */
static size_t parse_qty(const struct ctx *c, size_t i, double *q)
{
    size_t k = i;

    if (is_num(c, i, 1, 6)) {
        *q = c->t[i].num;
        k++;
        if (is_punct(c, k, '.') && adj(c, k) && is_num(c, k + 1, 1, 3) &&
            adj(c, k + 1)) {
            double frac = c->t[k + 1].num;
            for (int d = 0; d < c->t[k + 1].ndigits; d++)
                frac /= 10;
            *q += frac;
            k += 2;
        }
    } else if (has(c, i, LX_NUMBER)) {
        *q = val(c, i, LX_NUMBER);
        k++;
        if (*q >= 20 && *q < 100) {
            size_t o = is_punct(c, k, '-') ? k + 1 : k;
            if (has(c, o, LX_NUMBER) && val(c, o, LX_NUMBER) < 10) {
                *q += val(c, o, LX_NUMBER);
                k = o + 1;
            }
        }
        if (is_word(c, k, "hundred")) {
            *q *= 100;
            k++;
        }
    } else if (is_word(c, i, "a") || is_word(c, i, "an")) {
        k++;
        if (is_word(c, k, "few") || is_word(c, k, "several")) {
            *q = -1;
            k++;
        } else if (is_word(c, k, "couple") && is_word(c, k + 1, "of")) {
            *q = -1;
            k += 2;
        } else if (is_word(c, k, "dozen") || is_word(c, k, "hundred")) {
            *q = val(c, k, LX_NUMBER);
            k++;
        } else {
            *q = 1;
        }
    } else if (has(c, i, LX_FEW) || is_word(c, i, "many")) {
        *q = -1;
        k++;
        if (is_word(c, i, "couple")) {
            if (!is_word(c, k, "of"))
                return 0;
            k++;
        }
    } else {
        return 0;
    }
    if (*q >= 0 && is_word(c, k, "and") && is_word(c, k + 1, "a") &&
        is_word(c, k + 2, "half")) {
        *q += 0.5;
        k += 3;
    }
    return k - i;
}

/* The unit at @i, or U_NONE; *@plural tells its number. */
static int unit_at(const struct ctx *c, size_t i, bool *plural)
{
    int u;

    if (!has(c, i, LX_UNIT))
        return U_NONE;
    u = val(c, i, LX_UNIT);
    *plural = u & UNIT_PLURAL;
    return u & ~UNIT_PLURAL;
}

/* Recognisers ------------------------------------------------------------- */

/* 12/07/2021 (US order), 2021-12-07. */
static bool m_numeric(struct ctx *c, size_t j, struct match *m)
{
    int y, mo, d;

    if (is_num(c, j, 1, 2) && is_punct(c, j + 1, '/') && adj(c, j + 1) &&
        is_num(c, j + 2, 1, 2) && adj(c, j + 2) && is_punct(c, j + 3, '/') &&
        adj(c, j + 3) && (is_num(c, j + 4, 4, 4) || is_num(c, j + 4, 2, 2)) &&
        adj(c, j + 4)) {
        mo = c->t[j].num;
        d = c->t[j + 2].num;
        y = c->t[j + 4].num;
        if (y < 100)
            y += y < 50 ? 2000 : 1900;
    } else if (is_year(c, j) && is_punct(c, j + 1, '-') && adj(c, j + 1) &&
               is_num(c, j + 2, 2, 2) && adj(c, j + 2) &&
               is_punct(c, j + 3, '-') && adj(c, j + 3) &&
               is_num(c, j + 4, 2, 2) && adj(c, j + 4)) {
        y = c->t[j].num;
        mo = c->t[j + 2].num;
        d = c->t[j + 4].num;
    } else {
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return false;
    put_day(m, days_from_civil(y, mo, d));
    m->n = 5;
    return true;
}

/* am/pm at @i: "pm", "p.m.", "p.m"; returns tokens used, sets *@pm. */
static size_t parse_ampm(const struct ctx *c, size_t i, bool *pm)
{
    if (is_word(c, i, "am") || is_word(c, i, "pm")) {
        *pm = c->t[i].low[0] == 'p';
        return 1;
    }
    if ((is_word(c, i, "a") || is_word(c, i, "p")) && is_punct(c, i + 1, '.') &&
        adj(c, i + 1) && is_word(c, i + 2, "m") && adj(c, i + 2)) {
        *pm = c->t[i].low[0] == 'p';
        return is_punct(c, i + 3, '.') && adj(c, i + 3) ? 4 : 3;
    }
    return 0;
}

static bool m_weekday(struct ctx *c, size_t j, struct match *m);
static bool m_month(struct ctx *c, size_t j, struct match *m);

/*
 * The day a time belongs to when one is named right after it: "9 a.m.
 * Thursday", "noon today" (taken into the span) or "10 a.m. on Tuesday"
 * (left to be tagged on its own). Returns the tokens taken.
 */
static size_t time_day(struct ctx *c, size_t k, int64_t *day, bool *found)
{
    struct match sub = {0};
    bool on = is_word(c, k, "on");
    size_t at = on || is_punct(c, k, ',') ? k + 1 : k;
    int y, mo, d;

    *found = false;
    if (!c->anchored)
        return 0;
    if (has(c, at, LX_DAYREL) && val(c, at, LX_DAYREL) != 10) {
        *day = c->dday + val(c, at, LX_DAYREL);
        *found = true;
        return on ? 0 : at + 1 - k;
    }
    if ((m_weekday(c, at, &sub) || m_month(c, at, &sub)) &&
        sscanf(sub.value, "%4d-%2d-%2d", &y, &mo, &d) == 3) {
        *day = days_from_civil(y, mo, d);
        *found = true;
        return on ? 0 : at + sub.n - k;
    }
    return 0;
}

/* 3:35 pm, 10 a.m., 2035 GMT, noon; with an optional day after it. */
static bool m_time(struct ctx *c, size_t j, struct match *m)
{
    int h, mi = 0;
    size_t k, used;
    bool pm = false, ampm = false, zone = false, found;
    int64_t day = c->dday;

    if (is_num(c, j, 1, 2) && is_punct(c, j + 1, ':') && adj(c, j + 1) &&
        is_num(c, j + 2, 2, 2) && adj(c, j + 2)) {
        h = c->t[j].num;
        mi = c->t[j + 2].num;
        k = j + 3;
    } else if (is_num(c, j, 1, 2)) {
        h = c->t[j].num;
        k = j + 1;
    } else if (is_num(c, j, 4, 4) && has(c, j + 1, LX_ZONE)) {
        h = c->t[j].num / 100;
        mi = c->t[j].num % 100;
        k = j + 1;
    } else if (has(c, j, LX_TIMEWORD)) {
        h = val(c, j, LX_TIMEWORD);
        k = j + 1;
        ampm = true;
    } else {
        return false;
    }
    if ((used = parse_ampm(c, k, &pm)) != 0) {
        ampm = true;
        k += used;
    } else if (k == j + 1 && is_word(c, k, "in") && is_word(c, k + 1, "the") &&
               has(c, k + 2, LX_PART) && h >= 1 && h <= 12) {
        /* 4 in the morning, 8 in the evening */
        int part = val(c, k + 2, LX_PART);
        pm = part == 2 || part == 3 || (part == 4 && h >= 6 && h != 12);
        ampm = true;
        k += 3;
    }
    if (ampm && pm && h < 12)
        h += 12;
    else if (ampm && !pm && h == 12 && !has(c, j, LX_TIMEWORD))
        h = 0;
    if (has(c, k, LX_ZONE) && c->t[k].cap) {
        zone = true;
        k++;
    }
    if (!ampm && !zone && k == j + 1)
        return false;
    if (h > 24 || mi > 59 || (h == 24 && mi))
        return false;
    k += time_day(c, k, &day, &found);
    if (!found && c->has_ref)
        day = c->ref_day;
    if (c->anchored || found) {
        int y, mo, d;
        civil_from_days(day, &y, &mo, &d);
        set_value(m, EX_TIMEX_TIME, "%04d-%02d-%02dT%02d:%02d", y, mo, d, h,
                  mi);
    } else {
        set_value(m, EX_TIMEX_TIME, "XXXX-XX-XXT%02d:%02d", h, mi);
    }
    m->n = k - j;
    return true;
}

/* A day of the month at @i: 7, 7th, seventh. Returns tokens used. */
static size_t parse_mday(const struct ctx *c, size_t i, int *d)
{
    if (is_num(c, i, 1, 2) && c->t[i].num >= 1 && c->t[i].num <= 31 &&
        !(is_punct(c, i + 1, ':') && adj(c, i + 1))) {
        *d = c->t[i].num;
        return is_ordinal_suffix(c, i + 1) ? 2 : 1;
    }
    if (has(c, i, LX_ORDINAL) && val(c, i, LX_ORDINAL) <= 31) {
        *d = val(c, i, LX_ORDINAL);
        return 1;
    }
    return 0;
}

/* A month name at @i (Dec., December); returns tokens used. */
static size_t parse_month(const struct ctx *c, size_t i, int *mo)
{
    bool full = has(c, i, LX_MONTH), abbr = has(c, i, LX_MONTHABBR);

    if ((!full && !abbr) || !c->t[i].cap)
        return 0;
    *mo = val(c, i, full ? LX_MONTH : LX_MONTHABBR);
    if (!full && is_punct(c, i + 1, '.') && adj(c, i + 1))
        return 2;
    if (!full && !is_num(c, i + 1, 1, 4))
        return 0;
    return 1;
}

/* An optional year after a date at @i: "2021" or ", 2021". */
static size_t parse_year_after(const struct ctx *c, size_t i, int *y)
{
    size_t k = is_punct(c, i, ',') ? i + 1 : i;

    if (!is_year(c, k) ||
        (is_punct(c, k + 1, ',') && is_num(c, k + 2, 1, 3) && adj(c, k + 2)))
        return 0;
    *y = c->t[k].num;
    return k + 1 - i;
}

/* Dec. 7, December 7th, Oct. 15, 1999, December 2021, December. */
static bool m_month(struct ctx *c, size_t j, struct match *m)
{
    int mo, d, y = 0;
    size_t k = j, used;

    if ((used = parse_month(c, j, &mo)) == 0)
        return false;
    k += used;
    if ((used = parse_mday(c, k, &d)) != 0) {
        k += used;
        k += parse_year_after(c, k, &y);
        if (d > days_in_month(y ? y : 2000, mo))
            return false;
        put_month_day(c, m, y, mo, d, tense_near(c, j, k));
    } else if (is_year(c, k) || (is_word(c, k, "of") && is_year(c, k + 1))) {
        k += is_year(c, k) ? 1 : 2;
        put_month(m, c->t[k - 1].num, mo);
    } else {
        /* "may" and "march" are verbs too */
        if (used == 1 &&
            (strcmp(c->t[j].low, "may") == 0 ||
             strcmp(c->t[j].low, "march") == 0) &&
            !(j > c->lo && has(c, j - 1, LX_DATEPREP)))
            return false;
        if (!c->anchored)
            set_value(m, EX_TIMEX_DATE, "XXXX-%02d", mo);
        else
            put_month(m, year_of_month(c, mo, tense_near(c, j, k)), mo);
    }
    m->n = k - j;
    return true;
}

/* 7 December 2021, the 7th of December. */
static bool m_day_month(struct ctx *c, size_t j, struct match *m)
{
    int mo, d, y = 0;
    size_t k = j, used;

    if ((used = parse_mday(c, j, &d)) == 0)
        return false;
    k += used;
    if (is_word(c, k, "of"))
        k++;
    if ((used = parse_month(c, k, &mo)) == 0)
        return false;
    k += used;
    k += parse_year_after(c, k, &y);
    if (d > days_in_month(y ? y : 2000, mo))
        return false;
    put_month_day(c, m, y, mo, d, tense_near(c, j, k));
    m->n = k - j;
    m->the_ok = true;
    return true;
}

/* 2014, the 1990s, '90s, fiscal 1989, the year 2000, the 20th century. */
static bool m_year(struct ctx *c, size_t j, struct match *m)
{
    static const char *const not_before[] = {"than", "no", "number", NULL};
    static const char *const year_preps[] = {
        "in",     "since", "of", "by",  "from",    "until", "before", "after",
        "during", "for",   "to", "and", "through", "late",  "early",  NULL};
    size_t k = j;
    int y, d;

    if (is_word(c, j, "fiscal") || is_word(c, j, "year")) {
        k = j + 1;
        if (is_word(c, j, "fiscal") && is_word(c, k, "year"))
            k++;
        if (!is_year(c, k))
            return false;
        set_value(m, EX_TIMEX_DATE, "%04d", c->t[k].num);
        m->n = k + 1 - j;
        m->the_ok = true;
        return true;
    }
    if (is_punct(c, j, '\'') && is_num(c, j + 1, 2, 2) && adj(c, j + 1) &&
        c->t[j + 1].num % 10 == 0 && is_word(c, j + 2, "s") && adj(c, j + 2)) {
        y = (c->t[j + 1].num >= 30 ? 1900 : 2000) + c->t[j + 1].num;
        set_value(m, EX_TIMEX_DATE, "%03d", y / 10);
        m->n = 3;
        m->the_ok = true;
        return true;
    }
    if ((k = parse_mday(c, j, &d)) != 0 && (k == 2 || has(c, j, LX_ORDINAL))) {
        k += j;
        if (is_punct(c, k, '-') && adj(c, k))
            k++;
        if (!is_word(c, k, "century"))
            return false;
        set_value(m, EX_TIMEX_DATE, "%02d", d - 1);
        m->n = k + 1 - j;
        m->the_ok = true;
        return true;
    }
    if (!is_year(c, j))
        return false;
    y = c->t[j].num;
    if (is_word(c, j + 1, "s") && adj(c, j + 1) && y % 10 == 0) {
        set_value(m, EX_TIMEX_DATE, "%03d", y / 10);
        m->n = 2;
        m->the_ok = true;
        return true;
    }
    if (j > c->lo) {
        const struct tok *p = &c->t[j - 1];
        if (has(c, j - 1, LX_APPROX) || is_any(c, j - 1, not_before) ||
            (p->kind == TK_PUNCT && !c->t[j].space &&
             c->text[p->start] != '(' && c->text[p->start] != '-'))
            return false;
    }
    if (in_sent(c, j + 1)) {
        const struct tok *nx = &c->t[j + 1];
        if (is_punct(c, j + 1, '%') || is_word(c, j + 1, "percent") ||
            (nx->kind == TK_PUNCT && !nx->space && in_sent(c, j + 2) &&
             c->t[j + 2].kind == TK_NUM && !c->t[j + 2].space))
            return false;
        /* "2000 troops": a count, unless a preposition marks a year */
        size_t len = nx->end - nx->start;
        if (nx->kind == TK_WORD && !nx->cap && len >= 4 &&
            c->text[nx->end - 1] == 's' && !has(c, j + 1, LX_PAST) &&
            !(j > c->lo && is_any(c, j - 1, year_preps)))
            return false;
    }
    set_value(m, EX_TIMEX_DATE, "%04d", y);
    m->n = 1;
    return true;
}

/* Thursday, Thursday, Dec. 30, Mondays (a set). */
static bool m_weekday(struct ctx *c, size_t j, struct match *m)
{
    struct match sub = {0};
    size_t at;
    int wd;

    if (!has(c, j, LX_WEEKDAY) || !c->t[j].cap)
        return false;
    wd = val(c, j, LX_WEEKDAY);
    if (wd > 10) {
        set_value(m, EX_TIMEX_SET, "XXXX-WXX-%d", wd - 10);
        m->n = 1;
        return true;
    }
    at = is_punct(c, j + 1, ',') ? j + 2 : j + 1;
    if ((m_month(c, at, &sub) || m_day_month(c, at, &sub)) &&
        strlen(sub.value) == 10) {
        *m = sub;
        m->n = at + sub.n - j;
        m->the_ok = false;
        return true;
    }
    put_weekday(c, m, wd, tense_near(c, j, j + 1));
    m->n = 1;
    return true;
}

/* today, yesterday, tomorrow, tonight. */
static bool m_dayrel(struct ctx *c, size_t j, struct match *m)
{
    int d;

    size_t k = j;

    /* the day before yesterday, the day after tomorrow */
    if (is_word(c, j, "day") &&
        (is_word(c, j + 1, "before") || is_word(c, j + 1, "after")) &&
        has(c, j + 2, LX_DAYREL) && val(c, j + 2, LX_DAYREL) != 0 &&
        val(c, j + 2, LX_DAYREL) != 10) {
        k = j + 2;
        m->the_ok = true;
    }
    if (!has(c, k, LX_DAYREL))
        return false;
    d = val(c, k, LX_DAYREL);
    if (k > j)
        d += d < 0 ? -1 : 1;
    if (!c->anchored)
        set_value(m, EX_TIMEX_DATE, "XXXX-XX-XX");
    else
        put_day(m, c->dday + (d == 10 ? 0 : d));
    if (d == 10) {
        strcat(m->value, "TNI");
        m->type = EX_TIMEX_TIME;
    }
    m->n = k + 1 - j;
    return true;
}

/* last week, this month, next year, last October, this spring, last night,
 * this past weekend; "the past year" is a duration. */
static bool m_shift(struct ctx *c, size_t j, struct match *m)
{
    size_t k = j + 1;
    int s, u, wd, mo;
    bool plural;

    if (!has(c, j, LX_SHIFT) || is_verb_last(c, j))
        return false;
    s = val(c, j, LX_SHIFT);
    if (has(c, k, LX_SHIFT) && val(c, k, LX_SHIFT) != 0) {
        s = val(c, k, LX_SHIFT) < 0 ? -1 : 1; /* this past weekend */
        k++;
    }
    m->the_ok = !is_word(c, j, "last") && !is_word(c, j, "this") &&
                !is_word(c, j, "next");
    if ((u = unit_at(c, k, &plural)) != U_NONE) {
        if (plural)
            return false;
        if (s == -2) {
            put_duration(m, 1, u);
            m->the_ok = true;
        } else if (!put_shifted(c, m, s, u)) {
            return false;
        }
    } else if (has(c, k, LX_WEEKDAY) && c->t[k].cap &&
               (wd = val(c, k, LX_WEEKDAY)) < 10) {
        if (!c->anchored)
            set_value(m, EX_TIMEX_DATE, "XXXX-WXX-%d", wd);
        else if (s < 0)
            put_day(m, weekday_day(c, wd, false) -
                           (weekday_of(c->dday) == wd ? 7 : 0));
        else if (s > 0)
            put_day(m, weekday_day(c, wd, true) +
                           (weekday_of(c->dday) == wd ? 7 : 0));
        else
            put_weekday(c, m, wd, tense_near(c, j, k + 1));
    } else if (parse_month(c, k, &mo) == 1 && has(c, k, LX_MONTH)) {
        if (!c->anchored)
            set_value(m, EX_TIMEX_DATE, "XXXX-%02d", mo);
        else if (s < 0)
            put_month(m, mo < c->dm ? c->dy : c->dy - 1, mo);
        else if (s > 0)
            put_month(m, mo > c->dm ? c->dy : c->dy + 1, mo);
        else
            put_month(m, c->dy, mo);
    } else if (has(c, k, LX_SEASON)) {
        put_season(m, c->anchored ? season_year(c, val(c, k, LX_SEASON), s) : 0,
                   val(c, k, LX_SEASON));
    } else if (has(c, k, LX_PART) && s != -2) {
        int part = val(c, k, LX_PART);
        if (s > 0 || (s < 0 && part != 4 && part != 3))
            return false;
        if (!c->anchored)
            set_value(m, EX_TIMEX_DATE, "XXXX-XX-XX");
        else
            put_day(m, c->dday + (s < 0 ? -1 : 0));
        strcat(m->value, "T");
        strcat(m->value, part_codes[part]);
        m->type = EX_TIMEX_TIME;
    } else {
        return false;
    }
    m->n = k + 1 - j;
    return true;
}

/* three weeks, nearly eight years, the past three weeks, 30-day, a year ago,
 * in two weeks (future), for years. */
static bool m_quantity(struct ctx *c, size_t j, struct match *m)
{
    static const char *const fillers[] = {"more",     "additional",  "full",
                                          "straight", "consecutive", "extra",
                                          "long",     NULL};
    static const char *const bare_before[] = {"for",   "in",   "over", "within",
                                              "after", "than", NULL};
    static const char *const lead_words[] = {"first", "final", "initial",
                                             "latest", NULL};
    static const char *const frequencies[] = {"once", "twice", "thrice",
                                              "times", NULL};
    /* "the first time in three weeks" is a span, not a date ahead */
    static const char *const not_in_future[] = {
        "time", "times", "first", "once", "twice", "only", "ever", NULL};
    size_t k = j, used;
    bool lead = false, plural, hyphen = false;
    double q = -1;
    int u;

    if (is_verb_last(c, j))
        return false;
    if ((has(c, k, LX_SHIFT) && val(c, k, LX_SHIFT) != 0) ||
        is_any(c, k, lead_words)) {
        lead = true;
        k++;
    }
    used = parse_qty(c, k, &q);
    if (used == 1 && is_year(c, k) &&
        !(has(c, k + 1, LX_UNIT) && (val(c, k + 1, LX_UNIT) & UNIT_PLURAL)))
        return false; /* the 1988 quarter */
    k += used;
    if (used && is_punct(c, k, '-') && adj(c, k) && adj(c, k + 1)) {
        hyphen = true; /* a 30-day truce */
        k++;
    } else if (used && is_any(c, k, fillers)) {
        k++;
    }
    if ((u = unit_at(c, k, &plural)) == U_NONE)
        return false;
    if (!used) {
        /* bare plural: "for years", "years ago", "the past few months",
         * "decades-long" */
        if (!plural || !(lead || is_word(c, k + 1, "ago") ||
                         (is_punct(c, k + 1, '-') && adj(c, k + 1) &&
                          is_word(c, k + 2, "long") && adj(c, k + 2)) ||
                         (j > c->lo && is_any(c, j - 1, bare_before))))
            return false;
        if (lead && !has(c, j, LX_SHIFT))
            return false;
        q = -1;
    } else if (hyphen && plural) {
        return false;
    }
    if (u == U_QUARTER && used == 1 && !lead && has(c, j, LX_ORDINAL))
        return false;
    /* "a second A380" is an ordinal */
    if (u == U_SECOND && !plural && in_sent(c, k + 1) &&
        c->t[k + 1].kind != TK_PUNCT && !is_word(c, k + 1, "ago") &&
        !is_word(c, k + 1, "later") && !is_word(c, k + 1, "earlier"))
        return false;
    k++;
    if ((is_punct(c, k, '-') && adj(c, k) && is_word(c, k + 1, "old")) ||
        is_word(c, k, "old"))
        return false; /* an age: a 6-year-old, 52 years old */
    if ((hyphen || !used) && is_punct(c, k, '-') && adj(c, k) &&
        is_word(c, k + 1, "long"))
        k += 2;
    put_duration(m, q, u);
    m->the_ok = !hyphen;
    m->n = k - j;
    if (used == 1 && !lead && (is_word(c, j, "a") || is_word(c, j, "an")) &&
        j > c->lo && is_any(c, j - 1, frequencies)) {
        m->type = EX_TIMEX_SET; /* twice a year */
        return true;
    }
    if (lead || hyphen)
        return true;
    if ((is_word(c, k, "ago") ||
         (used && (is_word(c, k, "earlier") || is_word(c, k, "before")))) &&
        u >= U_DAY) {
        /* a decade ago is a year */
        int back = (int)q * (u == U_DECADE ? 10 : u == U_CENTURY ? 100 : 1);
        if (q < 0)
            set_value(m, EX_TIMEX_DATE, "%s", vague_values[V_PAST]);
        else if (q == 1 && u == U_YEAR && c->anchored)
            put_year_before(c, m);
        else
            put_shifted(c, m, -back, u >= U_DECADE ? U_YEAR : u);
        m->n++;
        m->the_ok = false;
    } else if (used && q >= 0 && j > c->lo && is_word(c, j - 1, "in") &&
               !(j - 1 > c->lo && is_any(c, j - 2, not_in_future)) &&
               tense_near(c, j - 1, k) == TENSE_FUTURE) {
        if (!put_shifted(c, m, (int)q, u))
            put_duration(m, q, u);
    }
    return true;
}

/* the third quarter (of 2021), Q3, third-quarter, the first half. */
static bool m_quarter(struct ctx *c, size_t j, struct match *m)
{
    size_t k = j;
    int n, y = c->anchored ? c->dy : 0;
    bool half, hyphen = false;

    if (is_word(c, j, "q") && is_num(c, j + 1, 1, 1) && adj(c, j + 1)) {
        n = c->t[j + 1].num;
        k = j + 2;
        half = false;
    } else {
        if (!has(c, j, LX_ORDINAL) &&
            !(is_num(c, j, 1, 1) && is_ordinal_suffix(c, j + 1)))
            return false;
        n = has(c, j, LX_ORDINAL) ? val(c, j, LX_ORDINAL) : c->t[j].num;
        k = has(c, j, LX_ORDINAL) ? j + 1 : j + 2;
        hyphen = is_punct(c, k, '-') && adj(c, k);
        k += hyphen;
        half = is_word(c, k, "half");
        if (!half && !is_word(c, k, "quarter"))
            return false;
        k++;
    }
    if (n < 1 || n > (half ? 2 : 4))
        return false;
    if (is_word(c, k, "of") && is_year(c, k + 1)) {
        y = c->t[k + 1].num;
        k += 2;
    } else if (is_year(c, k)) {
        y = c->t[k].num;
        k++;
    } else if (j > c->lo && is_year(c, j - 1)) {
        y = c->t[j - 1].num;
    }
    if (y)
        set_value(m, EX_TIMEX_DATE, "%04d-%c%d", y, half ? 'H' : 'Q', n);
    else
        set_value(m, EX_TIMEX_DATE, "XXXX-%c%d", half ? 'H' : 'Q', n);
    m->n = k - j;
    m->the_ok = !hyphen;
    return true;
}

/* summer 2021, the summer of 2021, the winter (by tense). */
static bool m_season(struct ctx *c, size_t j, struct match *m)
{
    int s, y = 0;
    size_t k = j + 1;

    if (!has(c, j, LX_SEASON))
        return false;
    s = val(c, j, LX_SEASON);
    if (is_word(c, j, "fall") &&
        (is_word(c, k, "in") || (is_word(c, k, "of") && !is_year(c, k + 1))))
        return false; /* the fall in prices */
    if (is_word(c, k, "of") && is_year(c, k + 1)) {
        y = c->t[k + 1].num;
        k += 2;
    } else if (is_year(c, k)) {
        y = c->t[k].num;
        k++;
    } else if (!(j > c->lo && has(c, j - 1, LX_DATEPREP))) {
        return false;
    } else if (c->anchored) {
        enum tense t = tense_near(c, j, k);
        y = t == TENSE_PAST     ? season_year(c, s, -1)
            : t == TENSE_FUTURE ? season_year(c, s, 1)
                                : c->dy;
    }
    put_season(m, y, s);
    m->n = k - j;
    m->the_ok = true;
    return true;
}

/* now, currently, recently, the past, the (near) future, recent weeks,
 * coming months, these days, right now. */
static bool m_vague(struct ctx *c, size_t j, struct match *m)
{
    bool plural;
    enum vague v;
    size_t n = 1;

    if (has(c, j, LX_VAGUE)) {
        if (is_punct(c, j + 1, '-') && adj(c, j + 1))
            return false; /* the now-cancelled deal */
        v = (enum vague)val(c, j, LX_VAGUE);
    } else if (is_word(c, j, "right") && is_word(c, j + 1, "now")) {
        v = V_PRESENT;
        n = 2;
    } else if (is_word(c, j, "these") && is_word(c, j + 1, "days")) {
        v = V_PRESENT;
        n = 2;
    } else if (is_word(c, j, "present") && j > c->lo &&
               is_word(c, j - 1, "at")) {
        v = V_PRESENT;
    } else if (is_word(c, j, "past") && j > c->lo &&
               (is_word(c, j - 1, "the") || is_word(c, j - 1, "recent"))) {
        v = V_PAST;
    } else if (is_word(c, j, "recent") && (unit_at(c, j + 1, &plural) != U_NONE
                                               ? plural
                                               : is_word(c, j + 1, "past"))) {
        v = V_PAST;
        n = 2;
    } else if (is_word(c, j, "future") && j > c->lo &&
               is_word(c, j - 1, "the")) {
        v = V_FUTURE;
    } else if (is_word(c, j, "near") && is_word(c, j + 1, "future")) {
        v = V_FUTURE;
        n = 2;
    } else if (is_word(c, j, "coming") && unit_at(c, j + 1, &plural) &&
               plural) {
        v = V_FUTURE;
        n = 2;
    } else {
        return false;
    }
    set_value(m, EX_TIMEX_DATE, "%s", vague_values[v]);
    m->n = n;
    m->the_ok = true;
    return true;
}

/* every week, each Thursday, every two years, daily, per year. */
static bool m_set(struct ctx *c, size_t j, struct match *m)
{
    size_t k = j + 1, used;
    double q = 1;
    bool plural;
    int u;

    if (has(c, j, LX_SETADV)) {
        put_duration(m, 1, val(c, j, LX_SETADV));
        m->type = EX_TIMEX_SET;
        m->n = 1;
        return true;
    }
    if (!has(c, j, LX_EVERY) && !is_word(c, j, "per"))
        return false;
    if (is_word(c, k, "other")) {
        q = 2;
        k++;
    } else if ((used = parse_qty(c, k, &q)) != 0) {
        k += used;
    }
    if (has(c, k, LX_WEEKDAY) && c->t[k].cap) {
        set_value(m, EX_TIMEX_SET, "XXXX-WXX-%d",
                  (val(c, k, LX_WEEKDAY) - 1) % 10 + 1);
    } else if (has(c, k, LX_PART)) {
        set_value(m, EX_TIMEX_SET, "XXXX-XX-XXT%s",
                  part_codes[val(c, k, LX_PART)]);
    } else if ((u = unit_at(c, k, &plural)) != U_NONE) {
        put_duration(m, q < 0 ? 1 : q, u);
        m->type = EX_TIMEX_SET;
    } else {
        return false;
    }
    m->n = k + 1 - j;
    return true;
}

static bool match_at(struct ctx *c, size_t i, struct match *m, size_t *start);

/* the end of 2021, the beginning of next month, the end of the year,
 * year-end. */
static bool m_boundary(struct ctx *c, size_t j, struct match *m)
{
    static const char *const edges[] = {"end",  "beginning", "start", "middle",
                                        "turn", "close",     NULL};
    size_t k = j + 2, start;
    bool plural;
    int u;

    if (is_word(c, j, "year") &&
        (is_word(c, j + 1, "end") ||
         (is_punct(c, j + 1, '-') && is_word(c, j + 2, "end")))) {
        if (!c->anchored)
            return false;
        set_value(m, EX_TIMEX_DATE, "%04d-12-31", c->dy);
        m->n = is_word(c, j + 1, "end") ? 2 : 3;
        return true;
    }
    if (!is_any(c, j, edges) || !is_word(c, j + 1, "of") || c->depth > 1)
        return false;
    if ((is_word(c, k, "the") || is_word(c, k, "this")) &&
        (u = unit_at(c, k + 1, &plural)) != U_NONE && !plural) {
        if (!put_shifted(c, m, 0, u))
            return false;
        m->n = k + 2 - j;
    } else {
        bool found;
        c->depth++;
        found = match_at(c, k, m, &start);
        c->depth--;
        if (!found || start != k ||
            (m->type != EX_TIMEX_DATE && m->type != EX_TIMEX_TIME) ||
            m->value[0] == 'P')
            return false;
        m->n += k - j;
    }
    m->the_ok = true;
    return true;
}

/* the same year (the year last named), the new year, the (latest)
 * quarter (the last one reported), the weekend (by tense). */
static bool m_same(struct ctx *c, size_t j, struct match *m)
{
    size_t the = j > c->lo && is_word(c, j - 1, "latest") ? j - 1 : j;

    if (the == c->lo || !is_word(c, the - 1, "the"))
        return false;
    m->n = 1;
    m->the_ok = true;
    if (is_word(c, j, "quarter") && !is_word(c, j + 1, "of"))
        return put_shifted(c, m, -1, U_QUARTER);
    if (is_word(c, j, "weekend")) {
        enum tense t = tense_near(c, j, j + 1);
        return put_shifted(c, m, t == TENSE_FUTURE ? 1 : -1, U_WEEKEND);
    }
    if (!is_word(c, j + 1, "year"))
        return false;
    m->n = 2;
    if (is_word(c, j, "same") && c->last_year)
        set_value(m, EX_TIMEX_DATE, "%04d", c->last_year);
    else if (is_word(c, j, "new") && !c->t[j].cap && c->anchored)
        set_value(m, EX_TIMEX_DATE, "%04d", c->dy + (c->dm >= 10));
    else
        return false;
    return true;
}

/* Holidays that move: codes of the "holiday" class below 0. */
enum movable { H_THANKSGIVING = -1, H_ELECTION = -2, H_EASTER = -3 };

/* The day of holiday @code (MMDD, or an enum movable) in year @y. */
static int64_t holiday_day(int code, int y)
{
    int64_t nov1 = days_from_civil(y, 11, 1);

    switch (code) {
    case H_THANKSGIVING: /* fourth Thursday of November */
        return nov1 + (4 - weekday_of(nov1) + 7) % 7 + 21;
    case H_ELECTION: /* the Tuesday after the first Monday of November */
        return nov1 + (1 - weekday_of(nov1) + 7) % 7 + 1;
    case H_EASTER: { /* anonymous Gregorian computus */
        int a = y % 19, b = y / 100, cc = y % 100, d = b / 4, e = b % 4;
        int f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30, i = cc / 4, k = cc % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int mo = (h + l - 7 * m + 114) / 31;
        return days_from_civil(y, mo, (h + l - 7 * m + 114) % 31 + 1);
    }
    default:
        return days_from_civil(y, code / 100, code % 100);
    }
}

/* Christmas, Christmas Eve, Thanksgiving Day, Election Day, Easter,
 * New Year's Day; the year by tense unless given. */
static bool m_holiday(struct ctx *c, size_t j, struct match *m)
{
    size_t k = j + 1;
    int code, y = 0, shift = 0;
    bool needs_day;
    int64_t day;

    if (is_word(c, j, "new") && c->t[j].cap && is_word(c, k, "year") &&
        c->t[k].cap) {
        code = 101;
        k++;
        needs_day = false;
    } else if (has(c, j, LX_HOLIDAY) && c->t[j].cap) {
        code = val(c, j, LX_HOLIDAY);
        needs_day = code == H_ELECTION || code == 214;
    } else {
        return false;
    }
    if ((is_punct(c, k, '\'') || c->t[k].end - c->t[k].start == 3) &&
        in_sent(c, k) && c->t[k].kind == TK_PUNCT && adj(c, k) &&
        is_word(c, k + 1, "s") && adj(c, k + 1))
        k += 2; /* New Year's */
    if (is_word(c, k, "day") || is_word(c, k, "sunday")) {
        k++;
    } else if (is_word(c, k, "eve")) {
        shift = -1;
        k++;
    } else if (needs_day) {
        return false;
    }
    if (code == 101 && shift < 0) {
        code = 1231; /* New Year's Eve */
        shift = 0;
    }
    k += parse_year_after(c, k, &y);
    if (!c->anchored && !y) {
        set_value(m, EX_TIMEX_DATE, "XXXX-XX-XX");
    } else {
        if (!y) {
            enum tense t = tense_near(c, j, k);
            int64_t prev = holiday_day(code, c->dy - 1),
                    cur = holiday_day(code, c->dy),
                    next = holiday_day(code, c->dy + 1);
            day = t == TENSE_PAST     ? (cur <= c->dday ? cur : prev)
                  : t == TENSE_FUTURE ? (cur >= c->dday ? cur : next)
                                      : cur;
        } else {
            day = holiday_day(code, y);
        }
        put_day(m, day + shift);
    }
    m->n = k - j;
    m->the_ok = false;
    return true;
}

/* year-earlier, the year-ago quarter, the year-earlier period. */
static bool m_year_ago(struct ctx *c, size_t j, struct match *m)
{
    size_t k = j + 3;

    if (!is_word(c, j, "year") || !is_punct(c, j + 1, '-') || !adj(c, j + 1) ||
        !adj(c, j + 2) ||
        !(is_word(c, j + 2, "earlier") || is_word(c, j + 2, "ago")) ||
        !c->anchored)
        return false;
    put_year_before(c, m);
    if (is_word(c, k, "quarter") || is_word(c, k, "period")) {
        k++;
        m->the_ok = true;
    }
    m->n = k - j;
    return true;
}

/* Matching ---------------------------------------------------------------- */

typedef bool (*recogniser)(struct ctx *, size_t, struct match *);

static const recogniser recognisers[] = {
    m_numeric, m_time,     m_month,    m_day_month, m_year,    m_weekday,
    m_dayrel,  m_shift,    m_quantity, m_quarter,   m_season,  m_vague,
    m_set,     m_boundary, m_same,     m_year_ago,  m_holiday,
};

/* The longest expression starting exactly at @j. */
static bool match_core(struct ctx *c, size_t j, struct match *best)
{
    size_t end;

    best->n = 0;
    for (size_t r = 0; r < sizeof(recognisers) / sizeof(*recognisers); r++) {
        struct match m = {0};
        if (recognisers[r](c, j, &m) && m.n > best->n)
            *best = m;
    }
    if (!best->n)
        return false;
    end = j + best->n;
    /* Thursday afternoon (TAF), yesterday evening; a morning or night
     * stays a date in TempEval-3 news */
    if (best->type == EX_TIMEX_DATE && strlen(best->value) == 10 &&
        has(c, end, LX_PART) && !is_punct(c, end + 1, '-')) {
        int part = val(c, end, LX_PART);
        if (part == 2 || part == 3) {
            strcat(best->value, "T");
            strcat(best->value, part_codes[part]);
            best->type = EX_TIMEX_TIME;
        }
        best->n++;
    }
    return true;
}

enum pre_kind { PRE_THE, PRE_APPROX, PRE_LOOSE, PRE_MOD };

struct pre {
    size_t at;
    enum pre_kind kind;
};

/* Words in front of an expression: the, nearly, more than, early, mid-. */
static size_t scan_prefix(const struct ctx *c, size_t i, struct pre *pre,
                          size_t *npre)
{
    static const char *const loose[] = {"some", NULL};
    size_t j = i;

    *npre = 0;
    while (*npre < 4 && in_sent(c, j)) {
        struct pre p = {j, PRE_APPROX};
        if (is_word(c, j, "the") || (is_word(c, j, "latest") && j > c->lo &&
                                     is_word(c, j - 1, "the"))) {
            p.kind = PRE_THE;
            j++;
        } else if ((is_word(c, j, "more") || is_word(c, j, "less") ||
                    is_word(c, j, "fewer")) &&
                   is_word(c, j + 1, "than")) {
            j += 2;
        } else if (is_word(c, j, "no") && is_word(c, j + 2, "than")) {
            j += 3;
        } else if ((is_word(c, j, "just") || is_word(c, j, "well") ||
                    is_word(c, j, "slightly")) &&
                   (is_word(c, j + 1, "over") || is_word(c, j + 1, "under"))) {
            j += 2;
        } else if ((is_word(c, j, "at") && (is_word(c, j + 1, "least") ||
                                            is_word(c, j + 1, "most"))) ||
                   (is_word(c, j, "up") && is_word(c, j + 1, "to"))) {
            j += 2;
        } else if (has(c, j, LX_APPROX)) {
            p.kind = is_any(c, j, loose) ? PRE_LOOSE : PRE_APPROX;
            j++;
        } else if (has(c, j, LX_MOD)) {
            p.kind = PRE_MOD;
            j++;
            if (is_punct(c, j, '-') && adj(c, j))
                j++;
        } else {
            break;
        }
        pre[(*npre)++] = p;
    }
    return j;
}

/*
 * The expression at @i with its admissible prefix words. On success *@m
 * holds the match counted from the core, *@start its first token.
 */
static bool match_at(struct ctx *c, size_t i, struct match *m, size_t *start)
{
    struct pre pre[4];
    size_t npre, j = scan_prefix(c, i, pre, &npre);

    if (!match_core(c, j, m))
        return false;
    *start = j;
    while (npre > 0) {
        const struct pre *p = &pre[npre - 1];
        bool okay;
        switch (p->kind) {
        case PRE_THE:
            okay = m->the_ok;
            break;
        case PRE_LOOSE:
            okay = m->type == EX_TIMEX_DURATION && j == p->at + 1;
            break;
        case PRE_APPROX:
            okay = m->type != EX_TIMEX_SET;
            break;
        default:
            okay = m->type == EX_TIMEX_DATE || m->type == EX_TIMEX_TIME;
            break;
        }
        if (!okay)
            break;
        *start = p->at;
        npre--;
    }
    m->n += j - *start;
    return true;
}

/* Clauses and labels ------------------------------------------------------ */

static bool is_attribution(const struct ctx *c, size_t i)
{
    static const char *const verbs[] = {"said",  "says",      "told",
                                        "added", "according", NULL};
    return is_any(c, i, verbs);
}

/*
 * The label of the expression at tokens [ts, te) in clause [a, b): the
 * clause without the sentence's expressions and their prepositions
 * (c->taken) and without an attribution ("..., officials said"), cut to a
 * few words. NULL when too thin.
 */
static char *make_label(const struct ctx *c, size_t a, size_t b, size_t ts,
                        size_t te)
{
    enum { MAX_WORDS = 12, MAX_TOKENS = 40 };
    size_t keep[MAX_TOKENS], nkeep = 0, words = 0;
    char *out, *p;
    size_t len = 0;

    /* "X said (that) ..." near the start; "..., X said" at the end */
    for (size_t i = a; i < b && i < a + 6; i++)
        if (is_attribution(c, i) && i + 1 < ts) {
            a = is_word(c, i + 1, "that") ? i + 2 : i + 1;
            break;
        }
    for (size_t i = b; i > a + 1 && i > te && i + 4 >= b; i--)
        if (is_punct(c, i - 1, ',')) {
            for (size_t k = i; k < b; k++)
                if (is_attribution(c, k)) {
                    b = i - 1;
                    break;
                }
            break;
        }
    for (size_t i = a; i < b && words < MAX_WORDS && nkeep < MAX_TOKENS; i++) {
        const struct tok *k = &c->t[i];
        if (c->taken[i])
            continue;
        if (nkeep == 0 && (k->kind == TK_PUNCT || has(c, i, LX_LABELTRIM)))
            continue;
        /* quotes and dashes go; an apostrophe inside a word stays */
        if (k->kind == TK_PUNCT &&
            (c->text[k->start] == '"' ||
             (k->end - k->start == 3 &&
              (k->space || !adj(c, i + 1) || c->t[i + 1].kind != TK_WORD))))
            continue;
        if (k->kind == TK_PUNCT && c->text[k->start] == ',' && words >= 4 &&
            !adj(c, i + 1))
            break;
        keep[nkeep++] = i;
        words += k->kind != TK_PUNCT && (k->space || nkeep == 1);
    }
    while (nkeep > 0 && ((c->t[keep[nkeep - 1]].kind == TK_PUNCT &&
                          c->text[c->t[keep[nkeep - 1]].start] != '%') ||
                         has(c, keep[nkeep - 1], LX_LABELTRIM)))
        nkeep--;
    words = 0;
    for (size_t i = 0; i < nkeep; i++) {
        len += c->t[keep[i]].end - c->t[keep[i]].start + 1;
        words += c->t[keep[i]].kind == TK_WORD;
    }
    if (words < 2)
        return NULL;
    p = out = xmalloc(len + 1);
    for (size_t i = 0; i < nkeep; i++) {
        const struct tok *k = &c->t[keep[i]];
        if (i > 0 &&
            (k->space || (keep[i] != keep[i - 1] + 1 && k->kind != TK_PUNCT)))
            *p++ = ' ';
        memcpy(p, c->text + k->start, k->end - k->start);
        p += k->end - k->start;
    }
    *p = '\0';
    return out;
}

/*
 * Fill the clause and label of @x, found at tokens [ts, te): the part of
 * the sentence between clause breaks (at most MAX_REACH tokens either
 * side), or the sentence around it when that part is too short.
 */
static void anchor_clause(const struct ctx *c, struct ex_timex *x, size_t ts,
                          size_t te)
{
    enum { MAX_REACH = 40 };
    size_t a = ts, b = te;

    while (a > c->lo && ts - a < MAX_REACH && !is_clause_break(c, a - 1))
        a--;
    while (b < c->hi && b - te < MAX_REACH && !is_clause_break(c, b))
        b++;
    if (b - a < te - ts + 4) {
        a = ts - c->lo > MAX_REACH ? ts - MAX_REACH : c->lo;
        b = c->hi - te > MAX_REACH ? te + MAX_REACH : c->hi;
    }
    x->clause_start = c->t[a].start;
    x->clause_end = c->t[b - 1].end;
    x->label = make_label(c, a, b, ts, te);
}

/* Extraction -------------------------------------------------------------- */

static bool parse_published(struct ctx *c, const char *published)
{
    int y, mo, d;

    if (!published || strlen(published) < 10 ||
        sscanf(published, "%4d-%2d-%2d", &y, &mo, &d) != 3 || y < 1 || mo < 1 ||
        mo > 12 || d < 1 || d > days_in_month(y, mo))
        return false;
    c->dy = y;
    c->dm = mo;
    c->dday = days_from_civil(y, mo, d);
    return true;
}

/* Remember what later expressions may refer to. */
static void note_reference(struct ctx *c, const struct match *m)
{
    int y, mo, d;

    if (m->type != EX_TIMEX_DATE && m->type != EX_TIMEX_TIME)
        return;
    if (sscanf(m->value, "%4d-%2d-%2d", &y, &mo, &d) == 3 && mo >= 1 &&
        mo <= 12 && d >= 1 && d <= days_in_month(y, mo)) {
        c->ref_day = days_from_civil(y, mo, d);
        c->has_ref = true;
    }
    if (m->value[0] >= '0' && m->value[0] <= '9' && strlen(m->value) >= 4 &&
        sscanf(m->value, "%4d", &y) == 1)
        c->last_year = y;
    if (sscanf(m->value, "%4d-Q%1d", &y, &d) == 2 && d >= 1 && d <= 4 &&
        y == c->dy) {
        c->qyear = y;
        c->qn = d;
    }
}

int timex_extract(const struct timex_resources *res, const struct ex_doc *doc,
                  struct ex_result *r)
{
    struct ctx c = {.res = res, .text = doc->text};
    struct ex_timex *out = NULL;
    size_t ntok, cap = 0, n = 0, first = 0;
    struct tok *t = tokenize(res, doc->text, doc->len, &ntok);
    /* token ranges of the expressions (+ 1 for an empty text) */
    size_t *from = xmalloc((ntok + 1) * sizeof(*from));

    c.t = t;
    c.taken = xcalloc(ntok + 1, sizeof(*c.taken));
    c.anchored = parse_published(&c, doc->published);
    for (size_t s = 0; s < r->nsentences; s++) {
        const struct ex_sentence *sent = &r->sentences[s];
        size_t s0 = n;
        while (first < ntok && t[first].start < sent->start)
            first++;
        c.lo = c.hi = first;
        while (c.hi < ntok && t[c.hi].end <= sent->end)
            c.hi++;
        for (size_t i = c.lo; i < c.hi;) {
            struct match m;
            size_t start;
            if (!match_at(&c, i, &m, &start)) {
                i++;
                continue;
            }
            out = xgrow(out, sizeof(*out), n + 1, &cap);
            struct ex_timex *x = &out[n];
            memset(x, 0, sizeof(*x));
            x->start = t[start].start;
            x->end = t[start + m.n - 1].end;
            x->type = m.type;
            memcpy(x->value, m.value, sizeof(x->value));
            x->sentence = (uint32_t)s;
            from[n++] = start;
            /* labels leave out the expressions and their prepositions */
            memset(c.taken + start, true, m.n);
            if (start > c.lo && c.t[start - 1].kind == TK_WORD &&
                has(&c, start - 1, LX_LABELTRIM))
                c.taken[start - 1] = true;
            note_reference(&c, &m);
            i = start + m.n;
        }
        for (size_t k = s0; k < n; k++) {
            size_t te = from[k];
            while (te < c.hi && t[te].end <= out[k].end)
                te++;
            anchor_clause(&c, &out[k], from[k], te);
        }
        first = c.hi;
    }
    free(c.taken);
    free(from);
    free(t);
    r->timexes = out;
    r->ntimexes = n;
    return 0;
}
