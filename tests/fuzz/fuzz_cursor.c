/*
 * fuzz_cursor.c - libFuzzer target for the opaque page cursor. The first
 * byte picks the list's sort letter and the mode: either the rest is the
 * ?cursor= text as a client sends it, or it is the decoded cursor
 * content, base64url-encoded here so the fuzzer reaches the parser behind
 * the encoding. A parsed cursor must survive api_cursor_write and parse
 * again to the same value; a rejected one must be a 400 invalid_cursor.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *b64_encode(struct arena *a, const uint8_t *in, size_t n)
{
    char *out = arena_alloc(a, n / 3 * 4 + 5);
    size_t o = 0;

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 |
                     (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = b64[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
    return out;
}

static int parse(struct arena *a, const char *text, char sort,
                 struct api_cursor *cur, struct http_response *res)
{
    struct http_request req = {0};

    req.arena = a;
    req.params[0] = (struct http_param){"cursor", text};
    req.nparams = 1;
    return api_cursor_parse(&req, res, sort, cur);
}

static void check_rejected(struct http_response *res)
{
    json_t *doc = json_loadb(res->body.data, res->body.len, 0, NULL);
    const char *code = NULL;

    if (res->status != HTTP_BAD_REQUEST || !doc ||
        json_unpack(doc, "{s:{s:s}}", "error", "code", &code) != 0 ||
        strcmp(code, "invalid_cursor") != 0)
        abort();
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sorts[] = "rdaicgtmno";
    struct arena arena;
    struct http_response res = {0};
    struct api_cursor cur, again;
    struct buf out;
    struct jsonw w;
    const char *text;

    if (size < 1)
        return 0;
    arena_init(&arena);
    res.arena = &arena;
    buf_init(&res.body, (size_t)1 << 16);
    buf_init(&out, (size_t)1 << 16);
    char sort = sorts[(data[0] & 0x7f) % (sizeof(sorts) - 1)];
    if (data[0] & 0x80)
        text = b64_encode(&arena, data + 1, size - 1);
    else
        text = arena_strndup(&arena, (const char *)data + 1, size - 1);
    if (parse(&arena, text, sort, &cur, &res) < 0) {
        check_rejected(&res);
    } else {
        if (cur.sort != sort || cur.offset < 0 || cur.id < 0 ||
            strlen(cur.key) >= sizeof(cur.key))
            abort();
        jw_init(&w, &out);
        api_cursor_write(&w, &cur);
        /* A JSON string of base64url characters: drop the quotes. */
        if (out.len < 2 || out.data[0] != '"' || out.data[out.len - 1] != '"')
            abort();
        char *again_text = arena_strndup(&arena, out.data + 1, out.len - 2);
        if (parse(&arena, again_text, sort, &again, &res) < 0 ||
            again.sort != cur.sort || again.offset != cur.offset ||
            again.id != cur.id || strcmp(again.key, cur.key) != 0)
            abort();
    }
    buf_release(&out);
    buf_release(&res.body);
    arena_release(&arena);
    return 0;
}
