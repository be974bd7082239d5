/*
 * fuzz_query.c - libFuzzer target for query-string validation: the input
 * is a query string, split and percent-decoded as libmicrohttpd does,
 * then every typed accessor of http_params.c is asked about the
 * parameters the API uses. An accepted value must obey its contract; a
 * rejected one must leave a 400 invalid_parameter envelope that parses
 * as JSON, and so must an error message quoting user text.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/dates.h"
#include "core/utf8.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode @s[0..len) into a new arena string ('+' is a space). */
static char *decode(struct arena *a, const char *s, size_t len)
{
    char *out = arena_alloc(a, len + 1);
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < len && hex(s[i + 1]) >= 0 &&
                   hex(s[i + 2]) >= 0) {
            out[o++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

static void split_query(struct http_request *req, const char *q, size_t len)
{
    size_t i = 0;

    while (i <= len && req->nparams < HTTP_MAX_PARAMS) {
        size_t end = i;
        while (end < len && q[end] != '&')
            end++;
        const char *eq = memchr(q + i, '=', end - i);
        size_t klen = eq ? (size_t)(eq - (q + i)) : end - i;
        struct http_param *p = &req->params[req->nparams++];
        p->name = decode(req->arena, q + i, klen);
        p->value =
            eq ? decode(req->arena, eq + 1, (size_t)(q + end - eq - 1)) : "";
        i = end + 1;
    }
}

/* A rejection: status 400 and the envelope of API.md. */
static void check_rejected(struct http_response *res, const char *name)
{
    json_error_t err;
    json_t *doc;
    const char *code = NULL, *param = NULL;
    json_int_t status = 0;

    if (res->status != HTTP_BAD_REQUEST || buf_overflowed(&res->body))
        abort();
    doc = json_loadb(res->body.data, res->body.len, 0, &err);
    if (!doc ||
        json_unpack(doc, "{s:{s:I, s:s, s:s}}", "error", "status", &status,
                    "code", &code, "parameter", &param) != 0 ||
        status != 400 || strcmp(code, "invalid_parameter") != 0 ||
        strcmp(param, name) != 0)
        abort();
    json_decref(doc);
    buf_reset(&res->body);
    res->status = 0;
}

static void check_ints(struct http_request *req, struct http_response *res)
{
    static const struct {
        const char *name;
        int64_t min, max, def;
    } ints[] = {
        {"limit", 1, 100, 20},
        {"min_sources", 1, 1000000, 1},
        {"article", 1, INT64_MAX, 0},
        {"speaker", INT64_MIN, INT64_MAX, 0},
    };

    for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
        int64_t v;
        if (http_param_int(req, res, ints[i].name, ints[i].min, ints[i].max,
                           ints[i].def, &v) < 0)
            check_rejected(res, ints[i].name);
        else if (http_param(req, ints[i].name) &&
                 (v < ints[i].min || v > ints[i].max))
            abort();
    }
}

static void check_enums(struct http_request *req, struct http_response *res)
{
    static const char *const sorts[] = {"relevance", "published", "-published",
                                        "id", NULL};
    static const char *const none[] = {NULL};
    int v;

    if (http_param_enum(req, res, "sort", sorts, 1, &v) < 0)
        check_rejected(res, "sort");
    else if (v < 0 || v > 3 ||
             (http_param(req, "sort") &&
              strcmp(sorts[v], http_param(req, "sort")) != 0))
        abort();
    if (http_param_enum(req, res, "interval", none, 0, &v) < 0)
        check_rejected(res, "interval");
}

static void check_dates(struct http_request *req, struct http_response *res)
{
    const char *d;

    if (http_param_date(req, res, "since", false, &d) < 0)
        check_rejected(res, "since");
    else if (d && (strlen(d) != 10 || !date_valid_day(d)))
        abort();
    if (http_param_date(req, res, "until", true, &d) < 0)
        check_rejected(res, "until");
    else if (d && !date_valid_prefix(d))
        abort();
}

static void check_lists(struct http_request *req, struct http_response *res)
{
    const char **items;
    int64_t *ids;
    size_t n;

    if (http_param_list(req, res, "source", &items, &n) < 0) {
        check_rejected(res, "source");
    } else {
        for (size_t i = 0; i < n; i++)
            if (!items[i][0] || strchr(items[i], ','))
                abort();
    }
    if (http_param_ids(req, res, "entity", &ids, &n) < 0) {
        check_rejected(res, "entity");
    } else {
        if (n > 100)
            abort();
        for (size_t i = 0; i < n; i++)
            if (ids[i] < 1)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena arena;
    struct http_request req = {0};
    struct http_response res = {0};

    arena_init(&arena);
    req.arena = &arena;
    req.method = HTTP_GET;
    req.method_name = "GET";
    req.path = "/api/v1/articles";
    res.arena = &arena;
    buf_init(&res.body, (size_t)1 << 20);
    split_query(&req, (const char *)data, size);
    check_ints(&req, &res);
    check_enums(&req, &res);
    check_dates(&req, &res);
    check_lists(&req, &res);
    /* The server echoes (valid UTF-8) user text in messages: truncating
     * it must still give a JSON document. */
    for (size_t i = 0; i < req.nparams; i++) {
        const char *v = req.params[i].value;
        json_t *doc;
        if (!utf8_valid(v, strlen(v)))
            continue;
        if (http_error(&res, HTTP_NOT_FOUND, "not_found", NULL,
                       "no such endpoint: %s", v) != 404)
            abort();
        doc = json_loadb(res.body.data, res.body.len, 0, NULL);
        if (!doc)
            abort();
        json_decref(doc);
    }
    buf_release(&res.body);
    arena_release(&arena);
    return 0;
}
