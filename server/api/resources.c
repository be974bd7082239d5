/*
 * resources.c - /api/v1/entities, /claims, /claim-groups, /timeline,
 * /articles/{id}/annotations: parse and validate, call db, page.
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ftsq.h"
#include "db/db_articles.h"
#include "db/db_read.h"

static const char *const entity_types[] = {"person", "org", "place", NULL};
static const char *const claim_kinds[] = {"quote", "statement", "number", NULL};
static const char *const statuses[] = {"corroborated", "conflicting", "single",
                                       NULL};

/* Check every item of a comma list against @allowed. */
static int check_values(struct http_response *res, const char *name,
                        const char **items, size_t n,
                        const char *const *allowed)
{
    for (size_t i = 0; i < n; i++) {
        bool ok = false;
        for (size_t j = 0; allowed[j] && !ok; j++)
            ok = strcmp(items[i], allowed[j]) == 0;
        if (!ok) {
            char list[128] = "";
            for (size_t j = 0; allowed[j]; j++) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof(list) - len, "%s%s", j ? ", " : "",
                         allowed[j]);
            }
            http_error(res, HTTP_BAD_REQUEST, "invalid_parameter", name,
                       "%s must be among: %s", name, list);
            return -1;
        }
    }
    return 0;
}

/* limit + offset cursor for a list whose cursor letter is @sort. */
static int page_params(struct http_request *req, struct http_response *res,
                       char sort, struct db_list *page)
{
    struct api_cursor cur;

    memset(page, 0, sizeof(*page));
    if (api_limit(req, res, &page->limit) < 0 ||
        api_cursor_parse(req, res, sort, &cur) < 0)
        return -1;
    page->offset = cur.offset;
    return 0;
}

/* Close {"items": [...] with next_cursor and return 200. */
static int page_end(struct http_response *res, struct jsonw *w,
                    const struct db_list *page, char sort)
{
    jw_key(w, "next_cursor");
    if (page->more) {
        struct api_cursor next = {.sort = sort,
                                  .offset = page->offset + page->written};
        api_cursor_write(w, &next);
    } else {
        jw_null(w);
    }
    jw_end(w);
    return http_json(res, HTTP_OK);
}

/* Translate ?q= for a claims_fts match; 0, or -1 with a 400. */
static int claim_match(struct http_request *req, struct http_response *res,
                       const char **out)
{
    const char *text = http_param(req, "q");
    char *match;
    int rc;

    *out = NULL;
    if (!text)
        return 0;
    rc = ftsq_translate(text, &match);
    if (rc != FTSQ_OK) {
        http_error(res, HTTP_BAD_REQUEST, "invalid_query", "q", "%s",
                   ftsq_strerror(rc));
        return -1;
    }
    *out = arena_strdup(req->arena, match);
    free(match);
    return 0;
}

static int not_found_id(struct http_response *res, const char *what,
                        struct http_request *req, size_t seg)
{
    return http_error(res, HTTP_NOT_FOUND, "not_found", NULL, "no %s %s", what,
                      req->segments[seg]);
}

/*
 * One item by the id in path segment 3, written by @fetch (a db_*_get):
 * 200, or 404 naming @what.
 */
static int get_one(struct http_request *req, struct http_response *res,
                   const char *what,
                   int (*fetch)(struct db *db, int64_t id, struct jsonw *w))
{
    struct jsonw w;
    struct db *db;
    int64_t id;
    int rc;

    if (api_path_id(req, 3, &id) < 0)
        return not_found_id(res, what, req, 3);
    if (!(db = api_db(res)))
        return res->status;
    jw_init(&w, &res->body);
    rc = fetch(db, id, &w);
    if (rc == DB_NOT_FOUND)
        return not_found_id(res, what, req, 3);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    return http_json(res, HTTP_OK);
}

/* --- entities ------------------------------------------------------ */

