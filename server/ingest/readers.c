/*
 * readers.c - the input formats of `dossier ingest`: .txt files with an
 * optional manifest.jsonl, .json (object or array), .jsonl/.ndjson, and
 * NDJSON on standard input; plus the embedded sample corpus.
 */
#include "ingest/ingest_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/embed.h"
#include "core/log.h"

#define TITLE_MAX_BYTES 200
#define MAX_INPUT_FILE  (256 << 20) /* .json and .txt, read whole */

struct reader {
    struct ingest *in;
    const struct ingest_defaults *defaults;
    struct ingest_counts *counts;
    ingest_progress progress;
    void *progress_ctx;
    int db_failure; /* a db status that stops everything */
    struct ingest_pipe *pipe;
};

static void input_error(struct reader *r, const char *where, const char *what)
{
    fprintf(stderr, "dossier: %s: %s\n", where, what);
    r->counts->errors++;
}

/* Commit the open batch; articles it loses are counted as errors. */
static void commit_batch(struct reader *r)
{
    long lost;

    if (ingest_commit(r->in, &lost) != DB_OK && !r->db_failure)
        r->db_failure = DB_ERROR;
    if (lost > 0) {
        fprintf(stderr,
                "dossier: database: %ld stored articles rolled back: %s\n",
                lost, db_errmsg(r->in->db));
        r->counts->created -= lost;
        r->counts->errors += lost;
    }
}

/* Count what became of an article (@err: why it is not stored), then
 * commit if due and show progress. */
static void note_outcome(struct reader *r, enum ingest_outcome o,
                         const char *where, const char *err)
{
    switch (o) {
    case INGEST_CREATED:
        r->counts->created++;
        break;
    case INGEST_DUPLICATE:
        r->counts->duplicates++;
        break;
    case INGEST_INVALID:
        input_error(r, where, err);
        break;
    case INGEST_FAILED:
        input_error(r, where, err);
        r->db_failure = DB_ERROR;
        break;
    }
    if (ingest_commit_due(r->in))
        commit_batch(r);
    if (r->progress)
        r->progress(r->progress_ctx, r->counts);
}

/* Store an extracted article (the pipe's callback), count the outcome. */
static void store_extracted(void *ctx, struct ingest_article *a,
                            const char *hash, const struct ex_result *x,
                            const char *where)
{
    struct reader *r = ctx;
    char err[256];
    int64_t id;

    if (!x)
        note_outcome(r, INGEST_INVALID, where, INGEST_NOT_UTF8);
    else
        note_outcome(
            r, ingest_store_extracted(r->in, a, hash, x, &id, err, sizeof(err)),
            where, err);
}

/* Check one article and hand it to the extraction thread, or count why
 * it is not stored. */
static void store(struct reader *r, struct ingest_article *a, const char *where)
{
    char err[256], hash[33];
    int64_t id;

    if (!a->source && r->defaults->source)
        a->source = xstrdup(r->defaults->source);
    if (!a->published && r->defaults->published)
        a->published = xstrdup(r->defaults->published);
    enum ingest_outcome o = ingest_check(r->in, a, hash, &id, err, sizeof(err));
    if (o == INGEST_CREATED)
        ingest_pipe_submit(r->pipe, a, hash, where);
    else
        note_outcome(r, o, where, err);
}

static void store_json(struct reader *r, const json_t *v, const char *where)
{
    struct ingest_article a;
    char err[256];

    if (ingest_article_from_json(v, &a, err, sizeof(err)) < 0) {
        input_error(r, where, err);
        return;
    }
    store(r, &a, where);
    ingest_article_release(&a);
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    char *data;

    if (!f || fstat(fileno(f), &sb) < 0) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    if (sb.st_size > MAX_INPUT_FILE) {
        snprintf(err, errlen, "file larger than %d bytes", MAX_INPUT_FILE);
        fclose(f);
        return NULL;
    }
    data = xmalloc((size_t)sb.st_size + 1);
    *len = fread(data, 1, (size_t)sb.st_size, f);
    data[*len] = '\0';
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

bool ingest_next_line(const char *data, size_t len, size_t *pos, size_t *lineno,
                      const char **line, size_t *n)
{
    while (*pos < len) {
        const char *nl = memchr(data + *pos, '\n', len - *pos);
        size_t end = nl ? (size_t)(nl - data) : len, s = *pos;
        (*lineno)++;
        *pos = end + 1;
        while (s < end &&
               (data[s] == ' ' || data[s] == '\t' || data[s] == '\r'))
            s++;
        if (s < end) {
            *line = data + s;
            *n = end - s;
            return true;
        }
    }
    return false;
}

/* The longest NDJSON line taken: an article and its metadata, JSON-escaped. */
#define MAX_LINE (8 * (size_t)INGEST_MAX_BODY)

/* NDJSON: one article per non-blank line, read as a stream, so a file or
 * standard input can be of any size. */
static void read_lines(struct reader *r, FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;

    while (!r->db_failure && (got = getline(&line, &cap, f)) >= 0) {
        size_t pos = 0, counted = 0, n;
        const char *text;
        char where[512];
        json_error_t je;
        json_t *v;

        /* getline keeps the newline: the buffer is exactly one line. */
        lineno++;
        if (!ingest_next_line(line, (size_t)got, &pos, &counted, &text, &n))
            continue;
        snprintf(where, sizeof(where), "%s:%zu", name, lineno);
        if (n > MAX_LINE) {
            input_error(r, where, "line too long");
            continue;
        }
        v = json_loadb(text, n, 0, &je);
        if (!v) {
            char msg[256];
            snprintf(msg, sizeof(msg), "not valid JSON: %s", je.text);
            input_error(r, where, msg);
            continue;
        }
        store_json(r, v, where);
        json_decref(v);
    }
    if (ferror(f))
        input_error(r, name, strerror(errno));
    free(line);
}

static void read_json_file(struct reader *r, const char *path)
{
    json_error_t je;
    json_t *v = json_load_file(path, 0, &je);

    if (!v) {
        char msg[256];
        snprintf(msg, sizeof(msg), "not valid JSON: %s (line %d)", je.text,
                 je.line);
        input_error(r, path, msg);
        return;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            char where[512];
            snprintf(where, sizeof(where), "%s[%zu]", path, i);
            store_json(r, item, where);
            if (r->db_failure)
                break;
        }
    } else {
        store_json(r, v, path);
    }
    json_decref(v);
}

