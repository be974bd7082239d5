/*
 * db_groups.c - the claim groups a bulk load forms, held in memory, so
 * that a claim joining one is weighed without reading the group's claims
 * (and the two indexes of claims by group are built at the load's end).
 *
 * A group's outlet count and status follow from its claims: the outlets
 * they come from, and whether two of them conflict (numbers of different
 * values from different outlets, quotes of different named speakers). So
 * each held group keeps its outlets and, while it is not conflicting,
 * the facts a new claim could conflict with: the (outlet, value) pairs of
 * its numbers, or its quotes' speakers. A group of one claim keeps them
 * in its slot; a second claim moves them to a record of their own.
 *
 * During a load (into an empty database, alone) every group is started
 * here, so every group is held; one the tables changed otherwise (an
 * article replaced, another connection) is forgotten, and the tables
 * answer for it from then on. What the open transaction changed is
 * logged, and a rolled-back savepoint or transaction takes it out again.
 */
#include "db/db_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

enum { FACT = 1, CONFLICTING = 2 };

/* A claim's outlet, and its value (numbers) or speaker (quotes). */
struct fact {
    uint32_t outlet;
    union {
        double value;
        int64_t speaker;
    };
};

/* A group: its first claim, else its record. */
struct held_group {
    struct fact first; /* outlet + 1; 0: not held */
    uint32_t more;     /* 1 + its record in more[]; 0: one claim */
    char kind;
    uint8_t flags;
};

/* The outlets and facts of a group of several claims. */
struct group_record {
    uint32_t *outlets;
    struct fact *facts;
    uint32_t noutlets, nfacts, outlet_cap, fact_cap;
};

/* What a change did to group @id, to take it out again. */
struct undo {
    int64_t id; /* 0: void (the group was forgotten since) */
    uint32_t noutlets, nfacts;
    uint8_t flags;
    enum { STARTED, JOINED, RECORDED } what;
};

/* Groups by id, in chunks of CHUNK allocated as ids reach them (an
 * array doubled as it grows would be up to twice the size, and copied);
 * ids past MAX_ID are not held. */
#define CHUNK_BITS 16
#define CHUNK      ((size_t)1 << CHUNK_BITS)
#define MAX_ID     ((int64_t)1 << 40)

struct db_groups {
    struct held_group **chunks;
    size_t nchunks;
    struct group_record *more;
    size_t nmore, more_cap;
    /* Outlets by key, open addressing (a power of two): id + 1 (0: a
     * free slot); names by id. */
    uint32_t *slots;
    size_t nslots;
    char **outlets;
    size_t noutlets;
    struct undo *log;
    size_t nlog, logcap, mark;
};

struct db_groups *db_groups_new(void)
{
    return xcalloc(1, sizeof(struct db_groups));
}

static void record_free(struct group_record *r)
{
    free(r->outlets);
    free(r->facts);
    memset(r, 0, sizeof(*r));
}

void db_groups_free(struct db_groups *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nmore; i++)
        record_free(&g->more[i]);
    for (size_t i = 0; i < g->noutlets; i++)
        free(g->outlets[i]);
    for (size_t i = 0; i < g->nchunks; i++)
        free(g->chunks[i]);
    free(g->chunks);
    free(g->more);
    free(g->slots);
    free(g->outlets);
    free(g->log);
    free(g);
}

static size_t outlet_slot(const struct db_groups *g, const char *key)
{
    size_t i = (size_t)db_text_hash(key) & (g->nslots - 1);

    while (g->slots[i] && strcmp(g->outlets[g->slots[i] - 1], key) != 0)
        i = (i + 1) & (g->nslots - 1);
    return i;
}

/* The id of outlet @key, a new one if not seen. */
static uint32_t outlet_id(struct db_groups *g, const char *key)
{
    if (2 * (g->noutlets + 1) > g->nslots) {
        uint32_t *old = g->slots;
        size_t n = g->nslots;
        g->nslots = n ? 2 * n : 256;
        g->slots = xcalloc(g->nslots, sizeof(*g->slots));
        for (size_t i = 0; i < n; i++)
            if (old[i])
                g->slots[outlet_slot(g, g->outlets[old[i] - 1])] = old[i];
        free(old);
        g->outlets = xrealloc(g->outlets, g->nslots * sizeof(*g->outlets));
    }
    size_t i = outlet_slot(g, key);
    if (!g->slots[i]) {
        g->outlets[g->noutlets] = xstrdup(key);
        g->slots[i] = (uint32_t)++g->noutlets;
    }
    return g->slots[i] - 1;
}

