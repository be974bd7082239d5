/*
 * extract.c - runs the extractors over one article, in dependency order:
 * sentences, entities, temporal expressions, claims.
 */
#include "extract/extract.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"
#include "extract/claims.h"
#include "extract/entities.h"
#include "extract/text.h"
#include "extract/timex.h"

struct ex_resources {
    struct ent_resources *ent;
    struct timex_resources *timex;
    struct claims_resources *claims;
};

static const char *const entity_type_names[EX_ENT__COUNT] = {
    [EX_ENT_PERSON] = "person",
    [EX_ENT_ORG] = "org",
    [EX_ENT_PLACE] = "place",
};

static const char *const timex_type_names[EX_TIMEX__COUNT] = {
    [EX_TIMEX_DATE] = "date",
    [EX_TIMEX_TIME] = "time",
    [EX_TIMEX_DURATION] = "duration",
    [EX_TIMEX_SET] = "set",
};

static const char *const claim_kind_names[EX_CLAIM__COUNT] = {
    [EX_CLAIM_QUOTE] = "quote",
    [EX_CLAIM_STATEMENT] = "statement",
    [EX_CLAIM_NUMBER] = "number",
};

const char *ex_entity_type_name(enum ex_entity_type type)
{
    return (unsigned)type < EX_ENT__COUNT ? entity_type_names[type] : NULL;
}

const char *ex_timex_type_name(enum ex_timex_type type)
{
    return (unsigned)type < EX_TIMEX__COUNT ? timex_type_names[type] : NULL;
}

const char *ex_claim_kind_name(enum ex_claim_kind kind)
{
    return (unsigned)kind < EX_CLAIM__COUNT ? claim_kind_names[kind] : NULL;
}

static int name_index(const char *const *names, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

int ex_entity_type_parse(const char *name)
{
    return name_index(entity_type_names, EX_ENT__COUNT, name);
}

int ex_claim_kind_parse(const char *name)
{
    return name_index(claim_kind_names, EX_CLAIM__COUNT, name);
}

struct ex_resources *ex_resources_new(const struct embed_file *data)
{
    struct ex_resources *res = xcalloc(1, sizeof(*res));

    res->ent = ent_resources_new(data);
    res->timex = timex_resources_new(data);
    res->claims = claims_resources_new(data);
    return res;
}

void ex_resources_free(struct ex_resources *res)
{
    if (!res)
        return;
    ent_resources_free(res->ent);
    timex_resources_free(res->timex);
    claims_resources_free(res->claims);
    free(res);
}

int extract_run(const struct ex_resources *res, const struct ex_doc *doc,
                struct ex_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!utf8_valid(doc->text, doc->len))
        return -1;
    if (text_sentences(doc->text, doc->len, &out->sentences, &out->nsentences) <
        0)
        return -1;
    if (entities_extract(res->ent, doc, out) < 0)
        return -1;
    if (timex_extract(res->timex, doc, out) < 0)
        return -1;
    if (claims_extract(res->claims, doc, out) < 0)
        return -1;
    return 0;
}

void ex_result_release(struct ex_result *r)
{
    for (size_t i = 0; i < r->nentities; i++) {
        struct ex_entity *e = &r->entities[i];
        for (size_t j = 0; j < e->naliases; j++)
            free(e->aliases[j]);
        free(e->aliases);
        free(e->name);
        free(e->key);
    }
    for (size_t i = 0; i < r->ntimexes; i++)
        free(r->timexes[i].label);
    for (size_t i = 0; i < r->nclaims; i++) {
        free(r->claims[i].speaker_text);
        free(r->claims[i].unit);
        free(r->claims[i].qualifier);
        free(r->claims[i].fingerprint);
    }
    free(r->sentences);
    free(r->mentions);
    free(r->entities);
    free(r->timexes);
    free(r->claims);
    memset(r, 0, sizeof(*r));
}