/* --- manifest.jsonl and .txt files --- */

void ingest_manifest_entry_release(struct ingest_manifest_entry *e)
{
    free(e->file);
    ingest_article_release(&e->meta);
    memset(e, 0, sizeof(*e));
}

int ingest_manifest_parse_line(const char *line, size_t len,
                               struct ingest_manifest_entry *e, char *err,
                               size_t errlen)
{
    json_error_t je;
    json_t *v = json_loadb(line, len, 0, &je);
    const json_t *file;

    memset(e, 0, sizeof(*e));
    if (!v) {
        snprintf(err, errlen, "not valid JSON: %s", je.text);
        return -1;
    }
    file = json_object_get(v, "file");
    if (!json_is_string(file) || !json_string_length(file) ||
        strchr(json_string_value(file), '/')) {
        snprintf(err, errlen, "\"file\" must name a file in this folder");
        json_decref(v);
        return -1;
    }
    if (ingest_article_from_json(v, &e->meta, err, errlen) < 0) {
        json_decref(v);
        return -1;
    }
    e->file = xstrdup(json_string_value(file));
    e->has_external_id = e->meta.external_id != NULL;
    json_decref(v);
    return 0;
}

struct manifest {
    struct ingest_manifest_entry *entries;
    size_t n, cap;
};

/* Add the entries of manifest text @data (named @name in errors) to @m. */
static void manifest_parse(struct reader *r, const char *name, const char *data,
                           size_t len, struct manifest *m)
{
    size_t pos = 0, lineno = 0, n;
    const char *line;
    char err[256];

    while (ingest_next_line(data, len, &pos, &lineno, &line, &n)) {
        struct ingest_manifest_entry e;
        if (ingest_manifest_parse_line(line, n, &e, err, sizeof(err)) < 0) {
            char where[4200];
            snprintf(where, sizeof(where), "%s:%zu", name, lineno);
            input_error(r, where, err);
            continue;
        }
        m->entries = xgrow(m->entries, sizeof(*m->entries), m->n + 1, &m->cap);
        m->entries[m->n++] = e;
    }
}

static void manifest_load(struct reader *r, const char *dir, struct manifest *m)
{
    char path[4096], err[256];
    size_t len;
    char *data;

    memset(m, 0, sizeof(*m));
    snprintf(path, sizeof(path), "%s/manifest.jsonl", dir);
    if (access(path, F_OK) != 0)
        return;
    data = read_file(path, &len, err, sizeof(err));
    if (!data) {
        input_error(r, path, err);
        return;
    }
    manifest_parse(r, path, data, len, m);
    free(data);
}

static void manifest_release(struct manifest *m)
{
    for (size_t i = 0; i < m->n; i++)
        ingest_manifest_entry_release(&m->entries[i]);
    free(m->entries);
}

static const struct ingest_manifest_entry *
manifest_find(const struct manifest *m, const char *file)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->entries[i].file, file) == 0)
            return &m->entries[i];
    return NULL;
}

