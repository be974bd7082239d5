/*
 * fts_floor.c - the floor for search: the FTS5 ranked + snippet query that
 * GET /api/v1/articles?q=... runs (db_articles_list, then the capped count
 * of db_articles_count), in a tight loop on N threads with no HTTP, no JSON.
 * The server's search rate is compared with this one, measured in the same
 * run.
 *
 *   cc -O2 -o fts_floor bench/fts_floor.c -lsqlite3 -lpthread
 *   fts_floor DB 'MATCH-EXPR' [THREADS [SECONDS [LIMIT]]]
 *
 * MATCH-EXPR is the FTS5 expression the server builds from the user's query
 * (core/ftsq.c quotes every term: q=oil -> "oil", q=oil* -> "oil"*). Prints
 * queries/s for the list query alone and for list + count (a request).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char list_sql[] =
    "SELECT a.id, a.title, a.source, a.published, a.url, a.word_count, "
    "substr(a.body, 1, 600), -articles_fts.rank, snippet(articles_fts, 1, "
    "char(2), char(3), '…', 40) FROM articles_fts JOIN articles a "
    "ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?1 "
    "ORDER BY articles_fts.rank LIMIT ?2";
static const char count_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM articles_fts "
    "WHERE articles_fts MATCH ?1 LIMIT 10001)";

struct job {
    const char *path, *match;
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
    /* The pragmas db.c sets on the server's connections. */
    sqlite3_exec(db,
                 "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -32768;"
                 "PRAGMA temp_store = MEMORY; PRAGMA query_only = 1",
                 NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, list_sql, -1, &list, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, count_sql, -1, &count, NULL) != SQLITE_OK)
        die(db, "prepare");
    sqlite3_bind_text(list, 1, j->match, -1, SQLITE_STATIC);
    sqlite3_bind_int(list, 2, j->limit);
    sqlite3_bind_text(count, 1, j->match, -1, SQLITE_STATIC);
    end = now_s() + j->seconds;
    while (now_s() < end) {
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

static double measure(struct job *proto, int threads, int with_count)
{
    pthread_t tid[64];
    struct job jobs[64];
    long total = 0;
    double t0 = now_s();

    for (int i = 0; i < threads; i++) {
        jobs[i] = *proto;
        jobs[i].with_count = with_count;
        pthread_create(&tid[i], NULL, run, &jobs[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        total += jobs[i].done;
    }
    return (double)total / (now_s() - t0);
}

int main(int argc, char **argv)
{
    struct job proto = {0};
    int threads;

    if (argc < 3) {
        fprintf(stderr, "usage: fts_floor DB MATCH [THREADS [SECONDS "
                        "[LIMIT]]]\n");
        return 2;
    }
    proto.path = argv[1];
    proto.match = argv[2];
    threads = argc > 3 ? atoi(argv[3]) : 2;
    proto.seconds = argc > 4 ? atof(argv[4]) : 10;
    proto.limit = argc > 5 ? atoi(argv[5]) : 21;
    if (threads < 1 || threads > 64)
        threads = 2;
    printf("list_qps=%.1f\n", measure(&proto, threads, 0));
    printf("request_qps=%.1f\n", measure(&proto, threads, 1));
    return 0;
}