/* Group @id's slot, or NULL where none was made. */
static struct held_group *group_at(struct db_groups *g, int64_t id)
{
    size_t c = (size_t)id >> CHUNK_BITS;

    if (id <= 0 || id > MAX_ID || c >= g->nchunks || !g->chunks[c])
        return NULL;
    return &g->chunks[c][(size_t)id & (CHUNK - 1)];
}

/* Group @id's slot, made if need be; NULL for an id not held. */
static struct held_group *group_make(struct db_groups *g, int64_t id)
{
    size_t c = (size_t)id >> CHUNK_BITS;

    if (id <= 0 || id > MAX_ID)
        return NULL;
    if (c >= g->nchunks) {
        size_t n = g->nchunks ? g->nchunks : 16;
        while (n <= c)
            n *= 2;
        g->chunks = xrealloc(g->chunks, n * sizeof(*g->chunks));
        memset(g->chunks + g->nchunks, 0,
               (n - g->nchunks) * sizeof(*g->chunks));
        g->nchunks = n;
    }
    if (!g->chunks[c])
        g->chunks[c] = xcalloc(CHUNK, sizeof(**g->chunks));
    return &g->chunks[c][(size_t)id & (CHUNK - 1)];
}

static void log_change(struct db_groups *g, int64_t id,
                       const struct held_group *h, int what)
{
    const struct group_record *r = h->more ? &g->more[h->more - 1] : NULL;

    if (g->nlog == g->logcap) {
        g->logcap = g->logcap ? 2 * g->logcap : 1024;
        g->log = xrealloc(g->log, g->logcap * sizeof(*g->log));
    }
    g->log[g->nlog++] = (struct undo){
        .id = id,
        .noutlets = r ? r->noutlets : 0,
        .nfacts = r ? r->nfacts : 0,
        .flags = h->flags,
        .what = what,
    };
}

/* Drop group @h's record, and the unused ones at the end. */
static void drop_record(struct db_groups *g, struct held_group *h)
{
    if (!h->more)
        return;
    record_free(&g->more[h->more - 1]);
    h->more = 0;
    while (g->nmore && !g->more[g->nmore - 1].outlets)
        g->nmore--;
}

void db_groups_forget(struct db_groups *g, int64_t id)
{
    struct held_group *h = group_at(g, id);

    if (!h || !h->first.outlet)
        return;
    drop_record(g, h);
    memset(h, 0, sizeof(*h));
    /* Nothing to take out of it any more. */
    for (size_t i = 0; i < g->nlog; i++)
        if (g->log[i].id == id)
            g->log[i].id = 0;
}

void db_groups_forget_all(struct db_groups *g)
{
    for (size_t i = 0; i < g->nmore; i++)
        record_free(&g->more[i]);
    for (size_t i = 0; i < g->nchunks; i++)
        free(g->chunks[i]);
    free(g->chunks);
    g->chunks = NULL;
    g->nchunks = g->nmore = g->nlog = g->mark = 0;
}

static struct fact fact_of(struct db_groups *g, const struct db_group_fact *f)
{
    struct fact x = {.outlet = outlet_id(g, f->outlet)};

    if (f->kind == 'n')
        x.value = f->value;
    else
        x.speaker = f->speaker;
    return x;
}

/* Whether @f carries a fact its kind can conflict over. */
static bool has_fact(const struct db_group_fact *f)
{
    return f->kind == 'n' ? f->has_value : f->kind == 'q' && f->speaker;
}

void db_groups_start(struct db_groups *g, int64_t id,
                     const struct db_group_fact *f)
{
    struct held_group *h;

    db_groups_forget(g, id);
    if (!(h = group_make(g, id)))
        return;
    *h = (struct held_group){.first = fact_of(g, f),
                             .kind = f->kind,
                             .flags = has_fact(f) ? FACT : 0};
    h->first.outlet++;
    log_change(g, id, h, STARTED);
}

