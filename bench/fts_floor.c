/*
 * fts_floor.c - the floor for search: the FTS5 ranked + snippet query that
 * GET /api/v1/articles?q=... runs (db_articles_list, then the capped count
 * of db_articles_count), in a tight loop on N threads with no HTTP, no JSON.
 * The server's search rate is compared with this one, measured in the same
 * run.
 *
 *   cc -O2 -o fts_floor bench/fts_floor.c -lsqlite3 -lpthread
 *   fts_floor DB 'MATCH-EXPR' [THREADS [SECONDS [LIMIT [old]]]]
 *   fts_floor DB @TERMS-FILE  [THREADS [SECONDS [LIMIT [old]]]]
 *
 * MATCH-EXPR is the FTS5 expression the server builds from the user's query
 * (core/ftsq.c quotes every term: q=oil -> "oil", q=oil* -> "oil"*). With
 * @TERMS-FILE (one expression a line) each query takes the next line, each
 * thread from its own point of the list, as the rotating wrk rows do.
 * LIMIT defaults to 20, the rows the server asks for a first page by
 * relevance; "old" runs the query the server ran before issue 8 (ORDER BY
 * rank LIMIT 21 in one statement) for comparison. Prints queries/s for the
 * list query alone and for list + count (a request).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* db_fts5_api() and db_snippet_register() of server/db/db_snippet.c,
 * compiled in (see run_http.py): their declarations from the server's
 * header, so that a change of signature breaks this build, not the run. */
#include "db/db_internal.h"

/* db_articles.c, search_page() for a first page by relevance. */
static const char list_sql[] =
    "WITH r AS MATERIALIZED (SELECT articles_fts.rowid AS rid, "
    "articles_fts.rank AS s FROM articles_fts WHERE articles_fts MATCH ?1 "
    "ORDER BY s, rid LIMIT ?2) SELECT a.id, a.title, a.source, a.published, "
    "a.url, a.word_count, NULL, -r.s, dossier_snippet(articles_fts, 1, "
    "char(2), char(3), '…', 40) FROM articles_fts CROSS JOIN r CROSS JOIN "
    "articles a "
    "WHERE articles_fts MATCH ?1 AND r.rid = +articles_fts.rowid AND "
    "a.id = r.rid ORDER BY r.s, r.rid";
/* Before issue 8: one statement, FTS5's ORDER BY rank, LIMIT 21. */
static const char old_list_sql[] =
    "SELECT a.id, a.title, a.source, a.published, a.url, a.word_count, "
    "substr(a.body, 1, 600), -articles_fts.rank, snippet(articles_fts, 1, "
    "char(2), char(3), '…', 40) FROM articles_fts JOIN articles a "
    "ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?1 "
    "ORDER BY articles_fts.rank LIMIT ?2";
static const char count_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM articles_fts "
    "WHERE articles_fts MATCH ?1 LIMIT 10001)";

struct job {
    const char *path, *sql;
    const char *const *match; /* nmatch expressions, taken in turn */
    int nmatch, first;
    int limit, with_count;
    double seconds;
    long done;
    long bytes;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static _Noreturn void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "fts_floor: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void *run(void *p)
{
    struct job *j = p;
    sqlite3 *db;
    sqlite3_stmt *list, *count;
    double end;

    if (sqlite3_open_v2(j->path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die(db, "open");
    fts5_api *fts5 = db_fts5_api(db);
    if (!fts5 || db_snippet_register(fts5) != SQLITE_OK)
        die(db, "dossier_snippet");
    /* The pragmas db.c sets on the server's connections. */
    sqlite3_exec(db,
                 "PRAGMA mmap_size = 33554432; PRAGMA cache_size = -16384;"
                 "PRAGMA temp_store = MEMORY; PRAGMA query_only = 1",
                 NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, j->sql, -1, &list, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, count_sql, -1, &count, NULL) != SQLITE_OK)
        die(db, "prepare");
    sqlite3_bind_int(list, 2, j->limit);
    end = now_s() + j->seconds;
    for (int i = j->first; now_s() < end; i++) {
        const char *match = j->match[i % j->nmatch];

        sqlite3_bind_text(list, 1, match, -1, SQLITE_STATIC);
        sqlite3_bind_text(count, 1, match, -1, SQLITE_STATIC);
        while (sqlite3_step(list) == SQLITE_ROW)
            for (int c = 0; c < 9; c++)
                j->bytes += sqlite3_column_bytes(list, c);
        sqlite3_reset(list);
        if (j->with_count) {
            if (sqlite3_step(count) != SQLITE_ROW)
                die(db, "count");
            sqlite3_reset(count);
        }
        j->done++;
    }
    sqlite3_finalize(list);
    sqlite3_finalize(count);
    sqlite3_close(db);
    return NULL;
}

/* CPU seconds of the whole process: on a shared machine the CPU cost of
 * a query varies less than the queries per second. */
static double cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double measure(struct job *proto, int threads, int with_count,
                      double *cpu_us)
{
    pthread_t tid[64];
    struct job jobs[64];
    long total = 0;
    double t0 = now_s(), c0 = cpu_s();

    for (int i = 0; i < threads; i++) {
        jobs[i] = *proto;
        jobs[i].with_count = with_count;
        jobs[i].first = proto->nmatch * i / threads;
        pthread_create(&tid[i], NULL, run, &jobs[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        total += jobs[i].done;
    }
    *cpu_us = (cpu_s() - c0) * 1e6 / (double)(total ? total : 1);
    return (double)total / (now_s() - t0);
}

/* The expressions of @path, one a line (the file stays in memory). */
static int read_terms(const char *path, const char ***out)
{
    static char text[1 << 20];
    FILE *f = fopen(path, "r");
    size_t len;
    int n = 0;

    if (!f) {
        perror(path);
        exit(1);
    }
    len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    *out = calloc(len / 2 + 1, sizeof(**out));
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        (*out)[n++] = line;
    if (!n) {
        fprintf(stderr, "fts_floor: %s: no terms\n", path);
        exit(1);
    }
    return n;
}

int main(int argc, char **argv)
{
    struct job proto = {0};
    const char **terms;
    int threads;

    if (argc < 3) {
        fprintf(stderr, "usage: fts_floor DB MATCH|@TERMS-FILE [THREADS "
                        "[SECONDS [LIMIT [old]]]]\n");
        return 2;
    }
    /* As db.c does: no memory statistics (a process-wide mutex). */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    proto.path = argv[1];
    if (argv[2][0] == '@') {
        proto.nmatch = read_terms(argv[2] + 1, &terms);
    } else {
        terms = (const char **)&argv[2];
        proto.nmatch = 1;
    }
    proto.match = terms;
    threads = argc > 3 ? atoi(argv[3]) : 2;
    proto.seconds = argc > 4 ? atof(argv[4]) : 10;
    proto.limit = argc > 5 ? atoi(argv[5]) : 20;
    proto.sql = argc > 6 && !strcmp(argv[6], "old") ? old_list_sql : list_sql;
    if (threads < 1 || threads > 64)
        threads = 2;
    double qps, cpu_us;
    qps = measure(&proto, threads, 0, &cpu_us);
    printf("list_qps=%.1f\nlist_cpu_us=%.1f\n", qps, cpu_us);
    qps = measure(&proto, threads, 1, &cpu_us);
    printf("request_qps=%.1f\nrequest_cpu_us=%.1f\n", qps, cpu_us);
    return 0;
}
