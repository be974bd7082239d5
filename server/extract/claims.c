/* claims.c - placeholder until the claims extractor lands. */
#include "extract/claims.h"

#include <stdlib.h>

struct claims_resources {
    int unused;
};

struct claims_resources *claims_resources_new(const struct embed_file *data)
{
    (void)data;
    return calloc(1, sizeof(struct claims_resources));
}

void claims_resources_free(struct claims_resources *res)
{
    free(res);
}

int claims_extract(const struct claims_resources *res,
                    const struct ex_doc *doc, struct ex_result *r)
{
    (void)res;
    (void)doc;
    (void)r;
    return 0;
}
