/*
 * db_sketch.c - the claim sketch held in memory while a bulk load fills
 * an empty database (db_load.c): table claim_postings stays empty, keyed
 * by random hashes, until the load ends and fills it in one sorted pass.
 *
 * It answers what the table would: the most recent claim ids stored for
 * a (scope, hash), newest first. Ids are appended in increasing order
 * (claims are rowids of a table that only grows during the load); what
 * the open transaction appended is logged, so that a rolled-back article
 * or batch takes its ids out again, as SQLite takes out its rows.
 *
 * It also holds what a candidate search reads of the claims it points
 * to, for the most recent ones (db_sketch_claim), and the names of the
 * entities that speak them, so that grouping a claim needs no SQL
 * lookups; and the entities' counts, of which the mentions pick the
 * entity a shared key means (db_entity_find), written to the table at
 * each commit (db_load_flush). A rollback takes out the claims,
 * mentions and tallies it took out of the tables and forgets the names
 * (the entities' renames it undid).
 */
#include "db/db_internal.h"

#include <stdlib.h>
#include <string.h>

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
    /* The most recent claims, claim id i at i % claims_cap (a power of
     * two, up to claims_max): ids up to claims_last, those up to
     * claims_mark before the open savepoint, claims_committed before
     * the open transaction. */
    struct db_sketch_claim *claims;
    size_t claims_cap, claims_max;
    int64_t claims_last, claims_mark, claims_committed;
    /* Entity names by id (NULL: not known here); renamed: one replaced
     * since the last commit. */
    char **names;
    size_t nnames;
    bool renamed;
    /* The outlet of one article (0: none). */
    int64_t outlet_article;
    char *outlet;
    /* Mentions and articles by entity id (the counts of entities), and
     * what was added since the last commit: the entity of each mention
     * (mention_mark of them before the savepoint) and each (entity,
     * article) tallied (tally_mark before the savepoint). */
    struct entity_counts {
        int64_t mentions, articles;
    } * counts;
    size_t ncounts;
    int64_t *mention_log;
    size_t nmention_log, mention_logcap, mention_mark;
    struct db_sketch_tally *tally_log;
    size_t ntally_log, tally_logcap, tally_mark;
};

struct db_sketch *db_sketch_new(size_t claims)
{
    struct db_sketch *s = xcalloc(1, sizeof(*s));

    s->claims_max = claims ? 1024 : 0;
    while (s->claims_max && s->claims_max < claims)
        s->claims_max *= 2;

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
    for (size_t i = 0; i < s->claims_cap; i++)
        free((void *)s->claims[i].fingerprint);
    free(s->claims);
    db_sketch_names_forget(s);
    free(s->names);
    free(s->outlet);
    free(s->counts);
    free(s->mention_log);
    free(s->tally_log);
    free(s);
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
    uint64_t key = db_postings_key(scope, hash);
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
    size_t i = slot_of(s, db_postings_key(scope, hash));
    const struct sketch_list *l = s->keys[i] ? &s->lists[s->list[i]] : NULL;
    size_t n = 0;

    for (uint32_t k = l ? l->n : 0; k > 0 && n < max; k--)
        out[n++] = l->ids[k - 1];
    return n;
}

/* A key and its list, to visit the keys in order. */
struct sketch_order {
    uint64_t key;
    uint32_t list;
};

static int by_key(const void *a, const void *b)
{
    const struct sketch_order *x = a, *y = b;

    return (x->key > y->key) - (x->key < y->key);
}

int db_sketch_each(const struct db_sketch *s,
                   int (*key_ids)(void *ctx, uint64_t key, const int64_t *ids,
                                  size_t n),
                   void *ctx)
{
    struct sketch_order *o = xmalloc((s->nlists + 1) * sizeof(*o));
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc = DB_OK;

    /* Not the keys whose ids a rollback took out again. */
    for (size_t i = 0; i < s->nslots; i++)
        if (s->keys[i] && s->lists[s->list[i]].n)
            o[n++] = (struct sketch_order){s->keys[i], s->list[i]};
    qsort(o, n, sizeof(*o), by_key);
    for (size_t i = 0; i < n && rc == DB_OK; i++) {
        const struct sketch_list *l = &s->lists[o[i].list];
        ids = xgrow(ids, sizeof(*ids), l->n + 1, &cap);
        for (uint32_t k = 0; k < l->n; k++)
            ids[k] = l->ids[k];
        rc = key_ids(ctx, o[i].key, ids, l->n);
    }
    free(ids);
    free(o);
    return rc;
}

