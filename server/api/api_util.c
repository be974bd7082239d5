/*
 * api_util.c - what every handler shares: the thread's database, db error
 * mapping, opaque cursors, limits, HTML escaping of snippets.
 */
#include "api/api.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_articles.h"

static struct api_state state;

/*
 * The corpus generation as the handlers see it: refreshed every
 * GENERATION_POLL_MS by one thread (so a write by another process, such
 * as `dossier ingest`, shows within that time), and at once after this
 * server's own writes. Caches key on it.
 */
#define GENERATION_POLL_MS 50

static atomic_llong generation = -1;
static atomic_bool poller_stop;
static pthread_t poller;
static bool poller_running;

void api_generation_refresh(void)
{
    struct db *db = db_pool_get();
    int64_t g = db ? db_generation(db) : -1;

    if (g >= 0)
        atomic_store(&generation, g);
}

int64_t api_generation(void)
{
    return atomic_load(&generation);
}

static void *poll_generation(void *arg)
{
    (void)arg;
    while (!atomic_load(&poller_stop)) {
        api_generation_refresh();
        nanosleep(&(struct timespec){0, GENERATION_POLL_MS * 1000000L}, NULL);
    }
    return NULL;
}

void api_init(const struct api_state *s)
{
    state = *s;
    api_generation_refresh();
    atomic_store(&poller_stop, false);
    poller_running = pthread_create(&poller, NULL, poll_generation, NULL) == 0;
}

void api_shutdown(void)
{
    if (!poller_running)
        return;
    atomic_store(&poller_stop, true);
    pthread_join(poller, NULL);
    poller_running = false;
}

const struct api_state *api_state(void)
{
    return &state;
}

void api_metrics_extra(struct buf *out)
{
    struct db *db = db_pool_get();
    int64_t n = 0;

    if (!db)
        return;
    db_set_deadline(db, state.config->query_timeout_ms);
    if (db_articles_total(db, &n) != DB_OK)
        return;
    buf_printf(out,
               "# HELP dossier_articles Articles in the database.\n"
               "# TYPE dossier_articles gauge\ndossier_articles %lld\n",
               (long long)n);
}

struct db *api_db(struct http_response *res)
{
    struct db *db = db_pool_get();

    if (!db) {
        http_error(res, HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                   "the database cannot be opened");
        http_error_detail(res, "cannot open the database (logged above)");
    }
    return db;
}

int api_db_error(struct http_response *res, int status)
{
    switch (status) {
    case DB_TIMEOUT:
        http_error_detail(res, "query_timeout_ms passed");
        return http_error(res, HTTP_SERVICE_UNAVAILABLE, "timeout", NULL,
                          "the query took longer than %lld ms",
                          (long long)state.config->query_timeout_ms);
    case DB_BAD_QUERY:
        return http_error(res, HTTP_BAD_REQUEST, "invalid_query", "q",
                          "the search query is not valid");
    case DB_READONLY:
        return http_error(res, HTTP_FORBIDDEN, "writes_disabled", NULL,
                          "the database is read-only");
    case DB_BUSY:
        return http_error(res, HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                          "the database is busy; retry");
    default: {
        struct db *db = db_pool_get();
        http_error_detail(res, db ? db_errmsg(db) : "database error");
        return http_error(res, HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                          "database error");
    }
    }
}

int api_limit(struct http_request *req, struct http_response *res,
              int64_t *limit)
{
    return http_param_int(req, res, "limit", 1, 100, 20, limit);
}

int api_path_id(struct http_request *req, size_t i, int64_t *id)
{
    const char *s = i < req->nsegments ? req->segments[i] : NULL;
    char *end;
    long long v;

    if (!s || !*s || *s == '+' || *s == '-' || *s == ' ')
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*end || errno || v < 1)
        return -1;
    *id = v;
    return 0;
}

/* --- cursors: base64url("<sort>.<offset>.<id>.<key>") --- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static size_t b64_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = b64[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
    return o;
}

static int b64_decode(const char *in, unsigned char *out, size_t max, size_t *n)
{
    size_t len = strlen(in), o = 0;
    unsigned v = 0;
    int bits = 0;

    if (len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i++) {
        const char *p = in[i] ? strchr(b64, in[i]) : NULL;
        if (!p)
            return -1;
        v = (v << 6) | (unsigned)(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == max)
                return -1;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    *n = o;
    return 0;
}

void api_cursor_write(struct jsonw *w, const struct api_cursor *cur)
{
    char text[128], enc[176];
    int n;

    n = snprintf(text, sizeof(text), "%c.%lld.%lld.%s", cur->sort,
                 (long long)cur->offset, (long long)cur->id, cur->key);
    b64_encode((const unsigned char *)text, (size_t)n, enc);
    jw_str(w, enc);
}

static int bad_cursor(struct http_response *res)
{
    http_error(res, HTTP_BAD_REQUEST, "invalid_cursor", "cursor",
               "cursor is not a cursor of this list; start again without it");
    return -1;
}

/* A decimal number of 1..18 digits at *@p, advancing past it. */
static int parse_count(const char **p, int64_t *out)
{
    int64_t v = 0;
    int n = 0;

    while (**p >= '0' && **p <= '9' && n < 18) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (!n || (**p >= '0' && **p <= '9'))
        return -1;
    *out = v;
    return 0;
}

int api_cursor_parse(struct http_request *req, struct http_response *res,
                     char sort, struct api_cursor *cur)
{
    const char *v = http_param(req, "cursor");
    unsigned char text[129];
    const char *p;
    size_t n;

    memset(cur, 0, sizeof(*cur));
    if (!v)
        return 0;
    if (strlen(v) > 170 || b64_decode(v, text, sizeof(text) - 1, &n) < 0)
        return bad_cursor(res);
    text[n] = '\0';
    /* "<sort>.<offset>.<id>.<key>", digits only in the numbers. */
    p = (const char *)text;
    if (memchr(text, 0, n) || n < 6 || p[0] != sort || p[1] != '.')
        return bad_cursor(res);
    p += 2;
    if (parse_count(&p, &cur->offset) < 0 || *p++ != '.' ||
        parse_count(&p, &cur->id) < 0 || *p++ != '.' || cur->offset > 100000000)
        return bad_cursor(res);
    if (strlen(p) >= sizeof(cur->key) ||
        strspn(p, "0123456789-:TZW.") != strlen(p))
        return bad_cursor(res);
    cur->sort = sort;
    strcpy(cur->key, p);
    return 0;
}

void api_html_json(struct buf *out, const char *s, size_t len)
{
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case DB_MARK_OPEN:
            rep = "<mark>";
            break;
        case DB_MARK_CLOSE:
            rep = "</mark>";
            break;
        default:
            continue;
        }
        json_escape(out, s + run, i - run);
        buf_puts(out, rep); /* nothing in it to escape for JSON */
        run = i + 1;
    }
    json_escape(out, s + run, len - run);
}
