/*
 * ftsq.c - search box syntax to FTS5: lex into terms, group them into
 * OR-clauses, AND the clauses, append NOTs. Each term is quoted.
 */
#include "core/ftsq.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"

enum term_kind {
    TERM_WORD,
    TERM_PHRASE,
    TERM_OR,
    TERM_NOT,
};

struct term {
    enum term_kind kind;
    const char *text; /* into the input copy; not NUL-terminated */
    size_t len;
    bool prefix;
    bool negated;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* A term is searchable when it holds a letter or digit (any non-ASCII
 * byte counts: unicode61 decides). */
static bool searchable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z'))
            return true;
    }
    return false;
}

static int lex(const char *q, struct term *terms, size_t *nterms)
{
    size_t n = 0, i = 0, len = strlen(q);

    while (i < len) {
        struct term t = {TERM_WORD, NULL, 0, false, false};
        while (i < len && is_space(q[i]))
            i++;
        if (i >= len)
            break;
        if (n == FTSQ_MAX_TERMS)
            return FTSQ_TOO_LONG;
        if (q[i] == '-' && i + 1 < len && !is_space(q[i + 1]) &&
            q[i + 1] != '-') {
            t.negated = true;
            i++;
        }
        if (q[i] == '"' && memchr(q + i + 1, '"', len - i - 1)) {
            const char *close = memchr(q + i + 1, '"', len - i - 1);
            t.kind = TERM_PHRASE;
            t.text = q + i + 1;
            t.len = (size_t)(close - (q + i + 1));
            i = (size_t)(close - q) + 1;
            if (i < len && q[i] == '*') {
                t.prefix = true;
                while (i < len && q[i] == '*')
                    i++;
            }
        } else {
            size_t start = i;
            while (i < len && !is_space(q[i]))
                i++;
            t.text = q + start;
            t.len = i - start;
            if (!t.negated && t.len == 2 && memcmp(t.text, "OR", 2) == 0)
                t.kind = TERM_OR;
            else if (!t.negated && t.len == 3 && memcmp(t.text, "NOT", 3) == 0)
                t.kind = TERM_NOT;
            else if (!t.negated && t.len == 3 && memcmp(t.text, "AND", 3) == 0)
                continue;
            while (t.kind == TERM_WORD && t.len > 0 &&
                   t.text[t.len - 1] == '*') {
                t.prefix = true;
                t.len--;
            }
        }
        if ((t.kind == TERM_WORD || t.kind == TERM_PHRASE) &&
            !searchable(t.text, t.len))
            continue;
        terms[n++] = t;
    }
    *nterms = n;
    return FTSQ_OK;
}

static void emit_term(struct buf *b, const struct term *t)
{
    buf_putc(b, '"');
    for (size_t i = 0; i < t->len; i++) {
        if (t->text[i] == '"')
            buf_putc(b, '"');
        buf_putc(b, t->text[i]);
    }
    buf_putc(b, '"');
    if (t->prefix)
        buf_putc(b, '*');
}

int ftsq_translate(const char *query, char **out)
{
    struct term terms[FTSQ_MAX_TERMS];
    size_t n, clauses = 0;
    struct buf b;
    int rc;

    *out = NULL;
    if (strlen(query) > FTSQ_MAX_INPUT)
        return FTSQ_TOO_LONG;
    rc = lex(query, terms, &n);
    if (rc != FTSQ_OK)
        return rc;
    /* NOT x: mark the next term negated. OR outside two terms: text. */
    for (size_t i = 0; i < n; i++) {
        if (terms[i].kind == TERM_NOT) {
            if (i + 1 < n && (terms[i + 1].kind == TERM_WORD ||
                              terms[i + 1].kind == TERM_PHRASE))
                terms[i + 1].negated = true;
            else
                terms[i].kind = TERM_WORD;
        }
    }
    buf_init(&b, 16 * FTSQ_MAX_INPUT);
    /* Positive clauses: runs of terms joined by OR. */
    for (size_t i = 0; i < n; i++) {
        struct term *t = &terms[i];
        if (t->kind == TERM_NOT || t->kind == TERM_OR || t->negated)
            continue;
        buf_puts(&b, clauses++ ? " AND (" : "(");
        emit_term(&b, t);
        while (i + 2 < n && terms[i + 1].kind == TERM_OR &&
               !terms[i + 2].negated &&
               (terms[i + 2].kind == TERM_WORD ||
                terms[i + 2].kind == TERM_PHRASE)) {
            buf_puts(&b, " OR ");
            emit_term(&b, &terms[i + 2]);
            i += 2;
        }
        buf_putc(&b, ')');
    }
    if (!clauses) {
        buf_release(&b);
        return FTSQ_EMPTY;
    }
    for (size_t i = 0; i < n; i++) {
        if (!terms[i].negated || terms[i].kind == TERM_NOT)
            continue;
        buf_puts(&b, " NOT ");
        emit_term(&b, &terms[i]);
    }
    *out = buf_steal(&b, NULL);
    return FTSQ_OK;
}

const char *ftsq_strerror(int status)
{
    switch (status) {
    case FTSQ_EMPTY:
        return "the query has no word to search for";
    case FTSQ_TOO_LONG:
        return "the query is too long";
    default:
        return "the query is invalid";
    }
}
