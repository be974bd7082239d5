/*
 * test_db.c - the storage layer on temporary files: opening, migrations
 * and pragmas; article insert with duplicate detection, get, list in every
 * order with keyset and offset paging, filters, counts, delete, full-text
 * search with snippets, sources and volume; entity upkeep; the JSON reads
 * of entities, annotations and claims; claim groups and timeline events;
 * transactions, read-only handles, the connection pool and deadlines.
 */
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/dates.h"
#include "core/ftsq.h"
#include "core/jsonw.h"
#include "core/utf8.h"
#include "db/db.h"
#include "db/db_articles.h"
#include "db/db_internal.h"
#include "db/db_query.h"
#include "db/db_read.h"
#include "db/db_write.h"
#include "tap.h"

static char tmpdir[] = "/tmp/dossier-test-db-XXXXXX";
static char path[256];

/* The articles of every test, by id (1-based: row i is id i + 1). */
static const struct db_article_new articles[] = {
    {"a1", "Reuters", "Putin warns NATO", "2021-12-01", "https://x.test/1",
     "Russian President Vladimir Putin warned NATO against expansion.", "h1",
     8},
    {"a2", "AP", "Biden and Putin to talk", "2021-12-15", NULL,
     "Joe Biden and Vladimir Putin will speak by video.", "h2", 9},
    {NULL, "Reuters", "Troops gather", "2021-12-15T08:00:00Z", NULL,
     "Satellite images show troops gathering near the border.", "h3", 8},
    {"a4", "AP", "Late night statement", "2021-12-15T23:59:59Z", NULL,
     "The Kremlin issued a statement shortly before midnight.", "h4", 8},
    {"a5", NULL, "A blog post", "2021-12-16", NULL,
     "An independent writer summarised the week of diplomacy.", "h5", 8},
    {"a6", "BBC", "Undated explainer", NULL, NULL,
     "An explainer about the history of the zeppelinophile treaty.", "h6", 9},
    {"a7", "Reuters", "Year-end talks", "2021-12-31", NULL,
     "Officials prepared for talks in Geneva next month.", "h7", 8},
    {"a8", "AP", "Geneva talks begin", "2022-01-01T00:00:00Z", NULL,
     "Diplomats arrived for the first round of security talks.", "h8", 9},
    {"a9", "AP", "Second report", "2021-12-15", NULL,
     "A second report from the same day about the buildup.", "h9", 10},
    {"a10", "BBC", "November recap", "2021-11-30", NULL,
     "A recap of November events in Eastern Europe.", "h10", 9},
};

#define NARTICLES ((int64_t)(sizeof(articles) / sizeof(*articles)))

struct seen {
    int64_t ids[64];
    size_t n;
    char last_published[40];
    int64_t last_id;
    bool scored;
    struct db_article first; /* its pointers dangle: read scalars only */
    char title[64], body[256], snippet[256];
};

static int collect(void *ctx, const struct db_article *a)
{
    struct seen *s = ctx;

    if (s->n == 0) {
        s->first = *a;
        snprintf(s->title, sizeof(s->title), "%s", a->title ? a->title : "");
        snprintf(s->body, sizeof(s->body), "%.*s", (int)a->body_len,
                 a->body ? a->body : "");
        snprintf(s->snippet, sizeof(s->snippet), "%s",
                 a->snippet ? a->snippet : "");
    }
    if (s->n < 64)
        s->ids[s->n] = a->id;
    s->n++;
    snprintf(s->last_published, sizeof(s->last_published), "%s",
             a->published ? a->published : "");
    s->last_id = a->id;
    s->scored = a->has_score && a->score > 0;
    return 0;
}

/* "3,1,2" from the ids seen, for comparisons. */
static const char *ids_text(const struct seen *s)
{
    static char text[512];
    size_t n = 0;

    text[0] = '\0';
    for (size_t i = 0; i < s->n && i < 64; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%lld",
                              i ? "," : "", (long long)s->ids[i]);
    return text;
}

static const char *list_ids(struct db *db, const struct db_article_query *q)
{
    struct seen s = {0};

    if (db_articles_list(db, q, collect, &s, NULL) != DB_OK)
        return "error";
    return ids_text(&s);
}

static int64_t count(struct db *db, const struct db_article_query *q,
                     int64_t cap)
{
    int64_t n = -1;

    if (db_articles_count(db, q, cap, &n) != DB_OK)
        return -1;
    return n;
}

/* Remove the database @name of tmpdir with its -wal and -shm files. */
static void remove_db(const char *name)
{
    static const char *const ext[] = {"", "-wal", "-shm"};
    char file[300];

    for (size_t i = 0; i < sizeof(ext) / sizeof(*ext); i++) {
        snprintf(file, sizeof(file), "%s/%s%s", tmpdir, name, ext[i]);
        unlink(file);
    }
}

/* A new database @name in tmpdir, migrated; NULL, a failed test, if it
 * cannot be opened. remove_db(@name) takes it away. */
static struct db *open_scratch(const char *name)
{
    char file[300], err[512];
    struct db *db = NULL;

    snprintf(file, sizeof(file), "%s/%s", tmpdir, name);
    if (db_open(file, DB_OPEN_CREATE, &db, err, sizeof(err)) != DB_OK) {
        ok(0, "open %s: %s", name, err);
        return NULL;
    }
    return db;
}

static void test_open(void)
{
    struct db *db = NULL;
    char err[512], other[300];
    sqlite3 *raw;

    snprintf(other, sizeof(other), "%s/missing.db", tmpdir);
    err[0] = '\0';
    ok(db_open(other, 0, &db, err, sizeof(err)) == DB_ERROR && db == NULL &&
           strstr(err, "missing.db"),
       "opening a missing file without CREATE fails, naming it");
    ok(access(other, F_OK) != 0, "and creates nothing");

    ok(db_open(path, DB_OPEN_CREATE, &db, err, sizeof(err)) == DB_OK,
       "DB_OPEN_CREATE creates a database");
    ok(db_schema_latest() >= 1, "at least one migration is compiled in");
    is_int(db_schema_version(db), db_schema_latest(),
           "the schema version is the latest migration");
    ok(!db_is_readonly(db), "a writable handle");
    is_int(db_generation(db), 0, "a new corpus is generation 0");
    db_close(db);

    ok(db_open(path, DB_OPEN_CREATE, &db, err, sizeof(err)) == DB_OK &&
           db_schema_version(db) == db_schema_latest(),
       "reopening with CREATE migrates nothing");
    db_close(db);

    sqlite3_open(path, &raw);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, NULL);
    sqlite3_step(st);
    is_str((const char *)sqlite3_column_text(st, 0), "wal",
           "the file is in WAL mode");
    sqlite3_finalize(st);
    sqlite3_close(raw);

    /* A SQLite file that is not a dossier database. */
    snprintf(other, sizeof(other), "%s/foreign.db", tmpdir);
    sqlite3_open(other, &raw);
    sqlite3_exec(raw, "CREATE TABLE x(y)", NULL, NULL, NULL);
    sqlite3_close(raw);
    ok(db_open(other, 0, &db, err, sizeof(err)) == DB_ERROR &&
           strstr(err, "not a dossier database"),
       "a foreign SQLite file is refused without CREATE");

    /* A database from a newer binary. */
    sqlite3_open(other, &raw);
    sqlite3_exec(raw, "PRAGMA user_version = 9999", NULL, NULL, NULL);
    sqlite3_close(raw);
    ok(db_open(other, DB_OPEN_CREATE, &db, err, sizeof(err)) == DB_ERROR &&
           strstr(err, "newer"),
       "a schema newer than the binary is refused");
    remove_db("foreign.db");
}

static void test_insert(struct db *db)
{
    int64_t id = 0;
    int ok_all = 1;

    ok(db_begin(db) == DB_OK, "BEGIN");
    for (int64_t i = 0; i < NARTICLES; i++)
        ok_all = ok_all && db_articles_insert(db, &articles[i], &id) == DB_OK &&
                 id == i + 1;
    ok(db_bump_generation(db) == DB_OK, "bump the generation");
    ok(db_commit(db) == DB_OK, "COMMIT");
    ok(ok_all, "%lld articles inserted with ids 1..%lld", (long long)NARTICLES,
       (long long)NARTICLES);
    is_int(db_generation(db), 1, "the generation went up");

    struct db_article_new dup = articles[0];
    dup.body = "A different body under the same external id.";
    dup.body_hash = "other-hash";
    id = 0;
    is_int(db_articles_insert(db, &dup, &id), DB_DUPLICATE,
           "same external_id is a duplicate");
    is_int(id, 1, "with the stored id");

    dup = articles[2];
    dup.external_id = NULL;
    dup.title = "Another title";
    id = 0;
    is_int(db_articles_insert(db, &dup, &id), DB_DUPLICATE,
           "same body hash without external_id is a duplicate");
    is_int(id, 3, "with the stored id");
    is_int(db_articles_duplicate(db, "nope", "nope", &id), DB_NOT_FOUND,
           "an unknown article is not a duplicate");
    is_int(db_articles_duplicate(db, NULL, "h7", &id), DB_DUPLICATE,
           "db_articles_duplicate by hash");
    is_int(id, 7, "finds its id");

    int64_t total = 0;
    ok(db_articles_total(db, &total) == DB_OK && total == NARTICLES,
       "duplicates stored nothing");

    /* Only a uniqueness conflict is a duplicate; other constraints fail. */
    struct db_article_new no_body = {"nobody", NULL, NULL,          NULL,
                                     NULL,     NULL, "hash-nobody", 0};
    int rc = db_articles_insert(db, &no_body, &id);
    ok(rc != DB_OK && rc != DB_DUPLICATE,
       "an article without a body is an error, not a duplicate (%d)", rc);
    struct db_mention_row orphan = {9999, 9999, 0, 1, 0, "person"};
    rc = db_mention_insert(db, &orphan);
    ok(rc != DB_OK && rc != DB_DUPLICATE,
       "a mention of no article is an error, not a duplicate (%d)", rc);

    /* Rolled back inserts vanish. */
    struct db_article_new gone = {"gone",       "AP", "t",
                                  "2021-12-20", NULL, "rolled back body",
                                  "hash-gone",  3};
    db_begin(db);
    is_int(db_articles_insert(db, &gone, &id), DB_OK,
           "insert in a transaction");
    db_rollback(db);
    is_int(db_articles_duplicate(db, "gone", "hash-gone", &id), DB_NOT_FOUND,
           "rollback removes it");
    db_rollback(db);
    ok(1, "a rollback outside a transaction is harmless");
}

static void test_get(struct db *db)
{
    struct seen s = {0};

    is_int(db_articles_get(db, 1, collect, &s), DB_OK, "get article 1");
    is_str(s.title, "Putin warns NATO", "title");
    is_str(s.body, articles[0].body, "the whole body");
    is_int(s.first.body_len, strlen(articles[0].body), "body_len");
    is_int(s.first.word_count, 8, "word_count");
    ok(!s.first.has_score && s.first.snippet == NULL, "no score, no snippet");
    is_int(db_articles_get(db, 999, collect, &s), DB_NOT_FOUND,
           "an unknown id is DB_NOT_FOUND");
    is_int(s.n, 1, "and calls nothing");
}

/* Copy the fields a get callback sees that the test checks later. */
struct got {
    char external_id[16], source[16], published[32], url[32], ingested[32];
};

static int keep(void *ctx, const struct db_article *a)
{
    struct got *g = ctx;

    snprintf(g->external_id, sizeof(g->external_id), "%s",
             a->external_id ? a->external_id : "(null)");
    snprintf(g->source, sizeof(g->source), "%s",
             a->source ? a->source : "(null)");
    snprintf(g->published, sizeof(g->published), "%s",
             a->published ? a->published : "(null)");
    snprintf(g->url, sizeof(g->url), "%s", a->url ? a->url : "(null)");
    snprintf(g->ingested, sizeof(g->ingested), "%s",
             a->ingested_at ? a->ingested_at : "(null)");
    return 0;
}

static void test_get_fields(struct db *db)
{
    struct got g;

    db_articles_get(db, 1, keep, &g);
    ok(strcmp(g.external_id, "a1") == 0 && strcmp(g.source, "Reuters") == 0 &&
           strcmp(g.published, "2021-12-01") == 0 &&
           strcmp(g.url, "https://x.test/1") == 0,
       "get returns the stored metadata");
    ok(date_valid_published(g.ingested) && strlen(g.ingested) == 20,
       "ingested_at is a UTC timestamp (%s)", g.ingested);
    db_articles_get(db, 6, keep, &g);
    ok(strcmp(g.published, "(null)") == 0 && strcmp(g.url, "(null)") == 0,
       "absent fields are NULL");
    db_articles_get(db, 3, keep, &g);
    is_str(g.external_id, "(null)", "no external_id is NULL");
}

static void test_orders(struct db *db)
{
    struct db_article_query q = {.sort = DB_SORT_ID, .limit = 100};
    static const char *const by_date_desc = "8,7,5,4,3,9,2,1,10,6";
    static const char *const by_date_asc = "6,10,1,2,9,3,4,5,7,8";

    is_str(list_ids(db, &q), "1,2,3,4,5,6,7,8,9,10", "sort by id");
    q.sort = DB_SORT_PUBLISHED_DESC;
    is_str(list_ids(db, &q), by_date_desc,
           "newest first, ties by id descending, undated last");
    q.sort = DB_SORT_PUBLISHED_ASC;
    is_str(list_ids(db, &q), by_date_asc, "oldest first");
    q.sort = DB_SORT_RELEVANCE;
    is_str(list_ids(db, &q), by_date_desc,
           "relevance without a query is newest first");
    q.limit = 3;
    q.sort = DB_SORT_ID;
    is_str(list_ids(db, &q), "1,2,3", "limit");

    /* Keyset paging to the end in each order. */
    static const enum db_article_sort sorts[] = {
        DB_SORT_ID, DB_SORT_PUBLISHED_DESC, DB_SORT_PUBLISHED_ASC};
    static const char *const want[] = {"1,2,3,4,5,6,7,8,9,10", by_date_desc,
                                       by_date_asc};
    for (size_t k = 0; k < 3; k++) {
        char all[256] = "";
        int pages = 0;
        struct db_article_query p = {.sort = sorts[k], .limit = 3};
        for (;;) {
            struct seen s = {0};
            if (db_articles_list(db, &p, collect, &s, NULL) != DB_OK || !s.n)
                break;
            pages++;
            snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s",
                     all[0] ? "," : "", ids_text(&s));
            p.after.set = true;
            p.after.id = s.last_id;
            snprintf(p.after.published, sizeof(p.after.published), "%s",
                     s.last_published);
            if (pages > 10)
                break;
        }
        is_str(all, want[k], "keyset pages of 3 walk order %zu to the end", k);
        is_int(pages, 4, "in 4 pages");
    }
}

static void test_filters(struct db *db)
{
    static const char *const ap[] = {"AP"};
    static const char *const ap_bbc[] = {"AP", "BBC"};
    static const char *const none[] = {"Nobody"};
    struct db_article_query q = {.sort = DB_SORT_ID, .limit = 100};

    q.sources = ap;
    q.nsources = 1;
    is_str(list_ids(db, &q), "2,4,8,9", "one source");
    is_int(count(db, &q, 100), 4, "counted");
    q.sources = ap_bbc;
    q.nsources = 2;
    is_str(list_ids(db, &q), "2,4,6,8,9,10", "two sources are OR-ed");
    q.sources = none;
    q.nsources = 1;
    is_str(list_ids(db, &q), "", "an unknown source matches nothing");
    is_int(count(db, &q, 100), 0, "counted as 0");
    q.nsources = 0;

    q.since = "2021-12-15";
    is_str(list_ids(db, &q), "2,3,4,5,7,8,9",
           "since is inclusive and takes that day's timestamps");
    q.since = NULL;
    q.until = "2021-12-15";
    is_str(list_ids(db, &q), "1,2,3,4,9,10",
           "until is inclusive up to 23:59:59, undated excluded");
    q.since = "2021-12-15";
    is_str(list_ids(db, &q), "2,3,4,9", "since = until is one day");
    is_int(count(db, &q, 100), 4, "counted");
    q.since = NULL;
    q.until = "2021-12-31";
    is_str(list_ids(db, &q), "1,2,3,4,5,7,9,10",
           "until the year's end excludes the new year's midnight");
    q.until = NULL;
    q.since = "2022-01-01";
    is_str(list_ids(db, &q), "8", "since the new year");
    q.sources = ap;
    q.nsources = 1;
    q.since = "2021-12-15";
    q.until = "2021-12-15";
    is_str(list_ids(db, &q), "2,4,9", "source AND dates");
    q.nsources = 0;
    q.since = q.until = NULL;

    /* Each list length is its own statement: more than the cache holds. */
    const char *many[80];
    char fillers[80][8];
    bool same = true;
    many[0] = "AP";
    for (int i = 1; i < 80; i++) {
        snprintf(fillers[i], sizeof(fillers[i]), "x%d", i);
        many[i] = fillers[i];
    }
    q.sources = many;
    for (size_t len = 1; len <= 80; len++) {
        q.nsources = len;
        same = same && count(db, &q, 100) == 4;
    }
    for (size_t len = 80; len >= 1; len--) {
        q.nsources = len;
        same = same && count(db, &q, 100) == 4;
    }
    ok(same, "80 statement shapes, twice, through the statement cache");
    q.nsources = 0;

    is_int(count(db, &q, 100), NARTICLES, "count without filters");
    is_int(count(db, &q, 3), 3, "count stops at the cap");
    int64_t total = 0;
    ok(db_articles_total(db, &total) == DB_OK && total == NARTICLES, "total");

    int64_t *ids = NULL;
    size_t n = 0;
    ok(db_articles_ids(db, &ids, &n) == DB_OK && n == (size_t)NARTICLES &&
           ids[0] == 1 && ids[n - 1] == NARTICLES,
       "db_articles_ids lists every id ascending");
    free(ids);
}

/* Rows of a callback joined into one line. */
struct joined {
    char text[256];
};

static int collect_source(void *ctx, const struct db_source *s)
{
    struct joined *r = ctx;
    size_t n = strlen(r->text);

    snprintf(r->text + n, sizeof(r->text) - n, "%s%s=%lld", n ? " " : "",
             s->source ? s->source : "(none)", (long long)s->article_count);
    return 0;
}

static int collect_bucket(void *ctx, const char *date, int64_t count)
{
    struct joined *r = ctx;
    size_t n = strlen(r->text);

    snprintf(r->text + n, sizeof(r->text) - n, "%s%s=%lld", n ? " " : "", date,
             (long long)count);
    return 0;
}

