/*
 * annotate.c - storing what the extractors found in one article, and the
 * cross-article consolidation: mentions merged into corpus entities by
 * key, claims linked to their speakers and entities.
 */
#include "ingest/ingest_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"
#include "db/db_write.h"

/* The corpus entity for an article-local entity: found by key or new. */
static int resolve_entity(struct db *db, const struct ex_entity *e,
                          int64_t *id)
{
    const char *type = ex_entity_type_name(e->type);
    char *fallback = NULL;
    const char *key = e->key;
    int rc;

    if (!key || !*key)
        key = fallback = xasprintf("%s:%s", type, e->name);
    rc = db_entity_find(db, key, id);
    if (rc == DB_NOT_FOUND)
        rc = db_entity_create(db, e->name, type, key, id);
    else if (rc == DB_OK)
        rc = db_entity_offer_name(db, *id, e->name);
    free(fallback);
    return rc;
}

int annotate_store(struct db *db, int64_t article_id, const char *body,
                   size_t len, const struct ex_result *r)
{
    uint32_t *cp = utf8_cp_index(body, len);
    int64_t *ids = xcalloc(r->nentities + 1, sizeof(*ids));
    int rc = DB_OK;

    for (size_t i = 0; i < r->nentities && rc == DB_OK; i++)
        rc = resolve_entity(db, &r->entities[i], &ids[i]);

    for (size_t i = 0; i < r->nmentions && rc == DB_OK; i++) {
        const struct ex_mention *m = &r->mentions[i];
        char *text = xstrndup(body + m->start, m->end - m->start);
        struct db_mention_row row = {
            .article_id = article_id,
            .entity_id = ids[m->entity],
            .start = cp[m->start],
            .end = cp[m->end],
            .sentence = m->sentence,
            .text = text,
            .type = ex_entity_type_name(m->type),
        };
        rc = db_mention_insert(db, &row);
        if (rc == DB_OK)
            rc = db_entity_add_alias(db, ids[m->entity], text);
        free(text);
    }

    for (size_t i = 0; i < r->ntimexes && rc == DB_OK; i++) {
        const struct ex_timex *t = &r->timexes[i];
        char *text = xstrndup(body + t->start, t->end - t->start);
        struct db_timex_row row = {
            .article_id = article_id,
            .start = cp[t->start],
            .end = cp[t->end],
            .sentence = t->sentence,
            .text = text,
            .type = ex_timex_type_name(t->type),
            .value = t->value,
        };
        int64_t tid;
        rc = db_timex_insert(db, &row, &tid);
        free(text);
    }

    for (size_t i = 0; i < r->nclaims && rc == DB_OK; i++) {
        const struct ex_claim *c = &r->claims[i];
        char *text = xstrndup(body + c->start, c->end - c->start);
        struct db_claim_row row = {
            .article_id = article_id,
            .kind = ex_claim_kind_name(c->kind),
            .start = cp[c->start],
            .end = cp[c->end],
            .sentence = c->sentence,
            .text = text,
            .speaker_entity_id =
                c->speaker_entity >= 0 ? ids[c->speaker_entity] : 0,
            .speaker_text = c->speaker_text,
            .has_value = c->has_value,
            .value = c->value,
            .unit = c->unit,
            .qualifier = c->qualifier,
        };
        int64_t cid;
        rc = db_claim_insert(db, &row, &cid);
        free(text);
        /* Entities named inside the claim's span. */
        for (size_t m = 0; m < r->nmentions && rc == DB_OK; m++)
            if (r->mentions[m].start >= c->start &&
                r->mentions[m].end <= c->end)
                rc = db_claim_add_entity(db, cid,
                                         ids[r->mentions[m].entity]);
    }

    if (rc == DB_OK)
        rc = db_entities_refresh(db, ids, r->nentities);
    free(ids);
    free(cp);
    return rc;
}

int annotate_remove(struct db *db, int64_t article_id)
{
    int64_t *ids;
    size_t n;
    int rc;

    rc = db_article_entities(db, article_id, &ids, &n);
    if (rc == DB_OK)
        rc = db_annotations_clear(db, article_id);
    if (rc == DB_OK)
        rc = db_entities_refresh(db, ids, n);
    free(ids);
    return rc;
}
