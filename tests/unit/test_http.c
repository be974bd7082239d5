/*
 * test_http.c - the pure parts of the HTTP layer: trusted proxy networks,
 * X-Forwarded-For, ETags and If-None-Match, Accept-Encoding, gzip (checked
 * by inflating with zlib), typed query parameters, the error envelope and
 * the Prometheus metrics.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <zlib.h>

#include "http/http_internal.h"
#include "tap.h"

/* A socket address for an IPv4 or IPv6 literal. */
static struct sockaddr_storage addr(const char *text)
{
    struct sockaddr_storage ss;

    memset(&ss, 0, sizeof(ss));
    if (strchr(text, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        inet_pton(AF_INET6, text, &a->sin6_addr);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        inet_pton(AF_INET, text, &a->sin_addr);
    }
    return ss;
}

static void test_nets_parse(void)
{
    struct http_net *nets = NULL;
    size_t n = 99;
    char err[256];

    ok(http_nets_parse("127.0.0.1, 10.0.0.0/8,::1 2001:db8::/32", &nets, &n,
                       err, sizeof(err)) == 0 &&
           n == 4,
       "parse a mixed list (commas and spaces)");
    ok(n == 4 && nets[0].family == AF_INET && nets[0].prefix == 32 &&
           nets[1].family == AF_INET && nets[1].prefix == 8 &&
           nets[2].family == AF_INET6 && nets[2].prefix == 128 &&
           nets[3].family == AF_INET6 && nets[3].prefix == 32,
       "families and prefixes");
    ok(n == 4 && memcmp(nets[1].addr, "\x0a\0\0\0", 4) == 0,
       "address bytes in network order");
    free(nets);

    ok(http_nets_parse("", &nets, &n, err, sizeof(err)) == 0 && n == 0,
       "an empty list is no networks");
    free(nets);
    ok(http_nets_parse(" , ,", &nets, &n, err, sizeof(err)) == 0 && n == 0,
       "separators alone are no networks");
    free(nets);

    static const char *const bad[] = {
        "10.0.0.0/33", "::/129",          "10.0.0.0/",      "10.0.0.0/x",
        "localhost",   "1.2.3",           "256.0.0.1",      "1.2.3.4/8/9",
        "10.0.0.0/-1", "1.2.3.4;5.6.7.8", "10.0.0.1, nope", "[::1]",
        "1.2.3.4:80",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        err[0] = '\0';
        ok(http_nets_parse(bad[i], &nets, &n, err, sizeof(err)) == -1 &&
               strstr(err, "trusted_proxies"),
           "\"%s\" is refused", bad[i]);
    }
    char longer[200];
    memset(longer, '1', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    ok(http_nets_parse(longer, &nets, &n, err, sizeof(err)) == -1,
       "an over-long entry is refused");
}

static void test_nets_contain(void)
{
    static const struct {
        const char *addr;
        bool in;
    } cases[] = {
        {"10.1.2.3", true},
        {"11.0.0.1", false},
        {"192.168.1.1", true},
        {"192.168.1.2", false},
        {"172.16.0.1", true},
        {"172.31.255.255", true},
        {"172.32.0.0", false},
        {"172.15.255.255", false},
        {"2001:db8::5", true},
        {"2001:db9::", false},
        {"::1", true},
        {"::2", false},
        {"::ffff:10.9.9.9", true},
        {"::ffff:11.0.0.1", false},
        {"::ffff:192.168.1.1", true},
        {"fe80::1", false},
    };
    struct http_net *nets;
    size_t n;
    char err[256];

    http_nets_parse("10.0.0.0/8 192.168.1.1 172.16.0.0/12 2001:db8::/32 ::1",
                    &nets, &n, err, sizeof(err));
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct sockaddr_storage ss = addr(cases[i].addr);
        ok(http_nets_contain(nets, n, (struct sockaddr *)&ss) == cases[i].in,
           "%s is %s", cases[i].addr, cases[i].in ? "trusted" : "not trusted");
    }
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    ok(!http_nets_contain(nets, n, (struct sockaddr *)&un),
       "a unix socket peer is not trusted");
    free(nets);

    http_nets_parse("0.0.0.0/0", &nets, &n, err, sizeof(err));
    struct sockaddr_storage v4 = addr("203.0.113.9"), v6 = addr("2001:db8::1");
    ok(http_nets_contain(nets, n, (struct sockaddr *)&v4) &&
           !http_nets_contain(nets, n, (struct sockaddr *)&v6),
       "0.0.0.0/0 holds every IPv4 address and no IPv6 one");
    free(nets);
    ok(!http_nets_contain(NULL, 0, (struct sockaddr *)&v4),
       "no networks trust nobody");

    static const struct {
        const char *addr, *text;
    } texts[] = {
        {"10.1.2.3", "10.1.2.3"},
        {"2001:db8::5", "2001:db8::5"},
        {"::ffff:10.9.9.9", "10.9.9.9"},
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
        struct sockaddr_storage ss = addr(texts[i].addr);
        char out[INET6_ADDRSTRLEN];
        http_addr_text((struct sockaddr *)&ss, out, sizeof(out));
        is_str(out, texts[i].text, "address text of %s", texts[i].addr);
    }
    char out[INET6_ADDRSTRLEN];
    http_addr_text((struct sockaddr *)&un, out, sizeof(out));
    is_str(out, "unknown", "address text of a unix socket");
}

static void test_forwarded(void)
{
    static const struct {
        const char *xff, *client; /* NULL: unusable */
    } cases[] = {
        {"203.0.113.7", "203.0.113.7"},
        {"203.0.113.7, 10.0.0.2", "203.0.113.7"},
        {"198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"},
        {"198.51.100.1,203.0.113.7,10.0.0.2,10.0.0.3", "203.0.113.7"},
        {"  203.0.113.7  ,  10.0.0.2  ", "203.0.113.7"},
        {"10.0.0.5, 10.0.0.2", "10.0.0.5"},
        {"2001:db8::1, 10.0.0.1", "2001:db8::1"},
        {"garbage, 203.0.113.7", "203.0.113.7"},
        {"203.0.113.7, ::ffff:10.0.0.2", "203.0.113.7"},
        {"garbage", NULL},
        {"203.0.113.7, garbage", NULL},
        {"203.0.113.7, garbage, 10.0.0.2", NULL},
        {"", NULL},
        {"   ", NULL},
        {"203.0.113.7,", NULL},
        {"203.0.113.7:4711", NULL},
        {"unknown, 10.0.0.2", NULL},
    };
    struct http_net *nets;
    size_t n;
    char err[256];
    struct arena a;

    arena_init(&a);
    http_nets_parse("10.0.0.0/8", &nets, &n, err, sizeof(err));
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        is_str(http_forwarded_client(&a, cases[i].xff, nets, n),
               cases[i].client, "X-Forwarded-For \"%s\"", cases[i].xff);
    is_str(http_forwarded_client(&a, "198.51.100.1, 10.0.0.2", NULL, 0),
           "10.0.0.2", "with no trusted proxy the nearest hop is the client");
    free(nets);
    arena_release(&a);
}

static void test_etag(void)
{
    char tag[24], other[24], empty[24];
    const char *body = "{\"items\":[],\"next_cursor\":null}";

    http_etag(body, strlen(body), tag);
    ok(strlen(tag) == 20 && strncmp(tag, "W/\"", 3) == 0 && tag[19] == '"' &&
           strspn(tag + 3, "0123456789abcdef") == 16,
       "weak ETag of 16 hex digits (%s)", tag);
    http_etag(body, strlen(body), other);
    is_str(other, tag, "the same body has the same ETag");
    http_etag(body, strlen(body) - 1, other);
    ok(strcmp(other, tag) != 0, "a different body has another ETag");
    http_etag("", 0, empty);
    ok(strlen(empty) == 20, "an empty body has an ETag");

    char strong[32], list[96], spaced[96], cut[32];
    snprintf(strong, sizeof(strong), "%s", tag + 2);
    snprintf(list, sizeof(list), "\"0000\", %s, W/\"ffff\"", tag);
    snprintf(spaced, sizeof(spaced), "  W/\"abcd\"  ,   %s   ", strong);
    snprintf(cut, sizeof(cut), "%.*s", 19, tag);
    static const char *const no[] = {"", "\"0000\"", "W/\"0000\", \"1111\"",
                                     " , ,"};

    ok(http_etag_matches(tag, tag), "the ETag itself matches");
    ok(http_etag_matches(strong, tag),
       "its strong form matches (weak compare)");
    ok(http_etag_matches(list, tag), "a list containing it matches");
    ok(http_etag_matches(spaced, tag), "spaces around list items");
    ok(http_etag_matches("*", tag), "* matches");
    ok(http_etag_matches("\"0000\", *", tag), "* in a list matches");
    ok(!http_etag_matches(cut, tag), "a truncated tag does not match");
    for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
        ok(!http_etag_matches(no[i], tag), "\"%s\" does not match", no[i]);
}

static void test_accept_encoding(void)
{
    static const struct {
        const char *ae;
        bool gzip;
    } cases[] = {
        {"gzip", true},
        {"gzip, deflate, br", true},
        {"deflate, gzip;q=0.5", true},
        {"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
        {"GZIP", true},
        {"gzip;q=0.001", true},
        {"gzip;q=1", true},
        {"gzip;q=0", false},
        {"gzip; q=0", false},
        {"gzip ;q=0", false},
        {"gzip;q=0.0", false},
        {"gzip;q=0.000", false},
        {"gzip;q=0, deflate", false},
        {"deflate, gzip;q=0", false},
        {"gzip;Q=0", false},
        {"deflate, br", false},
        {"identity", false},
        {"", false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        ok(http_accepts_gzip(cases[i].ae) == cases[i].gzip,
           "Accept-Encoding \"%s\" %s gzip", cases[i].ae,
           cases[i].gzip ? "allows" : "refuses");
    ok(!http_accepts_gzip(NULL), "no Accept-Encoding header: no gzip");
}

/* Inflate a gzip stream; returns the length or -1. */
static long gunzip(const char *in, size_t len, char *out, size_t cap)
{
    z_stream z;
    int rc;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    rc = inflate(&z, Z_FINISH);
    long n = rc == Z_STREAM_END && z.avail_in == 0 ? (long)z.total_out : -1;
    inflateEnd(&z);
    return n;
}

static void test_gzip(void)
{
    size_t big = 1 << 20;
    char *text = malloc(big), *back = malloc(big + 1);
    char *gz;
    size_t gzlen;
    uint32_t x = 7;

    for (size_t i = 0; i < big; i++)
        text[i] = "{\"id\":1,\"title\":\"Geneva talks\"}\n"[i % 33];
    ok(http_gzip(text, big, &gz, &gzlen) == 0, "gzip 1 MiB of JSON");
    ok(gzlen > 18 && (unsigned char)gz[0] == 0x1f &&
           (unsigned char)gz[1] == 0x8b,
       "a gzip stream (magic 1f 8b)");
    ok(gzlen < big / 20, "repetitive JSON shrinks (%zu bytes)", gzlen);
    ok(gunzip(gz, gzlen, back, big + 1) == (long)big &&
           memcmp(back, text, big) == 0,
       "zlib inflates it back to the same bytes");
    free(gz);

    for (size_t i = 0; i < big; i++) {
        x = x * 1103515245u + 12345u;
        text[i] = (char)(x >> 16);
    }
    ok(http_gzip(text, big, &gz, &gzlen) == 0 &&
           gunzip(gz, gzlen, back, big + 1) == (long)big &&
           memcmp(back, text, big) == 0,
       "incompressible bytes round-trip");
    free(gz);

    ok(http_gzip("", 0, &gz, &gzlen) == 0 && gunzip(gz, gzlen, back, big) == 0,
       "an empty body round-trips");
    free(gz);
    free(text);
    free(back);
}

/* --- typed parameters and the error envelope ------------------------- */

struct exchange {
    struct arena arena;
    struct http_request req;
    struct http_response res;
};

static void exchange_init(struct exchange *x, const char *name,
                          const char *value)
{
    memset(x, 0, sizeof(*x));
    arena_init(&x->arena);
    x->req.arena = &x->arena;
    x->res.arena = &x->arena;
    buf_init(&x->res.body, 1 << 16);
    if (name) {
        x->req.params[0].name = name;
        x->req.params[0].value = value;
        x->req.nparams = 1;
    }
}

static void exchange_release(struct exchange *x)
{
    buf_release(&x->res.body);
    arena_release(&x->arena);
}

/* True when the response is the 400 envelope naming @param. */
static bool is_invalid(const struct exchange *x, const char *param)
{
    json_t *j = json_loadb(x->res.body.data, x->res.body.len, 0, NULL);
    json_t *e = json_object_get(j, "error");
    bool good = x->res.status == 400 &&
                json_integer_value(json_object_get(e, "status")) == 400 &&
                json_string_value(json_object_get(e, "code")) &&
                strcmp(json_string_value(json_object_get(e, "code")),
                       "invalid_parameter") == 0 &&
                json_string_value(json_object_get(e, "parameter")) &&
                strcmp(json_string_value(json_object_get(e, "parameter")),
                       param) == 0 &&
                json_string_value(json_object_get(e, "message"));
    json_decref(j);
    return good;
}

static void test_param_int(void)
{
    static const char *const bad[] = {
        "0", "101", "+5", " 5", "5x", "", "-1", "99999999999999999999", "1e2"};
    struct exchange x;
    int64_t v = 0;

    exchange_init(&x, NULL, NULL);
    ok(http_param_int(&x.req, &x.res, "limit", 1, 100, 20, &v) == 0 && v == 20,
       "an absent integer takes its default");
    exchange_release(&x);
    exchange_init(&x, "limit", "100");
    ok(http_param_int(&x.req, &x.res, "limit", 1, 100, 20, &v) == 0 && v == 100,
       "an integer at the maximum");
    exchange_release(&x);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        exchange_init(&x, "limit", bad[i]);
        ok(http_param_int(&x.req, &x.res, "limit", 1, 100, 20, &v) == -1 &&
               is_invalid(&x, "limit"),
           "limit=\"%s\" is a 400 invalid_parameter", bad[i]);
        exchange_release(&x);
    }
    exchange_init(&x, "limit", "0");
    http_param_int(&x.req, &x.res, "limit", 1, 100, 20, &v);
    ok(strstr(x.res.body.data, "limit must be an integer between 1 and 100") !=
           NULL,
       "the message of API.md");
    exchange_release(&x);
}

static void test_param_other(void)
{
    static const char *const sorts[] = {"relevance", "published", "-published",
                                        "id", NULL};
    struct exchange x;
    int idx = -1;
    const char *date;
    const char **list;
    int64_t *ids;
    size_t n;

    exchange_init(&x, "sort", "-published");
    ok(http_param_enum(&x.req, &x.res, "sort", sorts, 0, &idx) == 0 && idx == 2,
       "an enum value gives its index");
    exchange_release(&x);
    exchange_init(&x, "sort", "newest");
    ok(http_param_enum(&x.req, &x.res, "sort", sorts, 0, &idx) == -1 &&
           is_invalid(&x, "sort") &&
           strstr(x.res.body.data, "relevance, published, -published, id"),
       "an unknown enum value lists the choices");
    exchange_release(&x);

    exchange_init(&x, "since", "2021-12");
    ok(http_param_date(&x.req, &x.res, "since", true, &date) == 0 &&
           strcmp(date, "2021-12") == 0,
       "a partial date where partial dates are allowed");
    ok(http_param_date(&x.req, &x.res, "since", false, &date) == -1 &&
           is_invalid(&x, "since") && date == NULL,
       "a partial date where a day is required");
    exchange_release(&x);
    exchange_init(&x, "until", "2021-02-29");
    ok(http_param_date(&x.req, &x.res, "until", false, &date) == -1,
       "a day that does not exist");
    exchange_release(&x);

    exchange_init(&x, "source", "AP,Reuters,BBC News");
    ok(http_param_list(&x.req, &x.res, "source", &list, &n) == 0 && n == 3 &&
           strcmp(list[0], "AP") == 0 && strcmp(list[2], "BBC News") == 0,
       "a comma list");
    exchange_release(&x);
    static const char *const bad_lists[] = {"AP,,BBC", "", ",AP", "AP,"};
    for (size_t i = 0; i < sizeof(bad_lists) / sizeof(*bad_lists); i++) {
        exchange_init(&x, "source", bad_lists[i]);
        ok(http_param_list(&x.req, &x.res, "source", &list, &n) == -1 &&
               is_invalid(&x, "source"),
           "source=\"%s\" has an empty item", bad_lists[i]);
        exchange_release(&x);
    }
    char many[400];
    size_t len = 0;
    for (int i = 0; i < 101; i++)
        len += (size_t)snprintf(many + len, sizeof(many) - len, "%sx",
                                i ? "," : "");
    exchange_init(&x, "source", many);
    ok(http_param_list(&x.req, &x.res, "source", &list, &n) == -1,
       "101 items are too many");
    exchange_release(&x);
    many[len - 2] = '\0';
    exchange_init(&x, "source", many);
    ok(http_param_list(&x.req, &x.res, "source", &list, &n) == 0 && n == 100,
       "100 items are fine");
    exchange_release(&x);

    exchange_init(&x, "entity", "12,7,300");
    ok(http_param_ids(&x.req, &x.res, "entity", &ids, &n) == 0 && n == 3 &&
           ids[0] == 12 && ids[1] == 7 && ids[2] == 300,
       "a list of ids");
    exchange_release(&x);
    static const char *const bad_ids[] = {"0",  "1,x", "+1",
                                          "-3", "1.5", "9223372036854775808"};
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(*bad_ids); i++) {
        exchange_init(&x, "entity", bad_ids[i]);
        ok(http_param_ids(&x.req, &x.res, "entity", &ids, &n) == -1 &&
               is_invalid(&x, "entity"),
           "entity=\"%s\" is refused", bad_ids[i]);
        exchange_release(&x);
    }
}

static void test_response(void)
{
    struct exchange x;
    json_t *j;

    exchange_init(&x, NULL, NULL);
    buf_puts(&x.res.body, "{\"partial\":");
    x.res.cacheable = true;
    is_int(http_error(&x.res, 404, "not_found", NULL, "no article %d", 42), 404,
           "http_error returns the status");
    j = json_loadb(x.res.body.data, x.res.body.len, 0, NULL);
    ok(j && json_object_size(j) == 1, "the body is only the envelope");
    json_t *e = json_object_get(j, "error");
    ok(json_integer_value(json_object_get(e, "status")) == 404 &&
           strcmp(json_string_value(json_object_get(e, "code")), "not_found") ==
               0 &&
           strcmp(json_string_value(json_object_get(e, "message")),
                  "no article 42") == 0 &&
           json_object_get(e, "parameter") == NULL,
       "status, code and message; no parameter");
    ok(!x.res.cacheable && strstr(x.res.content_type, "application/json"),
       "errors are JSON and not cacheable");
    json_decref(j);

    http_set_header(&x.res, "Allow", "GET");
    http_set_header(&x.res, "allow", "GET, HEAD");
    ok(x.res.nheaders == 1 && strcmp(x.res.headers[0].value, "GET, HEAD") == 0,
       "setting a header again replaces it (any case)");
    for (int i = 0; i < 40; i++) {
        char name[16];
        snprintf(name, sizeof(name), "X-H%d", i);
        http_set_header(&x.res, name, "v");
    }
    is_int(x.res.nheaders, HTTP_MAX_HEADERS, "headers stop at the maximum");
    is_int(http_json(&x.res, HTTP_OK), HTTP_OK, "http_json");
    ok(x.res.cacheable, "a 200 JSON response is cacheable");
    http_json(&x.res, HTTP_CREATED);
    ok(!x.res.cacheable, "a 201 is not");
    exchange_release(&x);
}

static void test_metrics(void)
{
    static const struct http_route routes[] = {
        {.pattern = "/api/v1/articles", .name = "articles"},
        {.pattern = "/api/v1/entities", .name = "entities"},
        {.pattern = NULL},
    };
    static const char *const lines[] = {
        "dossier_http_requests_total{route=\"articles\",status=\"200\"} 2\n",
        "dossier_http_requests_total{route=\"articles\",status=\"404\"} 1\n",
        "dossier_http_requests_total{route=\"static\",status=\"304\"} 1\n",
        "dossier_http_requests_total{route=\"other\",status=\"other\"} 1\n",
        "dossier_http_request_duration_seconds_bucket{route=\"articles\","
        "le=\"0.0025\"} 0\n",
        "dossier_http_request_duration_seconds_bucket{route=\"articles\","
        "le=\"0.005\"} 2\n",
        "dossier_http_request_duration_seconds_bucket{route=\"articles\","
        "le=\"0.25\"} 3\n",
        "dossier_http_request_duration_seconds_bucket{route=\"articles\","
        "le=\"+Inf\"} 3\n",
        "dossier_http_request_duration_seconds_sum{route=\"articles\"} "
        "0.206000\n",
        "dossier_http_request_duration_seconds_count{route=\"articles\"} 3\n",
        "dossier_http_request_duration_seconds_bucket{route=\"other\","
        "le=\"2.5\"} 0\n",
        "dossier_http_request_duration_seconds_bucket{route=\"other\","
        "le=\"+Inf\"} 1\n",
        "# TYPE dossier_http_requests_total counter\n",
        "# TYPE dossier_http_request_duration_seconds histogram\n",
        "dossier_http_open_connections 7\n",
    };
    struct http_metrics *m = http_metrics_new(routes);
    struct buf out;

    http_metrics_observe(m, 0, 200, 0.003);
    http_metrics_observe(m, 0, 200, 0.004);
    http_metrics_observe(m, 0, 404, 0.199);
    http_metrics_observe(m, -1, 304, 0.0001); /* a static file */
    http_metrics_observe(m, -2, 418, 3.0);    /* anything else */
    buf_init(&out, 1 << 20);
    http_metrics_render(m, &out, 7);
    for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
        ok(strstr(out.data, lines[i]) != NULL, "metrics have %.*s",
           (int)strlen(lines[i]) - 1, lines[i]);
    ok(strstr(out.data, "route=\"entities\"") == NULL,
       "a route never requested has no lines");
    buf_release(&out);
    http_metrics_free(m);
}

int main(void)
{
    test_nets_parse();
    test_nets_contain();
    test_forwarded();
    test_etag();
    test_accept_encoding();
    test_gzip();
    test_param_int();
    test_param_other();
    test_response();
    test_metrics();
    return tap_done();
}