static void test_sources_volume(struct db *db)
{
    struct joined r = {""};
    struct db_article_query q = {.sort = DB_SORT_ID};
    static const char *const ap[] = {"AP"};

    ok(db_sources_list(db, collect_source, &r) == DB_OK, "sources list");
    is_str(r.text, "AP=4 Reuters=3 BBC=2 (none)=1",
           "sources by article count, no source counted too");

    static const struct {
        enum db_interval interval;
        const char *want;
    } cases[] = {
        {DB_INTERVAL_DAY, "2021-11-30=1 2021-12-01=1 2021-12-15=4 "
                          "2021-12-16=1 2021-12-31=1 2022-01-01=1"},
        {DB_INTERVAL_WEEK, "2021-11-29=2 2021-12-13=5 2021-12-27=2"},
        {DB_INTERVAL_MONTH, "2021-11=1 2021-12=7 2022-01=1"},
    };
    for (size_t i = 0; i < 3; i++) {
        r.text[0] = '\0';
        ok(db_articles_volume(db, &q, cases[i].interval, collect_bucket, &r) ==
                   DB_OK &&
               strcmp(r.text, cases[i].want) == 0,
           "volume by interval %zu (weeks named by Monday)", i);
        if (strcmp(r.text, cases[i].want))
            printf("#   got \"%s\"\n", r.text);
    }
    q.sources = ap;
    q.nsources = 1;
    r.text[0] = '\0';
    db_articles_volume(db, &q, DB_INTERVAL_DAY, collect_bucket, &r);
    is_str(r.text, "2021-12-15=3 2022-01-01=1", "volume takes the filters");
}

/* The list for a search box query. */
static int search(struct db *db, const char *box, enum db_article_sort sort,
                  int64_t limit, struct db_position *after, struct seen *s)
{
    struct db_article_query q = {.sort = sort, .limit = limit};
    char *match = NULL;
    int rc;

    if (ftsq_translate(box, &match) != FTSQ_OK)
        return -100;
    q.match = match;
    if (after)
        q.after = *after;
    memset(s, 0, sizeof(*s));
    rc = db_articles_list(db, &q, collect, s, NULL);
    free(match);
    return rc;
}

static void test_search(struct db *db)
{
    struct seen s;

    ok(search(db, "geneva", DB_SORT_RELEVANCE, 10, NULL, &s) == DB_OK,
       "search");
    is_str(ids_text(&s), "8,7", "a title match ranks above a body match");
    ok(s.scored, "results carry a positive score");
    search(db, "geneva", DB_SORT_ID, 10, NULL, &s);
    ok(strstr(s.snippet, "talks in \x02Geneva\x03 next") != NULL,
       "the body snippet marks the match in place");
    search(db, "geneva prepared", DB_SORT_ID, 10, NULL, &s);
    ok(strstr(s.snippet, "\x02prepared\x03") &&
           strstr(s.snippet, "\x02Geneva\x03"),
       "every matched term is marked");

    search(db, "talks", DB_SORT_ID, 10, NULL, &s);
    is_str(ids_text(&s), "2,7,8", "stemmed search (talk/talks) by id");
    search(db, "talks", DB_SORT_PUBLISHED_DESC, 10, NULL, &s);
    is_str(ids_text(&s), "8,7,2", "search sorted newest first");
    search(db, "putin", DB_SORT_RELEVANCE, 10, NULL, &s);
    int64_t all = (int64_t)s.n;
    is_int(all, 2, "putin is in two articles");

    /* Offset paging of relevance results. */
    char first[64];
    struct db_position after = {.set = true};
    search(db, "putin", DB_SORT_RELEVANCE, 1, NULL, &s);
    snprintf(first, sizeof(first), "%s", ids_text(&s));
    after.offset = 1;
    search(db, "putin", DB_SORT_RELEVANCE, 1, &after, &s);
    ok(s.n == 1 && strcmp(first, ids_text(&s)) != 0,
       "offset paging gives the next result");
    after.offset = 2;
    search(db, "putin", DB_SORT_RELEVANCE, 1, &after, &s);
    is_int(s.n, 0, "and then nothing");

    char *match = NULL;
    struct db_article_query q = {.sort = DB_SORT_RELEVANCE, .limit = 10};
    ftsq_translate("zeppelinophile", &match);
    q.match = match;
    is_int(count(db, &q, 100), 1, "count of a search");
    static const char *const ap[] = {"AP"};
    q.sources = ap;
    q.nsources = 1;
    is_int(count(db, &q, 100), 0, "count of a search with a filter");
    free(match);

    q.match = "talks AND";
    q.nsources = 0;
    struct seen bad = {0};
    is_int(db_articles_list(db, &q, collect, &bad, NULL), DB_BAD_QUERY,
           "a malformed FTS5 expression is DB_BAD_QUERY in a list");
    int64_t n;
    is_int(db_articles_count(db, &q, 10, &n), DB_BAD_QUERY, "and in a count");
    q.match = "\"talks\"";
    is_int(db_articles_list(db, &q, collect, &bad, NULL), DB_OK,
           "the connection works after a bad query");
}

/* A callback that stops the list at its first row. */
static int first_only(void *ctx, const struct db_article *a)
{
    (void)a;
    ++*(int *)ctx;
    return 1;
}

/*
 * A search by relevance counts its matches while it ranks them: the
 * count is the one db_articles_count gives, on every page and with
 * filters, however early the caller stops; other orders do not count.
 */
static void test_search_matches(struct db *db)
{
    static const char *const boxes[] = {"talks",   "putin", "geneva prepared",
                                        "talk*",   "a",     "zeppelinophile",
                                        "qwzxnone"};
    static const char *const reuters[] = {"Reuters"};
    char *match = NULL;
    int bad = 0, checked = 0;

    for (size_t i = 0; i < sizeof(boxes) / sizeof(*boxes); i++) {
        if (ftsq_translate(boxes[i], &match) != FTSQ_OK) {
            ok(0, "translate %s", boxes[i]);
            continue;
        }
        for (int filtered = 0; filtered < 2; filtered++)
            for (int64_t offset = 0; offset < 4; offset++) {
                struct db_article_query q = {
                    .match = match,
                    .sort = DB_SORT_RELEVANCE,
                    .limit = 1 + offset % 2,
                    .sources = filtered ? reuters : NULL,
                    .nsources = filtered ? 1 : 0,
                    .after = {.set = offset > 0, .offset = offset},
                };
                struct seen s = {0};
                int64_t matches = -2, want = count(db, &q, 1000);
                if (db_articles_list(db, &q, collect, &s, &matches) != DB_OK ||
                    matches != want) {
                    printf("#   %s filtered=%d offset=%lld: %lld, count %lld\n",
                           boxes[i], filtered, (long long)offset,
                           (long long)matches, (long long)want);
                    bad++;
                }
                checked++;
            }
        free(match);
    }
    is_int(bad, 0, "%d searches by relevance count their matches", checked);

    ftsq_translate("talks", &match);
    struct db_article_query q = {
        .match = match, .sort = DB_SORT_RELEVANCE, .limit = 10};
    int64_t matches = -2;
    int rows = 0;
    ok(db_articles_list(db, &q, first_only, &rows, &matches) == DB_OK &&
           rows == 1 && matches == count(db, &q, 1000) && matches > 1,
       "a list stopped at its first row has counted every match");
    static const enum db_article_sort others[] = {
        DB_SORT_ID, DB_SORT_PUBLISHED_DESC, DB_SORT_PUBLISHED_ASC};
    bad = 0;
    for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
        struct seen s = {0};
        q.sort = others[i];
        matches = -2;
        if (db_articles_list(db, &q, collect, &s, &matches) != DB_OK ||
            matches != -1)
            bad++;
    }
    q.match = NULL;
    q.sort = DB_SORT_RELEVANCE;
    struct seen s = {0};
    if (db_articles_list(db, &q, collect, &s, &matches) != DB_OK ||
        matches != -1)
        bad++;
    is_int(bad, 0, "other orders and plain lists leave the count unknown (-1)");
    free(match);
}

static void test_delete(struct db *db)
{
    struct seen s = {0};
    int64_t total = 0;

    is_int(db_articles_delete(db, 6), DB_OK, "delete an article");
    is_int(db_articles_delete(db, 6), DB_NOT_FOUND, "deleting it again");
    is_int(db_articles_get(db, 6, collect, &s), DB_NOT_FOUND, "it is gone");
    db_articles_total(db, &total);
    is_int(total, NARTICLES - 1, "the total went down");
    search(db, "zeppelinophile", DB_SORT_RELEVANCE, 10, NULL, &s);
    is_int(s.n, 0, "its words left the full-text index");
}

/* Rows of @table (articles_fts or claims_fts) matching @word. */
static int64_t fts_hits(struct db *db, const char *table, const char *word)
{
    char sql[128];
    int64_t n = -1;

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s MATCH ?1",
             table, table);
    sqlite3_stmt *st = db_stmt(db, sql);
    sqlite3_bind_text(st, 1, word, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}

/* FTS5's own check that @table's index equals its content. */
static bool fts_consistent(struct db *db, const char *table)
{
    char sql[160];

    snprintf(sql, sizeof(sql),
             "INSERT INTO %s(%s, rank) VALUES ('integrity-check', 1)", table,
             table);
    return db_exec(db, sql) == DB_OK;
}

static int64_t add_article(struct db *db, const char *hash, const char *body)
{
    struct db_article_new a = {NULL, "Test", "Deferred", "2021-12-01",
                               NULL, body,   hash,       3};
    int64_t id = 0;

    return db_articles_insert(db, &a, &id) == DB_OK ? id : -1;
}

/*
 * New articles and claims reach the full-text indexes when their
 * transaction commits (schema 0004): rows of a rolled-back savepoint or
 * transaction never do, rows deleted before the commit leave the index
 * consistent, and a write outside a transaction is searchable at once.
 */
static void test_fts_at_commit(void)
{
    struct db *db = NULL;

    if (!(db = open_scratch("fts.db")))
        return;
    ok(add_article(db, "f1", "a lone quokka") > 0 &&
           fts_hits(db, "articles_fts", "quokka") == 1,
       "outside a transaction an article is indexed at once");

    db_begin(db);
    int64_t gone = add_article(db, "f2", "a wombat that is deleted");
    db_savepoint(db);
    add_article(db, "f3", "a numbat rolled back");
    db_savepoint_rollback(db);
    int64_t kept = add_article(db, "f4", "a bilby that stays");
    struct db_claim_row c = {
        .article_id = kept, .kind = "statement", .start = 2, .end = 7};
    int64_t claim = 0;
    ok(gone > 0 && kept > 0 && db_claim_insert(db, &c, &claim, NULL) == DB_OK,
       "articles and a claim inserted in a transaction");
    is_int(db_articles_delete(db, gone), DB_OK,
           "an article deleted before its transaction commits");
    is_int(db_commit(db), DB_OK, "commit");
    is_int(fts_hits(db, "articles_fts", "bilby"), 1,
           "the committed article is found");
    is_int(fts_hits(db, "claims_fts", "bilby"), 1,
           "and its claim, by the claim's span of the body");
    is_int(fts_hits(db, "articles_fts", "numbat"), 0,
           "an article of a rolled-back savepoint is not");
    is_int(fts_hits(db, "articles_fts", "wombat"), 0,
           "nor the article deleted before the commit");

    db_begin(db);
    add_article(db, "f5", "a potoroo never kept");
    db_rollback(db);
    db_begin(db);
    add_article(db, "f6", "a dunnart kept");
    is_int(db_commit(db), DB_OK, "a transaction after a rollback commits");
    ok(fts_hits(db, "articles_fts", "potoroo") == 0 &&
           fts_hits(db, "articles_fts", "dunnart") == 1,
       "the rolled-back article is not indexed, the next one is");
    ok(fts_consistent(db, "articles_fts") && fts_consistent(db, "claims_fts"),
       "both full-text indexes pass FTS5's integrity-check");
    db_close(db);
    remove_db("fts.db");
}

/* Entity JSON from db_entities_get, parsed; NULL when absent. */
/*
 * db_read_begin holds one snapshot across queries: a write committed by
 * another connection shows after db_read_end, not before.
 */
static void test_read_snapshot(struct db *db)
{
    struct db *reader = NULL;
    char err[512];
    int64_t before = -1, during = -1, after = -1;

    if (db_open(path, 0, &reader, err, sizeof(err)) != DB_OK) {
        ok(0, "open a second connection: %s", err);
        return;
    }
    db_articles_total(reader, &before);
    ok(db_read_begin(reader) == DB_OK && db_in_transaction(reader) &&
           db_read_begin(reader) == DB_OK,
       "a read transaction begins (and begins again harmlessly)");
    db_articles_total(reader, &during);
    int64_t id = add_article(db, "snap1", "a snapshot test");
    db_articles_total(reader, &during);
    is_int(during, before, "a write by another connection is not seen yet");
    db_read_end(reader);
    ok(!db_in_transaction(reader), "db_read_end ends it");
    db_articles_total(reader, &after);
    is_int(after, before + 1, "and then the write is seen");
    db_read_end(reader);
    ok(!db_in_transaction(reader), "db_read_end without a transaction: no-op");
    db_articles_delete(db, id);
    db_close(reader);
}

/*
 * A connection keeps the set of its last search filters while the
 * database does not change: a write by another connection, or by its
 * own, must be seen by the next search with the same filters, in a read
 * transaction begun before the write commits and after.
 */
static void test_filter_memo(struct db *db)
{
    struct db *reader = NULL;
    struct db_article_query q = {.match = "memo", .limit = 10};
    const char *test[] = {"Test"}, *other[] = {"Other"};
    char err[512];
    int64_t ids[3];

    if (db_open(path, 0, &reader, err, sizeof(err)) != DB_OK) {
        ok(0, "open a second connection: %s", err);
        return;
    }
    q.sources = test;
    q.nsources = 1;
    ids[0] = add_article(db, "memo1", "a memo test");
    is_int(count(reader, &q, 100), 1, "a filtered search: one match");
    is_int(count(reader, &q, 100), 1, "asked again: the same");
    ids[1] = add_article(db, "memo2", "another memo test");
    is_int(count(reader, &q, 100), 2,
           "an article another connection adds in the outlet is found");
    ok(db_read_begin(reader) == DB_OK, "in a read transaction");
    is_int(count(reader, &q, 100), 2, "the same two");
    ids[2] = add_article(db, "memo3", "a third memo test");
    is_int(count(reader, &q, 100), 2,
           "a write after its first read: not seen yet");
    db_read_end(reader);
    is_int(count(reader, &q, 100), 3, "once it ends: found");
    ok(db_read_begin(reader) == DB_OK, "and in the next read transaction");
    is_int(count(reader, &q, 100), 3, "too");
    db_read_end(reader);
    db_articles_delete(db, ids[2]);
    is_int(count(reader, &q, 100), 2, "a deletion is seen");
    q.sources = other;
    is_int(count(reader, &q, 100), 0, "another outlet: its own set");
    q.sources = test;
    is_int(count(db, &q, 100), 2, "the writer's own connection");
    db_articles_delete(db, ids[1]);
    is_int(count(db, &q, 100), 1, "sees its own deletion");
    db_articles_delete(db, ids[0]);
    is_int(count(db, &q, 100), 0, "and the next");
    db_close(reader);
}

/* The object @get writes for @id, parsed; NULL when it fails. */
static json_t *read_one(struct db *db, int64_t id,
                        int (*get)(struct db *, int64_t, struct jsonw *))
{
    struct buf b;
    struct jsonw w;
    json_t *j = NULL;

    buf_init(&b, 1 << 20);
    jw_init(&w, &b);
    if (get(db, id, &w) == DB_OK)
        j = json_loadb(b.data, b.len, 0, NULL);
    buf_release(&b);
    return j;
}

/* String member @key of the object @get writes for @id, or @none. */
static const char *read_text(struct db *db, int64_t id,
                             int (*get)(struct db *, int64_t, struct jsonw *),
                             const char *key, const char *none)
{
    static char text[512];
    json_t *j = read_one(db, id, get);

    snprintf(text, sizeof(text), "%s",
             j ? json_string_value(json_object_get(j, key)) : none);
    json_decref(j);
    return text;
}

static json_t *entity(struct db *db, int64_t id)
{
    return read_one(db, id, db_entities_get);
}

static const char *entity_name(struct db *db, int64_t id)
{
    return read_text(db, id, db_entities_get, "name", "(none)");
}

static int64_t entity_int(struct db *db, int64_t id, const char *field)
{
    json_t *j = entity(db, id);
    int64_t v = j ? json_integer_value(json_object_get(j, field)) : -1;

    json_decref(j);
    return v;
}

static const char *entity_aliases(struct db *db, int64_t id)
{
    static char text[256];
    json_t *j = entity(db, id), *a;
    size_t i, n = 0;

    text[0] = '\0';
    json_array_foreach(j ? json_object_get(j, "aliases") : NULL, i, a) n +=
        (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i ? "|" : "",
                         json_string_value(a));
    json_decref(j);
    return text;
}

/*
 * A mention of @text in @article: a mention's text is its span of the body,
 * so the body is given the words first when it does not have them.
 */
static int mention(struct db *db, int64_t article, int64_t entity_id,
                   const char *text)
{
    sqlite3_stmt *st = db_stmt(
        db, "UPDATE articles SET body = body || ' ' || ?2 WHERE id = ?1 AND "
            "instr(body, ?2) = 0");
    int64_t start = -1;

    sqlite3_bind_int64(st, 1, article);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_reset(st);
    st = db_stmt(db, "SELECT instr(body, ?2) - 1 FROM articles WHERE id = ?1");
    sqlite3_bind_int64(st, 1, article);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        start = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);

    struct db_mention_row m = {
        article, entity_id, start, start + (int64_t)strlen(text), 0, "person"};
    return db_mention_insert(db, &m);
}