int api_entities_list(struct http_request *req, struct http_response *res)
{
    static const char *const sorts[] = {"-mentions", "-articles", "name", NULL};
    struct db_entity_query q = {0};
    struct db_list page;
    struct jsonw w;
    struct db *db;
    int sort, rc;

    if (http_param_list(req, res, "type", (const char ***)&q.types, &q.ntypes) <
            0 ||
        check_values(res, "type", (const char **)q.types, q.ntypes,
                     entity_types) < 0 ||
        http_param_int(req, res, "article", 1, INT64_MAX, 0, &q.article) < 0 ||
        http_param_list(req, res, "source", (const char ***)&q.sources,
                        &q.nsources) < 0 ||
        http_param_enum(req, res, "sort", sorts, 0, &sort) < 0 ||
        page_params(req, res, (char)('m' + sort), &page) < 0)
        return res->status;
    q.prefix = http_param(req, "q");
    if (q.prefix && !*q.prefix)
        q.prefix = NULL;
    q.sort = (enum db_entity_sort)sort;
    if (!(db = api_db(res)))
        return res->status;
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "items");
    rc = db_entities_list(db, &q, &page, &w);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    return page_end(res, &w, &page, (char)('m' + sort));
}

int api_entities_get(struct http_request *req, struct http_response *res)
{
    return get_one(req, res, "entity", db_entities_get);
}

struct entity_articles_ctx {
    struct jsonw *w;
};

static int write_entity_article(void *p, const struct db_article *a)
{
    struct entity_articles_ctx *ctx = p;

    jw_obj(ctx->w);
    api_article_fields(ctx->w, a);
    jw_key(ctx->w, "mention_count");
    jw_int(ctx->w, a->mention_count);
    jw_end(ctx->w);
    return 0;
}

int api_entities_articles(struct http_request *req, struct http_response *res)
{
    static const char *const sorts[] = {"-mentions", "-published", NULL};
    struct db_list page;
    struct jsonw w;
    struct db *db;
    int64_t id;
    int sort, rc;

    if (api_path_id(req, 3, &id) < 0)
        return not_found_id(res, "entity", req, 3);
    if (http_param_enum(req, res, "sort", sorts, 0, &sort) < 0 ||
        page_params(req, res, (char)('m' + sort), &page) < 0)
        return res->status;
    if (!(db = api_db(res)))
        return res->status;
    rc = db_entities_exists(db, id);
    if (rc == DB_NOT_FOUND)
        return not_found_id(res, "entity", req, 3);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    struct entity_articles_ctx ctx = {&w};
    rc = db_entities_articles(db, id, sort == 1, &page, write_entity_article,
                              &ctx);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    jw_end(&w);
    return page_end(res, &w, &page, (char)('m' + sort));
}

/* --- claims -------------------------------------------------------- */

int api_claims_list(struct http_request *req, struct http_response *res)
{
    struct db_claim_query q = {0};
    struct db_list page;
    struct jsonw w;
    struct db *db;
    int status = -1, rc;

    if (http_param_list(req, res, "kind", (const char ***)&q.kinds, &q.nkinds) <
            0 ||
        check_values(res, "kind", (const char **)q.kinds, q.nkinds,
                     claim_kinds) < 0 ||
        http_param_int(req, res, "speaker", 1, INT64_MAX, 0, &q.speaker) < 0 ||
        http_param_ids(req, res, "entity", (int64_t **)&q.entities,
                       &q.nentities) < 0 ||
        http_param_int(req, res, "article", 1, INT64_MAX, 0, &q.article) < 0 ||
        http_param_list(req, res, "source", (const char ***)&q.sources,
                        &q.nsources) < 0 ||
        http_param_enum(req, res, "status", statuses, -1, &status) < 0 ||
        claim_match(req, res, &q.match) < 0 ||
        page_params(req, res, 'c', &page) < 0)
        return res->status;
    q.status = status >= 0 ? statuses[status] : NULL;
    if (!(db = api_db(res)))
        return res->status;
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "items");
    rc = db_claims_list(db, &q, &page, &w);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    return page_end(res, &w, &page, 'c');
}

int api_claims_get(struct http_request *req, struct http_response *res)
{
    return get_one(req, res, "claim", db_claims_get);
}

