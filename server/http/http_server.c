/*
 * http_server.c - the libmicrohttpd daemon: request lifecycle (two-call
 * pattern, body buffering with a cap), parsing, routing, response
 * finishing (ETag/304, gzip, CORS, security headers), access log,
 * metrics and graceful shutdown.
 */
#include "http/http_internal.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utf8.h"

#define GZIP_MIN_BYTES 1024
/* An oversized body up to this many times max_body_bytes is drained. */
#define DRAIN_MAX_FACTOR 4

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_server_options opt;
    const struct config *cfg;
    struct http_static *pages;
    struct http_metrics *metrics;
    struct http_net *proxies;
    size_t nproxies;
    unsigned port;
    atomic_long open_connections;
    atomic_long in_flight;
    atomic_bool stopping;
    atomic_ulong next_id;
    unsigned long id_seed;
};

/* Per-request state, from the first call of the handler to completion. */
struct request_ctx {
    struct http_server *server;
    struct arena arena;
    struct buf body;
    bool too_large;
    bool bad_params;
    bool after_stop; /* arrived once shutdown had begun */
    struct timespec start;
    struct http_request req;
    struct http_response res;
    int route;    /* for metrics: index or HTTP_ROUTE_* */
    size_t bytes; /* body bytes sent */
    bool finished;
};

const char *http_header(struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum http_method method_of(const char *m)
{
    static const struct {
        const char *name;
        enum http_method method;
    } methods[] = {{"GET", HTTP_GET},
                   {"HEAD", HTTP_HEAD},
                   {"POST", HTTP_POST},
                   {"DELETE", HTTP_DELETE},
                   {"OPTIONS", HTTP_OPTIONS}};

    for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
        if (strcmp(m, methods[i].name) == 0)
            return methods[i].method;
    return HTTP_OTHER;
}

/* --- decoding ---------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Percent-decode the path and the query values in place, as libmicrohttpd
 * does, except that %00 becomes U+0001: a NUL would silently cut the
 * string short ("/articles/1%00/annotations" read as "/articles/1"); a
 * control character is refused below instead.
 */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    char *o = s;

    (void)cls;
    (void)c;
    for (const char *p = s; *p; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hex_value(p[1])) >= 0 &&
            (lo = hex_value(p[2])) >= 0) {
            char b = (char)(hi * 16 + lo);
            *o++ = b ? b : '\x01';
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return (size_t)(o - s);
}

/* True when @s holds a control character other than tab, CR and LF. */
static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f)
            return true;
    }
    return false;
}

/* --- query parameters ---------------------------------------------- */

struct param_walk {
    struct request_ctx *ctx;
    const char *error; /* first problem found */
    const char *error_param;
};

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind,
                                     const char *key, size_t key_size,
                                     const char *value, size_t value_size)
{
    struct param_walk *pw = cls;
    struct http_request *req = &pw->ctx->req;
    const char *v = value ? value : "";
    size_t vlen = value ? value_size : 0;

    (void)kind;
    if (pw->error || key_size == 0)
        return MHD_YES; /* "?&a=1": an empty pair names nothing */
    if (strlen(key) != key_size || strlen(v) != vlen ||
        has_control(key, key_size) || has_control(v, vlen)) {
        pw->error = "holds a control character";
        pw->error_param = arena_strdup(
            &pw->ctx->arena,
            utf8_valid(key, strlen(key)) && !has_control(key, key_size) ? key
                                                                        : "?");
        return MHD_YES;
    }
    if (!utf8_valid(key, key_size) || !utf8_valid(v, vlen)) {
        pw->error = "is not valid UTF-8 text";
        pw->error_param = arena_strdup(
            &pw->ctx->arena, utf8_valid(key, strlen(key)) ? key : "?");
        return MHD_YES;
    }
    for (size_t i = 0; i < req->nparams; i++) {
        if (strcmp(req->params[i].name, key) == 0) {
            pw->error = "is given more than once";
            pw->error_param = req->params[i].name;
            return MHD_YES;
        }
    }
    if (req->nparams == HTTP_MAX_PARAMS) {
        pw->error = "is one parameter too many";
        pw->error_param = arena_strdup(&pw->ctx->arena, key);
        return MHD_YES;
    }
    req->params[req->nparams].name = arena_strdup(&pw->ctx->arena, key);
    req->params[req->nparams].value = arena_strndup(&pw->ctx->arena, v, vlen);
    req->nparams++;
    return MHD_YES;
}

