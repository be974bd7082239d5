/*
 * http_params.c - request accessors, typed query parameters, response
 * helpers and the error envelope.
 */
#include "http/http_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dates.h"
#include "core/jsonw.h"
#include "core/utf8.h"

const char *http_param(struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->params[i].name, name) == 0)
            return req->params[i].value;
    return NULL;
}

int http_error(struct http_response *res, int status, const char *code,
               const char *parameter, const char *fmt, ...)
{
    char message[512];
    struct jsonw w;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    /* A message may quote input, cut short by the buffer or the format. */
    utf8_scrub(message);
    res->status = status;
    res->content_type = "application/json; charset=utf-8";
    res->cacheable = false;
    buf_reset(&res->body);
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "error");
    jw_obj(&w);
    jw_key(&w, "status");
    jw_int(&w, status);
    jw_key(&w, "code");
    jw_str(&w, code);
    jw_key(&w, "message");
    jw_str(&w, message);
    if (parameter) {
        jw_key(&w, "parameter");
        jw_str(&w, parameter);
    }
    jw_end(&w);
    jw_end(&w);
    return status;
}

static int invalid(struct http_response *res, const char *name,
                   const char *what)
{
    http_error(res, HTTP_BAD_REQUEST, "invalid_parameter", name, "%s %s", name,
               what);
    return -1;
}

int http_param_int(struct http_request *req, struct http_response *res,
                   const char *name, int64_t min, int64_t max, int64_t def,
                   int64_t *out)
{
    const char *v = http_param(req, name);
    char *end;
    long long n;

    if (!v) {
        *out = def;
        return 0;
    }
    errno = 0;
    n = strtoll(v, &end, 10);
    if (!*v || *end || errno || n < min || n > max || v[0] == '+' ||
        v[0] == ' ') {
        http_error(res, HTTP_BAD_REQUEST, "invalid_parameter", name,
                   "%s must be an integer between %lld and %lld", name,
                   (long long)min, (long long)max);
        return -1;
    }
    *out = n;
    return 0;
}

int http_param_enum(struct http_request *req, struct http_response *res,
                    const char *name, const char *const *choices, int def,
                    int *out)
{
    const char *v = http_param(req, name);
    char allowed[256] = "";

    if (!v) {
        *out = def;
        return 0;
    }
    for (int i = 0; choices[i]; i++) {
        if (strcmp(v, choices[i]) == 0) {
            *out = i;
            return 0;
        }
        size_t len = strlen(allowed);
        snprintf(allowed + len, sizeof(allowed) - len, "%s%s", i ? ", " : "",
                 choices[i]);
    }
    http_error(res, HTTP_BAD_REQUEST, "invalid_parameter", name,
               "%s must be one of: %s", name, allowed);
    return -1;
}

int http_param_date(struct http_request *req, struct http_response *res,
                    const char *name, bool partial, const char **out)
{
    const char *v = http_param(req, name);

    *out = NULL;
    if (!v)
        return 0;
    if (partial ? !date_valid_prefix(v) : !date_valid_day(v))
        return invalid(res, name,
                       partial ? "must be a date: YYYY, YYYY-MM or YYYY-MM-DD"
                               : "must be a date: YYYY-MM-DD");
    *out = v;
    return 0;
}

int http_param_list(struct http_request *req, struct http_response *res,
                    const char *name, const char ***out, size_t *n)
{
    const char *v = http_param(req, name);
    size_t count = 1;

    *out = NULL;
    *n = 0;
    if (!v)
        return 0;
    for (const char *p = v; *p; p++)
        count += *p == ',';
    if (count > 100)
        return invalid(res, name, "lists at most 100 values");
    const char **items = arena_alloc(req->arena, count * sizeof(*items));
    const char *p = v;
    for (size_t i = 0; i < count; i++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            return invalid(res, name, "has an empty value");
        items[i] = arena_strndup(req->arena, p, len);
        p += len + 1;
    }
    *out = items;
    *n = count;
    return 0;
}

int http_param_ids(struct http_request *req, struct http_response *res,
                   const char *name, int64_t **out, size_t *n)
{
    const char **items;
    size_t count;

    *out = NULL;
    *n = 0;
    if (http_param_list(req, res, name, &items, &count) < 0)
        return -1;
    if (!count)
        return 0;
    int64_t *ids = arena_alloc(req->arena, count * sizeof(*ids));
    for (size_t i = 0; i < count; i++) {
        char *end;
        errno = 0;
        long long id = strtoll(items[i], &end, 10);
        if (*end || errno || id < 1 || items[i][0] == '+')
            return invalid(res, name, "must be a comma list of positive ids");
        ids[i] = id;
    }
    *out = ids;
    *n = count;
    return 0;
}

void http_error_detail(struct http_response *res, const char *detail)
{
    res->detail = detail ? arena_strdup(res->arena, detail) : NULL;
}

void http_set_header(struct http_response *res, const char *name,
                     const char *value)
{
    for (size_t i = 0; i < res->nheaders; i++) {
        if (strcasecmp(res->headers[i].name, name) == 0) {
            res->headers[i].value = arena_strdup(res->arena, value);
            return;
        }
    }
    if (res->nheaders == HTTP_MAX_HEADERS)
        return;
    res->headers[res->nheaders].name = arena_strdup(res->arena, name);
    res->headers[res->nheaders].value = arena_strdup(res->arena, value);
    res->nheaders++;
}

int http_json(struct http_response *res, int status)
{
    res->status = status;
    res->content_type = "application/json; charset=utf-8";
    res->cacheable = status == HTTP_OK;
    return status;
}
