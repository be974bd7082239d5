/*
 * http.h - the HTTP server: daemon, requests and responses, routing,
 * static pages, CORS, proxies, access log and metrics.
 *
 * Only server/http/ includes microhttpd.h. Handlers (server/api/) see a
 * parsed request and fill a response; every error body comes from
 * http_error().
 */
#ifndef DOSSIER_HTTP_HTTP_H
#define DOSSIER_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/embed.h"

enum http_status {
    HTTP_OK = 200,
    HTTP_CREATED = 201,
    HTTP_NO_CONTENT = 204,
    HTTP_NOT_MODIFIED = 304,
    HTTP_BAD_REQUEST = 400,
    HTTP_UNAUTHORIZED = 401,
    HTTP_FORBIDDEN = 403,
    HTTP_NOT_FOUND = 404,
    HTTP_METHOD_NOT_ALLOWED = 405,
    HTTP_PAYLOAD_TOO_LARGE = 413,
    HTTP_UNSUPPORTED_MEDIA_TYPE = 415,
    HTTP_INTERNAL_ERROR = 500,
    HTTP_SERVICE_UNAVAILABLE = 503,
};

enum http_method {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
    HTTP_DELETE = 1 << 3,
    HTTP_OPTIONS = 1 << 4,
    HTTP_OTHER = 1 << 5,
};

#define HTTP_MAX_SEGMENTS 8
#define HTTP_MAX_PARAMS   32

struct http_param {
    const char *name, *value; /* decoded, arena-owned */
};

struct http_request {
    enum http_method method;
    const char *method_name;
    const char *path; /* decoded, after base_path */
    const char *segments[HTTP_MAX_SEGMENTS];
    size_t nsegments;
    struct http_param params[HTTP_MAX_PARAMS];
    size_t nparams;
    const char *body; /* NUL-terminated; NULL when none */
    size_t body_len;
    const char *request_id;
    const char *client_ip;
    struct arena *arena; /* freed when the request completes */
    const struct config *config;
    void *conn; /* the connection (http/ internal) */
};

struct http_header {
    const char *name, *value;
};

#define HTTP_MAX_HEADERS 16

struct http_response {
    int status;
    struct buf body;
    const char *content_type; /* static or arena string */
    struct http_header headers[HTTP_MAX_HEADERS];
    size_t nheaders;
    bool cacheable; /* a GET result: send an ETag, answer 304 */
    struct arena *arena;
    /* For a 5xx: what went wrong inside, logged with the request (never
     * sent to the client). Set with http_error_detail(). */
    const char *detail;
};

typedef int (*http_handler)(struct http_request *req,
                            struct http_response *res);

/*
 * A route: "/api/v1/articles/{id}" segments; {x} matches any segment. A
 * method is allowed when it has a handler (GET also answers HEAD).
 */
struct http_route {
    const char *pattern;
    http_handler get, post, delete;
    const char *const *params; /* accepted query parameters, NULL-ended */
    const char *name;          /* for metrics: "articles" */
};

/* Header lookup (case-insensitive); borrowed, or NULL. */
const char *http_header(struct http_request *req, const char *name);
/* Query parameter lookup; borrowed, or NULL. */
const char *http_param(struct http_request *req, const char *name);

/* Fill @res with the error envelope of API.md; returns @status. */
int http_error(struct http_response *res, int status, const char *code,
               const char *parameter, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Typed parameters. Each returns 0 and sets *@out (absent: @def), or fills
 * @res with a 400 invalid_parameter and returns -1.
 */
int http_param_int(struct http_request *req, struct http_response *res,
                   const char *name, int64_t min, int64_t max, int64_t def,
                   int64_t *out);
/* One of @choices (NULL-terminated): *@out is its index, or @def. */
int http_param_enum(struct http_request *req, struct http_response *res,
                    const char *name, const char *const *choices, int def,
                    int *out);
/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" when @partial, else YYYY-MM-DD. */
int http_param_date(struct http_request *req, struct http_response *res,
                    const char *name, bool partial, const char **out);
/* Comma list of strings; *@out is arena-owned. Empty items are an error. */
int http_param_list(struct http_request *req, struct http_response *res,
                    const char *name, const char ***out, size_t *n);
/* Comma list of positive ids. */
int http_param_ids(struct http_request *req, struct http_response *res,
                   const char *name, int64_t **out, size_t *n);

/* Record what went wrong inside, for the error log line (copied). */
void http_error_detail(struct http_response *res, const char *detail);

/* Add a response header (@name and @value are copied to the arena). */
void http_set_header(struct http_response *res, const char *name,
                     const char *value);
/* Start a JSON response body; returns HTTP_OK-style @status. */
int http_json(struct http_response *res, int status);

struct http_server;

struct http_server_options {
    const struct config *config;     /* borrowed; outlives the server */
    const struct http_route *routes; /* NULL-pattern terminated */
    const struct embed_file *embedded_static;
    /*
     * Called on the worker thread before a handler. A non-zero return is
     * the status of a response it wrote itself: the handler is skipped.
     * May be NULL.
     */
    int (*before_request)(struct http_request *req, struct http_response *res);
    /* Called with the handler's response; may be NULL. */
    void (*after_request)(struct http_request *req, struct http_response *res);
    /* Extra Prometheus lines for /metrics (e.g. article count). */
    void (*metrics_extra)(struct buf *out);
};

/*
 * http_server_start - listen and serve in background threads.
 * Returns a new server, or NULL with a message in @err.
 */
struct http_server *http_server_start(const struct http_server_options *opt,
                                      char *err, size_t errlen);
/* The bound port (useful with port 0). */
unsigned http_server_port(const struct http_server *s);
/*
 * http_server_stop - stop accepting, let in-flight requests finish (up to
 * @grace_ms), close everything and free @s.
 */
void http_server_stop(struct http_server *s, int grace_ms);

#endif