/* --- routing ------------------------------------------------------- */

static int split_path(struct http_request *req, char *path)
{
    char *save = NULL;

    req->nsegments = 0;
    for (char *seg = strtok_r(path, "/", &save); seg;
         seg = strtok_r(NULL, "/", &save)) {
        if (req->nsegments == HTTP_MAX_SEGMENTS)
            return -1;
        req->segments[req->nsegments++] = seg;
    }
    return 0;
}

static bool route_matches(const struct http_route *r,
                          const struct http_request *req)
{
    const char *p = r->pattern;
    size_t i = 0;

    while (*p == '/') {
        p++;
        size_t len = strcspn(p, "/");
        if (i >= req->nsegments)
            return false;
        if (p[0] != '{' && (strlen(req->segments[i]) != len ||
                            strncmp(req->segments[i], p, len) != 0))
            return false;
        i++;
        p += len;
    }
    return i == req->nsegments;
}

static void allow_header(struct http_response *res, unsigned methods)
{
    char allow[64] = "";

    if (methods & HTTP_GET)
        strcat(allow, "GET, HEAD, ");
    if (methods & HTTP_POST)
        strcat(allow, "POST, ");
    if (methods & HTTP_DELETE)
        strcat(allow, "DELETE, ");
    strcat(allow, "OPTIONS");
    http_set_header(res, "Allow", allow);
}

static int check_params(struct http_request *req, struct http_response *res,
                        const struct http_route *r)
{
    for (size_t i = 0; i < req->nparams; i++) {
        const char *name = req->params[i].name;
        bool known = name[0] == '_';
        for (size_t j = 0; !known && r->params && r->params[j]; j++)
            known = strcmp(r->params[j], name) == 0;
        if (!known)
            return http_error(res, HTTP_BAD_REQUEST, "unknown_parameter", name,
                              "unknown parameter: %s", name);
    }
    return 0;
}

static unsigned route_methods(const struct http_route *r)
{
    return (r->get ? HTTP_GET | HTTP_HEAD : 0) | (r->post ? HTTP_POST : 0) |
           (r->delete ? HTTP_DELETE : 0);
}

static http_handler route_handler(const struct http_route *r,
                                  enum http_method m)
{
    switch (m) {
    case HTTP_GET:
    case HTTP_HEAD:
        return r->get;
    case HTTP_POST:
        return r->post;
    case HTTP_DELETE:
        return r->delete;
    default:
        return NULL;
    }
}

static int dispatch_api(struct http_server *s, struct request_ctx *ctx)
{
    struct http_request *req = &ctx->req;
    struct http_response *res = &ctx->res;

    for (int i = 0; s->opt.routes[i].pattern; i++) {
        const struct http_route *r = &s->opt.routes[i];
        if (!route_matches(r, req))
            continue;
        http_handler handler = route_handler(r, req->method);
        ctx->route = i;
        if (!handler) {
            allow_header(res, route_methods(r));
            if (req->method == HTTP_OPTIONS) {
                res->status = HTTP_NO_CONTENT;
                return res->status;
            }
            return http_error(
                res, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
                "%s is not allowed on %s", req->method_name, req->path);
        }
        if (check_params(req, res, r))
            return res->status;
        int status =
            s->opt.before_request ? s->opt.before_request(req, res) : 0;
        if (status)
            return status;
        status = handler(req, res);
        if (s->opt.after_request)
            s->opt.after_request(req, res);
        return status;
    }
    return http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                      "no such endpoint: %s", req->path);
}

