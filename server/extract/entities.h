/*
 * entities.h - people, organisations and places named in an article.
 */
#ifndef DOSSIER_EXTRACT_ENTITIES_H
#define DOSSIER_EXTRACT_ENTITIES_H

#include "extract/extract.h"

struct ent_resources;

/* Parse the "entities/..." data files. New; aborts on OOM. */
struct ent_resources *ent_resources_new(const struct embed_file *data);
void ent_resources_free(struct ent_resources *res);

/*
 * entities_extract - fill r->mentions and r->entities.
 * Needs r->sentences. Returns 0 or -1.
 */
int entities_extract(const struct ent_resources *res, const struct ex_doc *doc,
                     struct ex_result *r);

#endif
