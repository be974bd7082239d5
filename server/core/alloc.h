/*
 * alloc.h - allocation that aborts on out-of-memory, and a bump arena.
 *
 * dossier treats OOM as fatal: every x* function returns a valid pointer
 * (the caller owns it) or aborts with a message.
 */
#ifndef DOSSIER_CORE_ALLOC_H
#define DOSSIER_CORE_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of @size-byte items to hold at least @need; updates *@cap. */
void *xgrow(void *p, size_t size, size_t need, size_t *cap);
/* The same, the items it adds zeroed (an array indexed by id). */
void *xgrow_zeroed(void *p, size_t size, size_t need, size_t *cap);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A bump allocator: many small allocations freed at once. */
struct arena_block;
struct arena {
    struct arena_block *head;
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
/* Memory owned by the arena, 16-byte aligned, valid until release. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

#endif