static int serve_metrics(struct http_server *s, struct request_ctx *ctx)
{
    struct http_response *res = &ctx->res;

    if (!(ctx->req.method & (HTTP_GET | HTTP_HEAD))) {
        http_set_header(res, "Allow", "GET, HEAD");
        return http_error(res, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                          NULL, "%s is not allowed on /metrics",
                          ctx->req.method_name);
    }
    if (ctx->req.nparams)
        return http_error(res, HTTP_BAD_REQUEST, "unknown_parameter",
                          ctx->req.params[0].name, "unknown parameter: %s",
                          ctx->req.params[0].name);
    http_metrics_render(s->metrics, &res->body,
                        atomic_load(&s->open_connections));
    if (s->opt.metrics_extra)
        s->opt.metrics_extra(&res->body);
    res->status = HTTP_OK;
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return HTTP_OK;
}

/* Strip base_path; returns the rest ("/" at least), or NULL if outside. */
static const char *strip_base(const char *url, const char *base)
{
    size_t n = strlen(base);

    if (!n)
        return url;
    if (strncmp(url, base, n) != 0 || (url[n] != '/' && url[n] != '\0'))
        return NULL;
    return url[n] ? url + n : "/";
}

static void route_request(struct http_server *s, struct request_ctx *ctx,
                          const char *url)
{
    struct http_request *req = &ctx->req;
    struct http_response *res = &ctx->res;
    const char *path = strip_base(url, s->cfg->base_path);

    ctx->route = HTTP_ROUTE_OTHER;
    if (!path) {
        http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                   "this service lives under %s/", s->cfg->base_path);
        return;
    }
    req->path = arena_strdup(&ctx->arena, path);
    if (!utf8_valid(path, strlen(path)) || has_control(path, strlen(path)) ||
        split_path(req, arena_strdup(&ctx->arena, path)) < 0) {
        http_error(res, HTTP_NOT_FOUND, "not_found", NULL, "no such path");
        return;
    }
    if (ctx->bad_params)
        return;
    if (req->nsegments >= 1 && strcmp(req->segments[0], "api") == 0) {
        /* A request that arrived before shutdown began still runs. */
        if (ctx->after_stop) {
            http_error(res, HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                       "the service is shutting down");
            http_error_detail(res, "arrived during shutdown");
            return;
        }
        dispatch_api(s, ctx);
        return;
    }
    if (req->nsegments == 1 && strcmp(req->segments[0], "metrics") == 0) {
        serve_metrics(s, ctx);
        return;
    }
    ctx->route = HTTP_ROUTE_STATIC;
    if (req->method == HTTP_OPTIONS) {
        http_set_header(res, "Allow", "GET, HEAD, OPTIONS");
        res->status = HTTP_NO_CONTENT;
        return;
    }
    http_static_serve(s->pages, req, res, s->cfg->base_path);
}

/* --- CORS ---------------------------------------------------------- */

static bool origin_allowed(const char *list, const char *origin)
{
    size_t olen = strlen(origin);
    const char *p = list;

    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if ((len == 1 && *p == '*') ||
            (len == olen && strncmp(p, origin, len) == 0))
            return true;
        p += len;
    }
    return false;
}

static void add_cors(struct http_server *s, struct request_ctx *ctx)
{
    const char *origin = http_header(&ctx->req, "Origin");
    struct http_response *res = &ctx->res;

    if (!s->cfg->cors_origins[0] || !origin ||
        !origin_allowed(s->cfg->cors_origins, origin))
        return;
    http_set_header(res, "Access-Control-Allow-Origin",
                    strcmp(s->cfg->cors_origins, "*") == 0 ? "*" : origin);
    http_set_header(res, "Vary", "Origin, Accept-Encoding");
    if (ctx->req.method == HTTP_OPTIONS) {
        http_set_header(res, "Access-Control-Allow-Methods",
                        "GET, HEAD, POST, DELETE, OPTIONS");
        http_set_header(res, "Access-Control-Allow-Headers",
                        "Authorization, Content-Type");
        http_set_header(res, "Access-Control-Max-Age", "600");
    } else {
        http_set_header(res, "Access-Control-Expose-Headers",
                        "ETag, X-Request-Id");
    }
}

