/*
 * article.c - one input article: taking it from JSON, validating and
 * normalising its fields, its duplicate key and word count.
 */
#include "ingest/ingest_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/dates.h"
#include "core/utf8.h"

void ingest_article_release(struct ingest_article *a)
{
    free(a->external_id);
    free(a->source);
    free(a->title);
    free(a->published);
    free(a->url);
    free(a->body);
    memset(a, 0, sizeof(*a));
}

/* A string field, or NULL for absent/null. -1 for another JSON type. */
static int take_string(const json_t *obj, const char *name, bool number_ok,
                       char **out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(obj, name);

    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        free(*out);
        *out = xstrndup(json_string_value(v), json_string_length(v));
        return 0;
    }
    if (number_ok && json_is_integer(v)) {
        free(*out);
        *out = xasprintf("%lld", (long long)json_integer_value(v));
        return 0;
    }
    snprintf(err, errlen, "%s must be a string", name);
    return -1;
}

int ingest_article_from_json(const json_t *obj, struct ingest_article *a,
                             char *err, size_t errlen)
{
    memset(a, 0, sizeof(*a));
    if (!json_is_object(obj)) {
        snprintf(err, errlen, "an article must be a JSON object");
        return -1;
    }
    if (take_string(obj, "text", false, &a->body, err, errlen) < 0 ||
        take_string(obj, "body", false, &a->body, err, errlen) < 0 ||
        take_string(obj, "id", true, &a->external_id, err, errlen) < 0 ||
        take_string(obj, "external_id", true, &a->external_id, err, errlen) <
            0 ||
        take_string(obj, "title", false, &a->title, err, errlen) < 0 ||
        take_string(obj, "source", false, &a->source, err, errlen) < 0 ||
        take_string(obj, "published", false, &a->published, err, errlen) < 0 ||
        take_string(obj, "url", false, &a->url, err, errlen) < 0) {
        ingest_article_release(a);
        return -1;
    }
    return 0;
}

/*
 * Normalise text in place: CRLF and CR to LF, other control characters
 * (NUL included) dropped but tab and newline.
 */
static size_t clean_text(char *s, size_t len)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r') {
            if (i + 1 < len && s[i + 1] == '\n')
                continue;
            c = '\n';
        } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            continue;
        }
        s[o++] = (char)c;
    }
    s[o] = '\0';
    return o;
}

/* Trim, clean, and drop an empty optional field; -1 if too long. */
static int tidy_field(char **field, size_t max)
{
    char *s = *field;
    size_t len;

    if (!s)
        return 0;
    len = clean_text(s, strlen(s));
    size_t start = strspn(s, " \t\n");
    while (len > start && strchr(" \t\n", s[len - 1]))
        len--;
    if (len == start) {
        free(s);
        *field = NULL;
        return 0;
    }
    memmove(s, s + start, len - start);
    s[len - start] = '\0';
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    return len - start > max ? -1 : 0;
}

int ingest_article_normalise(struct ingest_article *a, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        size_t offset, max;
    } fields[] = {
        {"external_id", offsetof(struct ingest_article, external_id), 512},
        {"source", offsetof(struct ingest_article, source), 512},
        {"title", offsetof(struct ingest_article, title), 2048},
        {"url", offsetof(struct ingest_article, url), 4096},
        {"published", offsetof(struct ingest_article, published), 64},
    };
    size_t len;

    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        char **f = (char **)(void *)((char *)a + fields[i].offset);
        if (*f && !utf8_valid(*f, strlen(*f))) {
            snprintf(err, errlen, "%s is not valid UTF-8", fields[i].name);
            return -1;
        }
        if (tidy_field(f, fields[i].max) < 0) {
            snprintf(err, errlen, "%s is longer than %zu bytes", fields[i].name,
                     fields[i].max);
            return -1;
        }
    }
    if (!a->body) {
        snprintf(err, errlen, "body is required");
        return -1;
    }
    len = strlen(a->body);
    if (!utf8_valid(a->body, len)) {
        snprintf(err, errlen, "body is not valid UTF-8");
        return -1;
    }
    len = clean_text(a->body, len);
    if (strspn(a->body, " \t\n") == len) {
        snprintf(err, errlen, "body is empty");
        return -1;
    }
    if (len > INGEST_MAX_BODY) {
        snprintf(err, errlen, "body is longer than %d bytes", INGEST_MAX_BODY);
        return -1;
    }
    if (a->published) {
        char norm[32];
        if (date_normalise_published(a->published, norm, sizeof(norm)) < 0) {
            snprintf(err, errlen,
                     "published must be YYYY-MM-DD or an ISO 8601 timestamp "
                     "(got \"%.40s\")",
                     a->published);
            return -1;
        }
        free(a->published);
        a->published = xstrdup(norm);
    }
    return 0;
}

static bool is_space_byte(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\t';
}

void ingest_body_hash(const char *body, char out[33])
{
    /* Two FNV-1a 64 lanes over the text with runs of white space folded
     * to one space, ASCII letters lower-cased, ends trimmed. */
    uint64_t h1 = 1469598103934665603ULL, h2 = 0x84222325cbf29ce4ULL;
    bool pending_space = false, started = false;

    for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
        unsigned char c = *p;
        if (is_space_byte(c)) {
            pending_space = started;
            continue;
        }
        if (pending_space) {
            h1 = (h1 ^ ' ') * 1099511628211ULL;
            h2 = (h2 ^ ' ') * 1099511628211ULL;
            pending_space = false;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h1 = (h1 ^ c) * 1099511628211ULL;
        h2 = (h2 ^ (unsigned char)(c + 131)) * 1099511628211ULL;
        started = true;
    }
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h1,
             (unsigned long long)h2);
}

int64_t ingest_word_count(const char *body)
{
    int64_t n = 0;
    bool in_word = false;

    for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
        bool space = is_space_byte(*p);
        if (!space && !in_word)
            n++;
        in_word = !space;
    }
    return n;
}