/* Take the ids appended after log position @to out again. */
static void undo_to(struct db_sketch *s, size_t to)
{
    while (s->nlog > to)
        s->lists[s->log[--s->nlog]].n--;
}

/* Drop the claims after id @last. */
static void claims_drop_after(struct db_sketch *s, int64_t last)
{
    for (; s->claims_last > last; s->claims_last--) {
        struct db_sketch_claim *c =
            &s->claims[(size_t)s->claims_last & (s->claims_cap - 1)];
        if (c->id == s->claims_last) {
            free((void *)c->fingerprint);
            *c = (struct db_sketch_claim){0};
        }
    }
}

void db_sketch_claims_forget(struct db_sketch *s)
{
    for (size_t i = 0; i < s->claims_cap; i++) {
        free((void *)s->claims[i].fingerprint);
        s->claims[i] = (struct db_sketch_claim){0};
    }
}

/* Take the mentions and tallies logged after positions @mentions and
 * @tallies out again. */
static void counts_undo_to(struct db_sketch *s, size_t mentions, size_t tallies)
{
    while (s->nmention_log > mentions)
        s->counts[s->mention_log[--s->nmention_log]].mentions--;
    while (s->ntally_log > tallies)
        s->counts[s->tally_log[--s->ntally_log].entity_id].articles--;
}

void db_sketch_savepoint(struct db_sketch *s)
{
    s->mark = s->nlog;
    s->claims_mark = s->claims_last;
    s->mention_mark = s->nmention_log;
    s->tally_mark = s->ntally_log;
}

/* After a rollback: the names it may have renamed back, and the outlet
 * of an article it may have taken out. */
static void forget_undone(struct db_sketch *s)
{
    if (s->renamed)
        db_sketch_names_forget(s);
    free(s->outlet);
    s->outlet = NULL;
    s->outlet_article = 0;
}

void db_sketch_rollback_savepoint(struct db_sketch *s)
{
    undo_to(s, s->mark);
    claims_drop_after(s, s->claims_mark);
    counts_undo_to(s, s->mention_mark, s->tally_mark);
    forget_undone(s);
}

void db_sketch_rollback(struct db_sketch *s)
{
    undo_to(s, 0);
    s->mark = 0;
    claims_drop_after(s, s->claims_committed);
    s->claims_mark = s->claims_last;
    counts_undo_to(s, 0, 0);
    s->mention_mark = s->tally_mark = 0;
    forget_undone(s);
}

void db_sketch_commit(struct db_sketch *s)
{
    s->nlog = s->mark = 0;
    s->claims_mark = s->claims_committed = s->claims_last;
    s->nmention_log = s->mention_mark = 0;
    s->ntally_log = s->tally_mark = 0;
    s->renamed = false;
}

/* Twice the room, each claim moved to its new place. */
static void claims_grow(struct db_sketch *s)
{
    struct db_sketch_claim *old = s->claims;
    size_t n = s->claims_cap;

    s->claims_cap = n ? n * 2 : 1024;
    s->claims = xcalloc(s->claims_cap, sizeof(*s->claims));
    for (size_t i = 0; i < n; i++)
        if (old[i].id)
            s->claims[(size_t)old[i].id & (s->claims_cap - 1)] = old[i];
    free(old);
}

static size_t text_size(const char *t)
{
    return t ? strlen(t) + 1 : 0;
}

/* Copy @t to *@at (moved past it); NULL stays NULL. */
static const char *text_copy(char **at, const char *t)
{
    char *copy = *at;

    if (!t)
        return NULL;
    *at += strlen(t) + 1;
    return memcpy(copy, t, strlen(t) + 1);
}