/* --- sending ------------------------------------------------------- */

static enum MHD_Result send_response(struct http_server *s,
                                     struct request_ctx *ctx,
                                     struct MHD_Connection *c)
{
    struct http_response *res = &ctx->res;
    struct MHD_Response *mr;
    char etag[24];
    char *data;
    size_t len;
    bool gzipped = false;
    enum MHD_Result ok;

    /* No endpoint writes anywhere near the cap; were one to, the client
     * can narrow the request, so it is not a server fault. */
    if (buf_overflowed(&res->body))
        http_error(res, HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                   "the response is too large: ask for fewer items");
    add_cors(s, ctx);
    if (res->cacheable && res->status == HTTP_OK) {
        http_etag(res->body.data ? res->body.data : "", res->body.len, etag);
        http_set_header(res, "ETag", etag);
        const char *inm = http_header(&ctx->req, "If-None-Match");
        if (inm && http_etag_matches(inm, etag)) {
            res->status = HTTP_NOT_MODIFIED;
            buf_reset(&res->body);
        }
        http_set_header(res, "Cache-Control", "no-cache");
    } else if (res->status >= 200) {
        http_set_header(res, "Cache-Control", "no-store");
    }
    data = buf_steal(&res->body, &len);
    if (res->status == HTTP_NO_CONTENT || res->status == HTTP_NOT_MODIFIED)
        len = 0;
    if (len >= GZIP_MIN_BYTES && res->content_type &&
        strncmp(res->content_type, "image/png", 9) != 0 &&
        http_accepts_gzip(http_header(&ctx->req, "Accept-Encoding"))) {
        char *z;
        size_t zlen;
        if (http_gzip(data, len, &z, &zlen) == 0) {
            free(data);
            data = z;
            len = zlen;
            gzipped = true;
        }
    }
    mr = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!mr) {
        free(data);
        return MHD_NO;
    }
    if (res->content_type && res->status != HTTP_NO_CONTENT &&
        res->status != HTTP_NOT_MODIFIED)
        MHD_add_response_header(mr, "Content-Type", res->content_type);
    if (gzipped)
        MHD_add_response_header(mr, "Content-Encoding", "gzip");
    if (len >= GZIP_MIN_BYTES || gzipped)
        MHD_add_response_header(mr, "Vary", "Accept-Encoding");
    for (size_t i = 0; i < res->nheaders; i++)
        MHD_add_response_header(mr, res->headers[i].name,
                                res->headers[i].value);
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(mr, "X-Request-Id", ctx->req.request_id);
    if (atomic_load(&s->stopping))
        MHD_add_response_header(mr, "Connection", "close");
    ctx->bytes = ctx->req.method == HTTP_HEAD ? 0 : len;
    ok = MHD_queue_response(c, (unsigned)res->status, mr);
    MHD_destroy_response(mr);
    return ok;
}

/* --- the request lifecycle ---------------------------------------- */

static bool valid_request_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    return n > 0 && n <= 64 &&
           strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789-_.:") == n;
}

static void identify(struct http_server *s, struct request_ctx *ctx,
                     struct MHD_Connection *c)
{
    struct http_request *req = &ctx->req;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const char *rid = http_header(req, "X-Request-Id");
    char addr[64] = "unknown";

    if (valid_request_id(rid)) {
        req->request_id = arena_strdup(&ctx->arena, rid);
    } else {
        unsigned long n = atomic_fetch_add(&s->next_id, 1);
        req->request_id = arena_alloc(&ctx->arena, 17);
        snprintf((char *)req->request_id, 17, "%08lx%08lx",
                 s->id_seed & 0xffffffffUL, n & 0xffffffffUL);
    }
    if (ci && ci->client_addr) {
        http_addr_text(ci->client_addr, addr, sizeof(addr));
        const char *xff = http_header(req, "X-Forwarded-For");
        if (xff && s->nproxies &&
            http_nets_contain(s->proxies, s->nproxies, ci->client_addr)) {
            const char *client = http_forwarded_client(&ctx->arena, xff,
                                                       s->proxies, s->nproxies);
            if (client) {
                req->client_ip = client;
                return;
            }
        }
    }
    req->client_ip = arena_strdup(&ctx->arena, addr);
}

