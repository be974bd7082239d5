/*
 * api.h - the resources of API.md: one file per resource, one handler per
 * endpoint, all listed in the route table of routes.c.
 */
#ifndef DOSSIER_API_API_H
#define DOSSIER_API_API_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "db/db.h"
#include "http/http.h"

/*
 * What the handlers need beyond the request. Set once before serving.
 * Writes go through the ingest layer, which api/ does not include: main
 * hands its functions in here.
 */
struct api_state {
    const struct config *config;
    const char *version;
    /*
     * Store the articles of a POST body (JSON object, array or NDJSON) on
     * the writer connection and write the 201 result object to @w.
     * Returns 0; -1 for a body that is not valid JSON/NDJSON (nothing
     * stored, reason in @err); or a negative db status.
     */
    int (*create_articles)(struct db *db, const char *body, size_t len,
                           bool ndjson, struct jsonw *w, char *err,
                           size_t errlen);
    /* Delete one article with its annotations: a db status. */
    int (*delete_article)(struct db *db, int64_t id);
};

void api_init(const struct api_state *state);
/* Stop what api_init started (before the database pool goes). */
void api_shutdown(void);

/* The corpus generation (see api_util.c); -1 before it is known. */
int64_t api_generation(void);
/* Read it again now (after a write by this server). */
void api_generation_refresh(void);
const struct api_state *api_state(void);

/* The route table (NULL-pattern terminated). */
extern const struct http_route api_routes[];

/*
 * Around each handler (cache.c): sets this thread's query deadline, and
 * answers a GET from the response cache when the corpus is unchanged;
 * after the handler, keeps a 200 for next time.
 */
int api_before_request(struct http_request *req, struct http_response *res);
void api_after_request(struct http_request *req, struct http_response *res);
/* Extra /metrics lines (article count). */
void api_metrics_extra(struct buf *out);

/* --- shared by the handlers (api_util.c) --- */

/* This thread's database, or NULL after filling @res with a 503. */
struct db *api_db(struct http_response *res);

/* Turn a failed db status into the right error response. */
int api_db_error(struct http_response *res, int status);

/* A page cursor: the sort it belongs to, and where the last page ended. */
struct api_cursor {
    char sort; /* a letter per sort order */
    int64_t offset;
    int64_t id;
    char key[40]; /* text sort key, e.g. published */
};

/* Parse ?cursor= for @sort; 0 (absent: cur->sort == 0), or -1 with 400. */
int api_cursor_parse(struct http_request *req, struct http_response *res,
                     char sort, struct api_cursor *cur);
/* Write a cursor as a JSON string value. */
void api_cursor_write(struct jsonw *w, const struct api_cursor *cur);

/* Parse ?limit= (1..100, default 20). */
int api_limit(struct http_request *req, struct http_response *res,
              int64_t *limit);

/* Append @s HTML-escaped, DB snippet markers turned into <mark> tags, and
 * then escaped for the body of a JSON string (jw_str_open). */
void api_html_json(struct buf *out, const char *s, size_t len);

/* Write the fields of an article list item (id ... snippet). */
struct db_article;
void api_article_fields(struct jsonw *w, const struct db_article *a);

/* Parse /.../{id} segment @i as a positive id; -1 if it is not one. */
int api_path_id(struct http_request *req, size_t i, int64_t *id);

/* Handlers, by resource. */
int api_articles_list(struct http_request *req, struct http_response *res);
int api_articles_get(struct http_request *req, struct http_response *res);
int api_articles_create(struct http_request *req, struct http_response *res);
int api_articles_delete(struct http_request *req, struct http_response *res);
int api_articles_annotations(struct http_request *req,
                             struct http_response *res);
int api_entities_list(struct http_request *req, struct http_response *res);
int api_entities_get(struct http_request *req, struct http_response *res);
int api_entities_articles(struct http_request *req, struct http_response *res);
int api_claims_list(struct http_request *req, struct http_response *res);
int api_claims_get(struct http_request *req, struct http_response *res);
int api_claim_groups_list(struct http_request *req, struct http_response *res);
int api_claim_groups_get(struct http_request *req, struct http_response *res);
int api_timeline_list(struct http_request *req, struct http_response *res);
int api_timeline_volume(struct http_request *req, struct http_response *res);
int api_sources_list(struct http_request *req, struct http_response *res);
int api_health(struct http_request *req, struct http_response *res);
int api_openapi(struct http_request *req, struct http_response *res);

#endif
