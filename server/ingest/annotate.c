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
#include "extract/entities.h"

/* The next word of @s at *@i, folded (no case, no periods); its length. */
static size_t next_word(const char *s, size_t *i, char *out, size_t max)
{
    size_t n = 0;

    while (s[*i] == ' ')
        (*i)++;
    for (; s[*i] && s[*i] != ' '; (*i)++)
        if (s[*i] != '.' && n + 1 < max)
            out[n++] =
                (char)(s[*i] >= 'A' && s[*i] <= 'Z' ? s[*i] + 32 : s[*i]);
    out[n] = '\0';
    return n;
}

static size_t split_words(const char *s, char words[][64], size_t max)
{
    size_t n = 0, i = 0;

    while (n < max && next_word(s, &i, words[n], sizeof(words[n])))
        n++;
    return n;
}

/*
 * Can two names of a person be the same person? One's words must end the
 * other's: "Burman" and "Leonard E. Burman" can, "Donald Trump" and
 * "Melania Trump" cannot.
 */
static bool person_names_compatible(const char *a, const char *b)
{
    char wa[8][64], wb[8][64];
    size_t na = split_words(a, wa, 8), nb = split_words(b, wb, 8);
    size_t n = na < nb ? na : nb;

    for (size_t i = 1; i <= n; i++)
        if (strcmp(wa[na - i], wb[nb - i]) != 0)
            return false;
    return n > 0;
}

/* Whether the entity found under a weaker key may take @e. */
static int weak_match_ok(struct db *db, const struct ex_entity *e, int64_t id,
                         bool *ok)
{
    char *name;
    int rc;

    *ok = true;
    if (e->type != EX_ENT_PERSON)
        return DB_OK;
    rc = db_entity_name(db, id, &name);
    if (rc == DB_OK)
        *ok = person_names_compatible(e->name, name);
    free(name);
    return rc;
}