static void test_entities(struct db *db)
{
    int64_t putin = 0, other = 0, biden = 0, lonely = 0, speaker = 0, id = 0;

    db_begin(db);
    ok(db_entity_create(db, "Vladimir Putin", "person", "person:vladimir putin",
                        &putin) == DB_OK &&
           putin > 0,
       "create an entity");
    ok(db_entity_find(db, "person:vladimir putin", &id) == DB_OK && id == putin,
       "find it by its key");
    is_int(db_entity_find(db, "person:nobody", &id), DB_NOT_FOUND,
           "an unknown key is DB_NOT_FOUND");
    is_int(db_entity_create(db, "V. Putin", "person", "person:vladimir putin",
                            &id),
           DB_DUPLICATE, "a second entity under the same key is refused");
    ok(db_entity_add_key(db, putin, "person:putin") == DB_OK &&
           db_entity_find(db, "person:putin", &id) == DB_OK && id == putin,
       "add a weaker key");
    is_int(db_entity_add_key(db, putin, "person:putin"), DB_OK,
           "adding it twice is ignored");

    /* Mentions in three articles (Reuters, AP, no source), each tallied
     * once stored, with a use of its surface form. */
    static const struct {
        int64_t article;
        const char *text;
    } uses[] = {
        {1, "Vladimir Putin"}, {1, "Putin"}, {2, "Putin"}, {5, "Mr. Putin"}};
    for (size_t i = 0; i < 4; i++) {
        mention(db, uses[i].article, putin, uses[i].text);
        db_entity_add_alias(db, putin, uses[i].text);
    }
    ok(db_entity_tally(db, putin, 1, +1) == DB_OK &&
           db_entity_tally(db, putin, 2, +1) == DB_OK &&
           db_entity_tally(db, putin, 5, +1) == DB_OK,
       "tally an entity's articles");
    is_int(entity_int(db, putin, "mention_count"), 4, "mention_count");
    is_int(entity_int(db, putin, "article_count"), 3, "article_count");
    is_int(entity_int(db, putin, "source_count"), 3,
           "source_count (an article without source is its own outlet)");
    is_str(entity_aliases(db, putin), "Putin|Mr. Putin",
           "aliases by use count, the canonical name left out");

    /* Two entities share "person:putin"; the most mentioned wins. */
    db_entity_create(db, "Ivan Putin", "person", "person:ivan putin", &other);
    db_entity_add_key(db, other, "person:putin");
    mention(db, 3, other, "Ivan Putin");
    db_entity_tally(db, other, 3, +1);
    ok(db_entity_find(db, "person:putin", &id) == DB_OK && id == putin,
       "a shared key finds the entity with the most mentions");
    for (int i = 0; i < 4; i++)
        mention(db, 4, other, "Ivan Putin");
    db_entity_tally(db, other, 4, +1);
    ok(db_entity_find(db, "person:putin", &id) == DB_OK && id == other,
       "and follows the counts");

    /* Taking an article's share away, before its rows go. */
    ok(db_entity_tally(db, putin, 2, -1) == DB_OK, "untally article 2");
    db_annotations_clear(db, 2);
    is_int(entity_int(db, putin, "mention_count"), 3, "mentions went down");
    is_int(entity_int(db, putin, "article_count"), 2, "articles went down");
    is_int(entity_int(db, putin, "source_count"), 2,
           "the outlet of the article left");
    is_str(entity_aliases(db, putin), "Mr. Putin|Putin",
           "the article's alias uses left");
    db_entity_tally(db, putin, 5, -1);
    db_annotations_clear(db, 5);
    is_str(entity_aliases(db, putin), "Putin",
           "an alias no mention uses any more is dropped");

    /* The canonical name becomes the fullest form offered. */
    db_entity_create(db, "Biden", "person", "person:biden", &biden);
    mention(db, 7, biden, "Biden");
    db_entity_tally(db, biden, 7, +1);
    db_entity_offer_name(db, biden, "Joe Biden", "person:joe biden");
    is_str(entity_name(db, biden), "Joe Biden", "more words win");
    ok(db_entity_find(db, "person:joe biden", &id) == DB_OK && id == biden,
       "the fuller name's key finds the entity");
    ok(db_entity_find(db, "person:biden", &id) == DB_OK && id == biden,
       "and the old key still does");
    db_entity_offer_name(db, biden, "Biden", "person:biden");
    is_str(entity_name(db, biden), "Joe Biden", "fewer words lose");
    db_entity_offer_name(db, biden, "Joseph Biden", "person:joseph biden");
    is_str(entity_name(db, biden), "Joseph Biden", "same words, longer wins");
    db_entity_offer_name(db, biden, "Jim Biden", "person:jim biden");
    is_str(entity_name(db, biden), "Joseph Biden", "same words, shorter loses");
    is_int(db_entity_offer_name(db, biden, "Joseph R. Biden",
                                "person:vladimir putin"),
           DB_OK, "a fuller name whose key another entity holds");
    is_str(entity_name(db, biden), "Joseph R. Biden", "still takes the name");
    ok(db_entity_find(db, "person:vladimir putin", &id) == DB_OK && id == putin,
       "and leaves the key's owner alone");
    is_int(db_entity_offer_name(db, 99999, "Anyone", "person:anyone"),
           DB_NOT_FOUND, "offering a name to no entity");

    /* Pruning deletes entities without mentions, unless they speak. */
    db_entity_create(db, "Nobody Special", "person", "person:nobody special",
                     &lonely);
    db_entity_create(db, "Dmitry Peskov", "person", "person:dmitry peskov",
                     &speaker);
    struct db_claim_row claim = {.article_id = 4,
                                 .kind = "quote",
                                 .start = 0,
                                 .end = 10,
                                 .speaker_entity_id = speaker,
                                 .speaker_text = "Dmitry Peskov"};
    int64_t claim_id = 0;
    ok(db_claim_insert(db, &claim, &claim_id, NULL) == DB_OK && claim_id > 0,
       "insert a claim");
    int64_t three[] = {lonely, speaker, putin};
    ok(db_entities_prune(db, three, 3) == DB_OK, "prune");
    is_int(db_entities_exists(db, lonely), DB_NOT_FOUND,
           "an entity without mentions is deleted");
    is_int(db_entities_exists(db, speaker), DB_OK,
           "a speaker without mentions is kept");
    is_int(db_entities_exists(db, putin), DB_OK,
           "an entity with mentions is kept");

    int64_t *ids = NULL;
    size_t n = 0;
    ok(db_article_entities(db, 4, &ids, &n) == DB_OK && n == 2,
       "an article's entities include its claims' speakers");
    free(ids);

    /* Deleting an article: untally, delete (mentions cascade), prune. */
    db_entity_tally(db, putin, 1, -1);
    is_int(entity_int(db, putin, "mention_count"), 0,
           "the last article's share taken away");
    is_int(db_articles_delete(db, 1), DB_OK, "delete article 1");
    db_entities_prune(db, &putin, 1);
    is_int(db_entities_exists(db, putin), DB_NOT_FOUND,
           "an entity whose last article went is pruned");
    ok(db_commit(db) == DB_OK, "commit the entity work");
}

/* A page of a db_read list as JSON, parsed. */
static json_t *page_json(int rc_want, int rc, struct buf *b)
{
    json_t *j = rc == rc_want ? json_loadb(b->data, b->len, 0, NULL) : NULL;

    buf_reset(b);
    return j;
}

/* "name1|name2" of a JSON array of objects, by @field. */
static const char *names(json_t *arr, const char *field)
{
    static char text[512];
    json_t *v;
    size_t i, n = 0;

    text[0] = '\0';
    json_array_foreach(arr, i, v)
    {
        json_t *f = json_object_get(v, field);
        if (json_is_string(f))
            n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s",
                                  i ? "|" : "", json_string_value(f));
        else
            n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%lld",
                                  i ? "|" : "",
                                  (long long)json_integer_value(f));
    }
    return text;
}

static void test_reads(void)
{
    static const struct db_article_new docs[] = {
        {"r1", "AP", "Talks", "2021-12-20", NULL,
         "Vladimir Putin spoke with Olaf Scholz on Monday.", "r1", 8},
        {"r2", "Reuters", "Troops", "2021-12-21", NULL,
         "Putin said 100,000 troops would stay.", "r2", 6},
    };
    struct db *db = NULL;
    int64_t id = 0, putin = 0, scholz = 0, elysee = 0, nato = 0, t1 = 0, c1 = 0,
            c2 = 0;
    struct buf b;
    struct jsonw w;
    json_t *j;

    if (!(db = open_scratch("reads.db")))
        return;
    buf_init(&b, 1 << 20);
    db_begin(db);
    db_articles_insert(db, &docs[0], &id);
    db_articles_insert(db, &docs[1], &id);
    db_entity_create(db, "Vladimir Putin", "person", "p:putin", &putin);
    db_entity_create(db, "Olaf Scholz", "person", "p:scholz", &scholz);
    db_entity_create(db,
                     "\xc3\x89lys\xc3\xa9"
                     "e Palace",
                     "place", "l:elysee", &elysee);
    db_entity_create(db, "NATO", "org", "o:nato", &nato);
    mention(db, 1, putin, "Vladimir Putin");
    mention(db, 2, putin, "Putin");
    mention(db, 1, scholz, "Scholz");
    mention(db, 2, elysee,
            "\xc3\x89lys\xc3\xa9"
            "e Palace");
    db_entity_add_alias(db, putin, "Vladimir Putin");
    db_entity_add_alias(db, putin, "Putin");
    db_entity_add_alias(db, scholz, "Scholz");
    db_entity_add_alias(db, elysee,
                        "\xc3\x89lys\xc3\xa9"
                        "e Palace");
    db_entity_tally(db, putin, 1, +1);
    db_entity_tally(db, putin, 2, +1);
    db_entity_tally(db, scholz, 1, +1);
    db_entity_tally(db, elysee, 2, +1);
    /* Sentence 0 of each article names both, as ingest records it. */
    ok(db_entity_cooccur_add(db, putin, scholz) == DB_OK &&
           db_entity_cooccur_add(db, putin, elysee) == DB_OK,
       "co-occurrences are counted");
    int64_t all[] = {putin, scholz, elysee, nato};
    db_entities_prune(db, all, 4);
    ok(db_entities_exists(db, nato) == DB_NOT_FOUND,
       "an entity never mentioned is pruned");

    struct db_timex_row tx = {1, 44, 50, 0, "date", "2021-12-20"};
    ok(db_timex_insert(db, &tx, &t1) == DB_OK && t1 > 0, "insert a timex");
    struct db_claim_row quote = {.article_id = 2,
                                 .kind = "statement",
                                 .start = 0,
                                 .end = 37,
                                 .speaker_entity_id = putin,
                                 .speaker_text = "Putin"};
    struct db_claim_row number = {.article_id = 2,
                                  .kind = "number",
                                  .start = 11,
                                  .end = 25,
                                  .has_value = 1,
                                  .value = 100000,
                                  .unit = "troops",
                                  .qualifier = "exact"};
    ok(db_claim_insert(db, &quote, &c1, NULL) == DB_OK &&
           db_claim_insert(db, &number, &c2, NULL) == DB_OK,
       "insert two claims");
    ok(db_claim_add_entity(db, c2, putin) == DB_OK &&
           db_claim_add_entity(db, c2, putin) == DB_OK,
       "link a claim to an entity (twice is ignored)");
    db_commit(db);

    /* Entities list: filters, orders, paging. */
    struct db_entity_query eq = {.sort = DB_ENTITY_SORT_MENTIONS};
    struct db_list page = {.limit = 10};
    jw_init(&w, &b);
    j = page_json(DB_OK, db_entities_list(db, &eq, &page, &w), &b);
    is_str(names(j, "name"),
           "Vladimir Putin|Olaf Scholz|\xc3\x89lys\xc3\xa9"
           "e Palace",
           "entities by mentions, ties by id");
    ok(!page.more && page.written == 3, "one page holds them");
    json_decref(j);

    eq.sort = DB_ENTITY_SORT_NAME;
    page.limit = 2;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_entities_list(db, &eq, &page, &w), &b);
    is_str(names(j, "name"), "Olaf Scholz|Vladimir Putin",
           "by name, first page of 2 (ASCII before \xc3\x89)");
    ok(page.more && page.written == 2, "with more to come");
    json_decref(j);
    page.offset = 2;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_entities_list(db, &eq, &page, &w), &b);
    ok(json_array_size(j) == 1 && !page.more, "the last page");
    json_decref(j);
    page.offset = 0;
    page.limit = 10;

    static const char *const places[] = {"place"};
    eq.types = places;
    eq.ntypes = 1;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_entities_list(db, &eq, &page, &w), &b);
    is_str(names(j, "type"), "place", "type filter");
    json_decref(j);
    eq.ntypes = 0;

    static const struct {
        const char *prefix, *want;
    } prefixes[] = {
        {"put", "Vladimir Putin"},
        {"PUT", "Vladimir Putin"},
        {"vladimir p", "Vladimir Putin"},
        {"sch", "Olaf Scholz"},
        {"ola", "Olaf Scholz"},
        {"\xc3\xa9lys", "\xc3\x89lys\xc3\xa9"
                        "e Palace"},
        {"zz", ""},
    };
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
        eq.prefix = prefixes[i].prefix;
        jw_init(&w, &b);
        j = page_json(DB_OK, db_entities_list(db, &eq, &page, &w), &b);
        is_str(names(j, "name"), prefixes[i].want,
               "prefix \"%s\" (name or alias, any case)", prefixes[i].prefix);
        json_decref(j);
    }
    eq.prefix = NULL;
    eq.article = 2;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_entities_list(db, &eq, &page, &w), &b);
    is_str(names(j, "name"),
           "Vladimir Putin|\xc3\x89lys\xc3\xa9"
           "e Palace",
           "entities of one article");
    json_decref(j);

    /* Articles filtered by the entities they mention. */
    int64_t pair[] = {scholz, elysee};
    struct db_article_query aq = {.sort = DB_SORT_ID, .limit = 10};
    aq.entities = pair;
    aq.nentities = 1;
    is_str(list_ids(db, &aq), "1", "articles mentioning one entity");
    aq.nentities = 2;
    is_str(list_ids(db, &aq), "1,2", "entities are OR-ed");
    is_int(count(db, &aq, 100), 2, "counted");
    aq.entities = &nato;
    aq.nentities = 1;
    is_str(list_ids(db, &aq), "", "an entity without mentions matches none");

    /* One entity: its articles, sources, dates and related entities. */
    struct seen es = {0};
    page.limit = 1;
    ok(db_entities_articles(db, putin, true, &page, collect, &es) == DB_OK &&
           es.n == 1 && es.ids[0] == 2 && page.more,
       "an entity's articles newest first, paged");
    page.offset = 1;
    memset(&es, 0, sizeof(es));
    db_entities_articles(db, putin, true, &page, collect, &es);
    ok(es.n == 1 && es.ids[0] == 1 && !page.more, "the last page");
    page.offset = 0;
    page.limit = 10;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_entities_get(db, putin, &w), &b);
    is_str(names(json_object_get(j, "sources"), "source"), "AP|Reuters",
           "an entity's sources");
    ok(j &&
           strcmp(json_string_value(json_object_get(j, "first_published")),
                  "2021-12-20") == 0 &&
           strcmp(json_string_value(json_object_get(j, "last_published")),
                  "2021-12-21") == 0,
       "first and last published");
    is_str(names(json_object_get(j, "related"), "name"),
           "Olaf Scholz|\xc3\x89lys\xc3\xa9"
           "e Palace",
           "entities sharing a sentence are related");
    json_decref(j);
    jw_init(&w, &b);
    is_int(db_entities_get(db, 999, &w), DB_NOT_FOUND, "an unknown entity");

    /* Annotations of one article. */
    jw_init(&w, &b);
    j = page_json(DB_OK, db_annotations_get(db, 1, &w), &b);
    ok(j && json_integer_value(json_object_get(j, "article_id")) == 1,
       "annotations of article 1");
    is_str(names(json_object_get(j, "entities"), "text"),
           "Vladimir Putin|Scholz", "its entity mentions");
    json_t *t = json_array_get(json_object_get(j, "timexes"), 0);
    ok(t && json_integer_value(json_object_get(t, "start")) == 44 &&
           json_integer_value(json_object_get(t, "end")) == 50 &&
           strcmp(json_string_value(json_object_get(t, "value")),
                  "2021-12-20") == 0 &&
           json_is_null(json_object_get(t, "event_id")),
       "its timex with value and no event");
    ok(json_array_size(json_object_get(j, "claims")) == 0, "and no claims");
    json_decref(j);

    jw_init(&w, &b);
    j = page_json(DB_OK, db_annotations_get(db, 2, &w), &b);
    json_t *cl = json_object_get(j, "claims");
    is_str(names(cl, "kind"), "statement|number", "claims in text order");
    json_t *sp = json_object_get(json_array_get(cl, 0), "speaker");
    ok(json_integer_value(json_object_get(sp, "entity_id")) == putin &&
           strcmp(json_string_value(json_object_get(sp, "name")), "Putin") == 0,
       "a named speaker is named as written, with the entity's id");
    json_t *num = json_array_get(cl, 1);
    ok(json_is_null(json_object_get(num, "speaker")) &&
           json_number_value(json_object_get(num, "value")) == 100000 &&
           strcmp(json_string_value(json_object_get(num, "unit")), "troops") ==
               0 &&
           strcmp(json_string_value(json_object_get(num, "qualifier")),
                  "exact") == 0,
       "a number claim has value, unit and qualifier, speaker null");
    ok(json_object_get(json_array_get(cl, 0), "value") == NULL,
       "a statement has no value field");
    json_decref(j);
    jw_init(&w, &b);
    is_int(db_annotations_get(db, 99, &w), DB_NOT_FOUND,
           "annotations of an unknown article");
    is_int(b.len, 0, "write nothing");

    /* Claims list filters. */
    static const char *const numbers[] = {"number"};
    static const char *const ap[] = {"AP"};
    struct db_claim_query cq = {0};
    jw_init(&w, &b);
    j = page_json(DB_OK, db_claims_list(db, &cq, &page, &w), &b);
    is_str(names(j, "id"), "1|2", "every claim");
    json_decref(j);
    cq.kinds = numbers;
    cq.nkinds = 1;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_claims_list(db, &cq, &page, &w), &b);
    is_str(names(j, "kind"), "number", "kind filter");
    json_decref(j);
    cq.nkinds = 0;
    cq.speaker = putin;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_claims_list(db, &cq, &page, &w), &b);
    is_str(names(j, "kind"), "statement", "speaker filter");
    json_decref(j);
    cq.speaker = 0;
    cq.entities = &putin;
    cq.nentities = 1;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_claims_list(db, &cq, &page, &w), &b);
    is_str(names(j, "kind"), "number", "entity filter");
    json_decref(j);
    cq.nentities = 0;
    cq.sources = ap;
    cq.nsources = 1;
    jw_init(&w, &b);
    j = page_json(DB_OK, db_claims_list(db, &cq, &page, &w), &b);
    is_str(names(j, "id"), "", "source filter");
    json_decref(j);
    cq.nsources = 0;
    cq.match = "\"stay\"";
    jw_init(&w, &b);
    j = page_json(DB_OK, db_claims_list(db, &cq, &page, &w), &b);
    is_str(names(j, "kind"), "statement", "full-text filter on claim text");
    json_decref(j);
    jw_init(&w, &b);
    is_int(db_claims_get(db, 99, &w), DB_NOT_FOUND, "an unknown claim");

    buf_release(&b);
    db_close(db);
    remove_db("reads.db");
}

/* The largest filter the API accepts: 100 sources and 100 entities. */
static void test_big_filters(struct db *db)
{
    const char *sources[100];
    int64_t entities[100];
    char names_buf[100][8];
    struct db_article_query q = {.sort = DB_SORT_PUBLISHED_DESC, .limit = 100};
    struct seen s = {0};
    char *match = NULL;

    for (int i = 0; i < 100; i++) {
        snprintf(names_buf[i], sizeof(names_buf[i]), "S%d", i);
        sources[i] = names_buf[i];
        entities[i] = i + 1;
    }
    sources[99] = "AP";
    q.sources = sources;
    q.nsources = 100;
    is_int(db_articles_list(db, &q, collect, &s, NULL), DB_OK,
           "a list filtered by 100 sources");
    q.entities = entities;
    q.nentities = 100;
    q.since = "2021-01-01";
    q.until = "2022-12-31";
    ftsq_translate("talks", &match);
    q.match = match;
    q.after.set = true;
    snprintf(q.after.published, sizeof(q.after.published), "9999");
    q.after.id = 1000;
    is_int(db_articles_list(db, &q, collect, &s, NULL), DB_OK,
           "100 sources, 100 entities, dates, a query and a cursor");
    int64_t n = -1;
    is_int(db_articles_count(db, &q, 100, &n), DB_OK, "and their count");
    free(match);
}

struct pool_thread {
    struct db *db;
    int insert_rc;
    int64_t total;
};

