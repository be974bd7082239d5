/* http_encode.c - ETags and gzip content encoding (zlib). */
#include "http/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/alloc.h"

/* Mix one 64-bit word into @h (multiply-xorshift; 8 bytes a step). */
static inline uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 29);
}

void http_etag(const char *data, size_t len, char *out)
{
    uint64_t h = 0x243f6a8885a308d3ULL ^ len, w;
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        memcpy(&w, data + i, 8);
        h = mix(h, w);
    }
    w = 0;
    memcpy(&w, data + i, len - i);
    h = mix(mix(h, w), len);
    snprintf(out, 24, "W/\"%016llx\"", (unsigned long long)h);
}

bool http_etag_matches(const char *inm, const char *etag)
{
    /* Compare opaque tags, ignoring the weak prefix on either side. */
    const char *tag = strncmp(etag, "W/", 2) == 0 ? etag + 2 : etag;
    size_t tlen = strlen(tag);
    const char *p = inm;

    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        size_t len = strcspn(p, ",");
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == tlen && strncmp(p, tag, len) == 0)
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

bool http_accepts_gzip(const char *ae)
{
    const char *p = ae;

    while (p && (p = strcasestr(p, "gzip"))) {
        const char *q = p + 4;
        while (*q == ' ')
            q++;
        /* "gzip;q=0" refuses it. */
        if (*q == ';') {
            q++;
            while (*q == ' ')
                q++;
            if (strncasecmp(q, "q=0", 3) == 0 &&
                strspn(q + 3, ".0") == strcspn(q + 3, ", "))
                return false;
        }
        return true;
    }
    return false;
}

int http_gzip(const char *in, size_t len, char **out, size_t *outlen)
{
    z_stream z;
    size_t cap;
    char *buf;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    cap = deflateBound(&z, len);
    buf = xmalloc(cap);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        free(buf);
        return -1;
    }
    *outlen = z.total_out;
    *out = buf;
    deflateEnd(&z);
    return 0;
}