void ingest_txt_split(const char *text, size_t len, const char *title,
                      char **title_out, size_t *body_start)
{
    const char *nl = memchr(text, '\n', len);
    size_t first = nl ? (size_t)(nl - text) : len;
    size_t flen = first;

    *title_out = NULL;
    *body_start = 0;
    while (flen > 0 && strchr(" \t\r", text[flen - 1]))
        flen--;
    bool more = nl && strspn(nl, " \t\r\n") < len - first;
    bool equals =
        title && strlen(title) == flen && strncmp(text, title, flen) == 0;
    bool looks = flen > 0 && flen <= TITLE_MAX_BYTES && text[flen - 1] != '.';
    if (!more || !(equals || (!title && looks)))
        return;
    *title_out = xstrndup(text, flen);
    *body_start = first + strspn(nl, " \t\r\n");
}

static void dup_field(char **dst, const char *src)
{
    if (src && !*dst)
        *dst = xstrdup(src);
}

/* One .txt file, with metadata from its folder's manifest. */
static void read_txt(struct reader *r, const char *path, const char *text,
                     size_t len, const struct manifest *m)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const struct ingest_manifest_entry *e = manifest_find(m, base);
    struct ingest_article a = {0};
    size_t body_start;

    ingest_txt_split(text, len, e ? e->meta.title : NULL, &a.title,
                     &body_start);
    a.body = xstrndup(text + body_start, len - body_start);
    if (e) {
        dup_field(&a.title, e->meta.title);
        dup_field(&a.source, e->meta.source);
        dup_field(&a.published, e->meta.published);
        dup_field(&a.url, e->meta.url);
        dup_field(&a.external_id, e->meta.external_id);
    }
    if (!a.external_id) {
        const char *dot = strrchr(base, '.');
        a.external_id =
            xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
    }
    store(r, &a, path);
    ingest_article_release(&a);
}

static bool has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);

    return n > e && strcasecmp(name + n - e, ext) == 0;
}

static void read_file_path(struct reader *r, const char *path,
                           const struct manifest *m, bool explicit)
{
    char err[256];
    size_t len;
    char *data;

    if (has_ext(path, ".json")) {
        read_json_file(r, path);
        return;
    }
    bool lines = has_ext(path, ".jsonl") || has_ext(path, ".ndjson");
    if (!lines && !has_ext(path, ".txt")) {
        if (explicit)
            input_error(r, path,
                        "unknown kind of file (.txt, .json, .jsonl, .ndjson)");
        return;
    }
    if (lines) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            input_error(r, path, strerror(errno));
            return;
        }
        read_lines(r, f, path);
        fclose(f);
        return;
    }
    data = read_file(path, &len, err, sizeof(err));
    if (!data) {
        input_error(r, path, err);
        return;
    }
    read_txt(r, path, data, len, m);
    free(data);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_dir(struct reader *r, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct manifest m;

    if (!d) {
        input_error(r, dir, strerror(errno));
        return;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = xgrow(names, sizeof(*names), n + 1, &cap);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), compare_names);
    manifest_load(r, dir, &m);
    for (size_t i = 0; i < n && !r->db_failure; i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (strcmp(names[i], "manifest.jsonl") == 0 || stat(path, &sb) < 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            read_dir(r, path);
        else if (S_ISREG(sb.st_mode))
            read_file_path(r, path, &m, false);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    manifest_release(&m);
}

int ingest_path(struct ingest *in, const char *path,
                const struct ingest_defaults *defaults,
                struct ingest_counts *counts, ingest_progress progress,
                void *progress_ctx)
{
    struct reader r = {in, defaults, counts, progress, progress_ctx, 0, NULL};
    struct stat sb;

    r.pipe = ingest_pipe_new(in, store_extracted, &r);
    if (strcmp(path, "-") == 0) {
        read_lines(&r, stdin, "-");
    } else if (stat(path, &sb) < 0) {
        input_error(&r, path, strerror(errno));
    } else if (S_ISDIR(sb.st_mode)) {
        read_dir(&r, path);
    } else {
        /* A lone .txt still gets its folder's manifest. */
        char dir[4096];
        struct manifest m;
        const char *slash = strrchr(path, '/');
        snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
                 slash ? path : ".");
        manifest_load(&r, dir, &m);
        read_file_path(&r, path, &m, true);
        manifest_release(&m);
    }
    ingest_pipe_free(r.pipe);
    commit_batch(&r);
    return r.db_failure;
}

int ingest_sample(struct ingest *in, struct ingest_counts *counts)
{
    struct ingest_defaults none = {NULL, NULL};
    struct reader r = {in, &none, counts, NULL, NULL, 0, NULL};
    struct manifest m = {0};
    const struct embed_file *mf = embed_find(embed_sample, "manifest.jsonl");

    r.pipe = ingest_pipe_new(in, store_extracted, &r);
    if (mf)
        manifest_parse(&r, mf->name, (const char *)mf->data, mf->len, &m);
    for (const struct embed_file *f = embed_sample; f->name; f++)
        if (has_ext(f->name, ".txt"))
            read_txt(&r, f->name, (const char *)f->data, f->len, &m);
    ingest_pipe_free(r.pipe);
    manifest_release(&m);
    commit_batch(&r);
    return r.db_failure;
}
