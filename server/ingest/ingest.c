/*
 * ingest.c - storing one article (validate, dedup, extract, one
 * transaction), deleting and re-extracting, and POST bodies.
 */
#include "ingest/ingest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/utf8.h"
#include "db/db_articles.h"

int ingest_extract(const struct ingest *in, const struct ingest_article *a,
                   struct ex_result *r)
{
    struct ex_doc doc = {a->body, strlen(a->body), a->title, a->published};

    return extract_run(in->resources, &doc, r);
}

static int64_t now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool batching(const struct ingest *in)
{
    return in->batch > 1;
}

/* Open the article's transaction, or its savepoint in the batch. */
static int item_begin(struct ingest *in)
{
    int rc;

    if (!batching(in))
        return db_begin(in->db);
    if (!db_in_transaction(in->db)) {
        if ((rc = db_begin(in->db)) != DB_OK)
            return rc;
        in->pending = 0;
        in->batch_started_ms = now_ms();
    }
    return db_savepoint(in->db);
}

/* Keep the article (@rc DB_OK) or undo it alone; the final status. */
static int item_end(struct ingest *in, int rc)
{
    if (!batching(in)) {
        if (rc == DB_OK)
            rc = db_commit(in->db);
        if (rc != DB_OK)
            db_rollback(in->db);
        return rc;
    }
    if (rc == DB_OK)
        rc = db_savepoint_release(in->db);
    if (rc == DB_OK) {
        in->pending++;
    } else if (db_in_transaction(in->db)) {
        db_savepoint_rollback(in->db);
    } else {
        /* SQLite rolled the whole batch back (e.g. the disk is full). */
        in->lost += in->pending;
        in->pending = 0;
    }
    return rc;
}

bool ingest_commit_due(const struct ingest *in)
{
    return batching(in) && db_in_transaction(in->db) &&
           (in->pending >= in->batch ||
            now_ms() - in->batch_started_ms >=
                (in->batch_ms ? in->batch_ms : INGEST_BATCH_MS));
}

int ingest_commit(struct ingest *in, long *lost)
{
    int rc = DB_OK;

    if (batching(in) && db_in_transaction(in->db)) {
        rc = db_commit(in->db);
        if (rc != DB_OK) {
            in->lost += in->pending;
            db_rollback(in->db);
        }
    }
    *lost = in->lost;
    in->lost = 0;
    in->pending = 0;
    return rc;
}

/* INGEST_DUPLICATE (*@id: the stored one), INGEST_FAILED, or
 * INGEST_CREATED when no stored article has @a's id or body @hash. */
static enum ingest_outcome find_duplicate(struct ingest *in,
                                          const struct ingest_article *a,
                                          const char *hash, int64_t *id,
                                          char *err, size_t errlen)
{
    int rc = db_articles_duplicate(in->db, a->external_id, hash, id);

    if (rc == DB_DUPLICATE)
        return INGEST_DUPLICATE;
    if (rc != DB_NOT_FOUND) {
        snprintf(err, errlen, "database: %s", db_errmsg(in->db));
        return INGEST_FAILED;
    }
    return INGEST_CREATED;
}

enum ingest_outcome ingest_check(struct ingest *in, struct ingest_article *a,
                                 char hash[33], int64_t *id, char *err,
                                 size_t errlen)
{
    if (ingest_article_normalise(a, err, errlen) < 0)
        return INGEST_INVALID;
    ingest_body_hash(a->body, hash);
    return find_duplicate(in, a, hash, id, err, errlen);
}

enum ingest_outcome
ingest_store_extracted(struct ingest *in, const struct ingest_article *a,
                       const char *hash, const struct ex_result *r, int64_t *id,
                       char *err, size_t errlen)
{
    /* Another article of the same batch may have come in meanwhile. */
    enum ingest_outcome o = find_duplicate(in, a, hash, id, err, errlen);
    int rc;

    if (o != INGEST_CREATED)
        return o;
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
    rc = item_begin(in);
    if (rc == DB_OK)
        rc = db_articles_insert(in->db, &row, id);
    if (rc == DB_OK)
        rc = annotate_store(in->db, *id, a->body, strlen(a->body), r);
    if (rc == DB_OK)
        rc = db_bump_generation(in->db);
    rc = item_end(in, rc);
    if (rc == DB_OK)
        return INGEST_CREATED;
    if (rc == DB_DUPLICATE)
        return INGEST_DUPLICATE;
    snprintf(err, errlen, "database: %s", db_errmsg(in->db));
    return INGEST_FAILED;
}

enum ingest_outcome ingest_store(struct ingest *in, struct ingest_article *a,
                                 int64_t *id, char *err, size_t errlen)
{
    enum ingest_outcome o;
    struct ex_result r;
    char hash[33];

    o = ingest_check(in, a, hash, id, err, errlen);
    if (o != INGEST_CREATED)
        return o;
    /* Extract before taking the write lock. */
    if (ingest_extract(in, a, &r) < 0) {
        ex_result_release(&r);
        snprintf(err, errlen, INGEST_NOT_UTF8);
        return INGEST_INVALID;
    }
    o = ingest_store_extracted(in, a, hash, &r, id, err, errlen);
    ex_result_release(&r);
    return o;
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
    if (ingest_extract(in, &l.a, &r) < 0) {
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

static int commit_post(struct ingest *in)
{
    long lost;
    int rc = ingest_commit(in, &lost);

    if (rc != DB_OK || lost) {
        log_error("POST: commit failed: %s", db_errmsg(in->db));
        return DB_ERROR;
    }
    return DB_OK;
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
            utf8_scrub(why); /* it may quote the article, cut short */
            jw_str(&we, why);
            jw_end(&we);
            break;
        case INGEST_FAILED:
            log_error("POST article %zu: %s", i, why);
            rc = DB_ERROR;
            break;
        }
        if (!rc && ingest_commit_due(in))
            rc = commit_post(in);
        if (rc)
            break;
    }
    /* Nothing is reported created before it is committed. */
    if (commit_post(in) != DB_OK)
        rc = DB_ERROR;
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
