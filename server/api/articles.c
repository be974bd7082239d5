/*
 * articles.c - /api/v1/articles: list and search, fetch, create, delete.
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ftsq.h"
#include "db/db_articles.h"

#define SNIPPET_WORDS 40
#define TOTAL_CAP     10000

static const char *const sort_names[] = {"relevance", "-published", "published",
                                         "id", NULL};
/* Cursor letters, by enum db_article_sort. */
static const char sort_letters[] = "rdai";

/* The first SNIPPET_WORDS words of a body, escaped. */
static void write_lead(struct jsonw *w, const char *body, size_t len)
{
    size_t i = 0, words = 0;

    while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\t'))
        i++;
    size_t start = i;
    while (i < len && words < SNIPPET_WORDS) {
        while (i < len && body[i] != ' ' && body[i] != '\n' && body[i] != '\t')
            i++;
        words++;
        while (i < len &&
               (body[i] == ' ' || body[i] == '\n' || body[i] == '\t'))
            i++;
    }
    size_t end = i;
    while (end > start && (body[end - 1] == ' ' || body[end - 1] == '\n' ||
                           body[end - 1] == '\t'))
        end--;
    jw_str_open(w);
    api_html_json(w->b, body + start, end - start);
    if (words >= SNIPPET_WORDS && end < len)
        buf_puts(w->b, "…");
    jw_str_close(w);
}

/* The fields every article object starts with. */
static void article_head(struct jsonw *w, const struct db_article *a)
{
    jw_key(w, "id");
    jw_int(w, a->id);
    jw_key(w, "title");
    jw_str(w, a->title);
    jw_key(w, "source");
    jw_str(w, a->source);
    jw_key(w, "published");
    jw_str(w, a->published);
    jw_key(w, "url");
    jw_str(w, a->url);
    jw_key(w, "word_count");
    jw_int(w, a->word_count);
}

/* Article list item fields shared by every list of articles. */
void api_article_fields(struct jsonw *w, const struct db_article *a)
{
    article_head(w, a);
    if (a->has_score) {
        jw_key(w, "score");
        jw_double(w, a->score);
    }
    jw_key(w, "snippet");
    if (a->snippet) {
        jw_str_open(w);
        api_html_json(w->b, a->snippet, strlen(a->snippet));
        jw_str_close(w);
    } else {
        write_lead(w, a->body ? a->body : "", a->body_len);
    }
}

struct list_ctx {
    struct jsonw *w;
    int64_t limit, seen;
    enum db_article_sort sort;
    struct api_cursor next;
    int64_t offset;
    bool more;
};

static int write_list_item(void *p, const struct db_article *a)
{
    struct list_ctx *ctx = p;

    if (ctx->seen == ctx->limit) {
        ctx->more = true;
        return 1;
    }
    ctx->seen++;
    jw_obj(ctx->w);
    api_article_fields(ctx->w, a);
    jw_end(ctx->w);
    ctx->next.id = a->id;
    snprintf(ctx->next.key, sizeof(ctx->next.key), "%s",
             a->published ? a->published : "");
    return 0;
}

int api_articles_list(struct http_request *req, struct http_response *res)
{
    struct db_article_query q = {0};
    struct api_cursor cur;
    const char *text = http_param(req, "q");
    char *match = NULL;
    int64_t limit, total = 0, matches;
    int sort, rc;
    struct db *db;

    if (api_limit(req, res, &limit) < 0 ||
        http_param_list(req, res, "source", (const char ***)&q.sources,
                        &q.nsources) < 0 ||
        http_param_date(req, res, "since", false, &q.since) < 0 ||
        http_param_date(req, res, "until", false, &q.until) < 0 ||
        http_param_ids(req, res, "entity", (int64_t **)&q.entities,
                       &q.nentities) < 0 ||
        http_param_enum(req, res, "sort", sort_names,
                        text ? DB_SORT_RELEVANCE : DB_SORT_PUBLISHED_DESC,
                        &sort) < 0)
        return res->status;
    if (sort == DB_SORT_RELEVANCE && !text)
        return http_error(res, HTTP_BAD_REQUEST, "invalid_parameter", "sort",
                          "sort=relevance needs a query (q)");
    if (text) {
        rc = ftsq_translate(text, &match);
        if (rc != FTSQ_OK)
            return http_error(res, HTTP_BAD_REQUEST, "invalid_query", "q", "%s",
                              ftsq_strerror(rc));
        q.match = arena_strdup(req->arena, match);
        free(match);
    }
    if (api_cursor_parse(req, res, sort_letters[sort], &cur) < 0)
        return res->status;
    q.sort = (enum db_article_sort)sort;
    /* One row past the page tells whether there is a next one. A search by
     * relevance pages by offset and counts its matches anyway, so the
     * count tells it instead, and the extra row's snippet is not made;
     * unless the page ends past the count's cap. */
    bool more_from_total = q.match && q.sort == DB_SORT_RELEVANCE &&
                           cur.offset + limit < TOTAL_CAP;
    q.limit = more_from_total ? limit : limit + 1;
    if (cur.sort) {
        q.after.set = true;
        q.after.offset = cur.offset;
        q.after.id = cur.id;
        snprintf(q.after.published, sizeof(q.after.published), "%s", cur.key);
    }
    if (!(db = api_db(res)))
        return res->status;

    struct jsonw w;
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    struct list_ctx ctx = {.w = &w, .limit = limit, .sort = q.sort};
    rc = db_articles_list(db, &q, write_list_item, &ctx, &matches);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    jw_end(&w);
    if (matches >= 0) {
        total = matches; /* the search counted its matches as it ranked */
    } else if (ctx.seen < limit &&
               (!cur.sort || (q.sort == DB_SORT_RELEVANCE && ctx.seen))) {
        /* A short first page, or a short page at a known offset, is the
         * end: its position is the count. (An empty page after a cursor
         * may lie past the end since writes: count.) */
        total = cur.offset + ctx.seen;
    } else {
        rc = db_articles_count(db, &q, TOTAL_CAP + 1, &total);
        if (rc != DB_OK)
            return api_db_error(res, rc);
    }
    if (more_from_total)
        ctx.more = cur.offset + ctx.seen < total;
    jw_key(&w, "next_cursor");
    if (ctx.more) {
        ctx.next.sort = sort_letters[sort];
        ctx.next.offset = cur.offset + ctx.seen;
        api_cursor_write(&w, &ctx.next);
    } else {
        jw_null(&w);
    }
    jw_key(&w, "total");
    jw_int(&w, total > TOTAL_CAP ? TOTAL_CAP : total);
    jw_key(&w, "total_exact");
    jw_bool(&w, total <= TOTAL_CAP);
    jw_end(&w);
    return http_json(res, HTTP_OK);
}

