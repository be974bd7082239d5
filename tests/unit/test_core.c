/*
 * test_core.c - the core helpers under everything else: UTF-8 validation,
 * decoding, encoding and offset maps; the bounded buffer; allocation and
 * the bump arena.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/utf8.h"
#include "tap.h"

struct utf8_case {
    const char *bytes;
    size_t len;
    const char *name;
};

#define U8(s, name)                                                            \
    {                                                                          \
        s, sizeof(s) - 1, name                                                 \
    }

static const struct utf8_case utf8_good[] = {
    U8("", "empty"),
    U8("plain ASCII, with digits 123", "ASCII"),
    U8("a\0b", "an embedded NUL"),
    U8("\x7f", "DEL"),
    U8("\xc2\x80", "U+0080, the first 2-byte"),
    U8("\xdf\xbf", "U+07FF, the last 2-byte"),
    U8("\xe0\xa0\x80", "U+0800, the first 3-byte"),
    U8("\xed\x9f\xbf", "U+D7FF, just below the surrogates"),
    U8("\xee\x80\x80", "U+E000, just above the surrogates"),
    U8("\xef\xbf\xbf", "U+FFFF"),
    U8("\xf0\x90\x80\x80", "U+10000, the first 4-byte"),
    U8("\xf4\x8f\xbf\xbf", "U+10FFFF, the last code point"),
    U8("Zelenskyy \xe2\x80\x94 \xe2\x80\x9cno\xe2\x80\x9d \xf0\x9f\x98\x80",
       "mixed text"),
};

static const struct utf8_case utf8_bad[] = {
    U8("\x80", "a lone continuation byte"),
    U8("a\xbf", "a continuation byte after ASCII"),
    U8("\xc0\x80", "overlong NUL (C0)"),
    U8("\xc1\xbf", "overlong 2-byte (C1)"),
    U8("\xe0\x80\x80", "overlong 3-byte NUL"),
    U8("\xe0\x9f\xbf", "overlong U+07FF in 3 bytes"),
    U8("\xf0\x80\x80\x80", "overlong 4-byte NUL"),
    U8("\xf0\x8f\xbf\xbf", "overlong U+FFFF in 4 bytes"),
    U8("\xed\xa0\x80", "surrogate U+D800"),
    U8("\xed\xbf\xbf", "surrogate U+DFFF"),
    U8("\xf4\x90\x80\x80", "U+110000, past the last code point"),
    U8("\xf5\x80\x80\x80", "lead byte F5"),
    U8("\xfe", "byte FE"),
    U8("\xff", "byte FF"),
    U8("\xc3", "truncated 2-byte"),
    U8("\xe2\x82", "truncated 3-byte"),
    U8("\xf0\x9f\x98", "truncated 4-byte"),
    U8("ok\xe2\x82", "truncated at the end of text"),
    U8("\xc3\x41", "ASCII where a continuation is due"),
    U8("\xe2\x82\xe2\x82\xac", "a new lead byte inside a sequence"),
};

static void test_utf8_valid(void)
{
    for (size_t i = 0; i < sizeof(utf8_good) / sizeof(*utf8_good); i++)
        ok(utf8_valid(utf8_good[i].bytes, utf8_good[i].len), "valid: %s",
           utf8_good[i].name);
    for (size_t i = 0; i < sizeof(utf8_bad) / sizeof(*utf8_bad); i++)
        ok(!utf8_valid(utf8_bad[i].bytes, utf8_bad[i].len), "invalid: %s",
           utf8_bad[i].name);
    /* The length bounds the scan even when more bytes follow in memory. */
    ok(!utf8_valid("\xc3\xa9", 1), "a sequence cut by the length is invalid");
    ok(utf8_valid("\xc3\xa9\xff", 2), "bytes past the length are ignored");
}

/* utf8_scrub keeps well-formed text as it is and drops the bytes of
 * anything else: each bad sample alone leaves its ASCII; cut into a
 * message, the rest of the message. */
