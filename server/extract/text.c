/*
 * text.c - tokeniser and sentence splitter for news text (see text.h).
 *
 * One linear pass finds the tokens and the line structure; a second pass
 * over the tokens marks sentence starts. Sentences end at paragraph breaks
 * and after . ! ? (with any closing quotes and brackets) when the next
 * token can start a sentence and the period does not close an
 * abbreviation or an initial.
 */
#include "extract/text.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"

bool text_cp_is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    if (cp == 0xaa || cp == 0xb5 || cp == 0xba)
        return true;
    if (cp < 0xc0)
        return false;
    if (cp == 0xd7 || cp == 0xf7)
        return false;
    if (cp < 0x2000) /* Latin, combining marks, Greek, Cyrillic, ... */
        return cp != 0x37e && cp != 0x387 && !(cp >= 0x482 && cp <= 0x489);
    if (cp < 0x2c00) /* punctuation, symbols, arrows, ... */
        return false;
    if (cp >= 0x3000 && cp < 0x3040)
        return false;
    if ((cp >= 0xfe10 && cp <= 0xfe6f) || (cp >= 0xff00 && cp <= 0xff20) ||
        cp == 0xfeff)
        return false;
    return cp < 0x1f000;
}

bool text_cp_is_upper(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0xc0 && cp <= 0xde)
        return cp != 0xd7;
    if (cp >= 0x100 && cp <= 0x137)
        return cp % 2 == 0;
    if (cp >= 0x139 && cp <= 0x148)
        return cp % 2 == 1;
    if (cp >= 0x14a && cp <= 0x177)
        return cp % 2 == 0;
    if (cp >= 0x178 && cp <= 0x17e)
        return cp == 0x178 || cp % 2 == 1;
    if (cp >= 0x386 && cp <= 0x3ab)
        return cp != 0x387 && cp != 0x38b && cp != 0x38d && cp != 0x3a2;
    if (cp >= 0x400 && cp <= 0x42f)
        return true;
    if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf) ||
        (cp >= 0x4d0 && cp <= 0x52f) || (cp >= 0x1e00 && cp <= 0x1eff))
        return cp % 2 == 0;
    return false;
}

static bool cp_is_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

static bool cp_is_alnum(uint32_t cp)
{
    return cp_is_digit(cp) || text_cp_is_letter(cp);
}

static bool cp_is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

static bool cp_is_quote(uint32_t cp)
{
    switch (cp) {
    case '"':
    case '\'':
    case '`':
    case 0xab:
    case 0xbb:
    case 0x2018:
    case 0x2019:
    case 0x201a:
    case 0x201b:
    case 0x201c:
    case 0x201d:
    case 0x201e:
    case 0x201f:
    case 0x2039:
    case 0x203a:
        return true;
    default:
        return false;
    }
}

static bool cp_is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
           cp == '\f' || cp == 0xa0 || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200b);
}

/* The code point at @i (0 past the end); *@next gets the following index. */
static uint32_t peek(const char *s, size_t len, size_t i, size_t *next)
{
    if (i >= len) {
        *next = len;
        return 0;
    }
    *next = i;
    return utf8_decode(s, len, next);
}

/* Inner characters a word may hold when a letter or digit follows. */
static bool word_joiner(uint32_t cp)
{
    return cp == '-' || cp == '.' || cp == '&' || cp == 0x2010 ||
           cp_is_apostrophe(cp);
}

/* "U.S" (single letters between periods): takes its final period. */
static bool is_initialism(const char *s, size_t start, size_t end)
{
    size_t i = start, segs = 0;

    while (i < end) {
        uint32_t cp = peek(s, end, i, &i);
        if (!text_cp_is_letter(cp))
            return false;
        segs++;
        if (i == end)
            break;
        if (s[i] != '.')
            return false;
        i++;
    }
    return segs >= 2;
}

