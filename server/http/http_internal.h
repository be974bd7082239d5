/*
 * http_internal.h - what the http_*.c files share. Not for server/api/.
 */
#ifndef DOSSIER_HTTP_INTERNAL_H
#define DOSSIER_HTTP_INTERNAL_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/socket.h>

#include "http/http.h"

/* --- trusted proxies (http_net.c) --- */

struct http_net {
    int family; /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int prefix; /* bits */
};

/* Parse "127.0.0.1, 10.0.0.0/8, ::1" into a new array; -1 on bad input. */
int http_nets_parse(const char *list, struct http_net **out, size_t *n,
                    char *err, size_t errlen);
bool http_nets_contain(const struct http_net *nets, size_t n,
                       const struct sockaddr *sa);
/* The textual address of @sa into @out (INET6_ADDRSTRLEN). */
void http_addr_text(const struct sockaddr *sa, char *out, size_t len);
/*
 * The client address from X-Forwarded-For: the rightmost entry that is
 * not a trusted proxy (arena-owned), or NULL when the header is unusable.
 */
const char *http_forwarded_client(struct arena *a, const char *xff,
                                  const struct http_net *nets, size_t n);

/* --- metrics (http_metrics.c) --- */

/* Requests that match no route, for metrics. */
enum {
    HTTP_ROUTE_STATIC = -1, /* the pages */
    HTTP_ROUTE_OTHER = -2,  /* /metrics, unknown paths */
};

struct http_metrics;
struct http_metrics *http_metrics_new(const struct http_route *routes);
void http_metrics_free(struct http_metrics *m);
/* @route: index into routes, or HTTP_ROUTE_STATIC / HTTP_ROUTE_OTHER. */
void http_metrics_observe(struct http_metrics *m, int route, int status,
                          double seconds);
void http_metrics_render(struct http_metrics *m, struct buf *out,
                         long open_connections);

/* --- static files (http_static.c) --- */

struct http_static;
/* Load @dir (or, when empty or missing, the embedded copy). */
struct http_static *http_static_load(const char *dir,
                                     const struct embed_file *embedded);
void http_static_free(struct http_static *st);
/*
 * Serve @path (GET/HEAD): a file, the page shell for HTML clients, or a
 * 404. Returns the status.
 */
int http_static_serve(struct http_static *st, struct http_request *req,
                      struct http_response *res, const char *base_path);

/* --- encoding (http_encode.c) --- */

/* Weak ETag of @data into @out (at least 24 bytes). */
void http_etag(const char *data, size_t len, char *out);
/* True when an If-None-Match list contains @etag (or is "*"). */
bool http_etag_matches(const char *if_none_match, const char *etag);
/* True when Accept-Encoding allows gzip. */
bool http_accepts_gzip(const char *accept_encoding);
/* gzip @in into a new buffer; returns 0 or -1. */
int http_gzip(const char *in, size_t len, char **out, size_t *outlen);

#endif
