/*
 * db_sketch.c - the claim sketch held in memory while a bulk load fills
 * an empty database (db_load.c): table claim_sketch stays empty, keyed
 * by random hashes, until the load ends and fills it in one sorted pass.
 *
 * It answers what the table would: the most recent claim ids stored for
 * a (scope, hash), newest first. Ids are appended in increasing order
 * (claims are rowids of a table that only grows during the load); what
 * the open transaction appended is logged, so that a rolled-back article
 * or batch takes its ids out again, as SQLite takes out its rows.
 */
#include "db/db_internal.h"

#include <stdlib.h>

#include "core/alloc.h"

struct sketch_list {
    uint32_t *ids;
    uint32_t n, cap;
};

struct db_sketch {
    /* Open addressing (a power of two): key scope << 32 | hash (0: a
     * free slot), and the index of its list. */
    uint64_t *keys;
    uint32_t *list;
    size_t nslots;
    struct sketch_list *lists;
    size_t nlists, listcap;
    /* The list of each id appended since the last commit. */
    uint32_t *log;
    size_t nlog, logcap;
    size_t mark; /* log length at the open savepoint */
};

struct db_sketch *db_sketch_new(void)
{
    struct db_sketch *s = xcalloc(1, sizeof(*s));

    s->nslots = 1 << 16;
    s->keys = xcalloc(s->nslots, sizeof(*s->keys));
    s->list = xcalloc(s->nslots, sizeof(*s->list));
    return s;
}

void db_sketch_free(struct db_sketch *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nlists; i++)
        free(s->lists[i].ids);
    free(s->keys);
    free(s->list);
    free(s->lists);
    free(s->log);
    free(s);
}

static uint64_t sketch_key(char scope, uint32_t hash)
{
    return (uint64_t)(unsigned char)scope << 32 | hash;
}

/* The slot of @key, or of the free slot where it would go. */
static size_t slot_of(const struct db_sketch *s, uint64_t key)
{
    size_t i = (size_t)((key * 0x9e3779b97f4a7c15u) >> 20) & (s->nslots - 1);

    while (s->keys[i] && s->keys[i] != key)
        i = (i + 1) & (s->nslots - 1);
    return i;
}

static void grow(struct db_sketch *s)
{
    uint64_t *keys = s->keys;
    uint32_t *list = s->list;
    size_t n = s->nslots;

    s->nslots *= 2;
    s->keys = xcalloc(s->nslots, sizeof(*s->keys));
    s->list = xcalloc(s->nslots, sizeof(*s->list));
    for (size_t i = 0; i < n; i++) {
        if (!keys[i])
            continue;
        size_t j = slot_of(s, keys[i]);
        s->keys[j] = keys[i];
        s->list[j] = list[i];
    }
    free(keys);
    free(list);
}

int db_sketch_add(struct db_sketch *s, char scope, uint32_t hash,
                  int64_t claim_id)
{
    uint64_t key = sketch_key(scope, hash);
    size_t i = slot_of(s, key);

    if (claim_id <= 0 || claim_id > UINT32_MAX)
        return DB_ERROR;
    if (!s->keys[i]) {
        if ((s->nlists + 1) * 4 > s->nslots * 3) {
            grow(s);
            i = slot_of(s, key);
        }
        s->lists =
            xgrow(s->lists, sizeof(*s->lists), s->nlists + 1, &s->listcap);
        s->lists[s->nlists] = (struct sketch_list){0};
        s->keys[i] = key;
        s->list[i] = (uint32_t)s->nlists++;
    }
    struct sketch_list *l = &s->lists[s->list[i]];
    /* INSERT OR IGNORE: a claim whose sketch repeats a hash. */
    if (l->n && l->ids[l->n - 1] == (uint32_t)claim_id)
        return DB_OK;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 2;
        l->ids = xrealloc(l->ids, l->cap * sizeof(*l->ids));
    }
    l->ids[l->n++] = (uint32_t)claim_id;
    s->log = xgrow(s->log, sizeof(*s->log), s->nlog + 1, &s->logcap);
    s->log[s->nlog++] = s->list[i];
    return DB_OK;
}

size_t db_sketch_probe(const struct db_sketch *s, char scope, uint32_t hash,
                       int64_t *out, size_t max)
{
    size_t i = slot_of(s, sketch_key(scope, hash));
    const struct sketch_list *l = s->keys[i] ? &s->lists[s->list[i]] : NULL;
    size_t n = 0;

    for (uint32_t k = l ? l->n : 0; k > 0 && n < max; k--)
        out[n++] = l->ids[k - 1];
    return n;
}

/* Take the ids appended after log position @to out again. */
static void undo_to(struct db_sketch *s, size_t to)
{
    while (s->nlog > to)
        s->lists[s->log[--s->nlog]].n--;
}

void db_sketch_savepoint(struct db_sketch *s)
{
    s->mark = s->nlog;
}

void db_sketch_rollback_savepoint(struct db_sketch *s)
{
    undo_to(s, s->mark);
}

void db_sketch_rollback(struct db_sketch *s)
{
    undo_to(s, 0);
    s->mark = 0;
}

void db_sketch_commit(struct db_sketch *s)
{
    s->nlog = s->mark = 0;
}