/* End of a possessive ending ('s, ’s) at @i, or 0 when there is none. */
static size_t possessive_end(const char *s, size_t len, size_t i)
{
    size_t next, after, end;

    if (!cp_is_apostrophe(peek(s, len, i, &next)))
        return 0;
    uint32_t c = peek(s, len, next, &after);
    if ((c != 's' && c != 'S') || cp_is_alnum(peek(s, len, after, &end)))
        return 0;
    return after;
}

/* Scan a word from @i; returns its end. */
static size_t scan_word(const char *s, size_t len, size_t i)
{
    size_t next, after;

    for (;;) {
        uint32_t cp = peek(s, len, i, &next);
        if (cp_is_alnum(cp)) {
            i = next;
            continue;
        }
        if (!word_joiner(cp) || possessive_end(s, len, i))
            break; /* a possessive is a token of its own */
        uint32_t c2 = peek(s, len, next, &after);
        if (!cp_is_alnum(c2) ||
            ((cp == '-' || cp == 0x2010) && text_cp_is_upper(c2)))
            break; /* "Moscow-NATO": names on either side */
        i = next;
    }
    return i;
}

static size_t scan_number(const char *s, size_t len, size_t i)
{
    size_t next, after;

    for (;;) {
        uint32_t cp = peek(s, len, i, &next);
        if (cp_is_digit(cp)) {
            i = next;
            continue;
        }
        if ((cp == ',' || cp == '.' || cp == ':') &&
            cp_is_digit(peek(s, len, next, &after))) {
            i = after;
            continue;
        }
        break;
    }
    while (text_cp_is_letter(peek(s, len, i, &next)))
        i = next;
    return i;
}

/* Lower case: a letter that is not upper case nor a combining mark. */
static bool cp_is_lower(uint32_t cp)
{
    return text_cp_is_letter(cp) && !text_cp_is_upper(cp) &&
           !(cp >= 0x300 && cp <= 0x36f);
}

static uint32_t word_flags(const char *s, size_t start, size_t end)
{
    uint32_t flags = TEXT_TOK_WORD;
    size_t i = start;

    if (!text_cp_is_upper(peek(s, end, i, &i)))
        return flags;
    flags |= TEXT_TOK_CAP;
    while (i < end)
        if (cp_is_lower(peek(s, end, i, &i)))
            return flags;
    return flags | TEXT_TOK_UPPER;
}

/*
 * Hard-wrapped copy (wire stories) breaks lines inside sentences: many of
 * its lines start with a lower-case letter. Such text only breaks
 * paragraphs at blank and indented lines.
 */
static bool text_is_wrapped(const char *s, size_t len)
{
    size_t lines = 0, lower = 0;

    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] != '\n')
            continue;
        unsigned char c = (unsigned char)s[i + 1];
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
            continue;
        lines++;
        if (c >= 'a' && c <= 'z')
            lower++;
    }
    return lower >= 2 && lower * 5 >= lines;
}