static void test_utf8_scrub(void)
{
    for (size_t i = 0; i < sizeof(utf8_good) / sizeof(*utf8_good); i++) {
        char s[64];
        if (memchr(utf8_good[i].bytes, 0, utf8_good[i].len))
            continue; /* a C string ends at NUL */
        memcpy(s, utf8_good[i].bytes, utf8_good[i].len);
        s[utf8_good[i].len] = '\0';
        ok(utf8_scrub(s) == utf8_good[i].len &&
               !memcmp(s, utf8_good[i].bytes, utf8_good[i].len),
           "scrub keeps: %s", utf8_good[i].name);
    }
    for (size_t i = 0; i < sizeof(utf8_bad) / sizeof(*utf8_bad); i++) {
        char s[64], ascii[64];
        size_t n = 0;
        memcpy(s, utf8_bad[i].bytes, utf8_bad[i].len);
        s[utf8_bad[i].len] = '\0';
        for (size_t k = 0; k < utf8_bad[i].len; k++)
            if ((unsigned char)s[k] < 0x80)
                ascii[n++] = s[k];
        ascii[n] = '\0';
        size_t len = utf8_scrub(s);
        ok(utf8_valid(s, len) && len == strlen(s) &&
               (strcmp(utf8_bad[i].name, "a new lead byte inside a sequence")
                    ? !strcmp(s, ascii)
                    : !strcmp(s, "\xe2\x82\xac")),
           "scrub: %s -> \"%s\"", utf8_bad[i].name, s);
    }
    char msg[] = "published (got \"1 \xe4\x80\")";
    is_int(utf8_scrub(msg), 20, "a character cut short inside a message");
    is_str(msg, "published (got \"1 \")", "goes, the rest stays");
}

static void test_utf8_decode(void)
{
    static const char text[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    static const uint32_t want[] = {'a', 0xe9, 0x20ac, 0x1f600};
    static const size_t ends[] = {1, 3, 6, 10};
    size_t i = 0;

    for (size_t k = 0; k < 4; k++) {
        uint32_t cp = utf8_decode(text, sizeof(text) - 1, &i);
        is_int(cp, want[k], "decode code point %zu", k);
        is_int(i, ends[k], "decode advances past code point %zu", k);
    }

    /* Each malformed byte is one U+FFFD and a one-byte step. */
    static const char bad[] = "\x80\xe2\x82\xed\xa0\x80\xc0\xafz";
    size_t n = 0;
    i = 0;
    while (i < sizeof(bad) - 2) {
        size_t before = i;
        uint32_t cp = utf8_decode(bad, sizeof(bad) - 1, &i);
        n += cp == 0xfffd && i == before + 1;
    }
    is_int(n, sizeof(bad) - 2, "every malformed byte decodes as U+FFFD");
    is_int(utf8_decode(bad, sizeof(bad) - 1, &i), 'z',
           "decoding resumes on the next good byte");

    /* Truncated by the length: the lead byte alone is replaced. */
    i = 0;
    is_int(utf8_decode("\xc3\xa9", 1, &i), 0xfffd,
           "a sequence cut by the length decodes as U+FFFD");
    is_int(i, 1, "and advances one byte");
}

static void test_utf8_encode(void)
{
    static const struct {
        uint32_t cp;
        const char *bytes;
    } cases[] = {
        {0, "\0"},
        {'A', "A"},
        {0x7f, "\x7f"},
        {0x80, "\xc2\x80"},
        {0xe9, "\xc3\xa9"},
        {0x7ff, "\xdf\xbf"},
        {0x800, "\xe0\xa0\x80"},
        {0x20ac, "\xe2\x82\xac"},
        {0xffff, "\xef\xbf\xbf"},
        {0x10000, "\xf0\x90\x80\x80"},
        {0x1f600, "\xf0\x9f\x98\x80"},
        {0x10ffff, "\xf4\x8f\xbf\xbf"},
    };
    char out[4];
    size_t bad = 0;

    for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
        size_t want = cases[k].cp ? strlen(cases[k].bytes) : 1;
        size_t n = utf8_encode(cases[k].cp, out);
        ok(n == want && memcmp(out, cases[k].bytes, n) == 0, "encode U+%04X",
           (unsigned)cases[k].cp);
    }

    /* Every scalar value round-trips through encode, validate, decode. */
    for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
        if (cp == 0xd800)
            cp = 0xe000;
        size_t n = utf8_encode(cp, out), i = 0;
        if (!utf8_valid(out, n) || utf8_decode(out, n, &i) != cp || i != n)
            bad++;
    }
    is_int(bad, 0, "all 1,112,064 scalar values round-trip");
}

