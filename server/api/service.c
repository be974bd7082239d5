/*
 * service.c - /api/v1/sources, /api/v1/health, /api/v1/openapi.json.
 */
#include "api/api.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/embed.h"
#include "db/db_articles.h"

struct sources_ctx {
    struct jsonw *w;
};

static int write_source(void *p, const struct db_source *s)
{
    struct sources_ctx *ctx = p;

    jw_obj(ctx->w);
    jw_key(ctx->w, "source");
    jw_str(ctx->w, s->source);
    jw_key(ctx->w, "article_count");
    jw_int(ctx->w, s->article_count);
    jw_key(ctx->w, "first_published");
    jw_str(ctx->w, s->first_published);
    jw_key(ctx->w, "last_published");
    jw_str(ctx->w, s->last_published);
    jw_end(ctx->w);
    return 0;
}

int api_sources_list(struct http_request *req, struct http_response *res)
{
    struct jsonw w;
    struct db *db;
    int rc;

    (void)req;
    if (!(db = api_db(res)))
        return res->status;
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    struct sources_ctx ctx = {&w};
    rc = db_sources_list(db, write_source, &ctx);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    jw_end(&w);
    jw_end(&w);
    return http_json(res, HTTP_OK);
}

int api_health(struct http_request *req, struct http_response *res)
{
    struct db *db = db_pool_get();
    struct jsonw w;
    int64_t articles = 0;
    int version = -1;

    (void)req;
    if (!db || (version = db_schema_version(db)) < 1 ||
        db_articles_total(db, &articles) != DB_OK) {
        jw_init(&w, &res->body);
        jw_obj(&w);
        jw_key(&w, "status");
        jw_str(&w, "unavailable");
        jw_key(&w, "error");
        jw_obj(&w);
        jw_key(&w, "status");
        jw_int(&w, HTTP_SERVICE_UNAVAILABLE);
        jw_key(&w, "code");
        jw_str(&w, "unavailable");
        jw_key(&w, "message");
        jw_str(&w, "the database cannot be read");
        jw_end(&w);
        jw_end(&w);
        res->content_type = "application/json; charset=utf-8";
        res->status = HTTP_SERVICE_UNAVAILABLE;
        http_error_detail(res, db ? db_errmsg(db) : "cannot open the database");
        return res->status;
    }
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "status");
    jw_str(&w, "ok");
    jw_key(&w, "version");
    jw_str(&w, api_state()->version);
    jw_key(&w, "schema_version");
    jw_int(&w, version);
    jw_key(&w, "articles");
    jw_int(&w, articles);
    jw_end(&w);
    http_json(res, HTTP_OK);
    res->cacheable = false;
    return HTTP_OK;
}

/*
 * The OpenAPI document, with its server URL under base_path: built once
 * from the embedded copy.
 */
static char *openapi_doc;
static size_t openapi_len;
static pthread_once_t openapi_once = PTHREAD_ONCE_INIT;

static void openapi_build(void)
{
    const struct embed_file *doc = embed_find(embed_api, "openapi.json");
    json_t *root = json_loadb((const char *)doc->data, doc->len, 0, NULL);
    char *url = xasprintf("%s/", api_state()->config->base_path);

    json_object_set_new(root, "servers", json_pack("[{s:s}]", "url", url));
    openapi_doc = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    openapi_len = strlen(openapi_doc);
    json_decref(root);
    free(url);
}

int api_openapi(struct http_request *req, struct http_response *res)
{
    (void)req;
    pthread_once(&openapi_once, openapi_build);
    buf_append(&res->body, openapi_doc, openapi_len);
    return http_json(res, HTTP_OK);
}
