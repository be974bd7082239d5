/* utf8.c - UTF-8 validation, decoding and offset mapping. */
#include "core/utf8.h"

#include <string.h>

#include "core/alloc.h"

/* Length of the sequence starting at @s[i], or 0 when it is malformed. */
static size_t seq_len(const unsigned char *s, size_t len, size_t i)
{
    unsigned char c = s[i];
    size_t n;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (len - i < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    if (cp >= 0xd800 && cp <= 0xdfff)
        return 0;
    return n;
}

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = seq_len(u, len, i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

size_t utf8_scrub(char *s)
{
    unsigned char *u = (unsigned char *)s;
    size_t len = strlen(s), out = 0;

    for (size_t i = 0; i < len;) {
        size_t n = seq_len(u, len, i);
        if (!n) {
            i++;
            continue;
        }
        memmove(u + out, u + i, n);
        out += n;
        i += n;
    }
    u[out] = '\0';
    return out;
}

uint32_t utf8_decode(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = seq_len(u, len, *i);
    uint32_t cp;

    if (n == 0) {
        (*i)++;
        return 0xfffd;
    }
    if (n == 1)
        return u[(*i)++];
    cp = u[*i] & (0xff >> (n + 1));
    for (size_t k = 1; k < n; k++)
        cp = (cp << 6) | (u[*i + k] & 0x3f);
    *i += n;
    return cp;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t utf8_count(const char *s, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

uint32_t *utf8_cp_index(const char *s, size_t len)
{
    uint32_t *map = xmalloc((len + 1) * sizeof(*map));
    uint32_t cp = 0;

    for (size_t i = 0; i < len; i++) {
        map[i] = cp;
        cp += ((unsigned char)s[i] & 0xc0) != 0x80;
    }
    map[len] = cp;
    return map;
}

size_t utf8_byte_offset(const char *s, size_t len, size_t cp)
{
    size_t i = 0, n = 0;

    for (; i < len; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (n == cp)
                return i;
            n++;
        }
    }
    return len;
}

char *utf8_shorten(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return xstrndup(s, len);
    size_t cut = max;
    while (cut > max / 2 && s[cut] != ' ')
        cut--;
    while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
        cut--;
    char *out = xmalloc(cut + sizeof("…"));
    memcpy(out, s, cut);
    memcpy(out + cut, "…", sizeof("…"));
    return out;
}

static uint32_t fold_cp(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if ((c >= 0xc0 && c <= 0xde && c != 0xd7) ||
        (c >= 0x391 && c <= 0x3ab && c != 0x3a2) || (c >= 0x410 && c <= 0x42f))
        return c + 32;
    if (c >= 0x400 && c <= 0x40f)
        return c + 80;
    /* Latin Extended-A pairs upper/lower, except the odd stretch
     * U+0139..U+0148 and U+0179..U+017E where the upper is odd. */
    if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x138 && c != 0x149) {
        bool odd_upper =
            (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
        if (odd_upper ? (c & 1) : !(c & 1))
            return c + 1;
    }
    return c;
}

char *utf8_fold(const char *s)
{
    size_t len = strlen(s), i = 0, o = 0;
    char *out = xmalloc(len + 1);

    while (i < len) {
        size_t at = i;
        uint32_t c = utf8_decode(s, len, &i);
        if (c == 0xfffd && i == at + 1) {
            out[o++] = s[at];
            continue;
        }
        char enc[4];
        size_t n = utf8_encode(fold_cp(c), enc);
        /* Folding never lengthens within these ranges. */
        memcpy(out + o, enc, n);
        o += n;
    }
    out[o] = '\0';
    return out;
}
