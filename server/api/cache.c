/*
 * cache.c - rendered GET responses, per worker thread, keyed by the
 * request (path and parameters as sent) and the corpus generation.
 *
 * Every API answer is a function of the request and the corpus, and the
 * corpus generation changes with every write (api_generation: at once for
 * this server's writes, within 50 ms for another process's). So a kept
 * 200 answer stays right while the generation does. Each thread has its
 * own direct-mapped table: no locks on the request path.
 */
#include "api/api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define CACHE_SLOTS     4096
#define CACHE_MAX_ENTRY (1024 * 1024)
#define CACHE_MAX_BYTES ((size_t)32 << 20) /* per thread */
#define CACHE_MAX_KEY   2048

struct cache_entry {
    uint64_t hash;
    int64_t generation;
    char *key;
    char *body;
    size_t len;
};

struct cache {
    struct cache_entry slot[CACHE_SLOTS];
    size_t bytes;
    size_t hand; /* the next slot to empty when the cache is full */
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void entry_clear(struct cache *c, struct cache_entry *e)
{
    c->bytes -= e->len;
    free(e->key);
    free(e->body);
    memset(e, 0, sizeof(*e));
}

/* A worker thread's cache goes with the thread. */
static void cache_free(void *p)
{
    struct cache *c = p;

    for (size_t i = 0; i < CACHE_SLOTS; i++)
        entry_clear(c, &c->slot[i]);
    free(c);
}

static void cache_key_create(void)
{
    pthread_key_create(&cache_key, cache_free);
}

static struct cache *thread_cache(void)
{
    struct cache *c;

    pthread_once(&cache_once, cache_key_create);
    c = pthread_getspecific(cache_key);
    if (!c) {
        c = xcalloc(1, sizeof(*c));
        pthread_setspecific(cache_key, c);
    }
    return c;
}

/* "path?a=1&b=2" as received, or false for a request not to cache. */
static bool request_key(const struct http_request *req, char *key, size_t size)
{
    size_t n;

    if (!(req->method & (HTTP_GET | HTTP_HEAD)) ||
        strcmp(req->path, "/api/v1/health") == 0)
        return false;
    n = (size_t)snprintf(key, size, "%s", req->path);
    for (size_t i = 0; i < req->nparams && n < size; i++)
        n += (size_t)snprintf(key + n, size - n, "%c%s=%s", i ? '&' : '?',
                              req->params[i].name, req->params[i].value);
    return n < size;
}

static uint64_t key_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return h;
}

int api_before_request(struct http_request *req, struct http_response *res)
{
    struct db *db = db_pool_get();
    int64_t generation = api_generation();
    char key[CACHE_MAX_KEY];

    if (db)
        db_set_deadline(db, req->config->query_timeout_ms);
    if (generation >= 0 && request_key(req, key, sizeof(key))) {
        uint64_t hash = key_hash(key);
        struct cache_entry *e = &thread_cache()->slot[hash % CACHE_SLOTS];
        if (e->key && e->hash == hash && e->generation == generation &&
            strcmp(e->key, key) == 0) {
            buf_append(&res->body, e->body, e->len);
            return http_json(res, HTTP_OK);
        }
    }
    /* A read answers from one snapshot; api_after_request ends it. (A
     * failure here only leaves each query its own transaction.) */
    if (db && (req->method & (HTTP_GET | HTTP_HEAD)))
        db_read_begin(db);
    return 0;
}

void api_after_request(struct http_request *req, struct http_response *res)
{
    int64_t generation = api_generation();
    char key[CACHE_MAX_KEY];
    struct cache *c;
    struct db *db = db_pool_get();

    if (db && (req->method & (HTTP_GET | HTTP_HEAD)))
        db_read_end(db);

    if (res->status != HTTP_OK || !res->cacheable || generation < 0 ||
        res->body.len > CACHE_MAX_ENTRY || buf_overflowed(&res->body) ||
        !request_key(req, key, sizeof(key)))
        return;
    uint64_t hash = key_hash(key);
    c = thread_cache();
    struct cache_entry *e = &c->slot[hash % CACHE_SLOTS];
    entry_clear(c, e);
    /* Full: empty slots in turn (a clock without reference bits: cheap,
     * and a new answer always gets in). */
    for (size_t n = 0;
         c->bytes + res->body.len > CACHE_MAX_BYTES && n < CACHE_SLOTS; n++) {
        entry_clear(c, &c->slot[c->hand]);
        c->hand = (c->hand + 1) % CACHE_SLOTS;
    }
    e->hash = hash;
    e->generation = generation;
    e->key = xstrdup(key);
    e->body = xstrndup(res->body.data ? res->body.data : "", res->body.len);
    e->len = res->body.len;
    c->bytes += e->len;
}
