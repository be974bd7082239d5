/*
 * db.h - the SQLite connection: opening, pragmas, migrations, the
 * prepared-statement cache, query deadlines and transactions.
 *
 * Only server/db/ includes sqlite3.h; the rest of dossier sees struct db
 * and the query functions of db_*.h.
 */
#ifndef DOSSIER_DB_DB_H
#define DOSSIER_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum db_status {
    DB_OK = 0,
    DB_NOT_FOUND = 1, /* not an error */
    DB_DUPLICATE = 2, /* not an error: the row exists already */
    DB_ERROR = -1,
    DB_TIMEOUT = -2,   /* the deadline passed (SQLITE_INTERRUPT) */
    DB_READONLY = -3,  /* a write on a read-only database */
    DB_BUSY = -4,      /* locked past busy_timeout */
    DB_BAD_QUERY = -5, /* a full-text query FTS5 rejected */
};

enum db_open_flags {
    DB_OPEN_READONLY = 1 << 0,
    DB_OPEN_CREATE = 1 << 1, /* create the file if missing, and migrate */
};

/*
 * db_open - open @path and apply pragmas; with DB_OPEN_CREATE, apply
 * pending migrations. On success *@out is a new handle (db_close).
 * Returns DB_OK, or DB_ERROR with a message in @err.
 */
int db_open(const char *path, unsigned flags, struct db **out, char *err,
            size_t errlen);
void db_close(struct db *db);

/* Apply the embedded migrations newer than PRAGMA user_version. */
int db_migrate(struct db *db, char *err, size_t errlen);
/* The highest migration number compiled into this binary. */
int db_schema_latest(void);
/* PRAGMA user_version of the open database, or -1. */
int db_schema_version(struct db *db);

/*
 * db_set_deadline - make queries on @db fail with DB_TIMEOUT once @ms
 * milliseconds have passed from now; 0 removes the deadline.
 */
void db_set_deadline(struct db *db, int64_t ms);

/* For a long run of writes (`dossier ingest`): checkpoint the WAL on a
 * thread of its own beside the writer (db_checkpoint.c), else less often
 * (every ~40 MB instead of ~4 MB). */
void db_tune_for_bulk_writes(struct db *db);

/*
 * Bulk loads (db_load.c). db_load_begin: in an empty database, drop the
 * indexes only reads use, listing them in table index_builds, so that
 * the load writes fewer b-trees; *@deferring says whether it did.
 * db_indexes_build: build every listed index (each in a transaction of
 * its own) and unlist it; *@built counts them. Call it when a load ends,
 * however it ends; db_open with DB_OPEN_CREATE calls it too, for the
 * indexes of a load that was killed. db_indexes_pending: how many are
 * listed (-1 on error); reads work without them, slowly.
 */
int db_load_begin(struct db *db, bool *deferring);
int db_indexes_build(struct db *db, int *built);
int db_indexes_pending(struct db *db);

int db_begin(struct db *db); /* BEGIN IMMEDIATE */
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* Whether a transaction is open on @db. */
bool db_in_transaction(struct db *db);
/*
 * db_read_begin / db_read_end - one read transaction around the queries
 * of a request: they all see one snapshot (a page and its total agree
 * under concurrent writes), and each statement, FTS5's own lookups
 * included, ends without committing an implicit transaction of its own.
 * db_read_end ends whatever transaction is open (a failed query may have
 * left one); both are no-ops where they have nothing to do.
 */
int db_read_begin(struct db *db);
void db_read_end(struct db *db);
/*
 * One item of a larger transaction: db_savepoint, then either
 * db_savepoint_release (kept, committed with the transaction) or
 * db_savepoint_rollback (undone, the rest of the transaction kept).
 */
int db_savepoint(struct db *db);
int db_savepoint_release(struct db *db);
void db_savepoint_rollback(struct db *db);

/*
 * db_snapshot - write a consistent, compacted copy of the database to
 * @path (which must not exist), while writers may go on. The copy is a
 * standalone file for read-only replicas. Returns DB_OK or an error.
 */
int db_snapshot(struct db *db, const char *path);

/* Bump the corpus generation (inside a write transaction). */
int db_bump_generation(struct db *db);
/* The corpus generation, or -1. */
int64_t db_generation(struct db *db);

/* The message of the last error on @db (borrowed). */
const char *db_errmsg(struct db *db);
bool db_is_readonly(struct db *db);

/*
 * A per-thread connection pool for the server: each thread lazily opens its
 * own connection to the configured path.
 */
int db_pool_init(const char *path, bool read_only, char *err, size_t errlen);
/* This thread's connection (borrowed), or NULL when it cannot be opened. */
struct db *db_pool_get(void);
/* The single writer connection (borrowed), locked until db_pool_release. */
struct db *db_pool_writer(void);
void db_pool_writer_release(void);
void db_pool_shutdown(void);

#endif
