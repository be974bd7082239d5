/*
 * ftsq.h - translate a user's search box query into an FTS5 expression.
 *
 * Accepted syntax: words (ANDed), "a phrase", a OR b, NOT word / -word,
 * prefix*. Every other character is text: each term is emitted as a
 * quoted FTS5 string, so punctuation (U.S., an unbalanced ", (, :) can
 * never be FTS5 syntax. OR binds tighter than the implicit AND, as in web
 * search engines: `putin biden OR zelensky` = putin AND (biden OR zelensky).
 */
#ifndef DOSSIER_CORE_FTSQ_H
#define DOSSIER_CORE_FTSQ_H

#include <stddef.h>

#define FTSQ_MAX_INPUT 1024
#define FTSQ_MAX_TERMS 64

enum ftsq_status {
    FTSQ_OK = 0,
    FTSQ_EMPTY = -1,    /* no searchable term (only punctuation or NOTs) */
    FTSQ_TOO_LONG = -2, /* input or term count over the limits */
};

/*
 * ftsq_translate - translate @query.
 * On FTSQ_OK, *@out is a new NUL-terminated FTS5 expression (caller frees).
 */
int ftsq_translate(const char *query, char **out);

/* A sentence saying why a status is an error, for the 400 message. */
const char *ftsq_strerror(int status);

#endif
