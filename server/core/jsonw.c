/* jsonw.c - streaming JSON writer with a byte-scanning string escaper. */
#include "core/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes that need escaping in a JSON string: controls, '"' and '\\'. */
static inline int needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/*
 * Non-zero when a byte of @w may be a control, '"' or '\\' (SWAR: each
 * term is exact for the first such byte; a false positive above it only
 * sends the caller to its byte-by-byte check).
 */
static inline uint64_t word_needs_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL;
    const uint64_t high = 0x8080808080808080ULL;
    uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');

    return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
            ((slash - ones) & ~slash)) &
           high;
}

void json_escape(struct buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        /* Skip eight plain bytes at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (word_needs_escape(w))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (!needs_escape(u[i]))
            continue;
        buf_append(b, s + run, i - run);
        run = i + 1;
        switch (u[i]) {
        case '"':
            buf_append(b, "\\\"", 2);
            break;
        case '\\':
            buf_append(b, "\\\\", 2);
            break;
        case '\n':
            buf_append(b, "\\n", 2);
            break;
        case '\r':
            buf_append(b, "\\r", 2);
            break;
        case '\t':
            buf_append(b, "\\t", 2);
            break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[u[i] >> 4], hex[u[i] & 15]};
            buf_append(b, e, 6);
        }
        }
    }
    buf_append(b, s + run, len - run);
}

void jw_init(struct jsonw *w, struct buf *b)
{
    w->b = b;
    w->depth = 0;
    w->first[0] = true;
    w->after_key = false;
}

/* Comma before a value or key, unless first in its container. */
static void sep(struct jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        buf_putc(w->b, ',');
    w->first[w->depth] = false;
}

static void open_container(struct jsonw *w, char open, char close)
{
    sep(w);
    buf_putc(w->b, open);
    if (w->depth < JW_MAX_DEPTH)
        w->depth++;
    w->first[w->depth] = true;
    w->closer[w->depth] = close;
}

void jw_obj(struct jsonw *w)
{
    open_container(w, '{', '}');
}

void jw_arr(struct jsonw *w)
{
    open_container(w, '[', ']');
}

void jw_end(struct jsonw *w)
{
    if (w->depth == 0)
        return;
    buf_putc(w->b, w->closer[w->depth]);
    w->depth--;
}

void jw_key(struct jsonw *w, const char *key)
{
    sep(w);
    buf_putc(w->b, '"');
    json_escape(w->b, key, strlen(key));
    buf_append(w->b, "\":", 2);
    w->after_key = true;
}

void jw_str_open(struct jsonw *w)
{
    sep(w);
    buf_putc(w->b, '"');
}

void jw_str_close(struct jsonw *w)
{
    buf_putc(w->b, '"');
}

void jw_strn(struct jsonw *w, const char *s, size_t len)
{
    jw_str_open(w);
    json_escape(w->b, s, len);
    jw_str_close(w);
}

void jw_str(struct jsonw *w, const char *s)
{
    if (!s)
        jw_null(w);
    else
        jw_strn(w, s, strlen(s));
}

void jw_int(struct jsonw *w, int64_t v)
{
    /* Digits from the end: a tenth of what printf costs. */
    char digits[24], *p = digits + sizeof(digits);
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    sep(w);
    buf_append(w->b, p, (size_t)(digits + sizeof(digits) - p));
}

void jw_double(struct jsonw *w, double v)
{
    sep(w);
    char text[32];

    if (!isfinite(v)) {
        buf_puts(w->b, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        buf_printf(w->b, "%.0f", v);
        return;
    }
    /* The shortest of %.15g / %.17g that reads back as the same double. */
    snprintf(text, sizeof(text), "%.15g", v);
    if (strtod(text, NULL) != v)
        snprintf(text, sizeof(text), "%.17g", v);
    buf_puts(w->b, text);
}

void jw_bool(struct jsonw *w, bool v)
{
    sep(w);
    buf_puts(w->b, v ? "true" : "false");
}

void jw_null(struct jsonw *w)
{
    sep(w);
    buf_puts(w->b, "null");
}

void jw_raw(struct jsonw *w, const char *json, size_t len)
{
    sep(w);
    buf_append(w->b, json, len);
}