static void tokenise(const char *s, size_t len, struct text_token **out,
                     size_t *n)
{
    struct text_token *t = NULL;
    size_t cap = 0, count = 0, i = 0, next;
    bool wrapped = text_is_wrapped(s, len);

    while (i < len) {
        unsigned newlines = 0;
        bool blank = false, indent = false;
        uint32_t cp;

        for (;;) {
            cp = peek(s, len, i, &next);
            if (i >= len || !cp_is_space(cp))
                break;
            if (cp == '\n' || cp == 0x2028 || cp == 0x2029) {
                blank = blank || newlines > 0;
                newlines++;
                indent = false;
            } else if (newlines > 0 && cp != '\r') {
                indent = true;
            }
            i = next;
        }
        if (i >= len)
            break;

        size_t start = i;
        uint32_t flags;
        if (text_cp_is_letter(cp)) {
            i = scan_word(s, len, i);
            if (i < len && s[i] == '.' && is_initialism(s, start, i))
                i++;
            flags = word_flags(s, start, i);
        } else if (cp_is_digit(cp)) {
            i = scan_number(s, len, i);
            flags = TEXT_TOK_NUMBER;
        } else if (count > 0 && t[count - 1].end == start &&
                   (t[count - 1].flags & TEXT_TOK_WORD) &&
                   possessive_end(s, len, i)) {
            i = possessive_end(s, len, i);
            flags = TEXT_TOK_WORD | TEXT_TOK_POSS;
        } else {
            i = next;
            flags = TEXT_TOK_PUNCT;
            if (cp_is_quote(cp))
                flags |= TEXT_TOK_QUOTE;
        }
        if (count == 0 || newlines > 0)
            flags |= TEXT_TOK_LINE;
        if (count == 0 || blank || (newlines > 0 && (indent || !wrapped)))
            flags |= TEXT_TOK_PARA;
        t = xgrow(t, sizeof(*t), count + 1, &cap);
        t[count++] = (struct text_token){(uint32_t)start, (uint32_t)i, flags};
    }
    *out = t;
    *n = count;
}

/* Case-sensitive membership of a token's bytes in a NULL-ended table. */
static bool tok_in(const char *s, const struct text_token *t,
                   const char *const *table)
{
    size_t n = t->end - t->start;

    for (; *table; table++)
        if (strlen(*table) == n && memcmp(*table, s + t->start, n) == 0)
            return true;
    return false;
}

/* Abbreviations before a name: a period after them never ends a sentence. */
static const char *const abbr_title[] = {
    "Mr",   "Mrs", "Ms",   "Dr",   "Gen",  "Sen",  "Rep",  "Gov",
    "Lt",   "Col", "Capt", "Cmdr", "Sgt",  "Maj",  "Adm",  "Prof",
    "Rev",  "St",  "Mt",   "Ft",   "Pres", "Supt", "Hon",  "Messrs",
    "Brig", "Cpl", "Pvt",  "Gens", "Sens", "Reps", "Atty", "Insp",
    "Det",  "Mme", "Mlle", "Fr",   "Sr",   "Jr",   NULL,
};

/* Abbreviations before a number: "Dec. 7", "No. 10". */
static const char *const abbr_number[] = {
    "Jan",  "Feb", "Mar", "Apr", "Jun",    "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec", "No",     "Nos", "Vol", "pp",
    "p",    "Fig", "Art", "ca",  "approx", NULL,
};

/* Abbreviations that may end a sentence: "... said Acme Inc. The ...". */
static const char *const abbr_final[] = {
    "Inc", "Corp", "Co", "Ltd", "Bros", "Cos", "Plc", "etc",
    "vs",  "al",   "Jr", "Sr",  "Esq",  "LLC", NULL,
};

/* Words that start a sentence after an ambiguous abbreviation. */
static const char *const starters[] = {
    "The",   "A",       "An",    "He",        "She",     "It",        "They",
    "We",    "I",       "You",   "But",       "And",     "In",        "On",
    "At",    "This",    "That",  "These",     "Those",   "There",     "His",
    "Her",   "Its",     "Their", "Our",       "As",      "After",     "When",
    "While", "However", "Also",  "If",        "For",     "So",        "Some",
    "Many",  "Most",    "Other", "According", "Earlier", "Meanwhile", "Now",
    "Still", "Yet",     "Last",  "Shares",    NULL,
};

static bool is_terminal(const char *s, const struct text_token *t)
{
    char c = s[t->start];

    if (!(t->flags & TEXT_TOK_PUNCT))
        return false;
    return c == '.' || c == '!' || c == '?' ||
           (t->end - t->start == 3 &&
            memcmp(s + t->start, "\xe2\x80\xa6", 3) == 0); /* … */
}

