/*
 * jsonw.h - a streaming JSON writer into a struct buf.
 *
 * Commas are inserted automatically; keys and values alternate inside
 * objects. Strings are escaped with a byte-scanning escaper (the input is
 * trusted to be UTF-8: everything stored was validated at ingest).
 *
 *   jw_obj(w); jw_key(w, "id"); jw_int(w, 3); jw_end(w);
 */
#ifndef DOSSIER_CORE_JSONW_H
#define DOSSIER_CORE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define JW_MAX_DEPTH 32

struct jsonw {
    struct buf *b; /* borrowed */
    int depth;
    bool first[JW_MAX_DEPTH + 1];
    char closer[JW_MAX_DEPTH + 1];
    bool after_key;
};

void jw_init(struct jsonw *w, struct buf *b);
void jw_obj(struct jsonw *w);
void jw_arr(struct jsonw *w);
void jw_end(struct jsonw *w);
void jw_key(struct jsonw *w, const char *key);
void jw_str(struct jsonw *w, const char *s); /* NULL writes null */
void jw_strn(struct jsonw *w, const char *s, size_t len);
/*
 * A string value written in pieces: jw_str_open, then its body appended
 * to w->b already escaped (json_escape), then jw_str_close.
 */
void jw_str_open(struct jsonw *w);
void jw_str_close(struct jsonw *w);
void jw_int(struct jsonw *w, int64_t v);
void jw_double(struct jsonw *w, double v);
void jw_bool(struct jsonw *w, bool v);
void jw_null(struct jsonw *w);
/* Insert already-serialised JSON as one value. */
void jw_raw(struct jsonw *w, const char *json, size_t len);

/* Append @s escaped for a JSON string body (no quotes) to @b. */
void json_escape(struct buf *b, const char *s, size_t len);

#endif