static void test_utf8_offsets(void)
{
    /* a é € 😀 b: bytes 0, 1-2, 3-5, 6-9, 10. */
    static const char s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
    static const uint32_t want[] = {0, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5};
    static const size_t cp_bytes[] = {0, 1, 3, 6, 10, 11};
    size_t len = sizeof(s) - 1;
    uint32_t *map = utf8_cp_index(s, len);
    bool same = true;

    is_int(utf8_count(s, len), 5, "count code points");
    is_int(utf8_count("", 0), 0, "count of empty text");
    for (size_t b = 0; b <= len; b++)
        same = same && map[b] == want[b];
    ok(same, "cp_index maps every byte offset, the end included");
    free(map);

    map = utf8_cp_index("", 0);
    is_int(map[0], 0, "cp_index of empty text has one entry, 0");
    free(map);

    for (size_t cp = 0; cp < sizeof(cp_bytes) / sizeof(*cp_bytes); cp++)
        is_int(utf8_byte_offset(s, len, cp), cp_bytes[cp],
               "byte offset of code point %zu", cp);
    is_int(utf8_byte_offset(s, len, 99), len,
           "byte offset past the end is the length");
}

static void test_utf8_shorten(void)
{
    static const struct {
        const char *text;
        size_t max;
        const char *want, *why;
    } cases[] = {
        {"short enough", 12, "short enough", "text within the limit: as is"},
        {"", 4, "", "empty text"},
        {"cut before the last space", 12, "cut before…",
         "cut at the last space up to the limit"},
        {"one two three", 8, "one two…", "a space right at the limit"},
        {"a longwordwithoutspaces", 10, "a lon…",
         "no space in the limit's second half: cut at its middle"},
        /* "é" is two bytes: byte 5 is the middle of the third. */
        {"éééééé", 10, "éé…", "never inside a character"},
        {"abcéfghijk", 9, "abc…", "back to the character's start"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *got =
            utf8_shorten(cases[i].text, strlen(cases[i].text), cases[i].max);
        is_str(got, cases[i].want, "utf8_shorten: %s", cases[i].why);
        ok(utf8_valid(got, strlen(got)), "utf8_shorten: valid UTF-8 (%zu)", i);
        free(got);
    }
}

static void test_buf(void)
{
    struct buf b;
    size_t len;
    char *p;

    buf_init(&b, 8);
    buf_puts(&b, "1234");
    buf_append(&b, "5678", 4);
    ok(!buf_overflowed(&b) && b.len == 8 && strcmp(b.data, "12345678") == 0,
       "appends up to exactly max fit");
    buf_putc(&b, '9');
    ok(buf_overflowed(&b), "one byte past max overflows");
    is_str(b.data, "12345678", "the overflowing append is dropped");
    buf_puts(&b, "");
    buf_reset(&b);
    ok(!buf_overflowed(&b) && b.len == 0 && strcmp(b.data, "") == 0,
       "reset clears the data and the overflow flag");
    buf_puts(&b, "12");
    buf_puts(&b, "3456789");
    buf_putc(&b, 'x');
    ok(buf_overflowed(&b) && strcmp(b.data, "12") == 0,
       "overflow is sticky: later appends that would fit are dropped too");
    ok(buf_reserve(&b, 1) == NULL, "reserve fails once overflowed");
    buf_release(&b);
    ok(b.data == NULL && b.len == 0 && b.max == 8 && !b.overflow,
       "release frees and keeps max");

    buf_init(&b, 1 << 20);
    p = buf_reserve(&b, 5);
    ok(p != NULL, "reserve returns room");
    memcpy(p, "hello", 5);
    b.len += 5;
    buf_printf(&b, " %s %d", "world", 42);
    ok(b.len == 14 && memcmp(b.data, "hello world 42", 14) == 0,
       "printf appends after reserved bytes");
    buf_reset(&b);

    char big[1001];
    memset(big, 'w', 1000);
    big[1000] = '\0';
    buf_printf(&b, "<%s>", big);
    ok(b.len == 1002 && b.data[0] == '<' && b.data[1001] == '>' &&
           b.data[1002] == '\0' && strspn(b.data + 1, "w") == 1000,
       "printf grows past its 256-byte scratch");
    buf_reset(&b);
    bool exact = true;
    for (int n = 250; n <= 260; n++) {
        buf_reset(&b);
        buf_printf(&b, "%.*s", n, big);
        exact = exact && b.len == (size_t)n && b.data[n] == '\0';
    }
    ok(exact, "printf lengths 250..260 around the scratch size");
    buf_release(&b);

    buf_init(&b, 300);
    buf_printf(&b, "%s", big);
    ok(buf_overflowed(&b) && b.len == 0, "a long printf past max overflows");
    buf_release(&b);

    buf_init(&b, 100);
    buf_puts(&b, "steal me");
    p = buf_steal(&b, &len);
    ok(strcmp(p, "steal me") == 0 && len == 8, "steal returns the data");
    ok(b.data == NULL && b.len == 0 && b.max == 100,
       "steal leaves an empty buffer with the same max");
    free(p);
    p = buf_steal(&b, &len);
    ok(p != NULL && p[0] == '\0' && len == 0,
       "steal of an empty buffer returns an empty string");
    free(p);
    buf_puts(&b, "again");
    is_str(b.data, "again", "the buffer is usable after steal");
    buf_release(&b);
}

static void test_alloc(void)
{
    size_t cap = 0;
    int *v = xgrow(NULL, sizeof(int), 1, &cap);
    int *same;
    char *s;

    ok(v != NULL && cap >= 1, "xgrow from nothing");
    is_int(cap, 8, "xgrow starts at 8 items");
    same = xgrow(v, sizeof(int), 8, &cap);
    ok(same == v && cap == 8, "xgrow within capacity changes nothing");
    v = xgrow(v, sizeof(int), 9, &cap);
    is_int(cap, 16, "xgrow doubles");
    v = xgrow(v, sizeof(int), 1000, &cap);
    ok(cap >= 1000, "xgrow reaches a large need at once");
    for (int i = 0; i < 1000; i++)
        v[i] = i;
    is_int(v[999], 999, "grown array is writable to the end");
    free(v);
    cap = 0;
    v = xgrow_zeroed(NULL, sizeof(int), 3, &cap);
    v[2] = 7;
    v = xgrow_zeroed(v, sizeof(int), 5000, &cap);
    bool zeroed = cap >= 5000 && v[2] == 7;
    for (size_t i = 3; i < cap; i++)
        zeroed = zeroed && v[i] == 0;
    ok(zeroed, "xgrow_zeroed keeps the items and zeroes the new ones");
    free(v);

    s = xstrndup("Kremlin spokesman", 7);
    is_str(s, "Kremlin", "xstrndup copies n bytes and terminates");
    free(s);
    s = xstrdup("");
    is_str(s, "", "xstrdup of empty");
    free(s);
    s = xasprintf("%d troops near %s", 100000, "Ukraine");
    is_str(s, "100000 troops near Ukraine", "xasprintf formats");
    free(s);
    s = xmalloc(0);
    ok(s != NULL, "xmalloc(0) returns a pointer");
    free(s);
    int *z = xcalloc(16, sizeof(int));
    int zero = 1;
    for (int i = 0; i < 16; i++)
        zero = zero && z[i] == 0;
    ok(zero, "xcalloc zeroes");
    free(z);
}

static void test_arena(void)
{
    struct arena a;
    char *strs[2000];
    bool aligned = true, intact = true;

    arena_init(&a);
    ok(a.head == NULL, "a new arena holds no block");
    for (int i = 0; i < 2000; i++) {
        char text[32];
        snprintf(text, sizeof(text), "item-%d", i);
        strs[i] = arena_strdup(&a, text);
        aligned = aligned && ((uintptr_t)strs[i] % 16) == 0;
    }
    for (size_t n = 0; n < 40; n++) {
        void *p = arena_alloc(&a, n * 37);
        aligned = aligned && ((uintptr_t)p % 16) == 0;
        memset(p, 0xab, n * 37);
    }
    char *huge = arena_alloc(&a, 100000);
    memset(huge, 'h', 100000);
    aligned = aligned && ((uintptr_t)huge % 16) == 0;
    for (int i = 0; i < 2000; i++) {
        char text[32];
        snprintf(text, sizeof(text), "item-%d", i);
        intact = intact && strcmp(strs[i], text) == 0;
    }
    ok(aligned, "every arena allocation is 16-byte aligned");
    ok(intact, "earlier strings survive later allocations and new blocks");
    ok(huge[0] == 'h' && huge[99999] == 'h',
       "an allocation larger than a block works");
    is_str(arena_strndup(&a, "Geneva talks", 6), "Geneva",
           "arena_strndup copies n bytes");
    ok(arena_alloc(&a, 0) != NULL, "a zero-byte allocation is a pointer");
    arena_release(&a);
    ok(a.head == NULL, "release empties the arena");
    is_str(arena_strdup(&a, "reuse"), "reuse",
           "the arena is usable after release");
    arena_release(&a);
}

static void test_log(void)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    char line[8192], *big = xmalloc(5001);
    FILE *f = tmpfile();
    int saved = dup(2);
    size_t n;

    for (int i = 0; i < 4; i++)
        is_int(log_level_parse(names[i]), i, "log level \"%s\"", names[i]);
    is_int(log_level_parse("verbose"), -1, "an unknown log level");
    is_int(log_level_parse(""), -1, "an empty log level");

    memset(big, 'x', 5000);
    big[5000] = '\0';
    fflush(stderr);
    dup2(fileno(f), 2);
    log_set_level(LOG_WARN);
    log_info("hidden");
    log_warn("troops: %d", 100000);
    log_set_level(LOG_DEBUG);
    log_debug("%s", big);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    is_int(log_get_level(), LOG_DEBUG, "log_get_level");
    log_set_level(LOG_INFO);

    rewind(f);
    n = fgets(line, sizeof(line), f) ? strlen(line) : 0;
    ok(n == 45 && line[4] == '-' && line[10] == 'T' && line[23] == 'Z' &&
           strcmp(line + 24, " warn troops: 100000\n") == 0,
       "a line is \"<UTC time with ms> <level> <message>\" (%.*s)",
       n ? (int)n - 1 : 0, line);
    n = fgets(line, sizeof(line), f) ? strlen(line) : 0;
    ok(n > 4000 && n <= 4096 && line[n - 1] == '\n' &&
           strstr(line, " debug xxx"),
       "a long message is cut to one line of at most 4096 bytes");
    ok(!fgets(line, sizeof(line), f), "messages below the level are dropped");
    fclose(f);
    free(big);
}

int main(void)
{
    test_utf8_valid();
    test_utf8_scrub();
    test_utf8_decode();
    test_utf8_encode();
    test_utf8_offsets();
    test_utf8_shorten();
    test_buf();
    test_alloc();
    test_arena();
    test_log();
    return tap_done();
}
