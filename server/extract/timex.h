/*
 * timex.h - TIMEX3 temporal expressions normalised against the document
 * creation time (TempEval-3 conventions).
 */
#ifndef DOSSIER_EXTRACT_TIMEX_H
#define DOSSIER_EXTRACT_TIMEX_H

#include "extract/extract.h"

struct timex_resources;

struct timex_resources *timex_resources_new(const struct embed_file *data);
void timex_resources_free(struct timex_resources *res);

/*
 * timex_extract - fill r->timexes (with their anchored clause and label).
 * Needs r->sentences; uses doc->published as the anchor. Returns 0 or -1.
 */
int timex_extract(const struct timex_resources *res, const struct ex_doc *doc,
                  struct ex_result *r);

#endif