static struct request_ctx *ctx_new(struct http_server *s,
                                   struct MHD_Connection *c, const char *method)
{
    struct request_ctx *ctx = xcalloc(1, sizeof(*ctx));

    ctx->server = s;
    clock_gettime(CLOCK_MONOTONIC, &ctx->start);
    arena_init(&ctx->arena);
    buf_init(&ctx->body, (size_t)s->cfg->max_body_bytes);
    ctx->req.arena = &ctx->arena;
    ctx->req.config = s->cfg;
    ctx->req.conn = c;
    ctx->req.method = method_of(method);
    ctx->req.method_name = arena_strdup(&ctx->arena, method);
    ctx->res.arena = &ctx->arena;
    buf_init(&ctx->res.body, (size_t)1 << 30);
    ctx->res.status = HTTP_INTERNAL_ERROR;
    ctx->route = HTTP_ROUTE_OTHER;
    ctx->after_stop = atomic_load(&s->stopping);
    atomic_fetch_add(&s->in_flight, 1);
    return ctx;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct http_server *s = cls;
    struct request_ctx *ctx = *con_cls;

    (void)version;
    if (!ctx) {
        ctx = ctx_new(s, c, method);
        *con_cls = ctx;
        identify(s, ctx, c);
        const char *cl = http_header(&ctx->req, "Content-Length");
        unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
        unsigned long long max = (unsigned long long)s->cfg->max_body_bytes;
        if (declared > max) {
            /*
             * A client waiting for "100 Continue", or one announcing far
             * more than we would ever read, is answered now (and the
             * connection closed). Otherwise the body is read and dropped
             * first: a proxy still sending it would take an early answer
             * and close for a broken connection.
             */
            const char *expect = http_header(&ctx->req, "Expect");
            if ((expect && strcasecmp(expect, "100-continue") == 0) ||
                declared > DRAIN_MAX_FACTOR * max) {
                ctx->req.path = arena_strdup(&ctx->arena, url);
                http_error(&ctx->res, HTTP_PAYLOAD_TOO_LARGE, "body_too_large",
                           NULL, "request body over %lld bytes",
                           (long long)s->cfg->max_body_bytes);
                ctx->finished = true;
                return send_response(s, ctx, c);
            }
            ctx->too_large = true;
        }
        return MHD_YES;
    }
    if (ctx->finished)
        return MHD_YES;
    if (*upload_data_size) {
        if (!ctx->too_large) {
            buf_append(&ctx->body, upload_data, *upload_data_size);
            if (buf_overflowed(&ctx->body)) {
                ctx->too_large = true;
                buf_release(&ctx->body);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    ctx->finished = true;
    if (ctx->too_large) {
        ctx->req.path = arena_strdup(&ctx->arena, url);
        http_error(&ctx->res, HTTP_PAYLOAD_TOO_LARGE, "body_too_large", NULL,
                   "request body over %lld bytes",
                   (long long)s->cfg->max_body_bytes);
        return send_response(s, ctx, c);
    }
    if (ctx->body.len || ctx->body.data) {
        ctx->req.body = ctx->body.data ? ctx->body.data : "";
        ctx->req.body_len = ctx->body.len;
    }
    struct param_walk pw = {ctx, NULL, NULL};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_param, &pw);
    if (pw.error) {
        ctx->bad_params = true;
        http_error(&ctx->res, HTTP_BAD_REQUEST, "invalid_parameter",
                   pw.error_param, "parameter %s %s", pw.error_param, pw.error);
    }
    route_request(s, ctx, url);
    if (!ctx->req.path)
        ctx->req.path = arena_strdup(&ctx->arena, url);
    return send_response(s, ctx, c);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *s = cls;
    struct request_ctx *ctx = *con_cls;

    (void)c;
    if (!ctx)
        return;
    double secs = seconds_since(&ctx->start);
    int status = ctx->res.status;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !ctx->finished)
        status = 0;
    http_metrics_observe(s->metrics, ctx->route, status, secs);
    /* Every server-side failure is logged once, here, with its request. */
    if (status >= 500)
        log_error("%s %s: %d %s id=%s", ctx->req.method_name,
                  ctx->req.path ? ctx->req.path : "-", status,
                  ctx->res.detail ? ctx->res.detail : "(no detail)",
                  ctx->req.request_id);
    if (s->cfg->access_log)
        log_info("access %s %s %s %d %zu %.3fms id=%s%s",
                 ctx->req.client_ip ? ctx->req.client_ip : "-",
                 ctx->req.method_name, ctx->req.path ? ctx->req.path : "-",
                 status, ctx->bytes, secs * 1000.0, ctx->req.request_id,
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    buf_release(&ctx->body);
    buf_release(&ctx->res.body);
    arena_release(&ctx->arena);
    free(ctx);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct http_server *s = cls;

    (void)c;
    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&s->open_connections, 1);
    else
        atomic_fetch_sub(&s->open_connections, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_debug("microhttpd: %s", msg);
}

/* Resolve "ADDR:PORT", "[V6]:PORT" or ":PORT". */
static int parse_listen(const char *listen, struct sockaddr_storage *ss,
                        char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    struct addrinfo hints = {0}, *ai = NULL;
    size_t hlen;

    if (!colon || !colon[1])
        goto bad;
    hlen = (size_t)(colon - listen);
    if (hlen >= sizeof(host))
        goto bad;
    memcpy(host, listen, hlen);
    host[hlen] = '\0';
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        memmove(host, host + 1, hlen - 2);
        host[hlen - 2] = '\0';
    }
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai) != 0 || !ai)
        goto bad;
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    return 0;
bad:
    snprintf(err, errlen, "listen must be ADDR:PORT (got \"%s\")", listen);
    return -1;
}

