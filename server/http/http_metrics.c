/*
 * http_metrics.c - request counters by route and status, and a latency
 * histogram by route, rendered in the Prometheus text format.
 * Lock-free: relaxed atomic counters.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static const int statuses[] = {200, 201, 204, 304, 400, 401, 403,
                               404, 405, 413, 415, 500, 503};
#define NSTATUS (sizeof(statuses) / sizeof(*statuses) + 1) /* + other */

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define NBOUNDS (sizeof(bounds) / sizeof(*bounds))

struct route_metrics {
    const char *name;
    atomic_ulong by_status[NSTATUS];
    atomic_ulong buckets[NBOUNDS + 1]; /* last: +Inf */
    atomic_ulong sum_us;
};

struct http_metrics {
    size_t nroutes; /* routes + static + other */
    struct route_metrics *routes;
};

struct http_metrics *http_metrics_new(const struct http_route *routes)
{
    struct http_metrics *m = xcalloc(1, sizeof(*m));
    size_t n = 0;

    while (routes[n].pattern)
        n++;
    m->nroutes = n + 2;
    m->routes = xcalloc(m->nroutes, sizeof(*m->routes));
    for (size_t i = 0; i < n; i++)
        m->routes[i].name = routes[i].name;
    m->routes[n].name = "static";
    m->routes[n + 1].name = "other";
    return m;
}

void http_metrics_free(struct http_metrics *m)
{
    if (!m)
        return;
    free(m->routes);
    free(m);
}

void http_metrics_observe(struct http_metrics *m, int route, int status,
                          double seconds)
{
    size_t r = route >= 0                   ? (size_t)route
               : route == HTTP_ROUTE_STATIC ? m->nroutes - 2
                                            : m->nroutes - 1;
    struct route_metrics *rm = &m->routes[r];
    size_t s = NSTATUS - 1, b = NBOUNDS;

    for (size_t i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status)
            s = i;
    for (size_t i = 0; i < NBOUNDS; i++) {
        if (seconds <= bounds[i]) {
            b = i;
            break;
        }
    }
    atomic_fetch_add_explicit(&rm->by_status[s], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&rm->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&rm->sum_us, (unsigned long)(seconds * 1e6),
                              memory_order_relaxed);
}

void http_metrics_render(struct http_metrics *m, struct buf *out,
                         long open_connections)
{
    buf_puts(out, "# HELP dossier_http_requests_total HTTP requests by route "
                  "and status.\n# TYPE dossier_http_requests_total counter\n");
    for (size_t r = 0; r < m->nroutes; r++) {
        for (size_t s = 0; s < NSTATUS; s++) {
            unsigned long v = atomic_load_explicit(&m->routes[r].by_status[s],
                                                   memory_order_relaxed);
            if (!v)
                continue;
            if (s < NSTATUS - 1)
                buf_printf(out,
                           "dossier_http_requests_total{route=\"%s\","
                           "status=\"%d\"} %lu\n",
                           m->routes[r].name, statuses[s], v);
            else
                buf_printf(out,
                           "dossier_http_requests_total{route=\"%s\","
                           "status=\"other\"} %lu\n",
                           m->routes[r].name, v);
        }
    }
    buf_puts(out, "# HELP dossier_http_request_duration_seconds Time to "
                  "answer a request.\n"
                  "# TYPE dossier_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < m->nroutes; r++) {
        struct route_metrics *rm = &m->routes[r];
        unsigned long cum = 0;
        for (size_t b = 0; b <= NBOUNDS; b++)
            cum += atomic_load_explicit(&rm->buckets[b], memory_order_relaxed);
        if (!cum)
            continue;
        cum = 0;
        for (size_t b = 0; b <= NBOUNDS; b++) {
            cum += atomic_load_explicit(&rm->buckets[b], memory_order_relaxed);
            if (b < NBOUNDS)
                buf_printf(out,
                           "dossier_http_request_duration_seconds_bucket{"
                           "route=\"%s\",le=\"%g\"} %lu\n",
                           rm->name, bounds[b], cum);
            else
                buf_printf(out,
                           "dossier_http_request_duration_seconds_bucket{"
                           "route=\"%s\",le=\"+Inf\"} %lu\n",
                           rm->name, cum);
        }
        buf_printf(
            out,
            "dossier_http_request_duration_seconds_sum{route=\"%s\"} "
            "%.6f\n",
            rm->name,
            (double)atomic_load_explicit(&rm->sum_us, memory_order_relaxed) /
                1e6);
        buf_printf(out,
                   "dossier_http_request_duration_seconds_count{route=\"%s\"}"
                   " %lu\n",
                   rm->name, cum);
    }
    buf_printf(out,
               "# HELP dossier_http_open_connections Open client "
               "connections.\n# TYPE dossier_http_open_connections gauge\n"
               "dossier_http_open_connections %ld\n",
               open_connections);
}
