/*
 * test_jsonw.c - the streaming JSON writer: exact output for nesting and
 * commas, string escaping, numbers, and every document parsed back with
 * jansson to prove it is valid JSON carrying the values written.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "tap.h"

/* Parse @b with jansson (NULs allowed); NULL when invalid. */
static json_t *parse(const struct buf *b)
{
    json_error_t e;

    return json_loadb(b->data, b->len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
}

static void test_nesting(void)
{
    struct buf b;
    struct jsonw w;
    json_t *j;

    buf_init(&b, 1 << 16);
    jw_init(&w, &b);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_int(&w, 3);
    jw_key(&w, "tags");
    jw_arr(&w);
    jw_str(&w, "a");
    jw_int(&w, -7);
    jw_obj(&w);
    jw_key(&w, "x");
    jw_null(&w);
    jw_end(&w);
    jw_arr(&w);
    jw_end(&w);
    jw_end(&w);
    jw_key(&w, "empty");
    jw_obj(&w);
    jw_end(&w);
    jw_key(&w, "ok");
    jw_bool(&w, true);
    jw_key(&w, "no");
    jw_bool(&w, false);
    jw_key(&w, "missing");
    jw_str(&w, NULL);
    jw_key(&w, "raw");
    jw_raw(&w, "[1,2]", 5);
    jw_key(&w, "big");
    jw_int(&w, INT64_MIN);
    jw_key(&w, "ints");
    jw_arr(&w);
    jw_int(&w, 0);
    jw_int(&w, 10);
    jw_int(&w, -1);
    jw_int(&w, INT64_MAX);
    jw_end(&w);
    jw_key(&w, "pieces");
    jw_str_open(&w);
    json_escape(w.b, "a\"b", 3);
    buf_puts(w.b, "-c");
    jw_str_close(&w);
    jw_end(&w);
    is_str(b.data,
           "{\"id\":3,\"tags\":[\"a\",-7,{\"x\":null},[]],\"empty\":{},"
           "\"ok\":true,\"no\":false,\"missing\":null,\"raw\":[1,2],"
           "\"big\":-9223372036854775808,"
           "\"ints\":[0,10,-1,9223372036854775807],\"pieces\":\"a\\\"b-c\"}",
           "nested containers get commas only between members");
    j = parse(&b);
    ok(j != NULL, "jansson parses the document");
    ok(j && json_integer_value(json_object_get(j, "big")) == INT64_MIN,
       "INT64_MIN survives");
    ok(j && json_is_null(json_object_get(j, "missing")),
       "jw_str(NULL) writes null");
    json_decref(j);

    /* Top-level array of raw values and an extra jw_end are harmless. */
    buf_reset(&b);
    jw_init(&w, &b);
    jw_arr(&w);
    jw_raw(&w, "{}", 2);
    jw_raw(&w, "[]", 2);
    jw_str(&w, "");
    jw_end(&w);
    jw_end(&w);
    is_str(b.data, "[{},[],\"\"]", "raw values are separated like others");

    /* The deepest nesting the writer supports. */
    buf_reset(&b);
    jw_init(&w, &b);
    for (int i = 0; i < JW_MAX_DEPTH; i++) {
        jw_obj(&w);
        jw_key(&w, "k");
    }
    jw_int(&w, 1);
    for (int i = 0; i < JW_MAX_DEPTH; i++)
        jw_end(&w);
    j = parse(&b);
    ok(j != NULL, "%d nested objects are valid JSON", JW_MAX_DEPTH);
    json_decref(j);
    buf_release(&b);
}

static void test_escaping(void)
{
    struct buf b;
    struct jsonw w;
    char all[128];
    json_t *j;

    /* Every ASCII byte, the controls included, then quotes and UTF-8. */
    for (int i = 0; i < 128; i++)
        all[i] = (char)(i + 1 == 128 ? 0x7f : i + 1);
    buf_init(&b, 1 << 16);
    jw_init(&w, &b);
    jw_arr(&w);
    jw_strn(&w, all, sizeof(all));
    jw_str(&w,
           "He said \"no\" \\ \xe2\x80\x9cnyet\xe2\x80\x9d \xf0\x9f\x98\x80");
    jw_strn(&w, "a\0b", 3);
    jw_end(&w);
    j = parse(&b);
    ok(j != NULL, "escaped strings parse");
    ok(j && json_string_length(json_array_get(j, 0)) == sizeof(all) &&
           memcmp(json_string_value(json_array_get(j, 0)), all, sizeof(all)) ==
               0,
       "every ASCII byte round-trips");
    is_str(j ? json_string_value(json_array_get(j, 1)) : NULL,
           "He said \"no\" \\ \xe2\x80\x9cnyet\xe2\x80\x9d \xf0\x9f\x98\x80",
           "quotes, backslash and UTF-8 round-trip");
    ok(j && json_string_length(json_array_get(j, 2)) == 3 &&
           memcmp(json_string_value(json_array_get(j, 2)), "a\0b", 3) == 0,
       "an embedded NUL round-trips");
    json_decref(j);

    static const struct {
        const char *in, *out;
    } cases[] = {
        {"\n\r\t", "\\n\\r\\t"},        {"\x01\x1f", "\\u0001\\u001f"},
        {"\b\f", "\\u0008\\u000c"},     {"\"\\/", "\\\"\\\\/"},
        {"caf\xc3\xa9", "caf\xc3\xa9"}, {"\x7f", "\x7f"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        buf_reset(&b);
        json_escape(&b, cases[i].in, strlen(cases[i].in));
        is_str(b.data, cases[i].out, "json_escape case %zu", i);
    }

    buf_reset(&b);
    jw_init(&w, &b);
    jw_obj(&w);
    jw_key(&w, "we\"ird\nkey");
    jw_int(&w, 1);
    jw_end(&w);
    is_str(b.data, "{\"we\\\"ird\\nkey\":1}", "keys are escaped");
    buf_release(&b);
}

/* The reference: escape one byte at a time. */
static void escape_slowly(struct buf *b, const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            buf_puts(b, "\\\"");
        else if (s[i] == '\\')
            buf_puts(b, "\\\\");
        else if (s[i] == '\n')
            buf_puts(b, "\\n");
        else if (s[i] == '\r')
            buf_puts(b, "\\r");
        else if (s[i] == '\t')
            buf_puts(b, "\\t");
        else if (s[i] < 0x20)
            buf_printf(b, "\\u%04x", s[i]);
        else
            buf_putc(b, (char)s[i]);
    }
}

/* The word-at-a-time scan finds an escape at every position of strings
 * of every length, among ASCII and UTF-8 bytes alike. */
static void test_escaping_positions(void)
{
    static const unsigned char specials[] = {'"', '\\', 0x01, 0x1f, '\n'};
    static const unsigned char fillers[] = {'a', 0xc3, 0xa9, ' ', '~'};
    int bad = 0, cases = 0;

    for (size_t len = 1; len <= 40; len++) {
        for (size_t pos = 0; pos < len; pos++) {
            for (size_t k = 0; k < sizeof(specials); k++) {
                unsigned char text[41];
                struct buf got, want;
                for (size_t i = 0; i < len; i++)
                    text[i] = fillers[(i + k) % sizeof(fillers)];
                text[pos] = specials[k];
                buf_init(&got, 4096);
                buf_init(&want, 4096);
                json_escape(&got, (const char *)text, len);
                escape_slowly(&want, text, len);
                bad += got.len != want.len ||
                       memcmp(got.data, want.data, got.len) != 0;
                cases++;
                buf_release(&got);
                buf_release(&want);
            }
        }
    }
    ok(bad == 0, "escapes found at every position (%d cases, %d wrong)",
       cases, bad);
}

static void test_numbers(void)
{
    static const double exact[] = {
        0.0,    1.0,       -2.0,     1.5,
        0.1,    -0.25,     1e-7,     1e20,
        100000, 1234567.5, 12345.67, 3.14159265358979,
        2.5e12, 1e15,      -1e300,   123456789012345678.0};
    struct buf b;
    struct jsonw w;

    buf_init(&b, 1 << 16);
    for (size_t i = 0; i < sizeof(exact) / sizeof(*exact); i++) {
        buf_reset(&b);
        jw_init(&w, &b);
        jw_double(&w, exact[i]);
        json_t *j = parse(&b);
        ok(j && json_is_number(j) && json_number_value(j) == exact[i],
           "double %.17g round-trips (wrote %s)", exact[i], b.data);
        json_decref(j);
    }

    buf_reset(&b);
    jw_init(&w, &b);
    jw_arr(&w);
    jw_double(&w, 42.0);
    jw_double(&w, NAN);
    jw_double(&w, INFINITY);
    jw_double(&w, -INFINITY);
    jw_end(&w);
    is_str(b.data, "[42,null,null,null]",
           "integral doubles print as integers, non-finite as null");
    buf_release(&b);
}

static void test_overflow(void)
{
    struct buf b;
    struct jsonw w;

    buf_init(&b, 16);
    jw_init(&w, &b);
    jw_arr(&w);
    for (int i = 0; i < 100; i++)
        jw_str(&w, "a long string value");
    jw_end(&w);
    ok(buf_overflowed(&b) && b.len <= 16,
       "a document past the buffer's max overflows without growing");
    buf_release(&b);
}

int main(void)
{
    test_nesting();
    test_escaping();
    test_escaping_positions();
    test_numbers();
    test_overflow();
    return tap_done();
}
