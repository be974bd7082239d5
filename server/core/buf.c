/* buf.c - bounded growable byte buffer. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
    b->overflow = false;
}

void buf_release(struct buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->overflow = false;
    if (b->data)
        b->data[0] = '\0';
}

char *buf_reserve(struct buf *b, size_t n)
{
    if (b->overflow || n > b->max - b->len) {
        b->overflow = true;
        return NULL;
    }
    if (b->len + n + 1 > b->cap)
        b->data = xgrow(b->data, 1, b->len + n + 1, &b->cap);
    return b->data + b->len;
}

void buf_append(struct buf *b, const void *data, size_t len)
{
    char *p = buf_reserve(b, len);

    if (!p)
        return;
    memcpy(p, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        buf_append(b, small, (size_t)n);
        return;
    }
    char *p = buf_reserve(b, (size_t)n);
    if (!p)
        return;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *buf_steal(struct buf *b, size_t *len)
{
    char *p;

    if (!b->data)
        b->data = xcalloc(1, 1);
    p = b->data;
    if (len)
        *len = b->len;
    buf_init(b, b->max);
    return p;
}