static void *pool_reader(void *arg)
{
    struct pool_thread *t = arg;
    struct db_article_new a = {"pool", NULL,        NULL,        NULL,
                               NULL,   "pool body", "hash-pool", 2};
    int64_t id;

    t->db = db_pool_get();
    if (t->db && db_pool_get() != t->db)
        t->db = NULL;
    if (t->db) {
        t->insert_rc = db_articles_insert(t->db, &a, &id);
        db_articles_total(t->db, &t->total);
    }
    return NULL;
}

static void test_pool(void)
{
    struct pool_thread t[2] = {{0}, {0}};
    pthread_t th[2];
    char err[512];
    struct db *w;
    int64_t id;

    ok(db_pool_init(path, false, err, sizeof(err)) == DB_OK, "pool init");
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, pool_reader, &t[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    ok(t[0].db && t[1].db && t[0].db != t[1].db,
       "each thread has its own connection, the same on every call");
    ok(t[0].total > 0 && t[1].total == t[0].total,
       "pool connections read the corpus");
    ok(t[0].insert_rc == DB_READONLY && t[1].insert_rc == DB_READONLY,
       "pool connections are query-only");
    w = db_pool_writer();
    ok(w != NULL, "the writer connection");
    struct db_article_new a = {"pool-w",      NULL, NULL,
                               NULL,          NULL, "written through the pool",
                               "hash-pool-w", 4};
    is_int(db_articles_insert(w, &a, &id), DB_OK, "the writer writes");
    db_articles_delete(w, id);
    db_pool_writer_release();
    db_pool_shutdown();
    ok(1, "pool shutdown");

    ok(db_pool_init(path, true, err, sizeof(err)) == DB_OK, "a read-only pool");
    ok(db_pool_writer() == NULL, "has no writer");
    pthread_create(&th[0], NULL, pool_reader, &t[0]);
    pthread_join(th[0], NULL);
    ok(t[0].db && db_is_readonly(t[0].db) && t[0].insert_rc == DB_READONLY,
       "and read-only connections");
    db_pool_shutdown();
}

/* A status and source count of a claim group, as "status/N" or "gone". */
static const char *group_state(struct db *db, int64_t id)
{
    static char text[64];
    json_t *j = read_one(db, id, db_claim_groups_get);

    snprintf(
        text, sizeof(text), "%s/%lld",
        j ? json_string_value(json_object_get(j, "status")) : "gone",
        j ? (long long)json_integer_value(json_object_get(j, "source_count"))
          : 0LL);
    json_decref(j);
    return text;
}

/* The label of group @id ("gone" if it cannot be read). */
static const char *group_label(struct db *db, int64_t id)
{
    return read_text(db, id, db_claim_groups_get, "label", "gone");
}

/* A claim in group *@group, or in a new one (its id then in *@group)
 * when *@group is 0; in none when @group is NULL. Its id. */
static int64_t claim_in(struct db *db, struct db_claim_row *c, int64_t *group)
{
    int64_t id = 0;

    c->group_id = !group ? 0 : *group ? *group : DB_CLAIM_NEW_GROUP;
    db_claim_insert(db, c, &id, group);
    return id;
}

static int64_t number_claim(struct db *db, int64_t article, double value,
                            const uint32_t *fp, size_t nfp, int64_t *group)
{
    struct db_claim_row c = {.article_id = article,
                             .kind = "number",
                             .start = 0,
                             .end = 14,
                             .has_value = 1,
                             .value = value,
                             .unit = "troops",
                             .qualifier = "about",
                             .fingerprint = fp,
                             .nfingerprint = nfp};

    return claim_in(db, &c, group);
}

static void test_groups_events(void)
{
    static const struct db_article_new docs[] = {
        {"g1", "AP", "t", "2021-12-20", NULL, "first", "g1", 1},
        {"g2", "Reuters", "t", "2021-12-21", NULL, "second", "g2", 1},
        {"g3", "AP", "t", "2021-12-22", NULL, "third", "g3", 1},
        {"g4", NULL, "t", "2021-12-23", NULL, "fourth", "g4", 1},
    };
    static const uint32_t fp_a[] = {11, 22, 33}, fp_b[] = {22, 33, 44},
                          fp_q[] = {22, 33};
    struct db *db = NULL;
    int64_t id, g1 = 0, g2 = 0, g3 = 0, putin = 0, peskov = 0;

    if (!(db = open_scratch("groups.db")))
        return;
    db_begin(db);
    for (size_t i = 0; i < 4; i++)
        db_articles_insert(db, &docs[i], &id);
    db_entity_create(db, "Vladimir Putin", "person", "p:putin", &putin);
    db_entity_create(db, "Dmitry Peskov", "person", "p:peskov", &peskov);

    /* Numbers: two outlets agree, then a third article disagrees. */
    int64_t c1 = number_claim(db, 1, 100000, fp_a, 3, &g1);
    ok(c1 > 0 && g1 > 0, "a claim starts a group");
    is_str(group_state(db, g1), "single/1", "one outlet is single");
    int64_t c2 = number_claim(db, 2, 100000, fp_b, 3, &g1);
    ok(c2 == c1 + 1, "the next claim id");
    is_str(group_state(db, g1), "corroborated/2",
           "two outlets with the same number corroborate");
    int64_t c3 = number_claim(db, 3, 175000, NULL, 0, &g1);
    is_str(group_state(db, g1), "conflicting/2",
           "another outlet's different number conflicts");

    /* Different numbers from one outlet do not conflict. */
    number_claim(db, 1, 50, NULL, 0, &g2);
    int64_t c5 = number_claim(db, 3, 60, NULL, 0, &g2);
    ok(c5 > c3 && g2 > g1, "a claim joins a group");
    is_str(group_state(db, g2), "single/1",
           "one outlet is a single source, never a conflict");

    /* Quotes attributed to two people conflict. */
    struct db_claim_row q = {
        .article_id = 2, .kind = "quote", .speaker_entity_id = putin};
    claim_in(db, &q, &g3);
    q.article_id = 4;
    q.speaker_entity_id = peskov;
    claim_in(db, &q, &g3);
    is_str(group_state(db, g3), "conflicting/2",
           "a quote given to two speakers conflicts (no source counts "
           "as its own outlet)");

    /* Group lists: status, kind and outlet filters. */
    static const struct {
        const char *status, *kind;
        int64_t min_sources;
        const char *want;
    } lists[] = {
        {NULL, NULL, 0, "3"},        {"conflicting", NULL, 0, "2"},
        {NULL, "number", 0, "2"},    {NULL, NULL, 2, "2"},
        {"single", "quote", 0, "0"},
    };
    struct buf gb;
    struct jsonw gw;
    buf_init(&gb, 1 << 20);
    for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++) {
        const char *kinds[] = {lists[i].kind};
        struct db_group_query gq = {.status = lists[i].status,
                                    .kinds = kinds,
                                    .nkinds = lists[i].kind ? 1 : 0,
                                    .min_sources = lists[i].min_sources};
        struct db_list page = {.limit = 10};
        char got[8];
        buf_reset(&gb);
        jw_init(&gw, &gb);
        json_t *j = db_claim_groups_list(db, &gq, &page, &gw) == DB_OK
                        ? json_loadb(gb.data, gb.len, 0, NULL)
                        : NULL;
        snprintf(got, sizeof(got), "%zu", j ? json_array_size(j) : 99);
        is_str(got, lists[i].want, "claim groups list %zu", i);
        json_decref(j);
    }
    buf_reset(&gb);
    jw_init(&gw, &gb);
    db_claim_groups_get(db, g1, &gw);
    json_t *gj = json_loadb(gb.data, gb.len, 0, NULL);
    json_t *vals = json_object_get(gj, "values");
    ok(json_array_size(vals) == 2 &&
           json_number_value(
               json_object_get(json_array_get(vals, 0), "value")) == 100000 &&
           json_array_size(json_object_get(gj, "claims")) == 3,
       "a number group lists its values, most sources first, and claims");
    json_decref(gj);
    buf_release(&gb);

    int64_t *ids = NULL;
    size_t n = 0;
    ok(db_article_groups(db, 1, &ids, &n) == DB_OK && n == 2,
       "an article's claim groups");
    free(ids);

    struct db_claim_candidate *cand = NULL;
    ok(db_claims_candidates(db, "number", 3, fp_q, 2, 10, &cand, &n, NULL,
                            NULL) == DB_OK &&
           n == 2,
       "claims sharing fingerprint hashes are candidates");
    ok(n == 2 && cand[0].group_id == g1 && cand[0].nfingerprint == 3 &&
           cand[0].fingerprint[2] == (cand[0].id == c1 ? fp_a[2] : fp_b[2]) &&
           strcmp(cand[0].unit, "troops") == 0,
       "with their group, unit and fingerprint");
    db_claim_candidates_free(cand, n);
    ok(db_claims_candidates(db, "number", 1, fp_q, 2, 10, &cand, &n, NULL,
                            NULL) == DB_OK &&
           n == 1 && cand[0].id == c2,
       "the asking article's own claims are left out");
    db_claim_candidates_free(cand, n);
    ok(db_claims_candidates(db, "quote", 3, fp_q, 2, 10, &cand, &n, NULL,
                            NULL) == DB_OK &&
           n == 0,
       "another kind finds nothing");
    db_claim_candidates_free(cand, n);

    db_annotations_clear(db, 3);
    int64_t both[] = {g1, g2};
    ok(db_claim_groups_recount(db, both, 2) == DB_OK, "recount groups");
    is_str(group_state(db, g1), "corroborated/2",
           "without the dissenting claim the group is corroborated again");
    is_str(group_state(db, g2), "single/1", "a group keeps its last claim");
    db_annotations_clear(db, 1);
    db_claim_groups_recount(db, both, 2);
    is_str(group_state(db, g1), "single/1", "one outlet left: single");
    is_str(group_state(db, g2), "gone/0", "a group left empty is deleted");

    /* Events: mentions, entities in the sentence, sources, deletion. */
    int64_t ev = 0, t1 = 0, t2 = 0;
    struct db_timex_row tx = {1, 10, 18, 0, "date", "2021-12-30"};
    db_timex_insert(db, &tx, &t1);
    tx.article_id = 2;
    db_timex_insert(db, &tx, &t2);
    mention(db, 1, putin, "Putin");
    mention(db, 2, peskov, "Peskov");
    ok(db_event_create(db, "2021-12-30", "day", "talks", &ev) == DB_OK &&
           ev > 0,
       "create an event");
    struct db_event_mention em1 = {.event_id = ev,
                                   .article_id = 1,
                                   .timex_id = t1,
                                   .sentence_start = 0,
                                   .sentence_end = 40,
                                   .entities = &putin,
                                   .nentities = 1};
    struct db_event_mention em2 = {.event_id = ev,
                                   .article_id = 2,
                                   .timex_id = t2,
                                   .sentence_start = 20,
                                   .sentence_end = 60};
    ok(db_event_add_mention(db, &em1) == DB_OK &&
           db_event_add_mention(db, &em2) == DB_OK &&
           db_event_add_mention(db, &em1) == DB_OK,
       "file two mentions (a repeat is ignored)");

    struct db_event_candidate *ec = NULL;
    ok(db_events_candidates(db, "2021-12-30", &putin, 1, &ec, &n) == DB_OK &&
           n == 1 && ec[0].id == ev && ec[0].shared_entities == 1 &&
           strcmp(ec[0].label, "talks") == 0,
       "an event shares the entities named in its sentences");
    db_event_candidates_free(ec, n);
    ok(db_events_candidates(db, "2021-12-30", &peskov, 1, &ec, &n) == DB_OK &&
           n == 1 && ec[0].shared_entities == 0,
       "a mention outside the sentence span does not count");
    db_event_candidates_free(ec, n);
    ok(db_article_events(db, 2, &ids, &n) == DB_OK && n == 1 && ids[0] == ev,
       "an article's events");
    free(ids);

    static const struct {
        const char *since, *until;
        int min_precision;
        size_t n;
    } ranges[] = {
        {NULL, NULL, 0, 1},         {"2021-12", "2021-12", 0, 1},
        {"2021", "2021", 2, 1},     {"2021-12-31", NULL, 0, 0},
        {NULL, "2021-12-29", 0, 0}, {NULL, "2021-12-30", 0, 1},
        {"2022", NULL, 0, 0},
    };
    struct buf b;
    struct jsonw w;
    buf_init(&b, 1 << 20);
    for (size_t i = 0; i < sizeof(ranges) / sizeof(*ranges); i++) {
        struct db_event_query eq = {.since = ranges[i].since,
                                    .until = ranges[i].until,
                                    .min_precision = ranges[i].min_precision};
        struct db_list page = {.limit = 10};
        buf_reset(&b);
        jw_init(&w, &b);
        json_t *j = db_events_list(db, &eq, &page, &w) == DB_OK
                        ? json_loadb(b.data, b.len, 0, NULL)
                        : NULL;
        ok(j && json_array_size(j) == ranges[i].n,
           "events since %s until %s: %zu",
           ranges[i].since ? ranges[i].since : "-",
           ranges[i].until ? ranges[i].until : "-", ranges[i].n);
        if (i == 0)
            ok(j &&
                   json_integer_value(json_object_get(json_array_get(j, 0),
                                                      "source_count")) == 2 &&
                   json_array_size(
                       json_object_get(json_array_get(j, 0), "mentions")) == 2,
               "the event has two sources and two mentions");
        json_decref(j);
    }
    buf_release(&b);

    ok(db_events_untally(db, 1) == DB_OK, "untally article 1's events");
    db_annotations_clear(db, 1);
    ok(db_events_recount(db, &ev, 1) == DB_OK, "recount the event");
    ok(db_events_candidates(db, "2021-12-30", &putin, 1, &ec, &n) == DB_OK &&
           n == 1 && ec[0].shared_entities == 0,
       "the removed article's entities left the event");
    db_event_candidates_free(ec, n);
    struct buf one;
    buf_init(&one, 1 << 20);
    jw_init(&w, &one);
    struct db_event_query all_events = {0};
    struct db_list one_page = {.limit = 10};
    db_events_list(db, &all_events, &one_page, &w);
    json_t *ej = json_loadb(one.data, one.len, 0, NULL);
    is_int(json_integer_value(
               json_object_get(json_array_get(ej, 0), "source_count")),
           1, "and its outlet");
    json_decref(ej);
    buf_release(&one);
    db_events_untally(db, 2);
    db_annotations_clear(db, 2);
    db_events_recount(db, &ev, 1);
    ok(db_events_candidates(db, "2021-12-30", NULL, 0, &ec, &n) == DB_OK &&
           n == 0,
       "an event without mentions is deleted");
    db_event_candidates_free(ec, n);
    db_commit(db);
    db_close(db);
    remove_db("groups.db");
}

/* Code points of @part's first byte in @text (labels are cut by them). */
static int64_t cp_of(const char *text, const char *part)
{
    const char *at = strstr(text, part);
    return at ? (int64_t)utf8_count(text, (size_t)(at - text)) : -1;
}

/* The group_id of claim @id, as db_claims_get() writes it (-1: none). */
static int64_t claim_group(struct db *db, int64_t id)
{
    json_t *j = read_one(db, id, db_claims_get);
    json_t *g = j ? json_object_get(j, "group_id") : NULL;
    int64_t group = json_is_integer(g) ? json_integer_value(g) : -1;

    json_decref(j);
    return group;
}

/*
 * An article's claims in two steps: their sketches listed under the ids
 * they will have, then each stored once, in its group. Meanwhile the
 * asking article's listed claims are no candidates (stored or not), a
 * claim stored under a listed id has it, and one that joins a group
 * counts its outlet before it is there.
 */
static void test_claims_two_steps(bool load)
{
    static const uint32_t fp[] = {101, 202, 303};
    struct db *db = NULL;
    int64_t first = 0, id = 0, group = 0, other = 0;
    struct db_claim_candidate *cand = NULL;
    size_t n = 0;
    const char *mode = load ? "load" : "table";

    if (!(db = open_scratch(load ? "two_steps_load.db" : "two_steps.db")))
        return;
    bool deferring = false;
    if (load && (db_load_begin(db, &deferring) != DB_OK || !db->sketch)) {
        ok(0, "%s: begun", mode);
        db_close(db);
        return;
    }
    db_begin(db);
    int64_t a = add_article(db, "ts1", "\"We stay,\" she said. 5 troops.");
    struct db_article_new b = {NULL,         "Other", "t",
                               "2021-12-02", NULL,    "\"We stay,\" he said.",
                               "ts2",        3};
    int64_t b_id = 0;
    db_articles_insert(db, &b, &b_id);
    struct db_claim_row rows[2] = {
        {.article_id = a,
         .kind = "quote",
         .end = 8,
         .fingerprint = fp,
         .nfingerprint = 3},
        {.article_id = a,
         .kind = "number",
         .start = 22,
         .end = 30,
         .has_value = 1,
         .value = 5,
         .unit = "troops"},
    };
    ok(db_claims_sketch(db, rows, 2, &first) == DB_OK && first == 1,
       "%s: the sketches listed under the next ids", mode);
    ok(db_claims_candidates(db, "quote", a, fp, 3, 10, &cand, &n, NULL, NULL) ==
               DB_OK &&
           n == 0,
       "%s: the article's listed claims are not its candidates", mode);
    db_claim_candidates_free(cand, n);

    rows[0].id = first;
    rows[0].group_id = DB_CLAIM_NEW_GROUP;
    ok(db_claim_insert(db, &rows[0], &id, &group) == DB_OK && id == first &&
           group > 0 && claim_group(db, id) == group,
       "%s: a claim stored under its listed id, in the group it starts", mode);
    is_str(group_state(db, group), "single/1", "%s: its group is single", mode);
    rows[1].id = first + 1;
    ok(db_claim_insert(db, &rows[1], &id, &other) == DB_OK && id == first + 1 &&
           other == 0 && claim_group(db, id) == -1,
       "%s: a claim in no group", mode);

    struct db_claim_row join = {.article_id = b_id,
                                .kind = "quote",
                                .end = 8,
                                .fingerprint = fp,
                                .nfingerprint = 3,
                                .group_id = group};
    ok(db_claims_candidates(db, "quote", b_id, fp, 3, 10, &cand, &n, NULL,
                            NULL) == DB_OK &&
           n == 1 && cand[0].id == first && cand[0].group_id == group,
       "%s: another article meets the stored claim, with its group", mode);
    db_claim_candidates_free(cand, n);
    ok(db_claim_insert(db, &join, &id, &other) == DB_OK && id == first + 2 &&
           other == group && claim_group(db, id) == group,
       "%s: a claim without a listed id gets the next, and joins", mode);
    is_str(group_state(db, group), "corroborated/2",
           "%s: the joining claim's outlet counted", mode);
    join.group_id = 9999;
    ok(db_claim_insert(db, &join, &id, NULL) != DB_OK,
       "%s: a group that does not exist is an error", mode);
    db_rollback(db);
    int built = 0;
    db_indexes_build(db, &built);
    db_close(db);
    remove_db(load ? "two_steps_load.db" : "two_steps.db");
}

/* A claim of @kind spanning @part of article @article's @body, in group
 * *@group (claim_in). */