int db_sketch_claim_add(struct db_sketch *s, const struct db_sketch_claim *c)
{
    if (c->id <= s->claims_last)
        return DB_ERROR;
    if (!s->claims_max)
        return DB_OK;
    if (!s->claims_cap)
        claims_grow(s);
    struct db_sketch_claim *slot =
        &s->claims[(size_t)c->id & (s->claims_cap - 1)];
    if (slot->id && s->claims_cap < s->claims_max) {
        claims_grow(s);
        slot = &s->claims[(size_t)c->id & (s->claims_cap - 1)];
    }
    /* Full: the oldest claim held gives its place (and is read from
     * the table from now on). */
    free((void *)slot->fingerprint);
    /* One block: the fingerprint, then the texts. */
    size_t fp = c->nfingerprint * sizeof(*c->fingerprint);
    char *block = xmalloc(fp + text_size(c->unit) + text_size(c->speaker_text) +
                          text_size(c->source_key) + 1);
    char *at = block + fp;
    *slot = *c;
    if (fp)
        memcpy(block, c->fingerprint, fp);
    slot->fingerprint = (const uint32_t *)block;
    slot->unit = text_copy(&at, c->unit);
    slot->speaker_text = text_copy(&at, c->speaker_text);
    slot->source_key = text_copy(&at, c->source_key);
    s->claims_last = c->id;
    return DB_OK;
}

const struct db_sketch_claim *db_sketch_claim(const struct db_sketch *s,
                                              int64_t id)
{
    const struct db_sketch_claim *c =
        s->claims_cap ? &s->claims[(size_t)id & (s->claims_cap - 1)] : NULL;

    return c && id > 0 && c->id == id ? c : NULL;
}

const char *db_sketch_name(const struct db_sketch *s, int64_t entity_id)
{
    return entity_id > 0 && (size_t)entity_id < s->nnames ? s->names[entity_id]
                                                          : NULL;
}

void db_sketch_name_set(struct db_sketch *s, int64_t entity_id,
                        const char *name)
{
    if (entity_id <= 0)
        return;
    s->names = xgrow_zeroed(s->names, sizeof(*s->names), (size_t)entity_id + 1,
                            &s->nnames);
    if (s->names[entity_id]) {
        s->renamed = true;
        free(s->names[entity_id]);
    }
    s->names[entity_id] = xstrdup(name);
}

void db_sketch_names_forget(struct db_sketch *s)
{
    for (size_t i = 0; i < s->nnames; i++) {
        free(s->names[i]);
        s->names[i] = NULL;
    }
    s->renamed = false;
}

const char *db_sketch_outlet(const struct db_sketch *s, int64_t article_id)
{
    return article_id && article_id == s->outlet_article ? s->outlet : NULL;
}

void db_sketch_outlet_set(struct db_sketch *s, int64_t article_id,
                          const char *outlet)
{
    free(s->outlet);
    s->outlet = xstrdup(outlet);
    s->outlet_article = article_id;
}

/* Room for counts of entity @id; false for an id that cannot be one. */
static bool entity_room(struct db_sketch *s, int64_t id)
{
    if (id <= 0)
        return false;
    s->counts = xgrow_zeroed(s->counts, sizeof(*s->counts), (size_t)id + 1,
                             &s->ncounts);
    return true;
}

int db_sketch_mention(struct db_sketch *s, int64_t entity_id)
{
    if (!entity_room(s, entity_id))
        return DB_ERROR;
    s->counts[entity_id].mentions++;
    s->mention_log = xgrow(s->mention_log, sizeof(*s->mention_log),
                           s->nmention_log + 1, &s->mention_logcap);
    s->mention_log[s->nmention_log++] = entity_id;
    return DB_OK;
}

int db_sketch_tally(struct db_sketch *s, int64_t entity_id, int64_t article_id)
{
    if (!entity_room(s, entity_id))
        return DB_ERROR;
    s->counts[entity_id].articles++;
    s->tally_log = xgrow(s->tally_log, sizeof(*s->tally_log), s->ntally_log + 1,
                         &s->tally_logcap);
    s->tally_log[s->ntally_log++] =
        (struct db_sketch_tally){entity_id, article_id};
    return DB_OK;
}

int64_t db_sketch_mentions(const struct db_sketch *s, int64_t entity_id)
{
    return entity_id > 0 && (size_t)entity_id < s->ncounts
               ? s->counts[entity_id].mentions
               : 0;
}

int64_t db_sketch_articles(const struct db_sketch *s, int64_t entity_id)
{
    return entity_id > 0 && (size_t)entity_id < s->ncounts
               ? s->counts[entity_id].articles
               : 0;
}

size_t db_sketch_tallies(const struct db_sketch *s,
                         const struct db_sketch_tally **log)
{
    *log = s->tally_log;
    return s->ntally_log;
}
