/*
 * fuzz_entities.c - libFuzzer target: sentences, entities and weak keys on
 * arbitrary UTF-8, checking the invariants of entities.h (sorted, disjoint
 * mentions inside the text, each entity used and typed like its mentions).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/utf8.h"
#include "extract/entities.h"
#include "extract/text.h"

static void check(const struct ex_result *r, size_t len)
{
    char *used = calloc(r->nentities + 1, 1);

    for (size_t i = 0; i < r->nmentions; i++) {
        const struct ex_mention *m = &r->mentions[i];
        if (m->start >= m->end || m->end > len || m->entity >= r->nentities ||
            r->entities[m->entity].type != m->type ||
            (i > 0 && m->start < r->mentions[i - 1].end))
            abort();
        used[m->entity] = 1;
    }
    for (size_t e = 0; e < r->nentities; e++) {
        char **keys;
        if (!used[e] || !r->entities[e].key || r->entities[e].naliases == 0)
            abort();
        for (int use = ENT_KEYS_INDEX; use <= ENT_KEYS_LOOKUP; use++) {
            size_t n = ent_weak_keys(&r->entities[e], use, &keys);
            for (size_t k = 0; k < n; k++)
                free(keys[k]);
            free(keys);
        }
    }
    free(used);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ent_resources *res;
    const char *text = (const char *)data;
    struct ex_result r;

    if (!res)
        res = ent_resources_new(embed_data);
    if (!utf8_valid(text, size))
        return 0;
    memset(&r, 0, sizeof(r));
    struct ex_doc doc = {text, size, NULL, NULL};
    text_sentences(text, size, &r.sentences, &r.nsentences);
    entities_extract(res, &doc, &r);
    check(&r, size);
    ex_result_release(&r);
    return 0;
}
