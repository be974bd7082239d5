/*
 * fuzz_claims.c - libFuzzer target for the claims extractor: the first
 * byte picks whether every capitalised word is also given as a person
 * mention (so that speaker linking and pronoun resolution run against
 * entities), the rest is the text. Runs the sentence splitter and
 * claims_extract, checks every claim's span and links, and compares every
 * claim with the first one as claim grouping would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/embed.h"
#include "extract/claims.h"
#include "extract/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A person mention over every capitalised ASCII word, two entities. */
static void fake_mentions(const char *text, size_t len, struct ex_result *r)
{
    static char key_a[] = "a", key_b[] = "b";
    size_t cap = 0;

    r->entities = xcalloc(2, sizeof(*r->entities));
    r->entities[0].key = key_a;
    r->entities[1].key = key_b;
    r->nentities = 2;
    for (size_t i = 0; i < len; i++) {
        size_t s = i;
        if (text[i] < 'A' || text[i] > 'Z' ||
            (i > 0 && text[i - 1] >= 'a' && text[i - 1] <= 'z'))
            continue;
        while (i < len && ((text[i] >= 'a' && text[i] <= 'z') ||
                           (text[i] >= 'A' && text[i] <= 'Z')))
            i++;
        r->mentions =
            xgrow(r->mentions, sizeof(*r->mentions), r->nmentions + 1, &cap);
        r->mentions[r->nmentions] =
            (struct ex_mention){(uint32_t)s, (uint32_t)i, EX_ENT_PERSON, 0,
                                (uint32_t)(r->nmentions % 2)};
        r->nmentions++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct claims_resources *res;
    struct ex_result r = {0};
    struct ex_doc doc;

    if (!res)
        res = claims_resources_new(embed_data);
    if (size == 0)
        return 0;
    doc = (struct ex_doc){(const char *)data + 1, size - 1, NULL, NULL};
    if (data[0] & 1)
        fake_mentions(doc.text, doc.len, &r);
    if (text_sentences(doc.text, doc.len, &r.sentences, &r.nsentences) == 0 &&
        claims_extract(res, &doc, &r) == 0) {
        for (size_t i = 0; i < r.nclaims; i++) {
            const struct ex_claim *c = &r.claims[i], *first = &r.claims[0];
            if (c->start > c->end || c->end > doc.len ||
                c->continues >= (int32_t)i ||
                c->speaker_entity >= (int32_t)r.nentities ||
                (c->nfingerprint > 0 && !c->fingerprint))
                abort();
            claims_quotes_same(c->fingerprint, c->nfingerprint,
                               first->fingerprint, first->nfingerprint);
            claims_statements_same(c->speaker_text, c->fingerprint,
                                   c->nfingerprint, first->speaker_text,
                                   first->fingerprint, first->nfingerprint);
            claims_numbers_comparable(c->unit, c->fingerprint, c->nfingerprint,
                                      first->unit, first->fingerprint,
                                      first->nfingerprint);
        }
    }
    for (size_t i = 0; i < r.nclaims; i++) {
        free(r.claims[i].speaker_text);
        free(r.claims[i].unit);
        free(r.claims[i].qualifier);
        free(r.claims[i].fingerprint);
    }
    free(r.claims);
    free(r.mentions);
    free(r.entities);
    free(r.sentences);
    return 0;
}
