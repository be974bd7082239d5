/* timex.c - placeholder until the timex extractor lands. */
#include "extract/timex.h"

#include <stdlib.h>

struct timex_resources {
    int unused;
};

struct timex_resources *timex_resources_new(const struct embed_file *data)
{
    (void)data;
    return calloc(1, sizeof(struct timex_resources));
}

void timex_resources_free(struct timex_resources *res)
{
    free(res);
}

int timex_extract(const struct timex_resources *res,
                    const struct ex_doc *doc, struct ex_result *r)
{
    (void)res;
    (void)doc;
    (void)r;
    return 0;
}