static int64_t claim_at(struct db *db, int64_t article, const char *body,
                        const char *kind, const char *part,
                        const char *label_part, int64_t *group)
{
    struct db_claim_row c = {
        .article_id = article,
        .kind = kind,
        .start = cp_of(body, part),
        .end = cp_of(body, part) + (int64_t)utf8_count(part, strlen(part)),
    };
    if (label_part) {
        c.label_start = cp_of(body, label_part);
        c.label_end =
            c.label_start + (int64_t)utf8_count(label_part, strlen(label_part));
    }
    return claim_in(db, &c, group);
}

/*
 * A group's label is cut from the article of the claim that labels it
 * when it is read: the claim's text, or the span stored with it (a
 * number's sentence), in code points, shortened to about 140 bytes; its
 * oldest claim left when that claim's article goes. A group stored
 * before schema 11 keeps its text.
 */
static void test_group_labels(void)
{
    static const char *const bodies[] = {
        "Zoë Brun said: 100,000 troops – “not one fewer” – stay home. "
        "Then she left.",
        "« Fïnal », said the minister: “We will not attack anyone.”",
        "“We will not attack anyone,” the Kremlin’s envoy repeated.",
        "“This statement runs on and on about the border, the troops, the "
        "talks in Geneva, the sanctions that could follow, and what each "
        "side said it would never accept,” she said.",
    };
    struct db *db = NULL;
    int64_t id, g1 = 0, g2 = 0, g3 = 0;

    if (!(db = open_scratch("labels.db")))
        return;
    db_begin(db);
    for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
        char ext[8];
        snprintf(ext, sizeof(ext), "l%zu", i);
        struct db_article_new a = {ext,  "AP",      "t", "2021-12-20",
                                   NULL, bodies[i], ext, 1};
        db_articles_insert(db, &a, &id);
    }
    const char *sentence =
        "Zoë Brun said: 100,000 troops – “not one fewer” – stay home.";
    claim_at(db, 1, bodies[0], "number", "100,000 troops", sentence, &g1);
    is_str(group_label(db, g1), sentence,
           "a number's group: the sentence stored with the claim, cut from "
           "its article by code points");

    const char *quote = "We will not attack anyone.";
    claim_at(db, 2, bodies[1], "quote", quote, NULL, &g2);
    claim_at(db, 3, bodies[2], "quote", "We will not attack anyone,", NULL,
             &g2);
    is_str(group_label(db, g2), quote, "a quote's group: its first claim");

    const char *long_quote = strstr(bodies[3], "This");
    claim_at(db, 4, bodies[3], "quote", long_quote, NULL, &g3);
    const char *label = group_label(db, g3);
    size_t n = strlen(label);
    ok(n > 70 + strlen("…") && n <= 140 + strlen("…") &&
           strcmp(label + n - strlen("…"), "…") == 0 &&
           strncmp(label, long_quote, n - strlen("…")) == 0 &&
           long_quote[n - strlen("…")] == ' ',
       "a long claim's label: its start up to a space within 140 bytes, "
       "then an ellipsis (%s)",
       label);

    /* The labelling claim's article goes. */
    db_annotations_clear(db, 2);
    db_claim_groups_recount(db, &g2, 1);
    is_str(group_label(db, g2), "We will not attack anyone,",
           "its article gone, the group is labelled by its oldest claim left");
    db_annotations_clear(db, 1);
    db_claim_groups_recount(db, &g1, 1);
    is_str(group_label(db, g1), "gone", "a group without claims is gone");

    /* A group stored before schema 11 keeps its label's text. */
    char *sql = xasprintf("UPDATE claim_groups SET label = 'Stored text: "
                          "“kept”', label_claim_id = NULL WHERE id = %lld",
                          (long long)g3);
    db_exec(db, sql);
    free(sql);
    is_str(group_label(db, g3), "Stored text: “kept”",
           "a group with a stored label shows it as it is");
    claim_at(db, 3, bodies[2], "quote", "We will not", NULL, &g3);
    db_annotations_clear(db, 4);
    db_claim_groups_recount(db, &g3, 1);
    is_str(group_label(db, g3), "Stored text: “kept”",
           "and keeps it when its first claim's article goes");
    db_commit(db);
    db_close(db);
    remove_db("labels.db");
}

static void test_readonly(void)
{
    struct db *db = NULL;
    char err[512];
    int64_t id;
    struct db_article_new a = {"ro", NULL,        NULL,      NULL,
                               NULL, "read only", "hash-ro", 2};

    ok(db_open(path, DB_OPEN_READONLY, &db, err, sizeof(err)) == DB_OK,
       "open read-only");
    ok(db && db_is_readonly(db), "the handle says so");
    if (!db)
        return;
    is_int(db_articles_insert(db, &a, &id), DB_READONLY,
           "an insert is DB_READONLY");
    int64_t total = 0;
    ok(db_articles_total(db, &total) == DB_OK && total > 0,
       "reads work read-only");
    db_close(db);
}

/*
 * dossier_snippet() must give what FTS5's snippet() gives: compare the two
 * on every matching row of varied texts (sentence starts, matches early,
 * late and in the title only, phrases, prefixes, several terms, non-ASCII
 * text, documents shorter and longer than the window) and window sizes.
 */
/* Texts and queries the snippet and rank tests compare FTS5 with. */
static const char *const snippet_bodies[] = {
    "Troops gathered near the border. Officials said the troops would "
    "stay: no withdrawal was planned. Later that day, more troops came.",
    "A short one about troops.",
    "Nothing here matches until the very end of a long text that goes on "
    "and on about other things, weather, markets, sport and the arts, "
    "until at last the word appears: troops.",
    "Prime Minister Boris Johnson met the prime minister of Estonia. The "
    "two prime ministers spoke about defence.\n\nTroops: 100,000.",
    "\xc3\x89lys\xc3\xa9\x65 officials \xe2\x80\x9cwelcomed\xe2\x80\x9d "
    "the talks. Caf\xc3\xa9 owners in Z\xc3\xbcrich said nothing. "
    "Troop movements continued; the troopers rested.",
    "  Leading spaces. Then words.   Many   spaces.  Then the end:  "
    "minister.",
    "One. Two. Three. Four. Five. Six. Seven. Eight. Nine. Ten. Eleven. "
    "Twelve. Thirteen. Fourteen. Fifteen. Sixteen. Seventeen. Eighteen. "
    "Nineteen. Twenty. Minister one. Troops two. Minister three.",
};
static const char *const snippet_titles[] = {"Border", "Troops", "Long", "PM",
                                             "Paris",  "Spaces", "Count"};
static const char *const snippet_queries[] = {
    "troops",          "troop*", "\"prime minister\"", "minister",
    "troops minister", "elysee", "cafe OR zurich",     "border",
    "\"the troops\"",  "t*",     "one OR twenty",      "nothing",
};
static void test_snippet(void)
{
    static const int windows[] = {1, 3, 5, 10, 40, 64};
    struct db *db = NULL;
    int64_t id;
    int compared = 0, same = 0;
    char first_diff[600] = "";

    if (!(db = open_scratch("snippet.db")))
        return;
    db_begin(db);
    for (size_t i = 0; i < sizeof(snippet_bodies) / sizeof(*snippet_bodies);
         i++) {
        char ext[16], hash[16];
        snprintf(ext, sizeof(ext), "s%zu", i);
        snprintf(hash, sizeof(hash), "sh%zu", i);
        struct db_article_new a = {ext,          "AP", snippet_titles[i],
                                   "2021-12-20", NULL, snippet_bodies[i],
                                   hash,         10};
        db_articles_insert(db, &a, &id);
    }
    db_commit(db);
    sqlite3_stmt *st = db_stmt(
        db, "SELECT rowid, snippet(articles_fts, 1, '[', ']', '...', ?2), "
            "dossier_snippet(articles_fts, 1, '[', ']', '...', ?2) FROM "
            "articles_fts WHERE articles_fts MATCH ?1");
    for (size_t q = 0;
         st && q < sizeof(snippet_queries) / sizeof(*snippet_queries); q++)
        for (size_t w = 0; w < sizeof(windows) / sizeof(*windows); w++) {
            sqlite3_bind_text(st, 1, snippet_queries[q], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, windows[w]);
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *a = (const char *)sqlite3_column_text(st, 1);
                const char *b = (const char *)sqlite3_column_text(st, 2);
                compared++;
                if (a && b && strcmp(a, b) == 0)
                    same++;
                else if (!first_diff[0])
                    snprintf(first_diff, sizeof(first_diff),
                             "%s/%d: snippet \"%s\" dossier \"%s\"",
                             snippet_queries[q], windows[w], a ? a : "(null)",
                             b ? b : "(null)");
            }
            sqlite3_reset(st);
        }
    ok(compared > 150, "snippets compared on %d matching rows", compared);
    ok(same == compared, "dossier_snippet() = snippet() on every row%s%s",
       first_diff[0] ? ": " : "", first_diff);
    db_close(db);
    remove_db("snippet.db");
}

/* Rows where dossier_rank() and bm25() differ in a bit, of *@rows. */
static int rank_differences(struct db *db, const char *weights, int *rows,
                            char *first, size_t size)
{
    char sql[300];
    int differ = 0;

    snprintf(sql, sizeof(sql),
             "SELECT rowid, bm25(articles_fts%s), dossier_rank(articles_fts%s) "
             "FROM articles_fts WHERE articles_fts MATCH ?1",
             weights, weights);
    sqlite3_stmt *st = db_stmt(db, sql);
    for (size_t q = 0;
         st && q < sizeof(snippet_queries) / sizeof(*snippet_queries); q++) {
        sqlite3_bind_text(st, 1, snippet_queries[q], -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            double a = sqlite3_column_double(st, 1),
                   b = sqlite3_column_double(st, 2);
            ++*rows;
            if (memcmp(&a, &b, sizeof(a)) != 0 && differ++ == 0)
                snprintf(first, size, "%s, row %lld: bm25 %.17g, rank %.17g",
                         snippet_queries[q],
                         (long long)sqlite3_column_int64(st, 0), a, b);
        }
        sqlite3_reset(st);
    }
    return st ? differ : -1;
}

/*
 * dossier_top(fts, k, allow, weights) against ORDER BY dossier_rank(),
 * rowid LIMIT k on the same query, unfiltered and keeping the even rowids
 * (a bitmap of 0x55 bytes against rowid % 2 = 0): the counts of matches
 * kept and of all, the rowids and the ranks to the bit, or NULL for a
 * query of other than one phrase. Returns the answers that differ;
 * @compared counts the answers compared.
 */
static int top_differences(struct db *db, const char *weights, int *compared,
                           int *nulls, char *first, size_t size)
{
    static const int64_t ks[] = {0, 1, 3, 1000};
    static const unsigned char even[64] = {
        0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
        0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
        0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
        0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
        0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
        0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55};
    char sql_top[200], sql_rank[300];
    int differ = 0;

    snprintf(sql_top, sizeof(sql_top),
             "SELECT dossier_top(articles_fts, ?2, ?3%s) FROM articles_fts "
             "WHERE articles_fts MATCH ?1 LIMIT 1",
             weights);
    snprintf(sql_rank, sizeof(sql_rank),
             "SELECT rowid, dossier_rank(articles_fts%s) AS s FROM "
             "articles_fts WHERE articles_fts MATCH ?1 AND (?3 = 0 OR "
             "rowid %% 2 = 0) ORDER BY s, rowid LIMIT ?2",
             weights);
    for (size_t q = 0; q < sizeof(snippet_queries) / sizeof(*snippet_queries);
         q++) {
        for (size_t i = 0; i < 2 * sizeof(ks) / sizeof(*ks); i++) {
            int64_t k = ks[i / 2];
            int filtered = (int)(i % 2);
            sqlite3_stmt *top = db_stmt(db, sql_top);
            if (!top)
                return -1;
            sqlite3_bind_text(top, 1, snippet_queries[q], -1, SQLITE_STATIC);
            sqlite3_bind_int64(top, 2, k);
            if (filtered)
                sqlite3_bind_blob(top, 3, even, sizeof(even), SQLITE_STATIC);
            else
                sqlite3_bind_null(top, 3);
            int rc = sqlite3_step(top);
            if (rc == SQLITE_ROW &&
                sqlite3_column_type(top, 0) == SQLITE_NULL) {
                ++*nulls;
                sqlite3_reset(top);
                continue;
            }
            /* Copy the answer out: the next statement may evict @top. */
            size_t len =
                rc == SQLITE_ROW ? (size_t)sqlite3_column_bytes(top, 0) : 0;
            unsigned char *blob = xmalloc(len + 1);
            if (len)
                memcpy(blob, sqlite3_column_blob(top, 0), len);
            sqlite3_reset(top);

            /* The same through SQL: the expected blob. */
            int64_t counts[2] = {0, 0}; /* kept, all */
            for (int c = 0; c < 2; c++) {
                sqlite3_stmt *st = db_stmt(
                    db, "SELECT count(*) FROM articles_fts WHERE articles_fts "
                        "MATCH ?1 AND (?2 = 0 OR rowid % 2 = 0)");
                sqlite3_bind_text(st, 1, snippet_queries[q], -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 2, c == 0 && filtered);
                sqlite3_step(st);
                counts[c] = sqlite3_column_int64(st, 0);
                sqlite3_reset(st);
            }
            struct buf want;
            buf_init(&want, 1 << 20);
            buf_append(&want, counts, sizeof(counts));
            sqlite3_stmt *st = db_stmt(db, sql_rank);
            if (!st) {
                free(blob);
                buf_release(&want);
                return -1;
            }
            sqlite3_bind_text(st, 1, snippet_queries[q], -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, k);
            sqlite3_bind_int(st, 3, filtered);
            while (sqlite3_step(st) == SQLITE_ROW) {
                int64_t rid = sqlite3_column_int64(st, 0);
                double r = sqlite3_column_double(st, 1);
                buf_append(&want, &rid, sizeof(rid));
                buf_append(&want, &r, sizeof(r));
            }
            sqlite3_reset(st);
            /* No match at all: no row, so no answer. */
            bool same = counts[1] == 0 ? rc == SQLITE_DONE
                                       : len == want.len &&
                                             memcmp(blob, want.data, len) == 0;
            ++*compared;
            if (!same && differ++ == 0)
                snprintf(first, size, "%s, k = %lld%s: %zu bytes, want %zu",
                         snippet_queries[q], (long long)k,
                         filtered ? ", even rowids" : "", len,
                         counts[1] ? want.len : 0);
            buf_release(&want);
            free(blob);
        }
    }
    return differ;
}

/*
 * For each query: dossier_rank_known(fts, matches, weights) of each row
 * found by rowid against dossier_rank() in a scan of all the matches (to
 * the bit); dossier_matches() against the matches' rowids as a bitmap,
 * or NULL for a query of more than one phrase (@nulls). Returns the rows
 * and sets that differ; @compared counts those compared.
 */
static int known_differences(struct db *db, int *compared, int *nulls,
                             char *first, size_t size)
{
    int differ = 0;

    for (size_t q = 0; q < sizeof(snippet_queries) / sizeof(*snippet_queries);
         q++) {
        const char *m = snippet_queries[q];
        struct {
            int64_t rid;
            double s;
        } rows[200];
        size_t n = 0;
        unsigned char bits[64] = {0};
        sqlite3_stmt *st = db_stmt(db, "SELECT rowid, dossier_rank("
                                       "articles_fts, 10.0, 1.0) FROM "
                                       "articles_fts WHERE articles_fts "
                                       "MATCH ?");
        if (!st)
            return -1;
        sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW && n < 200) {
            rows[n].rid = sqlite3_column_int64(st, 0);
            rows[n].s = sqlite3_column_double(st, 1);
            if (rows[n].rid >= 0 && rows[n].rid < 512)
                bits[rows[n].rid / 8] |= (unsigned char)(1u << rows[n].rid % 8);
            n++;
        }
        sqlite3_reset(st);
        for (size_t i = 0; i < n; i++) {
            st = db_stmt(db, "SELECT dossier_rank_known(articles_fts, ?3, "
                             "10.0, 1.0) FROM articles_fts WHERE "
                             "articles_fts MATCH ?1 AND rowid = ?2");
            if (!st)
                return -1;
            sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, rows[i].rid);
            sqlite3_bind_int64(st, 3, (int64_t)n);
            double s = sqlite3_step(st) == SQLITE_ROW
                           ? sqlite3_column_double(st, 0)
                           : 1.0;
            sqlite3_reset(st);
            ++*compared;
            if (memcmp(&s, &rows[i].s, sizeof(s)) && differ++ == 0)
                snprintf(first, size, "%s, rowid %lld: %.17g, want %.17g", m,
                         (long long)rows[i].rid, s, rows[i].s);
        }
        st = db_stmt(db, "SELECT dossier_matches(articles_fts) FROM "
                         "articles_fts WHERE articles_fts MATCH ? LIMIT 1");
        if (!st)
            return -1;
        sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL) {
            ++*nulls;
        } else {
            /* No match: no row. Else the bitmap up to the last match. */
            size_t len =
                rc == SQLITE_ROW ? (size_t)sqlite3_column_bytes(st, 0) : 0;
            size_t want = 0;
            for (size_t i = 0; i < sizeof(bits); i++)
                if (bits[i])
                    want = i + 1;
            ++*compared;
            if ((len != want ||
                 (len && memcmp(sqlite3_column_blob(st, 0), bits, len))) &&
                differ++ == 0)
                snprintf(first, size, "%s: a bitmap of %zu bytes, want %zu", m,
                         len, want);
        }
        sqlite3_reset(st);
    }
    return differ;
}

/* Rank every match of "troops": the lengths of its rows are kept. */
static void rank_troops(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT dossier_rank(articles_fts) FROM "
                                   "articles_fts WHERE articles_fts MATCH "
                                   "'troops'");

    while (st && sqlite3_step(st) == SQLITE_ROW)
        ;
    if (st)
        sqlite3_reset(st);
}

/* A mark in the kept length of @rowid: there after the next ranking if
 * the connection kept its lengths, gone if it read them again. */
static const uint32_t MARK = 123456789;

static bool marked(struct db *db, int64_t rowid)
{
    return db->doclens.len && (size_t)rowid < db->doclens.n &&
           db->doclens.len[rowid] == MARK;
}

/*
 * The kept lengths outlive a commit that only adds an article (schema
 * 0009), not one that deletes or rewrites one, nor, before schema 0009,
 * any commit; and the ranks after each are bm25()'s.
 */
