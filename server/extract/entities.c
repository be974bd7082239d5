/* entities.c - placeholder until the entities extractor lands. */
#include "extract/entities.h"

#include <stdlib.h>

struct ent_resources {
    int unused;
};

struct ent_resources *ent_resources_new(const struct embed_file *data)
{
    (void)data;
    return calloc(1, sizeof(struct ent_resources));
}

void ent_resources_free(struct ent_resources *res)
{
    free(res);
}

int entities_extract(const struct ent_resources *res,
                    const struct ex_doc *doc, struct ex_result *r)
{
    (void)res;
    (void)doc;
    (void)r;
    return 0;
}
