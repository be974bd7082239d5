/*
 * extract_rate.c - the extraction ceiling of ingest: every extractor run
 * over a corpus held in memory, without SQLite, on N threads.
 *
 *   extract_rate CORPUS.jsonl [THREADS]
 *
 * CORPUS is what `dossier ingest` reads (one JSON article per line: body,
 * and title and published if any). Prints the articles and bytes per
 * second of the extraction alone, the rate no ingest can pass on this
 * machine with as many cores.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/embed.h"
#include "extract/extract.h"

extern const struct embed_file embed_data[];

struct article {
    char *title, *body, *published;
};

struct corpus {
    struct article *a;
    size_t n, cap;
    size_t bytes;
    const struct ex_resources *res;
    int threads;
};

struct worker {
    struct corpus *c;
    int index;
    pthread_t thread;
};

static char *dup_or_null(json_t *v)
{
    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static int load(const char *path, struct corpus *c)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;

    if (!f) {
        perror(path);
        return -1;
    }
    while (getline(&line, &cap, f) > 0) {
        json_error_t err;
        json_t *j = json_loads(line, 0, &err);
        lineno++;
        if (!j || !json_is_string(json_object_get(j, "body"))) {
            fprintf(stderr, "%s:%ld: not an article, skipped\n", path, lineno);
            json_decref(j);
            continue;
        }
        c->a = xgrow(c->a, sizeof(*c->a), c->n + 1, &c->cap);
        c->a[c->n] = (struct article){
            .title = dup_or_null(json_object_get(j, "title")),
            .body = dup_or_null(json_object_get(j, "body")),
            .published = dup_or_null(json_object_get(j, "published")),
        };
        c->bytes += strlen(c->a[c->n].body);
        c->n++;
        json_decref(j);
    }
    free(line);
    fclose(f);
    return 0;
}

/* Articles index, index + threads, ... */
static void *work(void *p)
{
    struct worker *w = p;
    const struct corpus *c = w->c;

    for (size_t i = (size_t)w->index; i < c->n; i += (size_t)c->threads) {
        const struct article *a = &c->a[i];
        struct ex_doc doc = {a->body, strlen(a->body), a->title, a->published};
        struct ex_result r;
        extract_run(c->res, &doc, &r);
        ex_result_release(&r);
    }
    return NULL;
}

static double seconds(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct corpus c = {.threads = argc > 2 ? atoi(argv[2]) : 1};

    if (argc < 2 || c.threads < 1 || c.threads > 64) {
        fprintf(stderr, "usage: extract_rate CORPUS.jsonl [THREADS 1-64]\n");
        return 2;
    }
    if (load(argv[1], &c) < 0)
        return 1;
    struct ex_resources *res = ex_resources_new(embed_data);
    struct worker *w = xcalloc((size_t)c.threads, sizeof(*w));
    c.res = res;
    double t0 = seconds();
    for (int i = 0; i < c.threads; i++) {
        w[i] = (struct worker){.c = &c, .index = i};
        if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0) {
            fprintf(stderr, "extract_rate: cannot start a thread\n");
            return 1;
        }
    }
    for (int i = 0; i < c.threads; i++)
        pthread_join(w[i].thread, NULL);
    double s = seconds() - t0;
    printf("articles=%zu threads=%d seconds=%.2f articles_per_s=%.0f "
           "mb_per_s=%.1f\n",
           c.n, c.threads, s, (double)c.n / s, (double)c.bytes / s / 1e6);
    for (size_t i = 0; i < c.n; i++) {
        free(c.a[i].title);
        free(c.a[i].body);
        free(c.a[i].published);
    }
    free(c.a);
    free(w);
    ex_resources_free(res);
    return 0;
}
