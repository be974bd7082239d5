/*
 * claims.h - quotes, reported statements and numeric assertions, with
 * their speakers; and the pure comparisons that group claims across
 * articles.
 *
 * What is extracted (details at the top of claims_speech.c and
 * claims_number.c):
 *   quote      text between quotation marks of any style, nested quotes
 *              inside the outer one; one claim per paragraph when the
 *              quote runs over several (opening mark repeated), and
 *              `continues` links a quote to the earlier one of the same
 *              speaker it goes on from. Titles, scare quotes and short
 *              fragments quoted inside a clause are not claims.
 *   statement  reported speech: the CONTENT of "X said (that) CONTENT",
 *              "X accused Y of CONTENT", "According to X, CONTENT".
 *   number     "as many as 100,000 Russian fighters": value, unit
 *              ("troop"), qualifier ("as many as"); money has a currency
 *              code as unit ("usd"), percentages "percent".
 * speaker_text is the speaker as written: a name without its titles
 * ("Vladimir Putin"), a description ("a senior administration
 * official"), or, for he/she, the name of the person it refers to.
 * speaker_entity is the entity whose mention covers that name (a person,
 * or an organisation: CNN), or -1. A number inside a quote or a statement
 * has that claim's speaker.
 */
#ifndef DOSSIER_EXTRACT_CLAIMS_H
#define DOSSIER_EXTRACT_CLAIMS_H

#include <stddef.h>
#include <stdint.h>

#include "extract/extract.h"

struct claims_resources;

/*
 * claims_resources_new - parse "claims/lexicon.txt" from @data (borrowed).
 * Returns a new object (free with claims_resources_free); aborts on OOM.
 */
struct claims_resources *claims_resources_new(const struct embed_file *data);
void claims_resources_free(struct claims_resources *res);

/*
 * claims_extract - fill r->claims, in text order.
 * Uses r->sentences, r->mentions and r->entities when present (speaker
 * entities, pronoun antecedents, number contexts). Returns 0.
 */
int claims_extract(const struct claims_resources *res, const struct ex_doc *doc,
                   struct ex_result *r);

/*
 * Grouping claims across articles.
 *
 * Every extracted claim carries a fingerprint (ex_claim.fingerprint,
 * nfingerprint): the sorted, distinct 32-bit hashes of its content words
 * (lower case, stop words left out, a possessive 's dropped, cut to their
 * first five letters so that "believes" meets "believed"), taken from
 *   quote      the quoted text;
 *   statement  the reported content;
 *   number     its context: the words of its sentence outside the claim
 *              itself, plus the keys of the entities mentioned there.
 * Entity hashes are kept in the top 1/256 of the hash range and word
 * hashes out of it, so a number's entities sort last in its fingerprint.
 * Fingerprints are plain arrays: store them, compare them later.
 */

/*
 * claims_fingerprint - the fingerprint of @text[0..len).
 * *@out receives a new array (caller frees; NULL when *@n is 0).
 */
void claims_fingerprint(const struct claims_resources *res, const char *text,
                        size_t len, uint32_t **out, size_t *n);

/* Is @h the hash of an entity (in a number's context)? */
int claims_hash_is_entity(uint32_t h);

/* Number of hashes two fingerprints share. */
size_t claims_fingerprint_shared(const uint32_t *a, size_t na,
                                 const uint32_t *b, size_t nb);

/*
 * claims_quotes_same - are two quotes the same words, maybe trimmed
 * differently by two outlets, or one quoted inside a longer one? True
 * when at least 60% of the smaller fingerprint, and at least 3 words,
 * are in the other; fingerprints of 1-2 words must be equal.
 */
int claims_quotes_same(const uint32_t *a, size_t na, const uint32_t *b,
                       size_t nb);

/*
 * claims_speakers_same - do two speaker names name the same speaker?
 * Case, dots and extra spaces aside, they are equal or one ends with the
 * other on a word boundary ("Putin" / "Vladimir Putin"). NULL never
 * matches.
 */
int claims_speakers_same(const char *a, const char *b);

/*
 * claims_statements_same - the same reported statement: the same speaker
 * (claims_speakers_same) and content fingerprints of at least 3 words
 * that match as quotes do (claims_quotes_same).
 */
int claims_statements_same(const char *speaker_a, const uint32_t *a, size_t na,
                           const char *speaker_b, const uint32_t *b, size_t nb);

/*
 * claims_numbers_comparable - do two number claims count the same thing
 * in the same context? Both units are non-NULL and equal, and
 *   - when both contexts name entities: they share one (or a word of a
 *     name: "Russia" / "Russian troops"), and at least one other context
 *     word ("Russia ... border");
 *   - otherwise: both contexts have at least 5 words, and they share at
 *     least 3 and at least half of the smaller context's words (a short
 *     table line such as "Shr 63 cts vs 40 cts" says too little); half
 *     of the larger one's when neither names an entity.
 * A report about another company in the same wire frame ("net profit
 * rose ... pct") does not compare. Comparable claims with different
 * values conflict.
 */
int claims_numbers_comparable(const char *unit_a, const uint32_t *a, size_t na,
                              const char *unit_b, const uint32_t *b, size_t nb);

#endif
