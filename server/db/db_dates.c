/*
 * db_dates.c - the timeline events a bulk load's event searches read
 * (db_events_candidates), held in memory by date: for each date asked
 * about, its best DB_EVENT_CANDIDATES events by (source_count DESC, id)
 * with their labels and entities, the query's answer without the query.
 *
 * During a load (into an empty database, alone, only adding) an event's
 * outlets only grow and a new event comes last of its date, so an event
 * past the first DB_EVENT_CANDIDATES of its date can never be a
 * candidate again. A date's list therefore changes only as its events
 * gain outlets (they move up) and gain entities, and by a new event
 * while it has fewer than DB_EVENT_CANDIDATES. A date not held is read
 * from the tables, which the open transaction has written; a rollback
 * forgets every date (they are read again).
 */
#include "db/db_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* The date of held event @id (0: a free slot). */
struct event_date {
    int64_t id;
    struct db_held_date *date;
};

struct db_dates {
    /* Open addressing, both a power of two: dates by their text (NULL:
     * free), and held events by id. */
    struct db_held_date **dates;
    size_t ndates, date_slots;
    struct event_date *events;
    size_t nevents, event_slots;
    /* Changed since the last commit. */
    bool changed;
};

struct db_dates *db_dates_new(void)
{
    return xcalloc(1, sizeof(struct db_dates));
}

void db_dates_forget(struct db_dates *d)
{
    for (size_t i = 0; i < d->date_slots; i++) {
        struct db_held_date *h = d->dates[i];
        for (size_t k = 0; h && k < h->n; k++) {
            free(h->ev[k].label);
            free(h->ev[k].entities);
        }
        free(h);
    }
    free(d->dates);
    free(d->events);
    memset(d, 0, sizeof(*d));
}

void db_dates_commit(struct db_dates *d)
{
    d->changed = false;
}

void db_dates_rollback(struct db_dates *d)
{
    if (d->changed)
        db_dates_forget(d);
}

void db_dates_free(struct db_dates *d)
{
    if (d)
        db_dates_forget(d);
    free(d);
}

static size_t date_slot(const struct db_dates *d, const char *date)
{
    size_t i = (size_t)db_text_hash(date) & (d->date_slots - 1);

    while (d->dates[i] && strcmp(d->dates[i]->date, date) != 0)
        i = (i + 1) & (d->date_slots - 1);
    return i;
}

static size_t event_slot(const struct db_dates *d, int64_t id)
{
    size_t i = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15u >> 20) &
               (d->event_slots - 1);

    while (d->events[i].id && d->events[i].id != id)
        i = (i + 1) & (d->event_slots - 1);
    return i;
}

/* Room for one more date and DB_EVENT_CANDIDATES more events, the
 * tables at most half full. */
static void make_room(struct db_dates *d)
{
    if (2 * (d->ndates + 1) > d->date_slots) {
        struct db_held_date **old = d->dates;
        size_t n = d->date_slots;
        d->date_slots = n ? 2 * n : 1024;
        d->dates = xcalloc(d->date_slots, sizeof(*d->dates));
        for (size_t i = 0; i < n; i++)
            if (old[i])
                d->dates[date_slot(d, old[i]->date)] = old[i];
        free(old);
    }
    if (2 * (d->nevents + DB_EVENT_CANDIDATES) > d->event_slots) {
        struct event_date *old = d->events;
        size_t n = d->event_slots;
        d->event_slots = n ? 2 * n : 1 << 14;
        while (2 * (d->nevents + DB_EVENT_CANDIDATES) > d->event_slots)
            d->event_slots *= 2;
        d->events = xcalloc(d->event_slots, sizeof(*d->events));
        for (size_t i = 0; i < n; i++)
            if (old[i].id)
                d->events[event_slot(d, old[i].id)] = old[i];
        free(old);
    }
}

/* The held date @date, or NULL. */
static struct db_held_date *date_of(const struct db_dates *d, const char *date)
{
    if (!d->date_slots || strlen(date) >= DB_DATE_MAX)
        return NULL;
    return d->dates[date_slot(d, date)];
}

const struct db_held_date *db_dates_get(const struct db_dates *d,
                                        const char *date)
{
    return date_of(d, date);
}

/* Event @id of the date held at @h, or NULL. */
static struct db_held_event *find(struct db_held_date *h, int64_t id)
{
    for (size_t k = 0; k < h->n; k++)
        if (h->ev[k].id == id)
            return &h->ev[k];
    return NULL;
}

/* Append event @id (@sources outlets) to @h, which has room. */
static struct db_held_event *append(struct db_dates *d, struct db_held_date *h,
                                    int64_t id, int64_t sources,
                                    const char *label)
{
    struct db_held_event *e = &h->ev[h->n++];

    *e = (struct db_held_event){
        .id = id, .sources = sources, .label = xstrdup(label ? label : "")};
    size_t i = event_slot(d, id);
    d->events[i].id = id;
    d->events[i].date = h;
    d->nevents++;
    return e;
}

bool db_dates_hold(struct db_dates *d, const char *date)
{
    if (strlen(date) >= DB_DATE_MAX)
        return false;
    make_room(d);
    d->changed = true;
    size_t i = date_slot(d, date);
    if (!d->dates[i]) {
        d->dates[i] = xcalloc(1, sizeof(struct db_held_date));
        memcpy(d->dates[i]->date, date, strlen(date) + 1);
        d->ndates++;
    }
    return true;
}

void db_dates_add(struct db_dates *d, const char *date, int64_t id,
                  int64_t sources, const char *label)
{
    struct db_held_date *h = date_of(d, date);
    /* A date not held is read when asked for; a full one keeps its own. */
    if (h && h->n < DB_EVENT_CANDIDATES) {
        make_room(d);
        append(d, h, id, sources, label);
        d->changed = true;
    }
}

/* The held event @id, or NULL; its date in *@h. */
static struct db_held_event *held(struct db_dates *d, int64_t id,
                                  struct db_held_date **h)
{
    if (!d->event_slots)
        return NULL;
    size_t i = event_slot(d, id);
    *h = d->events[i].id ? d->events[i].date : NULL;
    return *h ? find(*h, id) : NULL;
}

void db_dates_sourced(struct db_dates *d, int64_t id)
{
    struct db_held_date *h;
    struct db_held_event *e = held(d, id, &h);

    if (!e)
        return;
    d->changed = true;
    e->sources++;
    /* Up past those it now goes before (more outlets, or as many and an
     * older id). */
    struct db_held_event x = *e;
    size_t k = (size_t)(e - h->ev);
    while (k > 0 &&
           (h->ev[k - 1].sources < x.sources ||
            (h->ev[k - 1].sources == x.sources && h->ev[k - 1].id > x.id))) {
        h->ev[k] = h->ev[k - 1];
        k--;
    }
    h->ev[k] = x;
}

void db_dates_entity(struct db_dates *d, int64_t id, int64_t entity_id)
{
    struct db_held_date *h;
    struct db_held_event *e = held(d, id, &h);

    if (!e)
        return;
    for (size_t i = 0; i < e->nentities; i++)
        if (e->entities[i] == entity_id)
            return;
    d->changed = true;
    e->entities =
        xgrow(e->entities, sizeof(*e->entities), e->nentities + 1, &e->cap);
    e->entities[e->nentities++] = entity_id;
}