struct http_server *http_server_start(const struct http_server_options *opt,
                                      char *err, size_t errlen)
{
    struct http_server *s = xcalloc(1, sizeof(*s));
    struct sockaddr_storage ss;
    const struct config *cfg = opt->config;
    long threads = cfg->threads;
    struct timespec now;

    s->opt = *opt;
    s->cfg = cfg;
    clock_gettime(CLOCK_REALTIME, &now);
    s->id_seed = (unsigned long)now.tv_nsec ^ ((unsigned long)getpid() << 16);
    if (parse_listen(cfg->listen, &ss, err, errlen) < 0)
        goto fail;
    if (http_nets_parse(cfg->trusted_proxies, &s->proxies, &s->nproxies, err,
                        errlen) < 0)
        goto fail;
    if (threads <= 0)
        threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 2)
        threads = 2; /* a single epoll thread can stall (SERVING-NOTES) */
    s->metrics = http_metrics_new(opt->routes);
    s->pages = http_static_load(cfg->static_dir, opt->embedded_static);
    s->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout_s,
        /* The per-connection pool holds the request head (larger gets
         * 431/414) and is cleared for every request: keep it small. */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape, s, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s (in use, or not allowed)",
                 cfg->listen);
        goto fail;
    }
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : 0;
    return s;
fail:
    http_static_free(s->pages);
    http_metrics_free(s->metrics);
    free(s->proxies);
    free(s);
    return NULL;
}

unsigned http_server_port(const struct http_server *s)
{
    return s->port;
}

void http_server_stop(struct http_server *s, int grace_ms)
{
    struct timespec t0;

    if (!s)
        return;
    atomic_store(&s->stopping, true);
    /* Stop listening now: new connections are refused, not left waiting. */
    int fd = MHD_quiesce_daemon(s->daemon);
    if (fd >= 0)
        close(fd);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&s->in_flight) > 0 &&
           seconds_since(&t0) * 1000 < grace_ms)
        usleep(5000);
    MHD_stop_daemon(s->daemon);
    http_static_free(s->pages);
    http_metrics_free(s->metrics);
    free(s->proxies);
    free(s);
}
