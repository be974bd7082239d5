/*
 * claims.h - quotes, reported statements and numeric assertions, with
 * their speakers.
 */
#ifndef DOSSIER_EXTRACT_CLAIMS_H
#define DOSSIER_EXTRACT_CLAIMS_H

#include "extract/extract.h"

struct claims_resources;

struct claims_resources *claims_resources_new(const struct embed_file *data);
void claims_resources_free(struct claims_resources *res);

/*
 * claims_extract - fill r->claims.
 * Needs r->sentences, r->mentions and r->entities. Returns 0 or -1.
 */
int claims_extract(const struct claims_resources *res,
                   const struct ex_doc *doc, struct ex_result *r);

#endif
