/*
 * main.c - the dossier command line: `serve` and `ingest`.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "core/config.h"
#include "core/dates.h"
#include "core/embed.h"
#include "core/log.h"
#include "db/db.h"
#include "db/db_articles.h"
#include "extract/extract.h"
#include "http/http.h"
#include "ingest/ingest.h"

#ifndef DOSSIER_VERSION
#define DOSSIER_VERSION "0.0.0"
#endif

#define SHUTDOWN_GRACE_MS 10000

static const char usage[] =
    "usage: dossier serve  [--config FILE] [--db FILE] [--listen ADDR:PORT]\n"
    "                      [--static DIR] [--threads N] [--base-path /prefix]"
    "\n                      [--read-only]\n"
    "       dossier ingest [--config FILE] [--db FILE] [--source NAME]\n"
    "                      [--published DATE] [--reextract] PATH...\n"
    "       dossier snapshot [--config FILE] [--db FILE] OUT\n"
    "       dossier --version | --help | <command> --help\n";

static const char serve_help[] =
    "usage: dossier serve [options]\n\n"
    "Serve the JSON API and the pages. With no --db and no config, uses\n"
    "./dossier.db, creating it from the bundled sample corpus if missing.\n\n"
    "  --config FILE       INI configuration (see config.example.ini)\n"
    "  --db FILE           database file            [database] path\n"
    "  --listen ADDR:PORT  address to listen on     [server] listen\n"
    "  --static DIR        pages folder ('' = built-in copy)\n"
    "  --threads N         worker threads, 0 = one per core\n"
    "  --base-path /PREFIX mount everything under a prefix\n"
    "  --read-only         open the database read-only (writes get 403)\n\n"
    "Environment: DOSSIER_<SECTION>_<KEY> overrides the file; flags override "
    "both.\n";

static const char snapshot_help[] =
    "usage: dossier snapshot [--config FILE] [--db FILE] OUT\n\n"
    "Write a consistent, compacted copy of the database to OUT (a new file),\n"
    "even while ingest or the service writes to it. Serve copies with\n"
    "`dossier serve --read-only --db OUT` on as many replicas as needed.\n";

static const char ingest_help[] =
    "usage: dossier ingest [options] PATH...\n\n"
    "Load articles: .txt (with manifest.jsonl), .json, .jsonl/.ndjson files\n"
    "or folders of them (recursively); '-' reads NDJSON from stdin.\n"
    "Duplicates are skipped; each article is stored atomically.\n\n"
    "  --config FILE     INI configuration\n"
    "  --db FILE         database file (created if missing)\n"
    "  --source NAME     outlet for articles that name none\n"
    "  --published DATE  date for articles that give none\n"
    "  --reextract       run the extractors again over every stored "
    "article\n";

struct options {
    struct config cfg;
    const char *config_file;
    bool db_given;
    const char *source, *published;
    bool reextract;
    const char **paths;
    int npaths;
};

/* Flags that set a config key. */
static const struct {
    const char *flag, *section, *key;
    bool takes_value;
} config_flags[] = {
    {"--db", "database", "path", true},
    {"--listen", "server", "listen", true},
    {"--static", "server", "static_dir", true},
    {"--threads", "server", "threads", true},
    {"--base-path", "server", "base_path", true},
    {"--read-only", "database", "read_only", false},
};

