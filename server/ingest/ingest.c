/*
 * ingest.c - storing one article (validate, dedup, extract, one
 * transaction), deleting and re-extracting, and POST bodies.
 */
#include "ingest/ingest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "db/db_articles.h"

static int extract(struct ingest *in, const struct ingest_article *a,
                   struct ex_result *r)
{
    struct ex_doc doc = {a->body, strlen(a->body), a->title, a->published};

    return extract_run(in->resources, &doc, r);
}

enum ingest_outcome ingest_store(struct ingest *in, struct ingest_article *a,
                                 int64_t *id, char *err, size_t errlen)
{
    struct ex_result r;
    char hash[33];
    int rc;

    if (ingest_article_normalise(a, err, errlen) < 0)
        return INGEST_INVALID;
    ingest_body_hash(a->body, hash);
    rc = db_articles_duplicate(in->db, a->external_id, hash, id);
    if (rc == DB_DUPLICATE)
        return INGEST_DUPLICATE;
    if (rc != DB_NOT_FOUND) {
        snprintf(err, errlen, "database: %s", db_errmsg(in->db));
        return INGEST_FAILED;
    }
    /* Extract before taking the write lock. */
    if (extract(in, a, &r) < 0) {
        ex_result_release(&r);
        snprintf(err, errlen, "body is not valid UTF-8");
        return INGEST_INVALID;
    }
    struct db_article_new row = {
        .external_id = a->external_id,
        .source = a->source,
        .title = a->title,
        .published = a->published,
        .url = a->url,
        .body = a->body,
        .body_hash = hash,
        .word_count = ingest_word_count(a->body),
    };
    rc = db_begin(in->db);
    if (rc == DB_OK)
        rc = db_articles_insert(in->db, &row, id);
    if (rc == DB_OK)
        rc = annotate_store(in->db, *id, a->body, strlen(a->body), &r);
    if (rc == DB_OK)
        rc = db_bump_generation(in->db);
    if (rc == DB_OK)
        rc = db_commit(in->db);
    ex_result_release(&r);
    if (rc == DB_OK)
        return INGEST_CREATED;
    db_rollback(in->db);
    if (rc == DB_DUPLICATE)
        return INGEST_DUPLICATE;
    snprintf(err, errlen, "database: %s", db_errmsg(in->db));
    return INGEST_FAILED;
}

int ingest_delete(struct ingest *in, int64_t id)
{
    int rc = db_begin(in->db);

    if (rc == DB_OK)
        rc = annotate_remove(in->db, id);
    if (rc == DB_OK)
        rc = db_articles_delete(in->db, id);
    if (rc == DB_OK)
        rc = db_bump_generation(in->db);
    if (rc == DB_OK)
        rc = db_commit(in->db);
    if (rc != DB_OK)
        db_rollback(in->db);
    return rc;
}

struct loaded {
    struct ingest_article a;
};

static int load_article(void *p, const struct db_article *row)
{
    struct loaded *l = p;

    l->a.body = xstrndup(row->body, row->body_len);
    l->a.title = row->title ? xstrdup(row->title) : NULL;
    l->a.published = row->published ? xstrdup(row->published) : NULL;
    return 0;
}

int ingest_reextract(struct ingest *in, int64_t id)
{
    struct loaded l = {0};
    struct ex_result r;
    int rc;

    rc = db_articles_get(in->db, id, load_article, &l);
    if (rc != DB_OK)
        return rc;
    if (extract(in, &l.a, &r) < 0) {
        ex_result_release(&r);
        ingest_article_release(&l.a);
        return DB_ERROR;
    }
    rc = db_begin(in->db);
    if (rc == DB_OK)
        rc = annotate_remove(in->db, id);
    if (rc == DB_OK)
        rc = annotate_store(in->db, id, l.a.body, strlen(l.a.body), &r);
    if (rc == DB_OK)
        rc = db_bump_generation(in->db);
    if (rc == DB_OK)
        rc = db_commit(in->db);
    if (rc != DB_OK)
        db_rollback(in->db);
    ex_result_release(&r);
    ingest_article_release(&l.a);
    return rc;
}

/* Parse a POST body into a JSON array of the articles it holds. */
static json_t *parse_post(const char *body, size_t len, bool ndjson, char *err,
                          size_t errlen)
{
    json_error_t je;
    json_t *all;

    if (!ndjson) {
        json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
        if (!v) {
            snprintf(err, errlen, "body is not valid JSON: %s (line %d)",
                     je.text, je.line);
            return NULL;
        }
        if (json_is_array(v))
            return v;
        all = json_array();
        json_array_append_new(all, v);
        return all;
    }
    all = json_array();
    size_t pos = 0, lineno = 0, n;
    const char *line;
    while (ingest_next_line(body, len, &pos, &lineno, &line, &n)) {
        json_t *v = json_loadb(line, n, JSON_REJECT_DUPLICATES, &je);
        if (!v) {
            snprintf(err, errlen, "line %zu is not valid JSON: %s (column %d)",
                     lineno, je.text, je.column);
            json_decref(all);
            return NULL;
        }
        json_array_append_new(all, v);
    }
    return all;
}

int ingest_post(struct ingest *in, const char *body, size_t len, bool ndjson,
                struct jsonw *w, char *err, size_t errlen)
{
    struct buf dups, errors;
    struct jsonw wd, we;
    json_t *all = parse_post(body, len, ndjson, err, errlen);
    size_t i;
    json_t *item;
    int rc = 0;

    if (!all)
        return -1;
    if (json_array_size(all) == 0) {
        snprintf(err, errlen, "no article in the body");
        json_decref(all);
        return -1;
    }
    buf_init(&dups, 1 << 24);
    buf_init(&errors, 1 << 24);
    jw_init(&wd, &dups);
    jw_init(&we, &errors);
    jw_arr(&wd);
    jw_arr(&we);
    jw_obj(w);
    jw_key(w, "created");
    jw_arr(w);
    json_array_foreach(all, i, item)
    {
        struct ingest_article a;
        char why[256];
        int64_t id = 0;
        enum ingest_outcome o;

        if (ingest_article_from_json(item, &a, why, sizeof(why)) < 0)
            o = INGEST_INVALID;
        else
            o = ingest_store(in, &a, &id, why, sizeof(why));
        ingest_article_release(&a);
        switch (o) {
        case INGEST_CREATED:
            jw_int(w, id);
            break;
        case INGEST_DUPLICATE:
            jw_obj(&wd);
            jw_key(&wd, "index");
            jw_int(&wd, (int64_t)i);
            jw_key(&wd, "id");
            jw_int(&wd, id);
            jw_end(&wd);
            break;
        case INGEST_INVALID:
            jw_obj(&we);
            jw_key(&we, "index");
            jw_int(&we, (int64_t)i);
            jw_key(&we, "code");
            jw_str(&we, "invalid_article");
            jw_key(&we, "message");
            jw_str(&we, why);
            jw_end(&we);
            break;
        case INGEST_FAILED:
            log_error("POST article %zu: %s", i, why);
            rc = DB_ERROR;
            break;
        }
        if (rc)
            break;
    }
    jw_end(w);
    jw_end(&wd);
    jw_end(&we);
    jw_key(w, "duplicates");
    jw_raw(w, dups.data, dups.len);
    jw_key(w, "errors");
    jw_raw(w, errors.data, errors.len);
    jw_end(w);
    buf_release(&dups);
    buf_release(&errors);
    json_decref(all);
    return rc;
}