static void kept_lengths(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT min(rowid) FROM articles_fts "
                                   "WHERE articles_fts MATCH 'troops'");
    int64_t r =
        st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    char first[300] = "";
    int64_t id;
    int rows = 0;

    if (st)
        sqlite3_reset(st);
    rank_troops(db);
    ok(r > 0 && db->doclens.len && (size_t)r < db->doclens.n &&
           db->doclens.len[r],
       "the length of rowid %lld is kept", (long long)r);
    if (!db->doclens.len || (size_t)r >= db->doclens.n)
        return;

    db->doclens.len[r] = MARK;
    struct db_article_new a = {"r-add", "AP",      "Troops", "2021-12-22",
                               NULL,    "troops.", "rh-add", 1};
    db_articles_insert(db, &a, &id);
    rank_troops(db);
    ok(marked(db, r), "kept across a commit that adds an article");

    st = db_stmt(db, "UPDATE articles SET title = title || ' troops' WHERE "
                     "id = ?");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_step(st);
    sqlite3_reset(st);
    rank_troops(db);
    ok(!marked(db, r), "read again after an article's title is rewritten");
    int differ =
        rank_differences(db, ", 10.0, 1.0", &rows, first, sizeof(first));
    ok(differ == 0, "and the ranks are bm25()'s%s%s", first[0] ? ": " : "",
       first);

    rank_troops(db);
    db->doclens.len[r] = MARK;
    db_articles_delete(db, id);
    rank_troops(db);
    ok(!marked(db, r), "read again after an article is deleted");

    /* A database of schema 8 (a read-only snapshot of an older writer)
     * has no count of rewrites: any commit forgets the lengths. */
    db->schema = 8;
    rank_troops(db);
    db->doclens.len[r] = MARK;
    a.external_id = "r-add2";
    a.body_hash = "rh-add2";
    db_articles_insert(db, &a, &id);
    rank_troops(db);
    ok(!marked(db, r), "schema 8: read again after any commit");
    db->schema = 9;
    db_articles_delete(db, id);
}

/*
 * dossier_rank() is bm25() to the bit, with any weights, whether the
 * lengths come from the database or from what the connection kept, and
 * after a write gives an article's rowid to another, longer one.
 */
static void test_rank(void)
{
    static const char *const weights[] = {"", ", 10.0, 1.0", ", 1.0, 2.5",
                                          ", 0.0, 1.0"};
    char first[300] = "";
    struct db *db = NULL;
    int64_t id = 0;
    int rows = 0, differ = 0;

    if (!(db = open_scratch("rank.db")))
        return;
    db_begin(db);
    for (size_t i = 0; i < 60; i++) {
        size_t k = i % (sizeof(snippet_bodies) / sizeof(*snippet_bodies));
        char ext[16], hash[16], body[2048];
        /* Each text more than once, at lengths from one to five copies. */
        snprintf(body, sizeof(body), "%s", snippet_bodies[k]);
        for (size_t r = 0; r < i / 14; r++)
            snprintf(body + strlen(body), sizeof(body) - strlen(body), " %s",
                     snippet_bodies[(k + r + 1) % 7]);
        snprintf(ext, sizeof(ext), "r%zu", i);
        snprintf(hash, sizeof(hash), "rh%zu", i);
        struct db_article_new a = {
            ext, "AP", snippet_titles[k], "2021-12-20", NULL, body, hash, 10};
        db_articles_insert(db, &a, &id);
    }
    db_commit(db);
    /* Twice: the lengths read, then the lengths kept. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t w = 0; w < sizeof(weights) / sizeof(*weights); w++)
            differ +=
                rank_differences(db, weights[w], &rows, first, sizeof(first));
    ok(rows > 800, "ranks compared on %d matching rows", rows);
    ok(differ == 0, "dossier_rank() = bm25() on every row, read and kept%s%s",
       first[0] ? ": " : "", first);
    ok(db->doclens.n > 60, "the connection kept the lengths it read");

    int compared = 0, nulls = 0;
    first[0] = '\0';
    differ = top_differences(db, ", 10.0, 1.0", &compared, &nulls, first,
                             sizeof(first));
    differ += top_differences(db, ", 1.0, 2.5", &compared, &nulls, first,
                              sizeof(first));
    ok(differ == 0 && compared == 144,
       "dossier_top() = ORDER BY dossier_rank(), rowid LIMIT k with the "
       "counts, to the bit (%d answers: 9 one-phrase queries, k 0, 1, 3, "
       "1000, all rowids or the even ones, 2 weightings)%s%s",
       compared, first[0] ? ": " : "", first);
    ok(nulls == 48, "NULL for the 3 queries of more than one phrase (%d)",
       nulls);
    compared = nulls = 0;
    first[0] = '\0';
    differ = known_differences(db, &compared, &nulls, first, sizeof(first));
    ok(differ == 0 && compared > 400 && nulls == 3,
       "dossier_rank_known() with the matches counted = dossier_rank(), "
       "row by row; dossier_matches() = the rowids, NULL for more than one "
       "phrase (%d compared, %d NULL)%s%s",
       compared, nulls, first[0] ? ": " : "", first);

    /* The last article goes; the next one takes its rowid, 5x longer. */
    int64_t last = id;
    db_articles_delete(db, last);
    char longer[4096] = "";
    for (int r = 0; r < 5; r++)
        snprintf(longer + strlen(longer), sizeof(longer) - strlen(longer),
                 "%s ", snippet_bodies[(size_t)r % 7]);
    struct db_article_new a = {"r-new", "AP",   "Troops", "2021-12-21",
                               NULL,    longer, "rh-new", 10};
    db_articles_insert(db, &a, &id);
    rows = 0;
    first[0] = '\0';
    differ = rank_differences(db, ", 10.0, 1.0", &rows, first, sizeof(first));
    ok(id == last && differ == 0,
       "a rowid given to another article is ranked by its own length "
       "(rowid %lld reused: %s)%s%s",
       (long long)last, id == last ? "yes" : "no", first[0] ? ": " : "", first);
    kept_lengths(db);
    db_close(db);
    remove_db("rank.db");
}

struct idlist {
    int64_t id[400];
    size_t n;
};

static int collect_id(void *ctx, const struct db_article *a)
{
    struct idlist *l = ctx;

    if (l->n < sizeof(l->id) / sizeof(*l->id))
        l->id[l->n++] = a->id;
    return 0;
}

/* The ids of the relevance search @q page by page of @limit (offsets,
 * as the cursors give them) into @l. */
static int pages_by(struct db *db, struct db_article_query q, int64_t limit,
                    struct idlist *l)
{
    l->n = 0;
    q.limit = limit;
    for (int64_t offset = 0;; offset += limit) {
        size_t before = l->n;
        q.after = (struct db_position){.set = offset > 0, .offset = offset};
        if (db_articles_list(db, &q, collect_id, l, NULL) != DB_OK)
            return -1;
        if (l->n - before < (size_t)limit)
            return 0;
    }
}

/* The same order from SQL alone, for @source or every outlet. */
static void ranked_ids(struct db *db, const char *source, struct idlist *l)
{
    sqlite3_stmt *st = db_stmt(
        db, "SELECT f.rowid FROM articles_fts f JOIN articles a ON a.id = "
            "f.rowid WHERE articles_fts MATCH 'quokka' AND (?1 IS NULL OR "
            "a.source = ?1) ORDER BY dossier_rank(articles_fts, 10.0, 1.0), "
            "f.rowid");

    l->n = 0;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && l->n < 400)
        l->id[l->n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
}

static bool same_ids(const struct idlist *a, const struct idlist *b)
{
    return a->n == b->n && !memcmp(a->id, b->id, a->n * sizeof(*a->id));
}

/*
 * A search for one word keeps its best 200 for its next pages: pages
 * past them, another outlet's pages in between, and a new best match
 * after a commit must all come out as the ranking in SQL gives them.
 */
static void test_top_memo(void)
{
    static const char *const a_only[] = {"A"};
    static struct idlist got, want;
    struct db *db = open_scratch("memo.db");
    char *match = NULL;
    int64_t id;

    if (!db || ftsq_translate("quokka", &match) != FTSQ_OK) {
        ok(0, "set up");
        db_close(db);
        return;
    }
    db_begin(db);
    for (int i = 0; i < 260; i++) {
        char body[512] = "", ext[16], hash[16], title[32];
        for (int w = 0; w <= i % 7; w++)
            strcat(body, "quokka ");
        for (int w = 0; w < i % 13; w++)
            strcat(body, "island ");
        snprintf(ext, sizeof(ext), "m%d", i);
        snprintf(hash, sizeof(hash), "mh%d", i);
        snprintf(title, sizeof(title), "note %d", i);
        struct db_article_new a = {
            ext, i % 2 ? "B" : "A", title, "2021-12-20", NULL, body, hash, 10};
        db_articles_insert(db, &a, &id);
    }
    db_commit(db);

    struct db_article_query q = {.match = match, .sort = DB_SORT_RELEVANCE};
    struct db_article_query in_a = q;
    in_a.sources = a_only;
    in_a.nsources = 1;
    ranked_ids(db, NULL, &want);
    int rc = pages_by(db, q, 7, &got);
    ok(rc == 0 && want.n == 260 && same_ids(&got, &want),
       "pages of 7 past the 200 kept: the ranking of all 260 (%zu)", got.n);
    ranked_ids(db, "A", &want);
    rc = pages_by(db, in_a, 9, &got);
    ok(rc == 0 && want.n == 130 && same_ids(&got, &want),
       "one outlet's pages: its own ranking (%zu)", got.n);
    ranked_ids(db, NULL, &want);
    rc = pages_by(db, q, 50, &got);
    ok(rc == 0 && same_ids(&got, &want),
       "then all of them again, in pages of 50");

    /* A short article of the word alone ranks first, once committed. */
    struct db_article_new best = {"m-best",  "A",
                                  "quokka",  "2021-12-21",
                                  NULL,      "quokka quokka quokka quokka",
                                  "mh-best", 4};
    struct idlist first = {0};
    q.limit = 3;
    db_articles_list(db, &q, collect_id, &first, NULL);
    db_articles_insert(db, &best, &id);
    first.n = 0;
    db_articles_list(db, &q, collect_id, &first, NULL);
    ranked_ids(db, NULL, &want);
    ok(first.n == 3 && first.id[0] == id && want.id[0] == id,
       "a new best match heads the next first page");
    rc = pages_by(db, q, 7, &got);
    ok(rc == 0 && want.n == 261 && same_ids(&got, &want),
       "and every page after it follows the new ranking");
    free(match);
    db_close(db);
    remove_db("memo.db");
}

static void test_deadline(void)
{
    char body[64], hash[16];
    struct db *db = NULL;
    struct db_article_query q = {.sort = DB_SORT_PUBLISHED_DESC,
                                 .limit = 100000};
    struct seen s = {0};
    int64_t id;

    if (!(db = open_scratch("heavy.db")))
        return;
    db_begin(db);
    for (int i = 0; i < 5000; i++) {
        struct db_article_new a = {NULL, "AP", "title", "2021-12-01",
                                   NULL, body, hash,    4};
        snprintf(body, sizeof(body), "article number %d of many", i);
        snprintf(hash, sizeof(hash), "%d", i);
        db_articles_insert(db, &a, &id);
    }
    db_commit(db);

    db_set_deadline(db, 1);
    nanosleep(&(struct timespec){0, 5000000}, NULL);
    is_int(db_articles_list(db, &q, collect, &s, NULL), DB_TIMEOUT,
           "a list past its deadline is DB_TIMEOUT");
    ok(s.n < 5000, "and stopped early (%zu rows)", s.n);
    int64_t n;
    /* A filtered count walks rows; an unfiltered one is a single b-tree
     * count that needs no deadline. */
    struct db_article_query filtered = q;
    filtered.since = "1900-01-01";
    is_int(db_articles_count(db, &filtered, 1000000, &n), DB_TIMEOUT,
           "a filtered count past its deadline too");
    /* A search for one word ranks its matches inside one function call
     * (dossier_top), where the progress handler does not run (nor, once
     * the connection keeps the lengths, any statement of FTS5's): the
     * function checks the deadline itself. */
    db_set_deadline(db, 0);
    sqlite3_stmt *top = db_stmt(db, "SELECT dossier_top(articles_fts, 20, "
                                    "NULL) FROM articles_fts WHERE "
                                    "articles_fts MATCH 'many' LIMIT 1");
    int rc = top ? sqlite3_step(top) : SQLITE_ERROR;
    ok(rc == SQLITE_ROW && sqlite3_column_bytes(top, 0) == 16 + 20 * 16,
       "dossier_top() over 5000 matches: 20 rows");
    if (top)
        sqlite3_reset(top);
    db_set_deadline(db, 1);
    nanosleep(&(struct timespec){0, 5000000}, NULL);
    rc = top ? sqlite3_step(top) : SQLITE_ERROR;
    is_int(rc, SQLITE_INTERRUPT, "the same past the deadline: interrupted");
    if (top)
        sqlite3_reset(top);
    sqlite3_stmt *set = db_stmt(db, "SELECT dossier_matches(articles_fts) "
                                    "FROM articles_fts WHERE articles_fts "
                                    "MATCH 'many' LIMIT 1");
    rc = set ? sqlite3_step(set) : SQLITE_ERROR;
    is_int(rc, SQLITE_INTERRUPT, "dossier_matches() too");
    if (set)
        sqlite3_reset(set);
    db_set_deadline(db, 0);
    memset(&s, 0, sizeof(s));
    is_int(db_articles_list(db, &q, collect, &s, NULL), DB_OK,
           "without the deadline the same list runs");
    is_int(s.n, 5000, "to the end");
    db_set_deadline(db, 60000);
    is_int(db_articles_count(db, &q, 1000000, &n), DB_OK,
           "a generous deadline does not interrupt");
    is_int(n, 5000, "the count");
    db_close(db);
    remove_db("heavy.db");
}

/*
 * A model's positions in a random run of a sketch's transactions: its
 * rows (or ids) so far, at the open savepoint, at the last commit.
 */
struct txn_model {
    size_t now, mark, committed;
};

/*
 * Step @r of such a run on @s: a savepoint (one article's rows) when
 * r % every[0] is 0, its rollback when r % every[1] is 1, the
 * transaction's rollback when r % every[2] is 2, a commit when
 * r % every[3] is 3, the model following; false for any other step,
 * where the caller adds rows.
 */
static bool txn_step(struct db_sketch *s, unsigned r, const unsigned every[4],
                     struct txn_model *m)
{
    if (r % every[0] == 0) {
        db_sketch_savepoint(s);
        m->mark = m->now;
    } else if (r % every[1] == 1) {
        db_sketch_rollback_savepoint(s);
        m->now = m->mark;
    } else if (r % every[2] == 2) {
        db_sketch_rollback(s);
        m->now = m->mark = m->committed;
    } else if (r % every[3] == 3) {
        db_sketch_commit(s);
        m->committed = m->mark = m->now;
    } else {
        return false;
    }
    return true;
}

/*
 * The in-memory claim sketch against a list of its rows: ids added under
 * 70,000 keys and under a few shared ones (the table grows while a
 * transaction's ids are logged), savepoints and transactions rolled back
 * and committed; every probe equals the rows' newest ids, newest first.
 */
struct sketch_row {
    char scope;
    uint32_t hash;
    int64_t id;
};

static size_t model_probe(const struct sketch_row *rows, size_t n, char scope,
                          uint32_t hash, int64_t *out, size_t max)
{
    size_t got = 0;

    for (size_t i = n; i > 0 && got < max; i--)
        if (rows[i - 1].scope == scope && rows[i - 1].hash == hash)
            out[got++] = rows[i - 1].id;
    return got;
}

/* Rows in claim_postings' order: key (scope, hash), then the claim. */
static int by_table_key(const void *a, const void *b)
{
    const struct sketch_row *x = a, *y = b;
    uint64_t kx = db_postings_key(x->scope, x->hash),
             ky = db_postings_key(y->scope, y->hash);

    return kx != ky ? (kx > ky) - (kx < ky) : (x->id > y->id) - (x->id < y->id);
}

struct visit {
    const struct sketch_row *want;
    size_t n, seen, wrong, keys;
};

static int visit_key(void *ctx, uint64_t key, const int64_t *ids, size_t n)
{
    struct visit *v = ctx;

    v->keys++;
    for (size_t i = 0; i < n; i++, v->seen++) {
        const struct sketch_row *w = v->seen < v->n ? &v->want[v->seen] : NULL;
        v->wrong +=
            !w || db_postings_key(w->scope, w->hash) != key || w->id != ids[i];
    }
    /* Each key once: the next row is another key's. */
    v->wrong += v->seen < v->n && db_postings_key(v->want[v->seen].scope,
                                                  v->want[v->seen].hash) == key;
    return DB_OK;
}

static void test_sketch(void)
{
    static const char scopes[] = "qsn";
    static const unsigned every[4] = {50, 50, 400, 100};
    struct db_sketch *s = db_sketch_new(0);
    struct txn_model t = {0};
    size_t cap = 400000, bad = 0;
    struct sketch_row *rows = xmalloc(cap * sizeof(*rows));
    int64_t id = 0, got[40], want[40];
    uint32_t seed = 7;

    for (int step = 0; step < 120000; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        if (txn_step(s, r, every, &t))
            continue;
        /* A claim of 1-3 hashes: mostly new keys, some shared ones, one
         * repeated (kept once, as INSERT OR IGNORE keeps it). */
        id++;
        for (unsigned k = 0; k < 1 + r % 3 && t.now + 2 < cap; k++) {
            char scope = scopes[(r >> 4) % 3];
            uint32_t hash = r % 7 == 0 ? (r >> 3) % 5 : seed ^ k;
            bool seen = false;
            for (size_t j = t.now; j > 0 && rows[j - 1].id == id; j--)
                seen |= rows[j - 1].scope == scope && rows[j - 1].hash == hash;
            if (!seen)
                rows[t.now++] = (struct sketch_row){scope, hash, id};
            db_sketch_add(s, scope, hash, id);
            if (k == 0 && r % 11 == 0)
                db_sketch_add(s, scope, hash, id);
        }
    }
    size_t n = t.now;
    for (size_t i = 0; i < n; i += 1 + i % 13) {
        size_t a = db_sketch_probe(s, rows[i].scope, rows[i].hash, got, 32);
        size_t b = model_probe(rows, n, rows[i].scope, rows[i].hash, want, 32);
        if (a != b || memcmp(got, want, a * sizeof(*got)) != 0)
            bad++;
    }
    ok(n > 100000, "sketch: %zu rows under many keys", n);
    is_int(bad, 0, "sketch: every probe = the rows' 32 newest ids");
    for (uint32_t h = 0; h < 5; h++) {
        size_t a = db_sketch_probe(s, 'q', h, got, 40);
        size_t b = model_probe(rows, n, 'q', h, want, 40);
        ok(a == b && a > 32 && memcmp(got, want, a * sizeof(*got)) == 0,
           "sketch: shared key %u, %zu ids, newest first", h, a);
    }
    /* Every key once, in order, with its ids ascending. */
    struct sketch_row *sorted = xmalloc((n + 1) * sizeof(*sorted));
    memcpy(sorted, rows, n * sizeof(*rows));
    qsort(sorted, n, sizeof(*sorted), by_table_key);
    struct visit v = {sorted, n, 0, 0, 0};
    int each = db_sketch_each(s, visit_key, &v);
    ok(each == DB_OK && v.seen == n && v.wrong == 0 && v.keys > 1000,
       "sketch: each key once, in order, its ids ascending (%zu of %zu "
       "ids, %zu keys)",
       v.seen, n, v.keys);
    free(sorted);
    is_int(db_sketch_probe(s, 'x', 1, got, 32), 0, "sketch: unknown key");
    is_int(db_sketch_add(s, 'q', 1, (int64_t)UINT32_MAX + 1), DB_ERROR,
           "sketch: an id past 32 bits is refused");
    free(rows);
    db_sketch_free(s);
}