static int write_article(void *p, const struct db_article *a)
{
    struct jsonw *w = p;

    jw_obj(w);
    article_head(w, a);
    jw_key(w, "body");
    jw_strn(w, a->body, a->body_len);
    jw_key(w, "ingested_at");
    jw_str(w, a->ingested_at);
    jw_key(w, "external_id");
    jw_str(w, a->external_id);
    jw_end(w);
    return 0;
}

int api_articles_get(struct http_request *req, struct http_response *res)
{
    struct jsonw w;
    struct db *db;
    int64_t id;
    int rc;

    if (api_path_id(req, 3, &id) < 0)
        return http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                          "no such article: %s", req->segments[3]);
    if (!(db = api_db(res)))
        return res->status;
    jw_init(&w, &res->body);
    rc = db_articles_get(db, id, write_article, &w);
    if (rc == DB_NOT_FOUND)
        return http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                          "no article %lld", (long long)id);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    return http_json(res, HTTP_OK);
}

/* 401/403 for writes; 0 when the request may write. */
static int check_write(struct http_request *req, struct http_response *res)
{
    const char *token = req->config->write_token;
    const char *auth = http_header(req, "Authorization");

    if (!token[0] || req->config->read_only)
        return http_error(res, HTTP_FORBIDDEN, "writes_disabled", NULL,
                          token[0] ? "the database is read-only"
                                   : "writes are disabled: no write token "
                                     "is configured");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 ||
        strcmp(auth + 7, token) != 0) {
        http_set_header(res, "WWW-Authenticate", "Bearer");
        return http_error(res, HTTP_UNAUTHORIZED, "unauthorized", NULL,
                          "a valid Authorization: Bearer token is required");
    }
    return 0;
}

/* "application/json; charset=utf-8" -> matches "application/json". */
static bool media_is(const char *ct, const char *type)
{
    size_t n = strlen(type);

    return ct && strncasecmp(ct, type, n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int api_articles_create(struct http_request *req, struct http_response *res)
{
    const char *ct = http_header(req, "Content-Type");
    char err[256] = "";
    struct jsonw w;
    struct db *db;
    bool ndjson;
    int rc;

    if (check_write(req, res))
        return res->status;
    ndjson = media_is(ct, "application/x-ndjson") ||
             media_is(ct, "application/jsonl") ||
             media_is(ct, "application/ndjson");
    if (!ndjson && !media_is(ct, "application/json"))
        return http_error(res, HTTP_UNSUPPORTED_MEDIA_TYPE,
                          "unsupported_media_type", NULL,
                          "send application/json or application/x-ndjson");
    if (!req->body || !req->body_len)
        return http_error(res, HTTP_BAD_REQUEST, "invalid_json", NULL,
                          "the request body is empty");
    db = db_pool_writer();
    if (!db)
        return http_error(res, HTTP_FORBIDDEN, "writes_disabled", NULL,
                          "the database is read-only");
    jw_init(&w, &res->body);
    rc = api_state()->create_articles(db, req->body, req->body_len, ndjson, &w,
                                      err, sizeof(err));
    db_pool_writer_release();
    api_generation_refresh();
    if (rc == -1)
        return http_error(res, HTTP_BAD_REQUEST, "invalid_json", NULL, "%s",
                          err);
    if (rc < 0)
        return api_db_error(res, rc);
    http_json(res, HTTP_CREATED);
    res->cacheable = false;
    return HTTP_CREATED;
}

int api_articles_delete(struct http_request *req, struct http_response *res)
{
    struct db *db;
    int64_t id;
    int rc;

    if (check_write(req, res))
        return res->status;
    if (api_path_id(req, 3, &id) < 0)
        return http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                          "no such article: %s", req->segments[3]);
    db = db_pool_writer();
    if (!db)
        return http_error(res, HTTP_FORBIDDEN, "writes_disabled", NULL,
                          "the database is read-only");
    rc = api_state()->delete_article(db, id);
    db_pool_writer_release();
    api_generation_refresh();
    if (rc == DB_NOT_FOUND)
        return http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                          "no article %lld", (long long)id);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    res->status = HTTP_NO_CONTENT;
    return HTTP_NO_CONTENT;
}
