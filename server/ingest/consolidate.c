/*
 * consolidate.c - merging one article's annotations with the corpus:
 * dated clauses into timeline events, claims into claim groups. Runs
 * inside the article's transaction, after its rows are stored.
 */
#include "ingest/ingest_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "db/db_write.h"
#include "extract/claims.h"
#include "extract/timex.h"

/* Two clauses of one date describe the same event when they share an
 * entity or enough content words. */
#define EVENT_SAME_CONTENT 0.5
#define CLAIM_CANDIDATES   50
#define LABEL_MAX          140

/* @text cut to about LABEL_MAX bytes on a word boundary (new string). */
static char *short_label(const char *text, size_t len)
{
    if (len <= LABEL_MAX)
        return xstrndup(text, len);
    size_t cut = LABEL_MAX;
    while (cut > LABEL_MAX / 2 && text[cut] != ' ')
        cut--;
    char *s = xmalloc(cut + 4);
    memcpy(s, text, cut);
    memcpy(s + cut, "…", 4);
    return s;
}

/* The entity id of each mention inside [start, end). */
static size_t entities_in(const struct ex_result *r, const int64_t *ids,
                          uint32_t start, uint32_t end, int64_t *out)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nmentions; i++)
        if (r->mentions[i].start >= start && r->mentions[i].end <= end)
            out[n++] = ids[r->mentions[i].entity];
    return n;
}

int consolidate_events(struct db *db, int64_t article_id, const char *body,
                       const uint32_t *cp, const struct ex_result *r,
                       const int64_t *timex_ids, const int64_t *entity_ids)
{
    int64_t *ents = xmalloc((r->nmentions + 1) * sizeof(*ents));
    int rc = DB_OK;

    for (size_t i = 0; i < r->ntimexes && rc == DB_OK; i++) {
        const struct ex_timex *t = &r->timexes[i];
        char date[16];
        if (!timex_is_event(t) ||
            !timex_event_date(t->value, date, sizeof(date)))
            continue;
        const struct ex_sentence *s = &r->sentences[t->sentence];
        size_t nents = entities_in(r, entity_ids, s->start, s->end, ents);
        struct db_event_candidate *cands;
        size_t ncands;
        int64_t event = 0;
        double best = 0;

        rc = db_events_candidates(db, date, ents, nents, &cands, &ncands);
        for (size_t c = 0; c < ncands && rc == DB_OK; c++) {
            double sim = timex_similarity(t->label, cands[c].label);
            double score = (double)cands[c].shared_entities + sim;
            if ((cands[c].shared_entities > 0 || sim >= EVENT_SAME_CONTENT) &&
                score > best) {
                best = score;
                event = cands[c].id;
            }
        }
        db_event_candidates_free(cands, ncands);
        if (rc == DB_OK && !event)
            rc = db_event_create(db, date,
                                 timex_precision_name(timex_precision(date)),
                                 t->label, &event);
        if (rc == DB_OK) {
            char *sentence = xstrndup(body + s->start, s->end - s->start);
            struct db_event_mention em = {
                .event_id = event,
                .article_id = article_id,
                .timex_id = timex_ids[i],
                .sentence_start = cp[s->start],
                .sentence_end = cp[s->end],
                .sentence_text = sentence,
                .entities = ents,
                .nentities = nents,
            };
            rc = db_event_add_mention(db, &em);
            free(sentence);
        }
    }
    free(ents);
    return rc;
}

/* The speaker name grouping compares: the entity's, else as written. */
static const char *speaker_name(const struct ex_result *r,
                                const struct ex_claim *c)
{
    if (c->speaker_entity >= 0)
        return r->entities[c->speaker_entity].name;
    return c->speaker_text;
}

static bool claims_same(const struct ex_claim *c, const char *speaker,
                        const char *other_speaker, const char *other_unit,
                        const uint32_t *fp, size_t nfp)
{
    switch (c->kind) {
    case EX_CLAIM_QUOTE:
        return claims_quotes_same(c->fingerprint, c->nfingerprint, fp, nfp);
    case EX_CLAIM_STATEMENT:
        return claims_statements_same(speaker, c->fingerprint, c->nfingerprint,
                                      other_speaker, fp, nfp);
    case EX_CLAIM_NUMBER:
        return claims_numbers_comparable(c->unit, c->fingerprint,
                                         c->nfingerprint, other_unit, fp, nfp);
    default:
        return false;
    }
}

int consolidate_claims(struct db *db, int64_t article_id, const char *body,
                       const struct ex_result *r, const int64_t *claim_ids)
{
    int64_t *groups = xcalloc(r->nclaims + 1, sizeof(*groups));
    int rc = DB_OK;

    for (size_t i = 0; i < r->nclaims && rc == DB_OK; i++) {
        const struct ex_claim *c = &r->claims[i];
        const char *kind = ex_claim_kind_name(c->kind);
        const char *speaker = speaker_name(r, c);
        struct db_claim_candidate *cands = NULL;
        size_t ncands = 0;

        /* Earlier claims of this article first, then other articles. */
        for (size_t j = 0; j < i && !groups[i]; j++) {
            const struct ex_claim *o = &r->claims[j];
            if (o->kind == c->kind &&
                claims_same(c, speaker, speaker_name(r, o), o->unit,
                            o->fingerprint, o->nfingerprint))
                groups[i] = groups[j];
        }
        if (!groups[i])
            rc = db_claims_candidates(db, kind, article_id, c->fingerprint,
                                      c->nfingerprint, CLAIM_CANDIDATES, &cands,
                                      &ncands);
        for (size_t k = 0; k < ncands && !groups[i]; k++)
            if (claims_same(c, speaker, cands[k].speaker, cands[k].unit,
                            cands[k].fingerprint, cands[k].nfingerprint))
                groups[i] = cands[k].group_id;
        db_claim_candidates_free(cands, ncands);
        if (rc == DB_OK && !groups[i]) {
            /* A number group is about a quantity, which its sentence
             * names better than one outlet's figure does. */
            const struct ex_sentence *snt = &r->sentences[c->sentence];
            char *label =
                c->kind == EX_CLAIM_NUMBER
                    ? short_label(body + snt->start, snt->end - snt->start)
                    : short_label(body + c->start, c->end - c->start);
            rc = db_claim_group_create(db, kind, label, &groups[i]);
            free(label);
        }
        if (rc == DB_OK)
            rc = db_claim_join_group(db, claim_ids[i], groups[i]);
    }
    free(groups);
    return rc;
}