/*
 * The claims the sketch holds for candidate searches, against a model:
 * claims added with the ids SQLite gives (the next after the last kept
 * row), some grouped, savepoints and transactions rolled back and
 * committed, more claims than it holds. A claim it holds is the one last
 * added with its id, whole; it holds the newest ones.
 */
struct held_model {
    int64_t article, group;
};

static void test_sketch_claims(void)
{
    enum { HOLD = 2048, MAXID = 40000 };
    static const unsigned every[4] = {40, 40, 300, 90};
    struct db_sketch *s = db_sketch_new(HOLD);
    struct held_model *m = xcalloc(MAXID + 2, sizeof(*m));
    struct txn_model t = {0}; /* claim ids */
    int64_t version = 0, top = 0;
    size_t wrong = 0, held = 0, window = 0;
    uint32_t seed = 11;

    for (int step = 0; step < 60000 && t.now < MAXID; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        if (txn_step(s, r, every, &t))
            continue;
        int64_t id = (int64_t)++t.now;
        uint32_t fp[3] = {(uint32_t)++version, r, 7};
        char unit[24];
        snprintf(unit, sizeof(unit), "u%lld", (long long)version);
        struct db_sketch_claim c = {
            .id = id,
            .article_id = version,
            .kind = "nqs"[r % 3],
            .nfingerprint = 1 + r % 3,
            .fingerprint = fp,
            .unit = r % 2 ? unit : NULL,
            .speaker_text = "a speaker",
            .source_key = unit,
            .group_id = r % 4 == 0 ? 1000 + id : 0,
        };
        if (db_sketch_claim_add(s, &c) != DB_OK)
            wrong++;
        m[id] = (struct held_model){version, c.group_id};
        top = id > top ? id : top;
    }
    int64_t last = (int64_t)t.now;
    /* Ids a rollback took back are not held. */
    db_sketch_savepoint(s);
    for (int k = 0; k < 5; k++)
        db_sketch_claim_add(s, &(struct db_sketch_claim){.id = last + 1 + k,
                                                         .source_key = "x"});
    db_sketch_rollback_savepoint(s);
    top = last + 5;
    for (int64_t id = 1; id <= top + 1; id++) {
        const struct db_sketch_claim *c = db_sketch_claim(s, id);
        bool in_window = id <= last && id > last - HOLD;
        window += in_window;
        if (!c)
            continue;
        held++;
        char unit[24];
        snprintf(unit, sizeof(unit), "u%lld", (long long)m[id].article);
        if (!in_window || c->id != id || c->article_id != m[id].article ||
            c->group_id != m[id].group ||
            c->fingerprint[0] != (uint32_t)m[id].article ||
            strcmp(c->source_key, unit) != 0 ||
            (c->unit && strcmp(c->unit, unit) != 0) ||
            strcmp(c->speaker_text, "a speaker") != 0)
            wrong++;
    }
    ok(last > 3 * HOLD, "held claims: %lld claims added", (long long)last);
    is_int(wrong, 0, "held claims: each as last added, newest only");
    ok(held > window * 9 / 10 && held <= HOLD,
       "held claims: %zu of the newest %zu", held, window);
    ok(db_sketch_claim(s, 0) == NULL && db_sketch_claim(s, -5) == NULL,
       "held claims: no claim 0");
    is_int(db_sketch_claim_add(s, &(struct db_sketch_claim){.id = last}),
           DB_ERROR, "held claims: an id not past the last is refused");

    /* Names: as set, forgotten with a rollback. */
    db_sketch_name_set(s, 5000, "Vladimir Putin");
    db_sketch_name_set(s, 5000, "Putin");
    db_sketch_outlet_set(s, 9, "Reuters");
    ok(db_sketch_name(s, 5000) &&
           strcmp(db_sketch_name(s, 5000), "Putin") == 0 &&
           !db_sketch_name(s, 4999) && !db_sketch_name(s, 1 << 20),
       "held names: the last one set");
    ok(db_sketch_outlet(s, 9) && !db_sketch_outlet(s, 8),
       "held outlet: of its article only");
    db_sketch_rollback_savepoint(s);
    ok(!db_sketch_name(s, 5000) && !db_sketch_outlet(s, 9),
       "held names: forgotten with a rollback after a rename");
    db_sketch_commit(s);
    db_sketch_name_set(s, 6000, "Joe Biden");
    db_sketch_outlet_set(s, 10, "AP");
    db_sketch_rollback(s);
    ok(db_sketch_name(s, 6000) && !db_sketch_outlet(s, 10),
       "held names: kept by a rollback without a rename, not the outlet");
    db_sketch_claims_forget(s);
    ok(!db_sketch_claim(s, last), "held claims: forgotten");
    free(m);
    db_sketch_free(s);
}

/* One integer from @sql on @db (-1 on error). */
static int64_t sql_int(struct db *db, const char *sql)
{
    struct db_query dq;
    int64_t v = -1;

    db_query_init(&dq, sql);
    return db_query_int64(db, &dq, &v) == DB_OK ? v : -1;
}

/*
 * claim_postings against a model: ids added (mostly new ones, some
 * older than a key's first, some again) and removed (some not there) at
 * random under a few keys, with the newest of each key and every block
 * checked along the way; a list written at once equals the same adds;
 * the fill's SQL functions; a malformed block is an error.
 */
static void test_postings(void)
{
    enum { KEYS = 3, MAXID = 1200 };
    static bool model[KEYS][MAXID + 1];
    struct db *db = NULL;
    uint32_t seed = 11;
    size_t bad_newest = 0, bad_blocks = 0;
    int64_t next = 1, got[40];

    if (!(db = open_scratch("postings.db")))
        return;
    db_begin(db);
    for (int step = 0; step < 6000; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8, k = r % KEYS;
        uint64_t key = db_postings_key('q', k);
        int64_t id =
            r % 10 < 6 && next < MAXID ? next++ : 1 + (int64_t)(r % MAXID);
        if (r % 10 < 8) {
            db_postings_add(db, key, id);
            model[k][id] = true;
        } else {
            db_postings_remove(db, key, id);
            model[k][id] = false;
        }
        size_t n = 0, want = 0;
        db_postings_newest(db, key, got, 32, &n);
        for (int64_t i = MAXID; i > 0 && want < 32; i--)
            if (model[k][i])
                bad_newest += want >= n || got[want++] != i;
        bad_newest += n != want;
    }
    is_int(bad_newest, 0,
           "postings: each key's 32 newest, newest first, "
           "as the model's after every step");
    for (unsigned k = 0; k < KEYS; k++) {
        size_t n = 0, want = 0;
        int64_t *all = xmalloc((MAXID + 1) * sizeof(*all));
        db_postings_newest(db, db_postings_key('q', k), all, MAXID + 1, &n);
        for (int64_t i = MAXID; i > 0; i--)
            if (model[k][i])
                bad_blocks += want >= n || all[want++] != i;
        bad_blocks += n != want;
        free(all);
    }
    is_int(bad_blocks, 0, "postings: every id of each key, once");
    /* At once, or one by one: the same blocks. */
    int64_t ids[300];
    for (size_t i = 0; i < 300; i++)
        ids[i] = 5 + 3 * (int64_t)i + (int64_t)(i * i % 3);
    db_postings_write(db, db_postings_key('s', 1), ids, 300);
    for (size_t i = 0; i < 300; i++)
        db_postings_add(db, db_postings_key('s', 2), ids[i]);
    is_int(sql_int(db, "SELECT count(*) FROM claim_postings a JOIN "
                       "claim_postings b ON b.key = a.key + 1 AND "
                       "b.first_id = a.first_id AND b.ids = a.ids WHERE "
                       "a.key = unicode('s') << 32 | 1"),
           3,
           "postings: a list written at once = its ids added in order "
           "(3 blocks of 128, 128, 44)");
    is_int(sql_int(db, "SELECT dossier_word(x'0100000002000000', 1) + "
                       "dossier_word(x'0100000002000000', 0)"),
           3, "dossier_word: a fingerprint's hashes");
    is_int(sql_int(db, "SELECT dossier_word(x'01000000', 1) IS NULL"), 1,
           "dossier_word: NULL past the end");
    is_int(
        sql_int(db,
                "SELECT hex(dossier_gaps(v)) = '018101A001' FROM "
                "(SELECT column1 AS v FROM (VALUES (300), (10), (11), (140), "
                "(11)))"),
        1, "dossier_gaps: sorted, once each, varint gaps from the first");

    db_exec(db, "INSERT INTO claim_postings VALUES (99, 1, x'00')");
    size_t n;
    ok(db_postings_newest(db, 99, got, 32, &n) == DB_ERROR,
       "postings: a malformed block (a gap of 0) is an error");
    ok(db_postings_add(db, 99, 5) == DB_ERROR,
       "postings: and no add goes into it");
    db_rollback(db);
    db_close(db);
    remove_db("postings.db");
}

/* The claims the sketch of a load in memory holds under quote hash @h. */
static size_t sketch_ids(struct db *db, uint32_t h, int64_t *ids)
{
    return db->sketch ? db_sketch_probe(db->sketch, 'q', h, ids, 8) : 0;
}

/*
 * A load into an empty database: the indexes it leaves out and the claim
 * sketch in memory follow the connection's savepoints, commits and
 * rollbacks; db_indexes_build fills claim_sketch with the committed
 * claims and builds every index; a database with articles leaves
 * nothing out.
 */
static void test_load(void)
{
    static const uint32_t fp[] = {11, 22, 33};
    struct db *db = NULL;
    int64_t ids[8], a, c1 = 0, c2 = 0, c3 = 0;
    bool deferring = false;
    int built = -1;

    if (!(db = open_scratch("load.db")))
        return;
    int64_t indexes = sql_int(db, "SELECT count(*) FROM sqlite_master "
                                  "WHERE type = 'index'");
    ok(db_load_begin(db, &deferring) == DB_OK && deferring && db->sketch,
       "load: an empty database is loaded in bulk");
    is_int(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE type = "
                       "'index'"),
           indexes - 18, "load: 18 indexes left out");
    is_int(db_indexes_pending(db), 21,
           "load: they and three tables to compute listed");

    struct db_claim_row c = {.kind = "quote",
                             .start = 0,
                             .end = 5,
                             .fingerprint = fp,
                             .nfingerprint = 3};
    db_begin(db);
    a = add_article(db, "l1", "\"We stay,\" she said.");
    c.article_id = a;
    db_savepoint(db);
    db_claim_insert(db, &c, &c1, NULL);
    ok(sketch_ids(db, 22, ids) == 1 && ids[0] == c1,
       "load: a claim's hashes noted in memory");
    db_savepoint_rollback(db);
    is_int(sketch_ids(db, 22, ids), 0, "load: gone with its savepoint");
    db_savepoint(db);
    db_claim_insert(db, &c, &c2, NULL);
    db_savepoint_release(db);
    is_int(db_commit(db), DB_OK, "load: commit");
    db_begin(db);
    db_claim_insert(db, &c, &c3, NULL);
    ok(sketch_ids(db, 33, ids) == 2 && ids[0] == c3 && ids[1] == c2,
       "load: newest first");
    db_rollback(db);
    ok(sketch_ids(db, 11, ids) == 1 && ids[0] == c2,
       "load: a rolled-back transaction takes its claims out");
    is_int(sql_int(db, "SELECT count(*) FROM claim_postings"), 0,
           "load: the table stays empty");

    /* A writable server opened meanwhile listed a claim of its own,
     * and the committed one under one of its keys. */
    db_begin(db);
    db_postings_add(db, db_postings_key('q', 22), c2);
    db_postings_add(db, db_postings_key('q', 44), c2 + 1000);
    db_commit(db);
    ok(db_indexes_build(db, &built) == DB_OK && built == 21 && !db->sketch,
       "load: the 18 indexes and the 3 tables built");
    is_int(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE type = "
                       "'index'"),
           indexes, "load: every index back");
    is_int(db_indexes_pending(db), 0, "load: none listed");
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM claim_postings WHERE first_id = %lld AND "
             "ids = x'' AND key >> 32 = unicode('q') AND key & 0xffffffff "
             "IN (11, 22, 33)",
             (long long)c2);
    is_int(sql_int(db, sql), 3,
           "load: the committed claim listed under its three keys, once");
    is_int(sql_int(db, "SELECT count(*) FROM claim_postings"), 4,
           "load: beside what another connection listed");

    ok(db_load_begin(db, &deferring) == DB_OK && !deferring && !db->sketch &&
           db_indexes_pending(db) == 0,
       "load: a database with articles leaves nothing out");
    db_close(db);
    remove_db("load.db");
}

static bool candidates_equal(const struct db_claim_candidate *a,
                             const struct db_claim_candidate *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i].id != b[i].id || a[i].group_id != b[i].group_id ||
            a[i].article_id != b[i].article_id ||
            a[i].same_outlet != b[i].same_outlet ||
            a[i].has_value != b[i].has_value || a[i].value != b[i].value ||
            !a[i].speaker != !b[i].speaker ||
            (a[i].speaker && strcmp(a[i].speaker, b[i].speaker) != 0) ||
            !a[i].unit != !b[i].unit ||
            (a[i].unit && strcmp(a[i].unit, b[i].unit) != 0) ||
            a[i].nfingerprint != b[i].nfingerprint ||
            memcmp(a[i].fingerprint, b[i].fingerprint,
                   a[i].nfingerprint * sizeof(uint32_t)) != 0)
            return false;
    }
    return true;
}

/* The claims of test_held_candidates, in one load: five articles (one
 * without a source) of nine claims of three kinds each, speakers named
 * by an entity or as written, values, units, one claim not grouped. */
static void held_claims_fill(struct db *db, int64_t *arts, int64_t *speaker)
{
    static const char *const kinds[] = {"quote", "statement", "number"};
    static const char *const outlets[] = {"A", "B", "A", NULL, "A"};
    static const uint32_t fps[][4] = {
        {5, 6, 7, 8}, {5, 6, 9, 0x80000001u}, {6, 7, 0x80000001u, 0}};
    int64_t group = 0;

    db_begin(db);
    db_entity_create(db, "Putin", "PERSON", "putin", speaker);
    for (size_t i = 0; i < 5; i++) {
        char hash[8];
        snprintf(hash, sizeof(hash), "h%zu", i);
        struct db_article_new a = {NULL, outlets[i], "T",  "2021-12-01",
                                   NULL, "A body.",  hash, 2};
        db_articles_insert(db, &a, &arts[i]);
        for (size_t k = 0; k < 9; k++) {
            struct db_claim_row c = {
                .article_id = arts[i],
                .kind = kinds[k % 3],
                .end = 5,
                .speaker_entity_id = k % 2 ? *speaker : 0,
                .speaker_text = k % 4 == 0 ? "a spokesman" : NULL,
                .has_value = k % 3 == 2 && k != 5,
                .value = 100000 + 20000.0 * (double)(i % 2),
                .unit = k % 3 == 2 ? "troops" : NULL,
                .fingerprint = fps[k % 3],
                .nfingerprint = 2 + (i + k) % 3,
            };
            if (k < 3)
                group = 0; /* each kind starts a group */
            /* one claim left out of any group */
            claim_in(db, &c, i == 3 && k == 4 ? NULL : &group);
        }
    }
}

/* Step @round of test_held_candidates: a speaker's fuller name, then a
 * rename and a claim rolled back. */
static void held_claims_change(struct db *db, int round, int64_t article,
                               int64_t speaker)
{
    static const uint32_t fp[] = {5, 6, 7, 8};
    int64_t group;

    if (round == 1)
        db_entity_offer_name(db, speaker, "Vladimir Putin", "vladimir putin");
    if (round == 2) {
        db_savepoint(db);
        db_entity_offer_name(db, speaker, "Vladimir V. Putin",
                             "vladimir v. putin");
        struct db_claim_row c = {.article_id = article,
                                 .kind = "quote",
                                 .fingerprint = fp,
                                 .nfingerprint = 4};
        group = 0;
        claim_in(db, &c, &group);
        db_savepoint_rollback(db);
    }
}

static int64_t find(struct db *db, const char *key)
{
    int64_t id = 0;

    return db_entity_find(db, key, &id) == DB_OK ? id : -1;
}

/* Entity @e's counts and dates as the table has them, written out. */
static void entity_row(struct db *db, int64_t e, char *out, size_t size)
{
    sqlite3_stmt *st =
        db_stmt(db, "SELECT mention_count, article_count, first_published, "
                    "last_published FROM entities WHERE id = ?");

    snprintf(out, size, "none");
    sqlite3_bind_int64(st, 1, e);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, size, "%lld %lld %s %s",
                 (long long)sqlite3_column_int64(st, 0),
                 (long long)sqlite3_column_int64(st, 1),
                 db_col_text(st, 2) ? db_col_text(st, 2) : "-",
                 db_col_text(st, 3) ? db_col_text(st, 3) : "-");
    sqlite3_reset(st);
}

/*
 * During a load, the entity a shared key means is the most mentioned
 * (then the oldest) by counts kept in memory, which savepoints and
 * rollbacks take back; each commit writes the counts and dates of the
 * entities it tallied, as an article-by-article load does.
 */
static void test_load_entity_find(void)
{
    struct db *db = open_scratch("find.db");
    int64_t a, b = 0, e1 = 0, e2 = 0;
    bool deferring;
    char row[96];

    if (!db)
        return;
    db_load_begin(db, &deferring);
    db_begin(db);
    a = add_article(db, "k1", "Putin met Putin.");
    db_entity_create(db, "Vladimir Putin", "PERSON", "vladimir putin", &e1);
    db_entity_create(db, "Putin Jr", "PERSON", "putin jr", &e2);
    db_entity_add_key(db, e1, "putin");
    db_entity_add_key(db, e2, "putin");
    is_int(find(db, "putin"), e1, "find: a tie, the oldest");
    mention(db, a, e2, "Putin");
    is_int(find(db, "putin"), e2, "find: the most mentioned");
    mention(db, a, e1, "Putin");
    is_int(find(db, "putin"), e1, "find: a tie again, the oldest");
    db_entity_tally(db, e1, a, +1);
    db_entity_tally(db, e2, a, +1);
    db_savepoint(db);
    mention(db, a, e2, "Putin");
    db_entity_tally(db, e2, a, +1);
    is_int(find(db, "putin"), e2, "find: mentions of a savepoint count");
    db_savepoint_rollback(db);
    is_int(find(db, "putin"), e1, "find: and go with it");
    entity_row(db, e1, row, sizeof(row));
    is_str(row, "0 0 - -", "counts: not written before the commit");
    db_commit(db);
    entity_row(db, e1, row, sizeof(row));
    is_str(row, "1 1 2021-12-01 2021-12-01", "counts: written at the commit");

    db_begin(db);
    struct db_article_new later = {NULL, "Test",          "Later", "2021-12-05",
                                   NULL, "Putin, Putin.", "k2",    2};
    struct db_article_new between = {NULL, "Test",   "Between", "2021-12-03",
                                     NULL, "Putin.", "k3",      1};
    struct db_article_new undated = {NULL, "Test",   "Undated", NULL,
                                     NULL, "Putin!", "k4",      1};
    int64_t c = 0, d = 0;
    db_articles_insert(db, &later, &b);
    mention(db, b, e2, "Putin");
    mention(db, b, e2, "Putin,");
    db_entity_tally(db, e2, b, +1);
    db_articles_insert(db, &between, &c);
    mention(db, c, e2, "Putin.");
    db_entity_tally(db, e2, c, +1);
    db_articles_insert(db, &undated, &d);
    mention(db, d, e2, "Putin!");
    db_entity_tally(db, e2, d, +1);
    db_commit(db);
    entity_row(db, e2, row, sizeof(row));
    is_str(row, "5 4 2021-12-01 2021-12-05",
           "counts: added to, dates moved by the new articles' (not by an "
           "undated one)");
    db_begin(db);
    static const char *const more[] = {
        "Putin met", "met Putin", "Putin met Putin", "met", "Putin met Putin."};
    for (size_t i = 0; i < 5; i++)
        mention(db, a, e1, more[i]);
    db_entity_tally(db, e1, b, +1);
    is_int(find(db, "putin"), e1, "find: the most mentioned again");
    db_rollback(db);
    is_int(find(db, "putin"), e2, "find: a rolled-back transaction's go");
    entity_row(db, e1, row, sizeof(row));
    is_str(row, "1 1 2021-12-01 2021-12-01", "counts: and are not written");
    is_int(find(db, "vladimir putin"), e1, "find: an own key");
    is_int(find(db, "nobody"), -1, "find: no entity");
    db_close(db);
    remove_db("find.db");
}

