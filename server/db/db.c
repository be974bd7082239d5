/*
 * db.c - SQLite connections: open, pragmas, embedded migrations tracked by
 * PRAGMA user_version, a prepared-statement cache, a progress-handler
 * deadline, and the server's per-thread pool.
 */
#include "db/db_internal.h"
#include "db/db_query.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/embed.h"
#include "core/log.h"

/*
 * DOSSIER_SQL_PROFILE=1: time every statement and print the costliest at
 * exit (a developer's tool for finding slow queries).
 */
#define PROFILE_SLOTS 256

static struct {
    pthread_mutex_t lock;
    bool on;
    struct {
        const char *sql; /* sqlite3_sql() of a cached statement */
        char *text;
        uint64_t ns, calls;
    } slot[PROFILE_SLOTS];
} profile = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int compare_profile(const void *a, const void *b)
{
    uint64_t x = ((const __typeof__(profile.slot[0]) *)a)->ns;
    uint64_t y = ((const __typeof__(profile.slot[0]) *)b)->ns;

    return x < y ? 1 : x > y ? -1 : 0;
}

static void profile_report(void)
{
    qsort(profile.slot, PROFILE_SLOTS, sizeof(profile.slot[0]),
          compare_profile);
    fprintf(stderr, "SQL profile (total ms, calls, statement):\n");
    for (int i = 0; i < 25 && profile.slot[i].text; i++)
        fprintf(
            stderr, "%10.1f %8llu  %.150s\n", (double)profile.slot[i].ns / 1e6,
            (unsigned long long)profile.slot[i].calls, profile.slot[i].text);
}

static int on_profile(unsigned type, void *ctx, void *p, void *x)
{
    const char *sql = sqlite3_sql(p);

    (void)ctx;
    if (type != SQLITE_TRACE_PROFILE || !sql)
        return 0;
    pthread_mutex_lock(&profile.lock);
    for (int i = 0; i < PROFILE_SLOTS; i++) {
        if (!profile.slot[i].text) {
            profile.slot[i].text = xstrdup(sql);
        } else if (strcmp(profile.slot[i].text, sql) != 0) {
            continue;
        }
        profile.slot[i].ns += *(sqlite3_int64 *)x;
        profile.slot[i].calls++;
        break;
    }
    pthread_mutex_unlock(&profile.lock);
    return 0;
}

static void profile_attach(sqlite3 *conn)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    const char *env = getenv("DOSSIER_SQL_PROFILE");

    if (!env || !*env || strcmp(env, "0") == 0)
        return;
    if (!profile.on) {
        profile.on = true;
        atexit(profile_report);
    }
    (void)once;
    sqlite3_trace_v2(conn, SQLITE_TRACE_PROFILE, on_profile, NULL);
}

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * dossier_tally(): 1, counting its calls in db->tally. In the sort key of
 * a query that sorts, it counts the rows that reach the sort (every match
 * of a search ranked for its top page) at no cost of their own.
 */
static void tally(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct db *db = sqlite3_user_data(ctx);

    (void)argc;
    (void)argv;
    db->tally++;
    sqlite3_result_int(ctx, 1);
}

bool db_deadline_passed(const struct db *db)
{
    return db->deadline_ns && now_ns() > db->deadline_ns;
}

/* dossier_has(bitmap, id): whether the blob has bit @id (bit i of byte
 * i / 8), as a set of ids built in C is asked from SQL. */
static void has(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *b = sqlite3_value_blob(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);

    (void)argc;
    sqlite3_result_int(ctx, db_bitmap_has(b, n, sqlite3_value_int64(argv[1])));
}

