/*
 * db_body.c - article bodies stored deflated (schema 0014): a body is a
 * zlib stream (RFC 1950) of its UTF-8 text, about 0.55x the text for a
 * news article. Rows stored before 0014 keep their text; SQL function
 * dossier_body() reads both, so every statement that wants a body's
 * text asks for dossier_body(body) and never cares which it is.
 */
#include "db/db_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/alloc.h"

int db_body_bind(sqlite3_stmt *st, int i, const char *text)
{
    if (!text)
        return sqlite3_bind_null(st, i);
    size_t len = strlen(text);
    uLongf cap = compressBound((uLong)len);
    unsigned char *z = xmalloc(cap);
    if (compress2(z, &cap, (const Bytef *)text, (uLong)len,
                  Z_DEFAULT_COMPRESSION) != Z_OK) {
        free(z);
        return SQLITE_NOMEM;
    }
    return sqlite3_bind_blob64(st, i, z, cap, free);
}

/*
 * The text of the last body inflated, kept with the connection: a
 * statement that cuts several spans out of one article (its claims'
 * texts, which the claims' full-text index reads through claim_texts)
 * inflates it once.
 */
struct body_cache {
    unsigned char *z;
    size_t zlen, max;
    char *text;
    size_t len;
};

static void cache_free(void *p)
{
    struct body_cache *c = p;

    if (c) {
        free(c->z);
        free(c->text);
        free(c);
    }
}

/* The length of the longest prefix of @s[0..n) that ends on a whole
 * UTF-8 character. */
static size_t whole_chars(const char *s, size_t n)
{
    size_t i = n;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--; /* continuation bytes */
    if (i == 0)
        return n;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    return n - (i - 1) >= need ? n : i - 1;
}

/* Inflate @z[0..zlen) into c->text, at most @max bytes (0: all); false if
 * it is not a zlib stream. */
static bool inflate_body(struct body_cache *c, const unsigned char *z,
                         size_t zlen, size_t max)
{
    z_stream s = {.next_in = (Bytef *)z, .avail_in = (uInt)zlen};
    size_t cap = max ? max : zlen * 3 + 64, len = 0;
    char *out = xmalloc(cap + 1);
    int rc;

    if (inflateInit(&s) != Z_OK) {
        free(out);
        return false;
    }
    do {
        if (len == cap) {
            if (max)
                break;
            cap *= 2;
            out = xrealloc(out, cap + 1);
        }
        s.next_out = (Bytef *)out + len;
        s.avail_out = (uInt)(cap - len);
        rc = inflate(&s, Z_NO_FLUSH);
        len = cap - s.avail_out;
    } while (rc == Z_OK || (rc == Z_BUF_ERROR && s.avail_out == 0));
    inflateEnd(&s);
    if (rc != Z_STREAM_END && !(max && len == cap)) {
        free(out);
        return false;
    }
    if (max && rc != Z_STREAM_END)
        len = whole_chars(out, len);
    out[len] = '\0';
    free(c->text);
    c->text = out;
    c->len = len;
    c->z = xrealloc(c->z, zlen ? zlen : 1);
    memcpy(c->z, z, zlen);
    c->zlen = zlen;
    c->max = max;
    return true;
}

/*
 * dossier_body(body [, max_bytes]): the text of @body, a stored body
 * (text as it is, a zlib stream inflated; NULL for NULL); with
 * @max_bytes, at most that many bytes of it, cut after a whole
 * character (the first words of a long body need not inflate it all).
 */
static void body_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct body_cache *c = sqlite3_user_data(ctx);
    sqlite3_int64 max = argc > 1 ? sqlite3_value_int64(argv[1]) : 0;

    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    const unsigned char *z = sqlite3_value_blob(argv[0]);
    size_t zlen = (size_t)sqlite3_value_bytes(argv[0]);
    if (max < 0)
        max = 0;
    if (!(c->text && c->zlen == zlen && c->max == (size_t)max &&
          memcmp(c->z, z, zlen) == 0) &&
        !inflate_body(c, z, zlen, (size_t)max)) {
        sqlite3_result_error(ctx, "dossier_body: not a stored body", -1);
        return;
    }
    sqlite3_result_text64(ctx, c->text, c->len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

int db_body_functions(sqlite3 *conn)
{
    struct body_cache *c = xcalloc(1, sizeof(*c));
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

    /* One cache for both forms, freed with the first (SQLite frees it
     * at once if that registration fails). */
    int rc = sqlite3_create_function_v2(conn, "dossier_body", 1, flags, c,
                                        body_fn, NULL, NULL, cache_free);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(conn, "dossier_body", 2, flags, c,
                                        body_fn, NULL, NULL, NULL);
    return rc;
}