/*
 * The claims a load holds in memory answer candidate searches as the
 * table does: two loads of the same claims, one whose sketch holds them
 * and one whose sketch holds none (so reads the table), asked the same
 * searches of each kind from two articles, before and after a rename of
 * the speaker (read before), and after a rename and a claim rolled back.
 */
/* Two empty databases @held and @table in @db, each begun as a load;
 * false (both closed) when one cannot be opened. */
static bool twin_loads(struct db *db[2], const char *held, const char *table)
{
    bool deferring;

    db[0] = open_scratch(held);
    db[1] = open_scratch(table);
    if (!db[0] || !db[1]) {
        db_close(db[0]);
        db_close(db[1]);
        return false;
    }
    for (int d = 0; d < 2; d++)
        db_load_begin(db[d], &deferring);
    return true;
}

/* In @db's open transaction, @narts articles of @body by outlets A, B,
 * C and none in turn (hashes @art_tag0, @art_tag1, ...; ids in @arts),
 * and @nents people (keys @ent_tag0, ...; ids in @ents). */
static void twin_fill(struct db *db, const char *art_tag, const char *body,
                      int64_t *arts, int narts, const char *ent_tag,
                      int64_t *ents, int nents)
{
    static const char *const outlets[] = {"A", "B", "C", NULL};

    for (int i = 0; i < narts; i++) {
        char hash[16];
        snprintf(hash, sizeof(hash), "%s%d", art_tag, i);
        struct db_article_new a = {NULL, outlets[i % 4], "T",  "2021-12-01",
                                   NULL, body,           hash, 4};
        db_articles_insert(db, &a, &arts[i]);
    }
    for (int i = 0; i < nents; i++) {
        char key[16];
        snprintf(key, sizeof(key), "%s%d", ent_tag, i);
        db_entity_create(db, key, "person", key, &ents[i]);
    }
}

/* Now and then, by random @r, the same in both of @db: an article's
 * savepoint begun, rolled back or kept (*@in_savepoint says whether one is
 * open), or a commit. */
static void twin_step(struct db *db[2], unsigned r, bool *in_savepoint)
{
    for (int d = 0; d < 2; d++) {
        if (r % 29 == 0 && !*in_savepoint)
            db_savepoint(db[d]);
        else if (r % 7 == 0 && *in_savepoint && r % 2)
            db_savepoint_rollback(db[d]);
        else if (r % 7 == 0 && *in_savepoint)
            db_savepoint_release(db[d]);
        else if (r % 97 == 0 && !*in_savepoint) {
            db_commit(db[d]);
            db_begin(db[d]);
        }
    }
    if (r % 29 == 0 && !*in_savepoint)
        *in_savepoint = true;
    else if (r % 7 == 0 && *in_savepoint)
        *in_savepoint = false;
}

/* Roll back, close and remove what twin_loads() opened. */
static void twin_close(struct db *db[2], const char *held, const char *table)
{
    for (int d = 0; d < 2; d++) {
        db_rollback(db[d]);
        db_close(db[d]);
    }
    remove_db(held);
    remove_db(table);
}

static void test_held_candidates(void)
{
    static const char *const kinds[] = {"quote", "statement", "number"};
    static const uint32_t probe[] = {5, 6, 7, 8, 9, 0x80000001u};
    struct db *db[2];
    int64_t arts[2][5], speaker[2];
    size_t checked = 0, same = 0, outlets_seen = 0, named = 0, found = 0;

    if (!twin_loads(db, "held.db", "table.db"))
        return;
    /* The second holds no claims: it reads them all from the table. */
    db_sketch_free(db[1]->sketch);
    db[1]->sketch = db_sketch_new(0);
    for (int d = 0; d < 2; d++)
        held_claims_fill(db[d], arts[d], &speaker[d]);
    for (int round = 0; round < 3; round++) {
        for (int d = 0; d < 2; d++)
            held_claims_change(db[d], round, arts[d][1], speaker[d]);
        for (size_t k = 0; k < 3; k++) {
            for (size_t asking = 0; asking < 5; asking += 4) {
                struct db_claim_candidate *c[2] = {NULL, NULL};
                size_t n[2] = {0, 0};
                int rc[2];
                for (int d = 0; d < 2; d++)
                    rc[d] = db_claims_candidates(db[d], kinds[k],
                                                 arts[d][asking], probe, 6, 16,
                                                 &c[d], &n[d], NULL, NULL);
                checked++;
                same += rc[0] == DB_OK && rc[1] == DB_OK && n[0] == n[1] &&
                        candidates_equal(c[0], c[1], n[0]);
                found += n[1];
                for (size_t i = 0; i < n[1]; i++) {
                    outlets_seen += c[1][i].same_outlet;
                    named += c[1][i].speaker &&
                             strstr(c[1][i].speaker, "Vladimir") != NULL;
                }
                db_claim_candidates_free(c[0], n[0]);
                db_claim_candidates_free(c[1], n[1]);
            }
        }
    }
    is_int(same, checked, "held: candidates as the table gives them");
    ok(found > 0 && outlets_seen > 0 && named > 0,
       "held: %zu candidates, of the asking article's outlet and of the "
       "renamed speaker",
       found);
    twin_close(db, "held.db", "table.db");
}

/* Candidates @a[0..n) and @b[0..n) alike: ids, labels, shared entities. */
static bool events_equal(const struct db_event_candidate *a,
                         const struct db_event_candidate *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].id != b[i].id || strcmp(a[i].label, b[i].label) != 0 ||
            a[i].shared_entities != b[i].shared_entities)
            return false;
    return true;
}

/*
 * The events a load holds by date (db_dates.c) answer as the tables do.
 * Two loads take the same random steps, as consolidation takes them (an
 * event gains mentions only as a candidate of its date, or when it is
 * new), one holding the dates and one asking the tables: after every
 * step both give the same candidates, through dates with more events
 * than are candidates, outlets gained, entities added, savepoints rolled
 * back, and commits.
 */
static void test_held_dates(void)
{
    static const char *const dates[] = {"2021-12-30", "2021-12", "2022-W01",
                                        "1986"};
    struct db *db[2];
    int64_t arts[2][12], ents[2][6];
    size_t checked = 0, same = 0, full = 0, shared = 0, events = 0;
    uint32_t seed = 7;

    if (!twin_loads(db, "dates.db", "nodates.db"))
        return;
    /* The second holds no dates: it asks the tables. */
    db_dates_free(db[1]->dates);
    db[1]->dates = NULL;
    for (int d = 0; d < 2; d++) {
        db_begin(db[d]);
        twin_fill(db[d], "d", "On Thursday they met.", arts[d], 12, "e",
                  ents[d], 6);
    }
    bool in_savepoint = false;
    for (int step = 0; step < 2500; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        const char *date = dates[r % 4];
        size_t ne = (r >> 3) % 4, article = (r >> 5) % 12;
        struct db_event_candidate *c[2] = {NULL, NULL};
        size_t n[2] = {0, 0};
        int rc[2];
        int64_t clause[2][4];
        for (int d = 0; d < 2; d++) {
            for (size_t i = 0; i < ne; i++)
                clause[d][i] = ents[d][(r >> (7 + 2 * i)) % 6];
            rc[d] =
                db_events_candidates(db[d], date, clause[d], ne, &c[d], &n[d]);
        }
        checked++;
        same += rc[0] == DB_OK && rc[1] == DB_OK && n[0] == n[1] &&
                events_equal(c[0], c[1], n[0]);
        full += n[1] == 32;
        for (size_t i = 0; i < n[1]; i++)
            shared += c[1][i].shared_entities > 0;
        /* A mention of a candidate, or of a new event. */
        size_t pick = (r >> 15) % 40;
        for (int d = 0; d < 2; d++) {
            int64_t event = pick < n[d] ? c[d][pick].id : 0, timex = 0;
            if (!event) {
                char label[32];
                snprintf(label, sizeof(label), "event %d", step);
                db_event_create(db[d], date, "day", label, &event);
                events += d;
            }
            struct db_timex_row t = {.article_id = arts[d][article],
                                     .end = 8,
                                     .type = "date",
                                     .value = date};
            db_timex_insert(db[d], &t, &timex);
            struct db_event_mention m = {.event_id = event,
                                         .article_id = arts[d][article],
                                         .timex_id = timex,
                                         .sentence_end = 20,
                                         .entities = clause[d],
                                         .nentities = ne};
            db_event_add_mention(db[d], &m);
            db_event_candidates_free(c[d], n[d]);
        }
        twin_step(db, r, &in_savepoint);
    }
    is_int(same, checked, "dates: candidates as the tables give them");
    ok(full > 100 && shared > 100 && events > 100,
       "dates: %zu full lists, %zu candidates sharing entities, %zu events",
       full, shared, events);
    twin_close(db, "dates.db", "nodates.db");
}

/* Every claim group of @db, written out ("id kind status count;" each),
 * as a new string. */
static char *groups_text(struct db *db)
{
    sqlite3_stmt *st = NULL;
    char *text = NULL;

    if (sqlite3_prepare_v2(db->conn,
                           "SELECT group_concat(id || ' ' || kind || ' ' || "
                           "status || ' ' || source_count, ';') FROM (SELECT "
                           "* FROM claim_groups ORDER BY id)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        text = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return text ? text : xstrdup("");
}

/*
 * The claim groups a load holds (db_groups.c) count outlets and find
 * conflicts as the tables do. Two loads take the same random steps, one
 * holding its groups and one asking the tables: claims of three kinds,
 * from articles of four outlets (one without), with a few values and
 * speakers, start groups or join one of their kind (now and then one
 * of another kind, and a group recounted: the tables answer for those
 * from then on); savepoints rolled back or kept, and commits. After
 * every step both have the same groups, row for row.
 */
static void test_held_groups(void)
{
    static const char *const kinds[] = {"number", "quote", "statement"};
    static const uint32_t fp[] = {11, 22, 33};
    struct db *db[2];
    enum { MAXG = 1024 };
    static int64_t groups[2][3][MAXG];
    int64_t arts[2][8], speakers[2][3];
    size_t ngroups[3] = {0, 0, 0}, checked = 0, same = 0;
    uint32_t seed = 11;
    bool in_savepoint = false;

    if (!twin_loads(db, "groups.db", "nogroups.db"))
        return;
    ok(db[0]->groups != NULL, "groups: a load holds its groups");
    /* The second holds none: it asks the tables. */
    db_groups_free(db[1]->groups);
    db[1]->groups = NULL;
    for (int d = 0; d < 2; d++) {
        db_begin(db[d]);
        twin_fill(db[d], "g", "\"We stay,\" she said.", arts[d], 8, "s",
                  speakers[d], 3);
        db_commit(db[d]);
        db_begin(db[d]);
    }
    for (int step = 0; step < 3000; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        seed = seed * 1103515245u + 12345u;
        unsigned r2 = seed >> 8;
        size_t k = r % 3, article = (r >> 2) % 8, pick = (r >> 5) % 64;
        /* Mostly one of its kind (among its newest 64); one step in 256
         * another kind's. */
        size_t gk = (r >> 11) % 256 ? k : (k + 1) % 3;
        bool start = !ngroups[gk] || (r >> 19) % 4 == 0;
        for (int d = 0; d < 2; d++) {
            struct db_claim_row c = {
                .article_id = arts[d][article],
                .kind = kinds[k],
                .end = 8,
                .has_value = r2 % 4 != 0,
                .value = (double)((r2 >> 2) % 3),
                .speaker_entity_id =
                    (r2 >> 4) % 4 ? speakers[d][(r2 >> 6) % 3] : 0,
                .fingerprint = fp,
                .nfingerprint = 3,
            };
            int64_t id = 0, group = 0;
            if (start)
                c.group_id = DB_CLAIM_NEW_GROUP;
            else
                c.group_id =
                    groups[d][gk][ngroups[gk] - 1 - pick % ngroups[gk]];
            if (db_claim_insert(db[d], &c, &id, &group) == DB_OK && start &&
                ngroups[k] < MAXG)
                groups[d][k][ngroups[k]] = group;
        }
        if (start && ngroups[k] < MAXG)
            ngroups[k]++;
        if ((r2 >> 8) % 256 == 0 && ngroups[gk]) {
            for (int d = 0; d < 2; d++)
                db_claim_groups_recount(db[d],
                                        &groups[d][gk][pick % ngroups[gk]], 1);
        }
        char *text[2] = {groups_text(db[0]), groups_text(db[1])};
        checked++;
        same += strcmp(text[0], text[1]) == 0;
        free(text[0]);
        free(text[1]);
        twin_step(db, r, &in_savepoint);
    }
    is_int(same, checked, "groups: counted and judged as the tables do");
    is_int(sql_int(db[1], "SELECT count(*) FROM claim_groups WHERE status = "
                          "'conflicting'") > 20 &&
               sql_int(db[1], "SELECT count(*) FROM claim_groups WHERE "
                              "status = 'corroborated'") > 20 &&
               sql_int(db[1], "SELECT count(*) FROM claim_groups WHERE "
                              "source_count >= 3") > 20,
           1, "groups: many conflicting, corroborated, of three outlets");
    twin_close(db, "groups.db", "nogroups.db");
}

/* The size of file @name of the scratch directory (-1: none). */
static long scratch_size(const char *name)
{
    char file[300];
    struct stat st;

    snprintf(file, sizeof(file), "%s/%s", tmpdir, name);
    return stat(file, &st) == 0 ? (long)st.st_size : -1;
}

/*
 * A long run of writes checkpoints on a thread of its own: the writer
 * does not (wal_autocheckpoint 0), yet 64 transactions of 1 MB each
 * (16k pages, past DB_CHECKPOINT_WAL_FRAMES) leave a WAL that started
 * over instead of growing to 64 MB, and the database file has the rows.
 */
static void test_checkpointer(void)
{
    struct db *db = open_scratch("ckpt.db");
    bool rows = true;

    if (!db)
        return;
    db_tune_for_bulk_writes(db);
    ok(db->checkpointer && sql_int(db, "PRAGMA wal_autocheckpoint") == 0,
       "checkpoint: a thread of its own, none by the writer");
    db_exec(db, "CREATE TABLE ckpt(b BLOB)");
    for (int i = 0; i < 64 && rows; i++)
        rows = db_begin(db) == DB_OK &&
               db_exec(db, "INSERT INTO ckpt VALUES (zeroblob(1000000))") ==
                   DB_OK &&
               db_commit(db) == DB_OK;
    ok(rows, "checkpoint: 64 MB written in 64 transactions");
    long wal = scratch_size("ckpt.db-wal"), file = scratch_size("ckpt.db");
    ok(wal > 0 && wal < 50L * 1000 * 1000 && file > 40L * 1000 * 1000,
       "checkpoint: the WAL started over (%ld bytes), copied to the "
       "database (%ld bytes)",
       wal, file);
    db_close(db);
    ok(scratch_size("ckpt.db-wal") <= 0 &&
           scratch_size("ckpt.db") > 64L * 1000 * 1000,
       "checkpoint: all of it in the database once closed");
    remove_db("ckpt.db");
}

/* A load that is not alone: another connection's commit makes it read
 * the dates it holds again. */
static void test_held_dates_shared(void)
{
    struct db *load = open_scratch("shared.db"), *other = NULL;
    struct db_event_candidate *c = NULL;
    char file[300], err[512];
    bool deferring;
    int64_t ev = 0;
    size_t n = 0;

    if (!load)
        return;
    snprintf(file, sizeof(file), "%s/shared.db", tmpdir);
    db_load_begin(load, &deferring);
    db_begin(load);
    ok(deferring && load->dates &&
           db_events_candidates(load, "2021-12-30", NULL, 0, &c, &n) == DB_OK &&
           n == 0,
       "shared: a date held, without events");
    db_event_candidates_free(c, n);
    db_commit(load);
    if (db_open(file, 0, &other, err, sizeof(err)) != DB_OK) {
        ok(0, "shared: open a second connection: %s", err);
        db_close(load);
        return;
    }
    db_begin(other);
    db_event_create(other, "2021-12-30", "day", "they met", &ev);
    db_commit(other);
    db_begin(load);
    ok(db_events_candidates(load, "2021-12-30", NULL, 0, &c, &n) == DB_OK &&
           n == 1 && c[0].id == ev && strcmp(c[0].label, "they met") == 0,
       "shared: another connection's event found in the next transaction");
    db_event_candidates_free(c, n);
    db_rollback(load);
    db_close(other);
    db_close(load);
    remove_db("shared.db");
}

int main(void)
{
    struct db *db = NULL;
    char err[512];

    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/test.db", tmpdir);
    test_open();
    if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof(err)) != DB_OK) {
        ok(0, "open: %s", err);
        return tap_done();
    }
    test_insert(db);
    test_get(db);
    test_get_fields(db);
    test_orders(db);
    test_filters(db);
    test_sources_volume(db);
    test_search(db);
    test_search_matches(db);
    test_read_snapshot(db);
    test_filter_memo(db);
    test_delete(db);
    test_fts_at_commit();
    test_entities(db);
    test_big_filters(db);
    db_close(db);
    test_readonly();
    test_pool();
    test_reads();
    test_groups_events();
    test_claims_two_steps(false);
    test_claims_two_steps(true);
    test_group_labels();
    test_deadline();
    test_snippet();
    test_rank();
    test_top_memo();
    test_sketch();
    test_sketch_claims();
    test_held_candidates();
    test_held_dates();
    test_held_dates_shared();
    test_held_groups();
    test_checkpointer();
    test_load_entity_find();
    test_postings();
    test_load();

    remove_db("test.db");
    rmdir(tmpdir);
    return tap_done();
}
