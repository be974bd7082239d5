/*
 * db_checkpoint.c - a long run of writes checkpoints its WAL on a thread
 * and a connection of its own, beside the writer instead of inside its
 * commits.
 *
 * A checkpoint copies the pages the WAL holds into the database file
 * (and syncs both). Run by the writer, it stops the writer; run here in
 * PASSIVE mode, it copies what is committed while the writer goes on.
 * SQLite starts the WAL over only when a write transaction begins with
 * every frame copied, which a writer that begins again at once never
 * sees: so once the WAL has grown past DB_CHECKPOINT_WAL_FRAMES, the
 * writer's next transaction waits for the copy of its last commit
 * (db_checkpointer_wait), and the WAL starts over. The copies of every
 * commit before it were made while it worked.
 */
#include "db/db_internal.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/log.h"

struct db_checkpointer {
    sqlite3 *conn;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    bool started, stop, failed;
    /* Passes wanted (one per commit the writer announces, one more per
     * wait that asks for it) and the WAL's frames after the last commit,
     * how many were wanted when the last completed pass started, and the
     * frames that pass saw and copied. */
    uint64_t wanted, passed;
    int wal, frames, copied;
};

static void *run(void *p)
{
    struct db_checkpointer *c = p;

    pthread_mutex_lock(&c->lock);
    for (;;) {
        /* Every commit, and every wait for one more pass, wakes it. */
        while (!c->stop && c->passed == c->wanted)
            pthread_cond_wait(&c->wake, &c->lock);
        if (c->stop)
            break;
        uint64_t seen = c->wanted;
        int frames = 0, copied = 0;
        pthread_mutex_unlock(&c->lock);
        int rc = sqlite3_wal_checkpoint_v2(
            c->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
        pthread_mutex_lock(&c->lock);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
            log_error("checkpoint: %s", sqlite3_errmsg(c->conn));
            c->failed = true; /* the writer checkpoints from now on */
            c->stop = true;
        }
        c->passed = seen;
        c->frames = frames;
        c->copied = rc == SQLITE_OK ? copied : -1; /* BUSY: not all */
        pthread_cond_broadcast(&c->done);
    }
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

struct db_checkpointer *db_checkpointer_start(const char *path)
{
    struct db_checkpointer *c = xcalloc(1, sizeof(*c));

    /* A first read opens the WAL: until then a checkpoint does nothing. */
    if (sqlite3_open_v2(path, &c->conn, SQLITE_OPEN_READWRITE, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(c->conn, 10000) != SQLITE_OK ||
        sqlite3_exec(c->conn, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
                     NULL) != SQLITE_OK) {
        log_error("checkpoint: cannot open %s: %s", path,
                  c->conn ? sqlite3_errmsg(c->conn) : "out of memory");
        sqlite3_close_v2(c->conn);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    pthread_cond_init(&c->done, NULL);
    c->started = pthread_create(&c->thread, NULL, run, c) == 0;
    if (!c->started) {
        db_checkpointer_stop(c);
        return NULL;
    }
    return c;
}

int db_checkpointer_committed(void *ctx, sqlite3 *conn, const char *schema,
                              int frames)
{
    struct db_checkpointer *c = ctx;

    (void)conn;
    (void)schema;
    pthread_mutex_lock(&c->lock);
    c->wanted++;
    c->wal = frames;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    return SQLITE_OK;
}

bool db_checkpointer_wait(struct db_checkpointer *c)
{
    pthread_mutex_lock(&c->lock);
    /* A pass that started before the last commit, or one a reader kept
     * from copying all (then a few more, and the WAL goes on growing
     * while the reader stays, as with SQLite's own checkpoints). */
    for (int tries = 0; c->wal > DB_CHECKPOINT_WAL_FRAMES && !c->stop &&
                        (c->passed != c->wanted || c->copied != c->frames) &&
                        tries < 4;) {
        if (c->passed == c->wanted) {
            c->wanted++; /* ask for one more pass */
            tries++;
        }
        pthread_cond_signal(&c->wake);
        pthread_cond_wait(&c->done, &c->lock);
    }
    bool working = !c->failed;
    pthread_mutex_unlock(&c->lock);
    return working;
}

void db_checkpointer_stop(struct db_checkpointer *c)
{
    if (!c)
        return;
    if (c->started) {
        pthread_mutex_lock(&c->lock);
        c->stop = true;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->thread, NULL);
    }
    sqlite3_close_v2(c->conn);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->wake);
    pthread_cond_destroy(&c->done);
    free(c);
}
