/*
 * buf.h - a growable byte buffer with a hard maximum.
 *
 * Appends past @max set the overflow flag and are dropped; callers check
 * buf_overflowed() once at the end instead of after every append.
 */
#ifndef DOSSIER_CORE_BUF_H
#define DOSSIER_CORE_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *data; /* NUL-terminated when len < cap; owned */
    size_t len, cap, max;
    bool overflow;
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Make room for @n more bytes; returns where to write them, or NULL. */
char *buf_reserve(struct buf *b, size_t n);
/* Take the data (NUL-terminated, caller frees) and reset @b. */
char *buf_steal(struct buf *b, size_t *len);
static inline bool buf_overflowed(const struct buf *b)
{
    return b->overflow;
}

#endif