static bool is_closer(const char *s, const struct text_token *t)
{
    char c = s[t->start];

    if (!(t->flags & TEXT_TOK_PUNCT))
        return false;
    return c == ')' || c == ']' || c == '"' || c == '\'' ||
           (t->flags & TEXT_TOK_QUOTE && t->end - t->start == 3 &&
            ((unsigned char)s[t->start + 2] == 0x9d ||
             (unsigned char)s[t->start + 2] == 0x99)); /* ” ’ */
}

/* Can @t begin a sentence (capital, digit, opening quote or bracket)? */
static bool can_start(const char *s, const struct text_token *t,
                      const struct text_token *end)
{
    if (t->flags & (TEXT_TOK_CAP | TEXT_TOK_NUMBER))
        return true;
    if (!(t->flags & TEXT_TOK_PUNCT))
        return false;
    char c = s[t->start];
    if (c == '-' || c == '*' || (unsigned char)c == 0xe2) /* bullets, —, “ */
        return true;
    if ((t->flags & TEXT_TOK_QUOTE) || c == '(' || c == '[')
        return t + 1 < end && (t[1].flags & (TEXT_TOK_CAP | TEXT_TOK_NUMBER));
    return false;
}

/*
 * Does a period right after @w (a word ending at the period) leave the
 * sentence open, given the token @nx that follows?
 */
static bool abbreviation(const char *s, const struct text_token *w,
                         const struct text_token *nx)
{
    if (tok_in(s, w, abbr_title))
        return true;
    if (tok_in(s, w, abbr_number) && (nx->flags & TEXT_TOK_NUMBER))
        return true;
    if (w->end - w->start == 1 && (w->flags & TEXT_TOK_CAP))
        return true; /* an initial: "Antony J. Blinken" */
    if (tok_in(s, w, abbr_final))
        return !tok_in(s, nx, starters);
    return false;
}

static void mark_sentences(const char *s, struct text_token *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || (t[i].flags & TEXT_TOK_PARA))
            t[i].flags |= TEXT_TOK_SENT;
        size_t term = i, last = i;
        bool dotted =
            (t[i].flags & TEXT_TOK_WORD) && s[t[i].end - 1] == '.'; /* "U.S." */
        if (!dotted && !is_terminal(s, &t[i]))
            continue;
        while (last + 1 < n && is_terminal(s, &t[last + 1]) &&
               t[last + 1].start == t[last].end)
            last++;
        while (last + 1 < n && is_closer(s, &t[last + 1]) &&
               t[last + 1].start == t[last].end)
            last++;
        i = last;
        if (last + 1 >= n || (t[last + 1].flags & TEXT_TOK_PARA))
            continue;
        const struct text_token *nx = &t[last + 1];
        if (!can_start(s, nx, t + n))
            continue;
        if (dotted && !tok_in(s, nx, starters))
            continue;
        if (!dotted && s[t[term].start] == '.' && term > 0 &&
            t[term - 1].end == t[term].start &&
            (t[term - 1].flags & TEXT_TOK_WORD) &&
            abbreviation(s, &t[term - 1], nx))
            continue;
        t[last + 1].flags |= TEXT_TOK_SENT;
    }
}

int text_tokens(const char *text, size_t len, struct text_token **out,
                size_t *n)
{
    tokenise(text, len, out, n);
    mark_sentences(text, *out, *n);
    return 0;
}

int text_sentences(const char *text, size_t len, struct ex_sentence **out,
                   size_t *n)
{
    struct text_token *t;
    struct ex_sentence *s = NULL;
    size_t nt, cap = 0, count = 0;

    text_tokens(text, len, &t, &nt);
    for (size_t i = 0; i < nt; i++) {
        if (t[i].flags & TEXT_TOK_SENT) {
            s = xgrow(s, sizeof(*s), count + 1, &cap);
            s[count++] = (struct ex_sentence){t[i].start, t[i].end};
        }
        s[count - 1].end = t[i].end;
    }
    free(t);
    *out = s;
    *n = count;
    return 0;
}