/* Group @h's record, made from its first claim if it has none. */
static struct group_record *record_of(struct db_groups *g, int64_t id,
                                      struct held_group *h)
{
    if (!h->more) {
        struct fact first = h->first;
        first.outlet--;
        if (g->nmore == g->more_cap) {
            g->more_cap = g->more_cap ? 2 * g->more_cap : 1024;
            g->more = xrealloc(g->more, g->more_cap * sizeof(*g->more));
        }
        struct group_record *r = &g->more[g->nmore++];
        *r = (struct group_record){.outlet_cap = 2, .fact_cap = 2};
        r->outlets = xmalloc(r->outlet_cap * sizeof(*r->outlets));
        r->facts = xmalloc(r->fact_cap * sizeof(*r->facts));
        r->outlets[r->noutlets++] = first.outlet;
        if (h->flags & FACT)
            r->facts[r->nfacts++] = first;
        h->more = (uint32_t)g->nmore;
        log_change(g, id, h, RECORDED);
    }
    return &g->more[h->more - 1];
}

static bool same_fact(char kind, const struct fact *a, const struct fact *b)
{
    if (kind == 'n')
        return a->outlet == b->outlet && a->value == b->value;
    return a->speaker == b->speaker;
}

/* Whether a claim of fact @x conflicts with one of fact @o: numbers of
 * other values from other outlets, quotes of other speakers. */
static bool conflict(char kind, const struct fact *x, const struct fact *o)
{
    if (kind == 'n')
        return o->outlet != x->outlet && o->value != x->value;
    return o->speaker != x->speaker;
}

bool db_groups_join(struct db_groups *g, int64_t id,
                    const struct db_group_fact *f, int64_t *sources,
                    bool *conflicting, bool *changed)
{
    struct held_group *h = group_at(g, id);

    if (!h || !h->first.outlet || h->kind != f->kind) {
        /* The tables answer, and will hold what this claim adds. */
        db_groups_forget(g, id);
        return false;
    }
    struct group_record *r = record_of(g, id, h);
    struct fact x = fact_of(g, f);
    bool new_outlet = true, clash = false;

    log_change(g, id, h, JOINED);
    for (uint32_t i = 0; i < r->noutlets && new_outlet; i++)
        new_outlet = r->outlets[i] != x.outlet;
    if (new_outlet) {
        if (r->noutlets == r->outlet_cap) {
            r->outlet_cap *= 2;
            r->outlets =
                xrealloc(r->outlets, r->outlet_cap * sizeof(*r->outlets));
        }
        r->outlets[r->noutlets++] = x.outlet;
    }
    if (!(h->flags & CONFLICTING) && has_fact(f)) {
        bool known = false;
        for (uint32_t i = 0; i < r->nfacts && !clash; i++) {
            clash = conflict(f->kind, &x, &r->facts[i]);
            known = known || same_fact(f->kind, &x, &r->facts[i]);
        }
        if (clash)
            h->flags |= CONFLICTING;
        else if (!known) {
            if (r->nfacts == r->fact_cap) {
                r->fact_cap *= 2;
                r->facts = xrealloc(r->facts, r->fact_cap * sizeof(*r->facts));
            }
            r->facts[r->nfacts++] = x;
        }
    }
    *sources = r->noutlets;
    *conflicting = h->flags & CONFLICTING;
    /* One outlet more, a first conflict, or (later) both change the row. */
    *changed = new_outlet || clash;
    return true;
}

/* Take out what was logged past @to, newest first. */
static void undo_to(struct db_groups *g, size_t to)
{
    while (g->nlog > to) {
        const struct undo *u = &g->log[--g->nlog];
        struct held_group *h = u->id ? group_at(g, u->id) : NULL;
        if (!h || !h->first.outlet)
            continue;
        switch (u->what) {
        case STARTED:
            memset(h, 0, sizeof(*h));
            break;
        case RECORDED:
            drop_record(g, h);
            break;
        case JOINED:
            g->more[h->more - 1].noutlets = u->noutlets;
            g->more[h->more - 1].nfacts = u->nfacts;
            h->flags = u->flags;
            break;
        }
    }
}

void db_groups_savepoint(struct db_groups *g)
{
    g->mark = g->nlog;
}

void db_groups_rollback_savepoint(struct db_groups *g)
{
    undo_to(g, g->mark);
}

void db_groups_rollback(struct db_groups *g)
{
    undo_to(g, 0);
    g->mark = 0;
}

void db_groups_commit(struct db_groups *g)
{
    g->nlog = g->mark = 0;
}
