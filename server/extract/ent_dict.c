/*
 * ent_dict.c - open-addressing hash table of normalised phrases for the
 * entity extractor, and the loaders of its embedded word lists.
 */
#include "extract/ent_dict.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "extract/text.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

void ent_dict_init(struct ent_dict *d)
{
    memset(d, 0, sizeof(*d));
    arena_init(&d->arena);
    d->cap = 1024;
    d->slots = xcalloc(d->cap, sizeof(*d->slots));
}

void ent_dict_release(struct ent_dict *d)
{
    free(d->slots);
    arena_release(&d->arena);
    memset(d, 0, sizeof(*d));
}

static struct ent_dict_slot *find_slot(const struct ent_dict *d,
                                       const char *key, size_t len)
{
    size_t mask = d->cap - 1, i = hash_bytes(key, len) & mask;

    for (;; i = (i + 1) & mask) {
        struct ent_dict_slot *s = &d->slots[i];
        if (!s->key || (s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

static void grow(struct ent_dict *d)
{
    struct ent_dict_slot *old = d->slots;
    size_t oldcap = d->cap;

    d->cap *= 2;
    d->slots = xcalloc(d->cap, sizeof(*d->slots));
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *find_slot(d, old[i].key, old[i].len) = old[i];
    free(old);
}

static struct ent_dict_slot *upsert(struct ent_dict *d, const char *key,
                                    size_t len)
{
    if ((d->count + 1) * 4 > d->cap * 3)
        grow(d);
    struct ent_dict_slot *s = find_slot(d, key, len);
    if (!s->key) {
        s->key = arena_strndup(&d->arena, key, len);
        s->len = (uint32_t)len;
        d->count++;
    }
    return s;
}

void ent_dict_add(struct ent_dict *d, const char *key, size_t len,
                  uint32_t bits)
{
    unsigned words = 1;

    for (size_t i = 0; i < len; i++) {
        if (key[i] != ' ' && key[i] != '-')
            continue;
        upsert(d, key, i)->bits |= ENT_W_PREFIX; /* "al" of "al-qaeda" */
        words += key[i] == ' ';
    }
    upsert(d, key, len)->bits |= bits;
    if (words > d->max_words)
        d->max_words = words;
}

void ent_dict_add_variant(struct ent_dict *d, const char *key, size_t len,
                          const char *to, size_t tolen)
{
    upsert(d, key, len)->to = arena_strndup(&d->arena, to, tolen);
}

const struct ent_dict_slot *ent_dict_get(const struct ent_dict *d,
                                         const char *key, size_t len)
{
    const struct ent_dict_slot *s = find_slot(d, key, len);

    return s->key ? s : NULL;
}

uint32_t ent_dict_bits(const struct ent_dict *d, const char *key, size_t len)
{
    const struct ent_dict_slot *s = ent_dict_get(d, key, len);

    return s ? s->bits : 0;
}

static uint32_t cp_lower(uint32_t cp)
{
    if (!text_cp_is_upper(cp))
        return cp;
    if (cp < 0x80 || (cp >= 0xc0 && cp <= 0xde) ||
        (cp >= 0x410 && cp <= 0x42f) || (cp >= 0x391 && cp <= 0x3ab))
        return cp + 32;
    if (cp >= 0x400 && cp <= 0x40f)
        return cp + 80;
    if (cp == 0x178)
        return 0xff;
    if (cp == 0x386)
        return 0x3ac;
    if (cp >= 0x388 && cp <= 0x38a)
        return cp + 37;
    if (cp == 0x38c)
        return 0x3cc;
    if (cp == 0x38e || cp == 0x38f)
        return cp + 63;
    return cp + 1; /* the paired Latin Extended and Cyrillic blocks */
}

size_t ent_norm_append(char *buf, size_t pos, const char *s, size_t len)
{
    size_t i = 0;
    bool space = pos > 0 && buf[pos - 1] == ' ';

    while (i < len) {
        uint32_t cp = utf8_decode(s, len, &i);
        if (cp == '.')
            continue;
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
            if (pos > 0 && !space)
                buf[pos++] = ' ';
            space = true;
            continue;
        }
        if (cp == 0x2019)
            cp = '\'';
        pos += utf8_encode(cp_lower(cp), buf + pos);
        space = false;
    }
    while (pos > 0 && buf[pos - 1] == ' ')
        pos--;
    buf[pos] = '\0';
    return pos;
}

/* Calls @fn for each item line of the embedded file @name. */
static void each_line(const struct embed_file *data, const char *name,
                      void (*fn)(struct ent_dict *, const char *, size_t,
                                 uint32_t),
                      struct ent_dict *d, uint32_t bits)
{
    const struct embed_file *f = embed_find(data, name);
    const char *p, *end;

    if (!f)
        return;
    p = (const char *)f->data;
    end = p + f->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *q = p;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        size_t n = (size_t)(e - q);
        while (n > 0 && (q[n - 1] == ' ' || q[n - 1] == '\r'))
            n--;
        if (n > 0 && *q != '#')
            fn(d, q, n, bits);
        p = e + 1;
    }
}

static void add_item(struct ent_dict *d, const char *s, size_t n, uint32_t bits)
{
    char *buf = xmalloc(4 * n + 1);
    size_t len = ent_norm_append(buf, 0, s, n);

    if (len > 0)
        ent_dict_add(d, buf, len, bits);
    free(buf);
}

static void add_variant(struct ent_dict *d, const char *s, size_t n,
                        uint32_t bits)
{
    const char *tab = memchr(s, '\t', n);
    char *from, *to;
    size_t nf, nt;

    (void)bits;
    if (!tab)
        return;
    from = xmalloc(4 * n + 1);
    to = xmalloc(4 * n + 1);
    nf = ent_norm_append(from, 0, s, (size_t)(tab - s));
    nt = ent_norm_append(to, 0, tab + 1, n - (size_t)(tab + 1 - s));
    if (nf > 0 && nt > 0)
        ent_dict_add_variant(d, from, nf, to, nt);
    free(from);
    free(to);
}

void ent_dict_load_list(struct ent_dict *d, const struct embed_file *data,
                        const char *name, uint32_t bits)
{
    each_line(data, name, add_item, d, bits);
}

void ent_dict_load_variants(struct ent_dict *d, const struct embed_file *data,
                            const char *name)
{
    each_line(data, name, add_variant, d, 0);
}
