/*
 * entities.h - people, organisations and places named in an article.
 *
 * Mentions are found by rules over the tokens (text.h) and the word lists
 * of data/entities/: capitalised words grouped into names, titles cut off
 * ("President Joe Biden" -> "Joe Biden"), typed by gazetteers, head words
 * ("Ministry", "Sea") and context. Inside an article they are merged into
 * entities: a surname or given name joins the full name, an acronym its
 * expansion, spelling variants one another.
 *
 * Entity keys (struct ex_entity.key), used to merge entities across
 * articles:
 *
 *     TYPE ":" FOLDED
 *
 * TYPE is ex_entity_type_name(); FOLDED is the canonical name in lower
 * case, periods dropped, ’ read as ', single spaces, then spelling
 * variants folded (data/entities/variants.txt): the whole name first
 * ("U.S." -> "united states"), else word by word ("Volodymyr Zelenskyy"
 * -> "volodymyr zelensky"). Examples: "person:joe biden",
 * "place:kyiv" (for Kiev or Kyiv), "org:nato".
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
 * Mentions are sorted by start and do not overlap; each entity has at
 * least one mention. Uses r->sentences for the mentions' sentence index.
 * Returns 0.
 */
int entities_extract(const struct ent_resources *res, const struct ex_doc *doc,
                     struct ex_result *r);

/*
 * Weaker keys, for merging across articles an entity named in part ("Biden",
 * "NATO") with one named in full ("Joe Biden", "North Atlantic Treaty
 * Organization"). They start with TYPE ":~" and never equal a key.
 *
 * ENT_KEYS_INDEX - the keys under which the ingest layer files an entity
 *   besides its key: for a person named by two words or more, the surname
 *   ("person:~biden"); for any entity, each all-capital one-word alias of
 *   a longer name ("org:~nato").
 * ENT_KEYS_LOOKUP - the keys the ingest layer tries, in order, when an
 *   entity's key is not known yet: for a one-word name, TYPE ":~" WORD
 *   (finds a full name filed under that surname or acronym); for a person
 *   named in full, the key of a surname-only entity ("person:biden"); for
 *   an entity with an acronym alias, the key of an acronym-only entity
 *   ("org:nato").
 *
 * The ingest layer: looks the entity up by key; if absent, by the lookup
 * keys in order (when a key matches several entities, it takes the one
 * with the most mentions); else creates it. When the entity found has a
 * shorter canonical name than the incoming one, it takes the incoming
 * name and key (the canonical name is the fullest form). It files every
 * entity under its key and its index keys.
 */
enum ent_key_use {
    ENT_KEYS_INDEX,
    ENT_KEYS_LOOKUP,
};

/*
 * ent_weak_keys - the weaker keys of @e for @use.
 * Returns how many; *@out is a new array of new strings (the caller frees
 * each and the array; NULL when there are none).
 */
size_t ent_weak_keys(const struct ex_entity *e, enum ent_key_use use,
                     char ***out);

#endif