static int fail(const char *fmt, const char *arg)
{
    fprintf(stderr, "dossier: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    return 2;
}

/*
 * Parse flags in two passes: the config file first (defaults < file <
 * environment < flags), then every other flag.
 */
static int parse_args(int argc, char **argv, bool serve, struct options *o)
{
    char err[512];

    config_init(&o->cfg);
    o->paths = calloc((size_t)argc, sizeof(*o->paths));
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            o->config_file = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            o->config_file = argv[i] + 9;
    }
    if (o->config_file &&
        config_load_file(&o->cfg, o->config_file, err, sizeof(err)) < 0)
        return fail("%s", err);
    if (config_load_env(&o->cfg, err, sizeof(err)) < 0)
        return fail("%s", err);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *value = NULL;
        const char *eq = strchr(arg, '=');
        size_t name_len =
            eq && arg[0] == '-' ? (size_t)(eq - arg) : strlen(arg);
        bool matched = false;

        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (serve)
                return fail("unexpected argument: %s", arg);
            o->paths[o->npaths++] = arg;
            continue;
        }
        if (strncmp(arg, "--config", name_len) == 0 && name_len == 8) {
            i += !eq;
            continue;
        }
        for (size_t f = 0; f < sizeof(config_flags) / sizeof(*config_flags);
             f++) {
            if (strlen(config_flags[f].flag) != name_len ||
                strncmp(arg, config_flags[f].flag, name_len) != 0)
                continue;
            if (!serve && strcmp(config_flags[f].key, "path") != 0)
                return fail("%s is a flag of `dossier serve`", arg);
            if (config_flags[f].takes_value) {
                value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (!value)
                    return fail("%s needs a value", arg);
            } else {
                value = "true";
            }
            if (config_set(&o->cfg, config_flags[f].section,
                           config_flags[f].key, value, err, sizeof(err)) < 0)
                return fail("%s", err);
            if (strcmp(config_flags[f].key, "path") == 0)
                o->db_given = true;
            matched = true;
        }
        if (matched)
            continue;
        if (!serve && strncmp(arg, "--source", name_len) == 0 &&
            name_len == 8) {
            o->source = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        } else if (!serve && strncmp(arg, "--published", name_len) == 0 &&
                   name_len == 11) {
            o->published = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (o->published && !date_valid_published(o->published))
                return fail("--published must be YYYY-MM-DD (got %s)",
                            o->published);
        } else if (!serve && strcmp(arg, "--reextract") == 0) {
            o->reextract = true;
        } else {
            return fail("unknown option: %s (see --help)", arg);
        }
        if ((strncmp(arg, "--source", 8) == 0 && !o->source) ||
            (strncmp(arg, "--published", 11) == 0 && !o->published))
            return fail("%s needs a value", arg);
    }
    if (config_resolve(&o->cfg, err, sizeof(err)) < 0)
        return fail("%s", err);
    log_set_level((enum log_level)log_level_parse(o->cfg.log_level));
    return 0;
}

static void options_release(struct options *o)
{
    config_release(&o->cfg);
    free(o->paths);
}

/* --- ingest ---------------------------------------------------------- */

struct progress {
    bool tty;
    struct timespec last;
};

static void show_progress(void *p, const struct ingest_counts *c)
{
    struct progress *pr = p;
    struct timespec now;

    if (!pr->tty)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - pr->last.tv_sec) * 1000 +
            (now.tv_nsec - pr->last.tv_nsec) / 1000000 <
        200)
        return;
    pr->last = now;
    fprintf(stderr, "\r%ld articles (%ld duplicates, %ld errors)...",
            c->created, c->duplicates, c->errors);
    fflush(stderr);
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int reextract_all(struct ingest *in, struct ingest_counts *counts,
                         struct progress *pr)
{
    int64_t *ids;
    size_t n;
    int rc = db_articles_ids(in->db, &ids, &n);

    for (size_t i = 0; i < n && rc == DB_OK; i++) {
        rc = ingest_reextract(in, ids[i]);
        if (rc == DB_NOT_FOUND)
            rc = DB_OK;
        show_progress(pr, counts);
    }
    if (rc == DB_OK)
        fprintf(stderr, "%sre-extracted %zu articles\n", pr->tty ? "\r" : "",
                n);
    free(ids);
    return rc;
}

/* The end of a load into an empty database: build the indexes it left
 * out (any failure is reported; the next writable open tries again). */
static int finish_load(struct db *db, const struct progress *pr)
{
    struct timespec t0;
    int built, rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (pr->tty)
        fprintf(stderr, "building indexes...");
    rc = db_indexes_build(db, &built);
    if (pr->tty)
        fprintf(stderr, "\r\033[K");
    if (rc != DB_OK)
        fprintf(stderr,
                "dossier: cannot build indexes (the next writable "
                "open tries again): %s\n",
                db_errmsg(db));
    else
        log_info("built the %d indexes and tables the load left out in "
                 "%.1f s",
                 built, elapsed(&t0));
    return rc;
}