bool db_rewrites(struct db *db, int64_t *n)
{
    sqlite3_stmt *st = NULL;
    bool ok;

    *n = -1;
    if (db->schema < 9 ||
        sqlite3_prepare_v2(db->conn, "SELECT rewrites FROM corpus_state", -1,
                           &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return false;
    }
    ok = sqlite3_step(st) == SQLITE_ROW;
    *n = ok ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return ok;
}

bool db_data_version(struct db *db, unsigned *version)
{
    *version = 0;
    return sqlite3_file_control(db->conn, "main", SQLITE_FCNTL_DATA_VERSION,
                                version) == SQLITE_OK;
}

void db_idset_add(struct db_idset *ids, int64_t id)
{
    if (id < 0)
        return;
    size_t byte = (size_t)(id / 8);
    if (byte >= ids->len) {
        ids->bits = xgrow(ids->bits, 1, byte + 1, &ids->cap);
        memset(ids->bits + ids->len, 0, byte + 1 - ids->len);
        ids->len = byte + 1;
    }
    ids->bits[byte] |= (unsigned char)(1u << (id % 8));
    ids->n++;
}

/* Called every few thousand VM steps: non-zero interrupts the query. */
static int progress(void *user)
{
    return db_deadline_passed(user);
}

void db_set_deadline(struct db *db, int64_t ms)
{
    db->deadline_ns = ms > 0 ? now_ns() + ms * 1000000 : 0;
}

int db_status_of(struct db *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return DB_OK;
    case SQLITE_INTERRUPT:
        return DB_TIMEOUT;
    case SQLITE_READONLY:
        return DB_READONLY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_BUSY;
    case SQLITE_CONSTRAINT:
        return rc == SQLITE_CONSTRAINT_UNIQUE ||
                       rc == SQLITE_CONSTRAINT_PRIMARYKEY
                   ? DB_DUPLICATE
                   : DB_ERROR;
    case SQLITE_ERROR:
        /* FTS5 reports query syntax errors as plain SQLITE_ERROR. */
        if (strstr(sqlite3_errmsg(db->conn), "fts5") ||
            strstr(sqlite3_errmsg(db->conn), "syntax error"))
            return DB_BAD_QUERY;
        return DB_ERROR;
    default:
        return DB_ERROR;
    }
}

const char *db_errmsg(struct db *db)
{
    return sqlite3_errmsg(db->conn);
}

bool db_is_readonly(struct db *db)
{
    return db->read_only;
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int db_exec(struct db *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        log_debug("sql: %s: %s", msg ? msg : "error", sql);
        sqlite3_free(msg);
    }
    return db_status_of(db, rc);
}

/* The cached statement of @s, reset, with its bindings cleared. */
static sqlite3_stmt *slot_use(struct db *db, struct db_stmt_slot *s,
                              const char *sql)
{
    s->last_used = db->tick;
    s->from = sql;
    sqlite3_reset(s->stmt);
    sqlite3_clear_bindings(s->stmt);
    return s->stmt;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    struct db_stmt_slot *victim = &db->cache[0];

    db->tick++;
    /* Most SQL is a string literal, given again at the same address: a
     * pointer and a strcmp find it without hashing the text (hashing was
     * 4% of an ingest's instructions). */
    for (int i = 0; i < DB_STMT_CACHE; i++) {
        struct db_stmt_slot *s = &db->cache[i];
        if (s->from == sql && s->sql && strcmp(s->sql, sql) == 0)
            return slot_use(db, s, sql);
    }
    uint64_t hash = db_text_hash(sql);
    for (int i = 0; i < DB_STMT_CACHE; i++) {
        struct db_stmt_slot *s = &db->cache[i];
        if (s->sql && s->hash == hash && strcmp(s->sql, sql) == 0)
            return slot_use(db, s, sql);
        if (!s->sql || s->last_used < victim->last_used)
            victim = s;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                           NULL) != SQLITE_OK) {
        log_error("prepare failed: %s", sqlite3_errmsg(db->conn));
        return NULL;
    }
    if (victim->sql) {
        sqlite3_finalize(victim->stmt);
        free(victim->sql);
    }
    victim->sql = xstrdup(sql);
    victim->from = sql;
    victim->hash = hash;
    victim->stmt = st;
    victim->last_used = db->tick;
    return st;
}

static int migration_number(const char *name)
{
    int n = 0;

    if (name[0] < '0' || name[0] > '9')
        return -1;
    for (; *name >= '0' && *name <= '9'; name++)
        n = n * 10 + (*name - '0');
    return *name == '_' ? n : -1;
}

int db_schema_latest(void)
{
    int latest = 0;

    for (const struct embed_file *f = embed_schema; f->name; f++)
        if (migration_number(f->name) > latest)
            latest = migration_number(f->name);
    return latest;
}

