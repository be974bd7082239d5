/*
 * http_static.c - the pages: files from static_dir (or the copy built into
 * the binary), loaded once at start, and the page shell for clean URLs.
 */
#include "http/http_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/log.h"

#define STATIC_MAX_FILE (8 << 20)

struct static_file {
    char *name; /* "index.html", "js/app.js" */
    char *data;
    size_t len;
};

struct http_static {
    struct static_file *files;
    size_t n, cap;
};

static const struct {
    const char *ext, *type;
} mime_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".woff2", "font/woff2"},
};

static const char *mime_of(const char *name)
{
    const char *dot = strrchr(name, '.');

    for (size_t i = 0; dot && i < sizeof(mime_types) / sizeof(*mime_types); i++)
        if (strcasecmp(dot, mime_types[i].ext) == 0)
            return mime_types[i].type;
    return "application/octet-stream";
}

static void add_file(struct http_static *st, const char *name, const char *data,
                     size_t len)
{
    st->files = xgrow(st->files, sizeof(*st->files), st->n + 1, &st->cap);
    st->files[st->n].name = xstrdup(name);
    st->files[st->n].data = xstrndup(data, len);
    st->files[st->n].len = len;
    st->n++;
}

static void load_dir(struct http_static *st, const char *root, const char *rel)
{
    char path[4096];
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
    d = opendir(path);
    if (!d)
        return;
    while ((e = readdir(d))) {
        char child[4096], full[8192];
        struct stat sb;
        if (e->d_name[0] == '.' || strcmp(e->d_name, "meson.build") == 0)
            continue;
        snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "",
                 e->d_name);
        snprintf(full, sizeof(full), "%s/%s", root, child);
        if (stat(full, &sb) < 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            load_dir(st, root, child);
        } else if (S_ISREG(sb.st_mode) && sb.st_size <= STATIC_MAX_FILE) {
            FILE *f = fopen(full, "rb");
            char *data = xmalloc((size_t)sb.st_size + 1);
            if (f &&
                fread(data, 1, (size_t)sb.st_size, f) == (size_t)sb.st_size)
                add_file(st, child, data, (size_t)sb.st_size);
            free(data);
            if (f)
                fclose(f);
        }
    }
    closedir(d);
}

struct http_static *http_static_load(const char *dir,
                                     const struct embed_file *embedded)
{
    struct http_static *st = xcalloc(1, sizeof(*st));
    struct stat sb;

    if (dir && *dir && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        load_dir(st, dir, "");
        log_info("serving pages from %s (%zu files)", dir, st->n);
    } else {
        if (dir && *dir)
            log_warn("static_dir %s not found: serving the built-in pages",
                     dir);
        for (const struct embed_file *f = embedded; f && f->name; f++)
            add_file(st, f->name, (const char *)f->data, f->len);
    }
    return st;
}

void http_static_free(struct http_static *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++) {
        free(st->files[i].name);
        free(st->files[i].data);
    }
    free(st->files);
    free(st);
}

static const struct static_file *find(const struct http_static *st,
                                      const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->files[i].name, name) == 0)
            return &st->files[i];
    return NULL;
}

/* The shell with <base href="BASE/"> so relative URLs work at any depth. */
static void write_shell(const struct static_file *f, struct buf *out,
                        const char *base_path)
{
    const char *head = strcasestr(f->data, "<head>");

    if (!head) {
        buf_append(out, f->data, f->len);
        return;
    }
    size_t at = (size_t)(head - f->data) + 6;
    buf_append(out, f->data, at);
    buf_printf(out, "\n<base href=\"%s/\">", base_path);
    buf_append(out, f->data + at, f->len - at);
}

static bool accepts_html(struct http_request *req)
{
    const char *accept = http_header(req, "Accept");

    return accept && strstr(accept, "text/html");
}

static void page_headers(struct http_response *res)
{
    http_set_header(res, "Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src "
                    "'self'; img-src 'self' data:; connect-src 'self'; "
                    "font-src 'self'; object-src 'none'; base-uri 'self'; "
                    "form-action 'self'; frame-ancestors 'none'");
    http_set_header(res, "Referrer-Policy", "same-origin");
    http_set_header(res, "X-Frame-Options", "DENY");
}

int http_static_serve(struct http_static *st, struct http_request *req,
                      struct http_response *res, const char *base_path)
{
    const char *name = req->path + 1;
    const struct static_file *f;

    if (!(req->method & (HTTP_GET | HTTP_HEAD))) {
        http_set_header(res, "Allow", "GET, HEAD");
        return http_error(res, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                          NULL, "%s is not allowed here", req->method_name);
    }
    for (size_t i = 0; i < req->nsegments; i++)
        if (req->segments[i][0] == '.')
            return http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                              "no such file");
    f = *name ? find(st, name) : NULL;
    if (!*name || (f && strcmp(name, "index.html") == 0) ||
        (!f && accepts_html(req))) {
        const struct static_file *shell = find(st, "index.html");
        if (!shell)
            return http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                              "no pages are installed");
        write_shell(shell, &res->body, base_path);
        res->content_type = "text/html; charset=utf-8";
        page_headers(res);
    } else if (f) {
        buf_append(&res->body, f->data, f->len);
        res->content_type = mime_of(f->name);
        if (strncmp(res->content_type, "text/html", 9) == 0)
            page_headers(res);
    } else {
        return http_error(res, HTTP_NOT_FOUND, "not_found", NULL,
                          "no such file");
    }
    res->status = HTTP_OK;
    res->cacheable = true;
    return HTTP_OK;
}
