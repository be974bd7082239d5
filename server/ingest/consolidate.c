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
/* Claims fetched to compare, the most alike first. */
#define CLAIM_CANDIDATES 16

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

int consolidate_events(struct db *db, int64_t article_id, const uint32_t *cp,
                       const struct ex_result *r, const int64_t *timex_ids,
                       const int64_t *entity_ids)
{
    int64_t *ents = xmalloc((r->nmentions + 1) * sizeof(*ents));
    struct timex_words clause, label;
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
        if (ncands > 0)
            timex_words(t->label, &clause);
        for (size_t c = 0; c < ncands && rc == DB_OK; c++) {
            /* Its score is at most shared + 1 (a similarity is at most
             * 1): past the best so far only if that is. */
            if ((double)cands[c].shared_entities + 1 <= best)
                continue;
            timex_words(cands[c].label, &label);
            double sim = timex_words_similarity(&clause, &label);
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
            struct db_event_mention em = {
                .event_id = event,
                .article_id = article_id,
                .timex_id = timex_ids[i],
                .sentence_start = cp[s->start],
                .sentence_end = cp[s->end],
                .entities = ents,
                .nentities = nents,
            };
            rc = db_event_add_mention(db, &em);
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

/*
 * An article does not contradict itself: two numbers of one article with
 * different values count different things ("sales 18.4 mln vs 16.4
 * mln", this year and last), however alike their sentences.
 */
static bool other_quantity(const struct ex_claim *c, const struct ex_claim *o)
{
    return c->kind == EX_CLAIM_NUMBER && c->has_value && o->has_value &&
           c->value != o->value;
}

static bool has_entity(const uint32_t *fp, size_t n)
{
    return n > 0 && claims_hash_is_entity(fp[n - 1]);
}

/*
 * An outlet does not corroborate itself: two of its articles giving a
 * number in the same words are mostly a repeated table line or template
 * ("Qtly div ... cts vs ... cts prior") about different companies. So
 * another article of the same outlet is only compared when the number's
 * context names a (not too common) entity, which then must be shared.
 */
static bool outlet_allows(const struct ex_claim *c,
                          const struct db_claim_candidate *o)
{
    return c->kind != EX_CLAIM_NUMBER || !o->same_outlet ||
           (has_entity(c->fingerprint, c->nfingerprint) &&
            has_entity(o->fingerprint, o->nfingerprint));
}

/*
 * Two different values whose contexts name no entity at all (a table
 * line, a template: "Qtly div 5 cts vs 5 cts prior") are two companies'
 * figures as likely as a conflict: with nothing naming what is counted,
 * only agreeing values are grouped.
 */
static bool anonymous_conflict(const struct ex_claim *c,
                               const struct db_claim_candidate *o)
{
    return c->kind == EX_CLAIM_NUMBER && c->has_value && o->has_value &&
           c->value != o->value &&
           !has_entity(c->fingerprint, c->nfingerprint) &&
           !has_entity(o->fingerprint, o->nfingerprint);
}

/* Drop the entity hashes in sorted @common from sorted @fp[0..n), in
 * place; the new length. */
static size_t drop_common_entities(uint32_t *fp, size_t n,
                                   const uint32_t *common, size_t ncommon)
{
    size_t k = 0, j = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t h = fp[i];
        while (j < ncommon && common[j] < h)
            j++;
        if (!claims_hash_is_entity(h) || j == ncommon || common[j] != h)
            fp[k++] = h;
    }
    return k;
}

/*
 * The group of the most candidates @c is the same claim as (the best
 * ranked on a tie), or 0: a claim that meets two groups joins the one it
 * matches most, not the first one it happened to meet. A number giving
 * the same value counts twice: agreeing figures are the surest sign of
 * the same quantity.
 */
static int64_t best_group(const struct ex_claim *c, const char *speaker,
                          const struct db_claim_candidate *cands, size_t n)
{
    int64_t *group = xmalloc((n + 1) * sizeof(*group));
    size_t *votes = xcalloc(n + 1, sizeof(*votes));
    size_t ngroups = 0, best = 0;

    for (size_t k = 0; k < n; k++) {
        if (!outlet_allows(c, &cands[k]) || anonymous_conflict(c, &cands[k]) ||
            !claims_same(c, speaker, cands[k].speaker, cands[k].unit,
                         cands[k].fingerprint, cands[k].nfingerprint))
            continue;
        size_t g = 0;
        while (g < ngroups && group[g] != cands[k].group_id)
            g++;
        if (g == ngroups)
            group[ngroups++] = cands[k].group_id;
        votes[g] += c->kind == EX_CLAIM_NUMBER && c->has_value &&
                            cands[k].has_value && cands[k].value == c->value
                        ? 2
                        : 1;
        if (votes[g] > votes[best])
            best = g;
    }
    int64_t id = ngroups ? group[best] : 0;
    free(group);
    free(votes);
    return id;
}

int consolidate_claims(struct db *db, const struct ex_result *r,
                       struct db_claim_row *rows, int64_t *claim_ids)
{
    int64_t *groups = xcalloc(r->nclaims + 1, sizeof(*groups)), first;
    int rc = db_claims_sketch(db, rows, r->nclaims, &first);

    for (size_t i = 0; i < r->nclaims && rc == DB_OK; i++) {
        const struct ex_claim *c = &r->claims[i];
        const char *kind = ex_claim_kind_name(c->kind);
        const char *speaker = speaker_name(r, c);
        struct db_claim_candidate *cands = NULL;
        size_t ncands = 0;

        /* Earlier claims of this article first, then other articles. */
        for (size_t j = 0; j < i && !groups[i]; j++) {
            const struct ex_claim *o = &r->claims[j];
            if (o->kind == c->kind && !other_quantity(c, o) &&
                claims_same(c, speaker, speaker_name(r, o), o->unit,
                            o->fingerprint, o->nfingerprint))
                groups[i] = groups[j];
        }
        uint32_t *common = NULL;
        size_t ncommon = 0;
        if (!groups[i])
            rc = db_claims_candidates(
                db, kind, rows[i].article_id, c->fingerprint, c->nfingerprint,
                CLAIM_CANDIDATES, &cands, &ncands, &common, &ncommon);
        /*
         * An entity in the context of very many stored numbers (a
         * country, or a table word taken for a name: "Shr", "Qtly")
         * does not say which quantity this is: compare without it, on
         * both sides.
         */
        struct ex_claim rare = *c;
        if (c->kind == EX_CLAIM_NUMBER && ncommon > 0) {
            rare.fingerprint =
                xmalloc((c->nfingerprint + 1) * sizeof(*rare.fingerprint));
            memcpy(rare.fingerprint, c->fingerprint,
                   c->nfingerprint * sizeof(*rare.fingerprint));
            rare.nfingerprint = drop_common_entities(
                rare.fingerprint, c->nfingerprint, common, ncommon);
            for (size_t k = 0; k < ncands; k++)
                cands[k].nfingerprint = drop_common_entities(
                    cands[k].fingerprint, cands[k].nfingerprint, common,
                    ncommon);
        }
        if (!groups[i])
            groups[i] = best_group(&rare, speaker, cands, ncands);
        if (rare.fingerprint != c->fingerprint)
            free(rare.fingerprint);
        free(common);
        db_claim_candidates_free(cands, ncands);
        rows[i].id = first + (int64_t)i;
        rows[i].group_id = groups[i] ? groups[i] : DB_CLAIM_NEW_GROUP;
        if (rc == DB_OK)
            rc = db_claim_insert(db, &rows[i], &claim_ids[i], &groups[i]);
    }
    free(groups);
    return rc;
}