int api_claim_groups_list(struct http_request *req, struct http_response *res)
{
    struct db_group_query q = {0};
    struct db_list page;
    struct jsonw w;
    struct db *db;
    int status = -1, rc;

    if (http_param_enum(req, res, "status", statuses, -1, &status) < 0 ||
        http_param_list(req, res, "kind", (const char ***)&q.kinds, &q.nkinds) <
            0 ||
        check_values(res, "kind", (const char **)q.kinds, q.nkinds,
                     claim_kinds) < 0 ||
        http_param_ids(req, res, "entity", (int64_t **)&q.entities,
                       &q.nentities) < 0 ||
        http_param_int(req, res, "min_sources", 1, 1000000, 0, &q.min_sources) <
            0 ||
        claim_match(req, res, &q.match) < 0 ||
        page_params(req, res, 'g', &page) < 0)
        return res->status;
    q.status = status >= 0 ? statuses[status] : NULL;
    if (!(db = api_db(res)))
        return res->status;
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "items");
    rc = db_claim_groups_list(db, &q, &page, &w);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    return page_end(res, &w, &page, 'g');
}

int api_claim_groups_get(struct http_request *req, struct http_response *res)
{
    return get_one(req, res, "claim group", db_claim_groups_get);
}

/* --- timeline ------------------------------------------------------ */

int api_timeline_list(struct http_request *req, struct http_response *res)
{
    static const char *const precisions[] = {"year", "month", "day", NULL};
    struct db_event_query q = {0};
    struct db_list page;
    struct jsonw w;
    struct db *db;
    int rc;

    if (http_param_date(req, res, "since", true, &q.since) < 0 ||
        http_param_date(req, res, "until", true, &q.until) < 0 ||
        http_param_ids(req, res, "entity", (int64_t **)&q.entities,
                       &q.nentities) < 0 ||
        http_param_list(req, res, "source", (const char ***)&q.sources,
                        &q.nsources) < 0 ||
        http_param_int(req, res, "article", 1, INT64_MAX, 0, &q.article) < 0 ||
        http_param_enum(req, res, "precision", precisions, 0,
                        &q.min_precision) < 0 ||
        page_params(req, res, 't', &page) < 0)
        return res->status;
    if (!(db = api_db(res)))
        return res->status;
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "items");
    rc = db_events_list(db, &q, &page, &w);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    return page_end(res, &w, &page, 't');
}

struct volume_ctx {
    struct jsonw *w;
};

static int write_bucket(void *p, const char *date, int64_t count)
{
    struct volume_ctx *ctx = p;

    jw_obj(ctx->w);
    jw_key(ctx->w, "date");
    jw_str(ctx->w, date);
    jw_key(ctx->w, "count");
    jw_int(ctx->w, count);
    jw_end(ctx->w);
    return 0;
}

int api_timeline_volume(struct http_request *req, struct http_response *res)
{
    static const char *const intervals[] = {"day", "week", "month", NULL};
    struct db_article_query q = {0};
    const char *text = http_param(req, "q");
    struct jsonw w;
    struct db *db;
    int interval, rc;

    if (http_param_enum(req, res, "interval", intervals, 0, &interval) < 0 ||
        http_param_list(req, res, "source", (const char ***)&q.sources,
                        &q.nsources) < 0 ||
        http_param_ids(req, res, "entity", (int64_t **)&q.entities,
                       &q.nentities) < 0 ||
        http_param_date(req, res, "since", false, &q.since) < 0 ||
        http_param_date(req, res, "until", false, &q.until) < 0)
        return res->status;
    if (text) {
        char *match;
        rc = ftsq_translate(text, &match);
        if (rc != FTSQ_OK)
            return http_error(res, HTTP_BAD_REQUEST, "invalid_query", "q", "%s",
                              ftsq_strerror(rc));
        q.match = arena_strdup(req->arena, match);
        free(match);
    }
    if (!(db = api_db(res)))
        return res->status;
    jw_init(&w, &res->body);
    jw_obj(&w);
    jw_key(&w, "interval");
    jw_str(&w, intervals[interval]);
    jw_key(&w, "buckets");
    jw_arr(&w);
    struct volume_ctx ctx = {&w};
    rc = db_articles_volume(db, &q, (enum db_interval)interval, write_bucket,
                            &ctx);
    if (rc != DB_OK)
        return api_db_error(res, rc);
    jw_end(&w);
    jw_end(&w);
    return http_json(res, HTTP_OK);
}

/* --- annotations ---------------------------------------------------- */

int api_articles_annotations(struct http_request *req,
                             struct http_response *res)
{
    return get_one(req, res, "article", db_annotations_get);
}