static void free_keys(char **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

/*
 * The corpus entity for an article-local entity (the protocol of
 * entities.h): by its key, else by its lookup keys in order, else new; then
 * filed under its key and index keys, named by the fullest form.
 */
static int resolve_entity(struct db *db, const struct ex_entity *e, int64_t *id)
{
    const char *type = ex_entity_type_name(e->type);
    char **keys = NULL;
    size_t n = 0;
    int rc;

    rc = db_entity_find(db, e->key, id);
    /* Found by its key or created with it, it is filed under it. */
    bool filed = rc == DB_OK;
    if (rc == DB_NOT_FOUND) {
        n = ent_weak_keys(e, ENT_KEYS_LOOKUP, &keys);
        for (size_t i = 0; i < n && rc == DB_NOT_FOUND; i++) {
            bool ok;
            rc = db_entity_find(db, keys[i], id);
            if (rc == DB_OK && (rc = weak_match_ok(db, e, *id, &ok)) == DB_OK &&
                !ok)
                rc = DB_NOT_FOUND;
        }
        free_keys(keys, n);
    }
    if (rc == DB_NOT_FOUND) {
        rc = db_entity_create(db, e->name, type, e->key, id);
        filed = true;
    } else if (rc == DB_OK) {
        rc = db_entity_offer_name(db, *id, e->name, e->key);
    }
    if (rc == DB_OK && !filed)
        rc = db_entity_add_key(db, *id, e->key);
    if (rc != DB_OK)
        return rc;
    n = ent_weak_keys(e, ENT_KEYS_INDEX, &keys);
    for (size_t i = 0; i < n && rc == DB_OK; i++)
        rc = db_entity_add_key(db, *id, keys[i]);
    free_keys(keys, n);
    return rc;
}

/* Count each pair of distinct entities named in the same sentence. */
static int store_cooccurrence(struct db *db, const struct ex_result *r,
                              const int64_t *ids)
{
    int64_t *seen = xmalloc((r->nmentions + 1) * sizeof(*seen));
    int rc = DB_OK;

    for (size_t i = 0; i < r->nmentions && rc == DB_OK;) {
        uint32_t sentence = r->mentions[i].sentence;
        size_t n = 0;
        for (; i < r->nmentions && r->mentions[i].sentence == sentence; i++) {
            int64_t id = ids[r->mentions[i].entity];
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = seen[k] == id;
            if (!dup)
                seen[n++] = id;
        }
        for (size_t a = 0; a < n && rc == DB_OK; a++)
            for (size_t b = a + 1; b < n && rc == DB_OK; b++)
                rc = db_entity_cooccur_add(db, seen[a], seen[b]);
    }
    free(seen);
    return rc;
}

int annotate_store(struct db *db, int64_t article_id, const char *body,
                   size_t len, const struct ex_result *r)
{
    uint32_t *cp = utf8_cp_index(body, len);
    int64_t *ids = xcalloc(r->nentities + 1, sizeof(*ids));
    int64_t *timex_ids = xcalloc(r->ntimexes + 1, sizeof(*timex_ids));
    int64_t *claim_ids = xcalloc(r->nclaims + 1, sizeof(*claim_ids));
    struct db_claim_row *claims = xcalloc(r->nclaims + 1, sizeof(*claims));
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
            .type = ex_entity_type_name(m->type),
        };
        rc = db_mention_insert(db, &row);
        if (rc == DB_OK)
            rc = db_entity_add_alias(db, ids[m->entity], text);
        free(text);
    }

    for (size_t i = 0; i < r->ntimexes && rc == DB_OK; i++) {
        const struct ex_timex *t = &r->timexes[i];
        struct db_timex_row row = {
            .article_id = article_id,
            .start = cp[t->start],
            .end = cp[t->end],
            .sentence = t->sentence,
            .type = ex_timex_type_name(t->type),
            .value = t->value,
        };
        rc = db_timex_insert(db, &row, &timex_ids[i]);
    }

    for (size_t i = 0; i < r->nclaims; i++) {
        const struct ex_claim *c = &r->claims[i];
        /* A number group is about a quantity, which the sentence names
         * better than one outlet's figure does: it is labelled so. */
        const struct ex_sentence *snt = &r->sentences[c->sentence];
        bool by_sentence = c->kind == EX_CLAIM_NUMBER &&
                           (snt->start != c->start || snt->end != c->end);
        claims[i] = (struct db_claim_row){
            .article_id = article_id,
            .kind = ex_claim_kind_name(c->kind),
            .start = cp[c->start],
            .end = cp[c->end],
            .sentence = c->sentence,
            .speaker_entity_id =
                c->speaker_entity >= 0 ? ids[c->speaker_entity] : 0,
            .speaker_text = c->speaker_text,
            .has_value = c->has_value,
            .value = c->value,
            .unit = c->unit,
            .qualifier = c->qualifier,
            .fingerprint = c->fingerprint,
            .nfingerprint = c->nfingerprint,
            .label_start = by_sentence ? cp[snt->start] : 0,
            .label_end = by_sentence ? cp[snt->end] : 0,
        };
    }

    /* Each corpus entity once, though two local ones may map to it. */
    for (size_t i = 0; i < r->nentities && rc == DB_OK; i++) {
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = ids[j] != ids[i];
        if (first)
            rc = db_entity_tally(db, ids[i], article_id, +1);
    }
    if (rc == DB_OK)
        rc = store_cooccurrence(db, r, ids);
    if (rc == DB_OK)
        rc = consolidate_events(db, article_id, cp, r, timex_ids, ids);
    if (rc == DB_OK)
        rc = consolidate_claims(db, r, claims, claim_ids);
    /* Entities named inside each claim's span. */
    for (size_t i = 0; i < r->nclaims && rc == DB_OK; i++) {
        const struct ex_claim *c = &r->claims[i];
        for (size_t m = 0; m < r->nmentions && rc == DB_OK; m++)
            if (r->mentions[m].start >= c->start &&
                r->mentions[m].end <= c->end)
                rc = db_claim_add_entity(db, claim_ids[i],
                                         ids[r->mentions[m].entity]);
    }
    free(claims);
    free(claim_ids);
    free(timex_ids);
    free(ids);
    free(cp);
    return rc;
}

int annotate_remove(struct db *db, int64_t article_id)
{
    int64_t *entities = NULL, *events = NULL, *groups = NULL;
    size_t nentities = 0, nevents = 0, ngroups = 0;
    int rc;

    rc = db_article_entities(db, article_id, &entities, &nentities);
    if (rc == DB_OK)
        rc = db_article_events(db, article_id, &events, &nevents);
    if (rc == DB_OK)
        rc = db_article_groups(db, article_id, &groups, &ngroups);
    /* Take the article's share out of the counts while its rows exist. */
    for (size_t i = 0; i < nentities && rc == DB_OK; i++)
        rc = db_entity_tally(db, entities[i], article_id, -1);
    if (rc == DB_OK)
        rc = db_entity_cooccur_untally(db, article_id);
    if (rc == DB_OK)
        rc = db_events_untally(db, article_id);
    if (rc == DB_OK)
        rc = db_annotations_clear(db, article_id);
    if (rc == DB_OK)
        rc = db_claim_groups_recount(db, groups, ngroups);
    if (rc == DB_OK)
        rc = db_events_recount(db, events, nevents);
    if (rc == DB_OK)
        rc = db_entities_prune(db, entities, nentities);
    free(entities);
    free(events);
    free(groups);
    return rc;
}