static int cmd_ingest(int argc, char **argv)
{
    struct options o = {0};
    struct ingest_defaults defaults;
    struct ingest_counts counts = {0};
    struct progress pr = {isatty(2), {0, 0}};
    struct timespec t0;
    struct ingest in = {.batch = INGEST_BULK_BATCH,
                        .batch_ms = INGEST_LOAD_BATCH_MS};
    bool deferring, unfinished = false;
    struct db *db;
    char err[512];
    int rc = parse_args(argc, argv, false, &o);

    if (rc)
        goto out;
    if (!o.npaths && !o.reextract) {
        rc = fail("%s", "ingest needs at least one PATH (or --reextract)");
        goto out;
    }
    if (db_open(o.cfg.db_path, DB_OPEN_CREATE, &db, err, sizeof(err)) !=
        DB_OK) {
        rc = fail("%s", err);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    db_tune_for_bulk_writes(db);
    if (db_load_begin(db, &deferring) != DB_OK) {
        snprintf(err, sizeof(err), "%s: %s", o.cfg.db_path, db_errmsg(db));
        rc = fail("%s", err);
        db_close(db);
        goto out;
    }
    in.db = db;
    in.resources = ex_resources_new(embed_data);
    defaults.source = o.source;
    defaults.published = o.published;
    rc = DB_OK;
    if (o.reextract)
        rc = reextract_all(&in, &counts, &pr);
    for (int i = 0; i < o.npaths && rc == DB_OK; i++)
        rc = ingest_path(&in, o.paths[i], &defaults, &counts, show_progress,
                         &pr);
    if (pr.tty)
        fprintf(stderr, "\r\033[K");
    if (rc != DB_OK)
        fprintf(stderr, "dossier: stopped: database error: %s\n",
                db_errmsg(db));
    if (deferring && finish_load(db, &pr) != DB_OK)
        unfinished = true;
    printf("ingested %ld articles (%ld duplicates, %ld errors) in %.1f s\n",
           counts.created, counts.duplicates, counts.errors, elapsed(&t0));
    ex_resources_free((struct ex_resources *)in.resources);
    db_close(db);
    rc = rc != DB_OK || unfinished || counts.errors ? 1 : 0;
out:
    options_release(&o);
    return rc;
}

/* --- snapshot --------------------------------------------------------- */

static int cmd_snapshot(int argc, char **argv)
{
    struct options o = {0};
    struct db *db;
    struct stat sb;
    char err[512];
    int rc = parse_args(argc, argv, false, &o);

    if (rc)
        goto out;
    if (o.npaths != 1 || o.reextract || o.source || o.published) {
        rc = fail("%s", "usage: dossier snapshot [--db FILE] OUT");
        goto out;
    }
    if (stat(o.paths[0], &sb) == 0) {
        rc = fail("%s exists: a snapshot goes to a new file", o.paths[0]);
        goto out;
    }
    if (db_open(o.cfg.db_path, DB_OPEN_READONLY, &db, err, sizeof(err)) !=
        DB_OK) {
        rc = fail("%s", err);
        goto out;
    }
    rc = db_snapshot(db, o.paths[0]);
    if (rc != DB_OK)
        fprintf(stderr, "dossier: snapshot failed: %s\n", db_errmsg(db));
    else
        printf("wrote %s\n", o.paths[0]);
    db_close(db);
    rc = rc != DB_OK;
out:
    options_release(&o);
    return rc;
}

/* --- serve ------------------------------------------------------------ */

static int api_create(struct db *db, const char *body, size_t len, bool ndjson,
                      struct jsonw *w, char *err, size_t errlen);
static int api_delete(struct db *db, int64_t id);
static const struct ex_resources *serve_resources;

static int api_create(struct db *db, const char *body, size_t len, bool ndjson,
                      struct jsonw *w, char *err, size_t errlen)
{
    struct ingest in = {
        .db = db, .resources = serve_resources, .batch = INGEST_BULK_BATCH};

    return ingest_post(&in, body, len, ndjson, w, err, errlen);
}

static int api_delete(struct db *db, int64_t id)
{
    struct ingest in = {.db = db, .resources = serve_resources};

    return ingest_delete(&in, id);
}

/* Open (creating, migrating, loading the sample if new) the database. */
static int prepare_database(struct options *o, char *err, size_t errlen)
{
    struct stat sb;
    bool fresh = stat(o->cfg.db_path, &sb) != 0;
    struct db *db;

    if (o->cfg.read_only) {
        if (fresh) {
            snprintf(err, errlen, "%s does not exist (read-only)",
                     o->cfg.db_path);
            return -1;
        }
        return 0;
    }
    if (db_open(o->cfg.db_path, DB_OPEN_CREATE, &db, err, errlen) != DB_OK)
        return -1;
    if (fresh && !o->db_given && !o->config_file) {
        struct ingest in = {.db = db, .resources = serve_resources};
        struct ingest_counts counts = {0};
        if (ingest_sample(&in, &counts) != DB_OK) {
            snprintf(err, errlen, "cannot load the sample corpus: %s",
                     db_errmsg(db));
            db_close(db);
            return -1;
        }
        log_info("created %s with the sample corpus (%ld articles)",
                 o->cfg.db_path, counts.created);
    }
    db_close(db);
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    struct options o = {0};
    struct http_server *server = NULL;
    struct ex_resources *res = NULL;
    char err[512];
    sigset_t stop;
    int sig, rc = parse_args(argc, argv, true, &o);

    if (rc)
        goto out;
    /* Block the stop signals in every thread; main waits for them. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    res = ex_resources_new(embed_data);
    serve_resources = res;
    if (prepare_database(&o, err, sizeof(err)) < 0 ||
        db_pool_init(o.cfg.db_path, o.cfg.read_only, err, sizeof(err)) !=
            DB_OK) {
        rc = fail("%s", err);
        goto out;
    }
    struct api_state state = {
        .config = &o.cfg,
        .version = DOSSIER_VERSION,
        .create_articles = api_create,
        .delete_article = api_delete,
    };
    api_init(&state);
    struct http_server_options hopt = {
        .config = &o.cfg,
        .routes = api_routes,
        .embedded_static = embed_static,
        .before_request = api_before_request,
        .after_request = api_after_request,
        .metrics_extra = api_metrics_extra,
    };
    server = http_server_start(&hopt, err, sizeof(err));
    if (!server) {
        rc = fail("%s", err);
        goto out_db;
    }
    {
        char url[300];
        const char *colon = strrchr(o.cfg.listen, ':');
        snprintf(url, sizeof(url), "http://%.*s:%u%s/",
                 (int)(colon - o.cfg.listen), o.cfg.listen,
                 http_server_port(server), o.cfg.base_path);
        log_info("dossier %s listening on %s (database %s%s)", DOSSIER_VERSION,
                 url, o.cfg.db_path, o.cfg.read_only ? ", read-only" : "");
    }
    sigwait(&stop, &sig);
    log_info("%s: finishing in-flight requests", strsignal(sig));
    http_server_stop(server, SHUTDOWN_GRACE_MS);
    log_info("stopped");
    rc = 0;
out_db:
    api_shutdown();
    db_pool_shutdown();
out:
    ex_resources_free(res);
    options_release(&o);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("dossier %s\n", DOSSIER_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (strcmp(argv[1], "serve") == 0)
                fputs(serve_help, stdout);
            else if (strcmp(argv[1], "ingest") == 0)
                fputs(ingest_help, stdout);
            else if (strcmp(argv[1], "snapshot") == 0)
                fputs(snapshot_help, stdout);
            else
                break;
            return 0;
        }
    }
    if (strcmp(argv[1], "serve") == 0)
        return cmd_serve(argc - 2, argv + 2);
    if (strcmp(argv[1], "ingest") == 0)
        return cmd_ingest(argc - 2, argv + 2);
    if (strcmp(argv[1], "snapshot") == 0)
        return cmd_snapshot(argc - 2, argv + 2);
    fprintf(stderr, "dossier: unknown command: %s\n%s", argv[1], usage);
    return 2;
}