int db_schema_version(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
    int v = -1;

    if (st && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    if (st)
        sqlite3_reset(st);
    return v;
}

int db_migrate(struct db *db, char *err, size_t errlen)
{
    int have = db_schema_version(db);

    if (have < 0) {
        snprintf(err, errlen, "cannot read schema version: %s", db_errmsg(db));
        return DB_ERROR;
    }
    if (have > db_schema_latest()) {
        snprintf(err, errlen,
                 "database schema %d is newer than this binary (%d)", have,
                 db_schema_latest());
        return DB_ERROR;
    }
    /* embed tables are sorted by name, so migrations apply in order. */
    for (const struct embed_file *f = embed_schema; f->name; f++) {
        int n = migration_number(f->name);
        if (n <= have)
            continue;
        char *sql = xasprintf("BEGIN IMMEDIATE;\n%s\nPRAGMA user_version = %d;"
                              "\nCOMMIT;",
                              (const char *)f->data, n);
        char *msg = NULL;
        int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
        free(sql);
        if (rc != SQLITE_OK) {
            snprintf(err, errlen, "migration %s failed: %s", f->name,
                     msg ? msg : sqlite3_errstr(rc));
            sqlite3_free(msg);
            sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
            return DB_ERROR;
        }
        log_info("applied migration %s", f->name);
    }
    return DB_OK;
}

/* Before SQLite's first use: no memory statistics, which every allocation
 * would update under one process-wide mutex (the worker threads' queries
 * allocate a lot). */
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

int db_open(const char *path, unsigned flags, struct db **out, char *err,
            size_t errlen)
{
    static pthread_once_t setup = PTHREAD_ONCE_INIT;
    struct db *db = xcalloc(1, sizeof(*db));
    int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    int rc;

    pthread_once(&setup, sqlite_setup);

    db->read_only = flags & DB_OPEN_READONLY;
    if (db->read_only)
        oflags |= SQLITE_OPEN_READONLY;
    else
        oflags |= SQLITE_OPEN_READWRITE |
                  ((flags & DB_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
    rc = sqlite3_open_v2(path, &db->conn, oflags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(db->conn, 10000);
    profile_attach(db->conn);
    sqlite3_progress_handler(db->conn, 4000, progress, db);
    fts5_api *fts5 = db_fts5_api(db->conn);
    if (!fts5 || db_snippet_register(fts5) != SQLITE_OK ||
        db_rank_register(fts5, db) != SQLITE_OK ||
        sqlite3_create_function(db->conn, "dossier_tally", 0,
                                SQLITE_UTF8 | SQLITE_DIRECTONLY, db, tally,
                                NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db->conn, "dossier_has", 2,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                    SQLITE_DIRECTONLY,
                                NULL, has, NULL, NULL) != SQLITE_OK ||
        db_postings_functions(db->conn) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot set up full-text search: %s", path,
                 sqlite3_errmsg(db->conn));
        goto fail;
    }
    if (!db->read_only && db_exec(db, "PRAGMA journal_mode = WAL") != DB_OK) {
        snprintf(err, errlen, "%s: cannot enable WAL: %s", path, db_errmsg(db));
        goto fail;
    }
    /* The map's pages count in the server's RSS: 16 MB a connection
     * (2 x 32 MB mapped and touched made a 1M server 207 MB, over the
     * 200 MB of issue 8; BENCHMARKS, eleventh round). */
    db_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                "PRAGMA mmap_size = 16777216; PRAGMA cache_size = -16384");
    /* A migration's index builds sort every row through temporary files:
     * on disk (1.3 GB of memory for one index of claims at 1M articles);
     * the queries' small sorts after it in memory. */
    if ((flags & DB_OPEN_CREATE) && db_migrate(db, err, errlen) != DB_OK)
        goto fail;
    db_exec(db, "PRAGMA temp_store = MEMORY");
    db->schema = db_schema_version(db);
    if (db->schema < 1) {
        snprintf(err, errlen, "%s: not a dossier database (schema version %d)",
                 path, db->schema);
        goto fail;
    }
    if ((flags & DB_OPEN_CREATE) && db_indexes_pending(db) > 0) {
        int built;
        log_info("%s: building the indexes an unfinished load left out", path);
        if (db_indexes_build(db, &built) != DB_OK) {
            snprintf(err, errlen, "%s: cannot build indexes: %s", path,
                     db_errmsg(db));
            goto fail;
        }
        log_info("%s: built %d indexes", path, built);
    }
    *out = db;
    return DB_OK;
fail:
    db_close(db);
    return DB_ERROR;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (int i = 0; i < DB_STMT_CACHE; i++) {
        if (db->cache[i].sql) {
            sqlite3_finalize(db->cache[i].stmt);
            free(db->cache[i].sql);
        }
    }
    /* Before the writer, whose close copies what is left. */
    db_checkpointer_stop(db->checkpointer);
    sqlite3_close_v2(db->conn);
    db_doclens_free(db);
    db_sketch_free(db->sketch);
    db_dates_free(db->dates);
    db_groups_free(db->groups);
    free(db->filters.key);
    free(db->filters.set.bits);
    free(db->top.key);
    free(db->top.row);
    free(db->tally_hits.slot);
    free(db->tally_hits.hits);
    free(db);
}

int db_snapshot(struct db *db, const char *path)
{
    sqlite3_stmt *st = db_stmt(db, "VACUUM INTO ?");
    int rc;

    if (!st)
        return DB_ERROR;
    db_bind_text(st, 1, path);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DB_OK : db_status_of(db, rc);
}

/* The writer checkpoints its WAL itself, at every commit past
 * DB_CHECKPOINT_WAL_FRAMES (~40 MB rather than SQLite's ~4 MB). */
static void checkpoints_by_writer(struct db *db)
{
    db_exec(db, "PRAGMA wal_autocheckpoint = " STR(DB_CHECKPOINT_WAL_FRAMES));
}

void db_tune_for_bulk_writes(struct db *db)
{
    const char *path = sqlite3_db_filename(db->conn, "main");

    if (!db->checkpointer && !db->read_only && path && *path)
        db->checkpointer = db_checkpointer_start(path);
    if (db->checkpointer) /* in place of SQLite's own checkpoints */
        sqlite3_wal_hook(db->conn, db_checkpointer_committed, db->checkpointer);
    else
        checkpoints_by_writer(db);
}

/* Forget the dates and groups a load holds if another connection
 * committed since they were read (a load is meant to run alone; this
 * keeps it right if not). */
static int held_check(struct db *db)
{
    struct db_query q;
    int64_t version;
    int rc;

    db_query_init(&q, "PRAGMA data_version");
    if ((rc = db_query_int64(db, &q, &version)) != DB_OK)
        return rc;
    if (version != db->held_version) {
        db_dates_forget(db->dates);
        if (db->groups)
            db_groups_forget_all(db->groups);
    }
    db->held_version = version;
    return DB_OK;
}

int db_begin(struct db *db)
{
    /* Anything still noted belonged to a transaction SQLite rolled back. */
    db->fts_articles_from = db->fts_claims_from = 0;
    if (db->sketch)
        db_sketch_rollback(db->sketch);
    if (db->dates)
        db_dates_rollback(db->dates);
    if (db->groups)
        db_groups_rollback(db->groups);
    if (db->checkpointer && !db_checkpointer_wait(db->checkpointer)) {
        db_checkpointer_stop(db->checkpointer); /* it gave up (logged) */
        db->checkpointer = NULL;
        checkpoints_by_writer(db);
    }
    int rc = db_exec(db, "BEGIN IMMEDIATE");
    if (rc == DB_OK && db->dates)
        rc = held_check(db);
    return rc;
}

int db_fts_added(struct db *db, bool claim, int64_t id)
{
    int64_t *from = claim ? &db->fts_claims_from : &db->fts_articles_from;

    if (!*from || id < *from)
        *from = id;
    return db_in_transaction(db) ? DB_OK : db_fts_sync(db);
}

static int fts_index_from(struct db *db, const char *sql, int64_t *from)
{
    sqlite3_stmt *st;
    int rc;

    if (!*from)
        return DB_OK;
    if (!(st = db_stmt(db, sql)))
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, *from);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_status_of(db, rc);
    *from = 0;
    return DB_OK;
}

int db_fts_sync(struct db *db)
{
    /* Every row from the first one noted is new: ids are max(id) + 1, and
     * rows a rolled-back savepoint took away are simply not there. */
    int rc = fts_index_from(db,
                            "INSERT INTO articles_fts(rowid, title, body) "
                            "SELECT id, title, body FROM articles "
                            "WHERE id >= ?1",
                            &db->fts_articles_from);

    if (rc == DB_OK)
        rc = fts_index_from(db,
                            "INSERT INTO claims_fts(rowid, text) SELECT "
                            "id, text FROM claim_texts WHERE id >= ?1",
                            &db->fts_claims_from);
    return rc;
}

int db_commit(struct db *db)
{
    int rc = db->sketch ? db_load_flush(db) : DB_OK;

    if (rc == DB_OK)
        rc = db_fts_sync(db);
    if (rc == DB_OK)
        rc = db_exec(db, "COMMIT");
    if (rc == DB_OK && db->sketch)
        db_sketch_commit(db->sketch);
    if (rc == DB_OK && db->dates)
        db_dates_commit(db->dates);
    if (rc == DB_OK && db->groups)
        db_groups_commit(db->groups);
    return rc;
}

bool db_in_transaction(struct db *db)
{
    return !sqlite3_get_autocommit(db->conn);
}

int db_step_done(struct db *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? DB_OK : db_status_of(db, rc);
}

/* Step the cached statement of @sql, which takes no parameters. */
static int step_plain(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    return st ? db_step_done(db, st) : DB_ERROR;
}

int db_read_begin(struct db *db)
{
    return db_in_transaction(db) ? DB_OK : step_plain(db, "BEGIN");
}

void db_read_end(struct db *db)
{
    if (db_in_transaction(db) && step_plain(db, "COMMIT") != DB_OK)
        db_rollback(db);
}

void db_rollback(struct db *db)
{
    if (db_in_transaction(db))
        db_exec(db, "ROLLBACK");
    db->fts_articles_from = db->fts_claims_from = 0;
    if (db->sketch)
        db_sketch_rollback(db->sketch);
    if (db->dates)
        db_dates_rollback(db->dates);
    if (db->groups)
        db_groups_rollback(db->groups);
}

int db_savepoint(struct db *db)
{
    if (db->sketch)
        db_sketch_savepoint(db->sketch);
    if (db->groups)
        db_groups_savepoint(db->groups);
    return db_exec(db, "SAVEPOINT item");
}

int db_savepoint_release(struct db *db)
{
    return db_exec(db, "RELEASE item");
}

void db_savepoint_rollback(struct db *db)
{
    /* After some errors SQLite has already rolled the whole transaction
     * back; then there is no savepoint left to return to. */
    if (db_in_transaction(db))
        db_exec(db, "ROLLBACK TO item; RELEASE item");
    if (db->sketch && db_in_transaction(db))
        db_sketch_rollback_savepoint(db->sketch);
    else if (db->sketch) /* the whole transaction went */
        db_sketch_rollback(db->sketch);
    if (db->groups && db_in_transaction(db))
        db_groups_rollback_savepoint(db->groups);
    else if (db->groups)
        db_groups_rollback(db->groups);
    if (db->dates)
        db_dates_rollback(db->dates);
}

int db_bump_generation(struct db *db)
{
    return db_exec(db, "UPDATE corpus_state SET generation = generation + 1");
}

int64_t db_generation(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT generation FROM corpus_state");
    int64_t g = -1;

    if (st && sqlite3_step(st) == SQLITE_ROW)
        g = sqlite3_column_int64(st, 0);
    if (st)
        sqlite3_reset(st);
    return g;
}

/* --- the server's pool ---------------------------------------------- */

static struct {
    char *path;
    bool read_only;
    pthread_mutex_t lock;
    struct db **all;
    size_t nall, cap;
    struct db *writer;
    pthread_mutex_t writer_lock;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .writer_lock = PTHREAD_MUTEX_INITIALIZER};

static _Thread_local struct db *thread_db;

int db_pool_init(const char *path, bool read_only, char *err, size_t errlen)
{
    pool.path = xstrdup(path);
    pool.read_only = read_only;
    if (!read_only && db_open(path, 0, &pool.writer, err, errlen) != DB_OK)
        return DB_ERROR;
    if (read_only) {
        struct db *db;
        if (db_open(path, DB_OPEN_READONLY, &db, err, errlen) != DB_OK)
            return DB_ERROR;
        int missing = db_indexes_pending(db);
        if (missing > 0)
            log_warn("%s: %d indexes are missing (a bulk load did not "
                     "finish): queries that need them scan; opening the "
                     "database writable builds them",
                     path, missing);
        db_close(db);
    }
    return DB_OK;
}

struct db *db_pool_get(void)
{
    char err[512];
    struct db *db;

    if (thread_db)
        return thread_db;
    if (db_open(pool.path, pool.read_only ? DB_OPEN_READONLY : 0, &db, err,
                sizeof(err)) != DB_OK) {
        log_error("cannot open database: %s", err);
        return NULL;
    }
    if (!pool.read_only)
        db_exec(db, "PRAGMA query_only = 1");
    pthread_mutex_lock(&pool.lock);
    pool.all = xgrow(pool.all, sizeof(*pool.all), pool.nall + 1, &pool.cap);
    pool.all[pool.nall++] = db;
    pthread_mutex_unlock(&pool.lock);
    thread_db = db;
    return db;
}

struct db *db_pool_writer(void)
{
    if (!pool.writer)
        return NULL;
    pthread_mutex_lock(&pool.writer_lock);
    return pool.writer;
}

void db_pool_writer_release(void)
{
    pthread_mutex_unlock(&pool.writer_lock);
}

void db_pool_shutdown(void)
{
    pthread_mutex_lock(&pool.lock);
    for (size_t i = 0; i < pool.nall; i++)
        db_close(pool.all[i]);
    free(pool.all);
    pool.all = NULL;
    pool.nall = pool.cap = 0;
    pthread_mutex_unlock(&pool.lock);
    db_close(pool.writer);
    pool.writer = NULL;
    free(pool.path);
    pool.path = NULL;
}
