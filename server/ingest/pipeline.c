/*
 * pipeline.c - `dossier ingest` extracts on a second thread: while the
 * reader's thread stores article i, a worker runs the extractors over
 * the next ones (up to PIPE_DEPTH ahead). Articles are stored in input
 * order, so ids and every merge are those of one thread doing both.
 */
#include "ingest/ingest_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define PIPE_DEPTH 16

struct pipe_slot {
    struct ingest_article a;
    char hash[33];
    char *where;
    struct ex_result r;
    int extracted; /* ingest_extract's status */
    bool done;     /* extracted (under the lock) */
};

struct ingest_pipe {
    const struct ingest *in;
    ingest_pipe_store store;
    void *ctx;
    pthread_t worker;
    bool has_worker; /* else each article is extracted as it comes */
    pthread_mutex_t lock;
    pthread_cond_t filled, extracted;
    /* Slots head .. tail - 1 (mod PIPE_DEPTH) are in flight; the worker
     * extracts slot next (head <= next <= tail, counting up). */
    struct pipe_slot slots[PIPE_DEPTH];
    size_t head, next, tail;
    bool stop;
};

static void *work(void *p)
{
    struct ingest_pipe *pp = p;

    pthread_mutex_lock(&pp->lock);
    for (;;) {
        while (pp->next == pp->tail && !pp->stop)
            pthread_cond_wait(&pp->filled, &pp->lock);
        if (pp->next == pp->tail)
            break; /* stopped, nothing left */
        struct pipe_slot *s = &pp->slots[pp->next % PIPE_DEPTH];
        pthread_mutex_unlock(&pp->lock);
        s->extracted = ingest_extract(pp->in, &s->a, &s->r);
        pthread_mutex_lock(&pp->lock);
        s->done = true;
        pp->next++;
        pthread_cond_signal(&pp->extracted);
    }
    pthread_mutex_unlock(&pp->lock);
    return NULL;
}

struct ingest_pipe *ingest_pipe_new(const struct ingest *in,
                                    ingest_pipe_store store, void *ctx)
{
    struct ingest_pipe *p = xcalloc(1, sizeof(*p));

    p->in = in;
    p->store = store;
    p->ctx = ctx;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->filled, NULL);
    pthread_cond_init(&p->extracted, NULL);
    p->has_worker = pthread_create(&p->worker, NULL, work, p) == 0;
    return p;
}

/* Store the oldest article in flight, waiting for its extraction if
 * @wait; false if it was not extracted yet (and not @wait). */
static bool store_oldest(struct ingest_pipe *p, bool wait)
{
    struct pipe_slot *s = &p->slots[p->head % PIPE_DEPTH];

    pthread_mutex_lock(&p->lock);
    while (wait && !s->done)
        pthread_cond_wait(&p->extracted, &p->lock);
    bool done = s->done;
    pthread_mutex_unlock(&p->lock);
    if (!done)
        return false;
    p->store(p->ctx, &s->a, s->hash, s->extracted < 0 ? NULL : &s->r, s->where);
    ex_result_release(&s->r);
    ingest_article_release(&s->a);
    free(s->where);
    memset(s, 0, sizeof(*s));
    p->head++;
    return true;
}

void ingest_pipe_submit(struct ingest_pipe *p, struct ingest_article *a,
                        const char hash[33], const char *where)
{
    if (!p->has_worker) {
        struct ex_result r;
        int rc = ingest_extract(p->in, a, &r);
        p->store(p->ctx, a, hash, rc < 0 ? NULL : &r, where);
        ex_result_release(&r);
        return;
    }
    if (p->tail - p->head == PIPE_DEPTH)
        store_oldest(p, true);
    struct pipe_slot *s = &p->slots[p->tail % PIPE_DEPTH];
    s->a = *a; /* the slot owns the fields from here on */
    memset(a, 0, sizeof(*a));
    memcpy(s->hash, hash, sizeof(s->hash));
    s->where = xstrdup(where);
    pthread_mutex_lock(&p->lock);
    p->tail++;
    pthread_cond_signal(&p->filled);
    pthread_mutex_unlock(&p->lock);
    /* Store what is ready without waiting. */
    while (p->head != p->tail && store_oldest(p, false))
        ;
}

void ingest_pipe_drain(struct ingest_pipe *p)
{
    while (p->head != p->tail)
        store_oldest(p, true);
}

void ingest_pipe_free(struct ingest_pipe *p)
{
    if (!p)
        return;
    ingest_pipe_drain(p);
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->filled);
    pthread_mutex_unlock(&p->lock);
    if (p->has_worker)
        pthread_join(p->worker, NULL);
    pthread_cond_destroy(&p->filled);
    pthread_cond_destroy(&p->extracted);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
