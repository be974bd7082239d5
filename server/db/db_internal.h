/*
 * db_internal.h - what the db_*.c query modules share: the connection
 * struct and statement helpers. Not for use outside server/db/.
 */
#ifndef DOSSIER_DB_INTERNAL_H
#define DOSSIER_DB_INTERNAL_H

#include <sqlite3.h>

#include "db/db.h"

#define DB_STMT_CACHE 128

/* A number macro as a string literal, for SQL text: "LIMIT " STR(N). */
#define STR_(x) #x
#define STR(x)  STR_(x)

/* FNV-1a of text @s, for the hash tables of what a load holds. */
static inline uint64_t db_text_hash(const char *s)
{
    uint64_t h = 14695981039346656037u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

struct db_stmt_slot {
    uint64_t hash;    /* of sql, checked before comparing it */
    const char *from; /* the text db_stmt() was last given for it */
    char *sql;
    sqlite3_stmt *stmt;
    uint64_t last_used;
};

/* Document lengths a connection has read (db_rank.c). */
struct db_doclens {
    uint32_t *len; /* by rowid: tokens + 1, 0 when not read */
    size_t n;
    unsigned version; /* SQLITE_FCNTL_DATA_VERSION last checked */
    int64_t rewrites; /* corpus_state.rewrites they hold for; -1: none */
};

/* A set of ids as a bitmap (bit i of byte i / 8: id i), built in C and
 * asked from SQL with dossier_has(bitmap, id) (db.c). */
struct db_idset {
    unsigned char *bits;
    size_t len; /* bytes */
    size_t cap;
    int64_t n; /* ids added (with repeats), before any intersection */
    bool on;   /* a filter: empty means none pass */
};

/* Add @id (ignored if negative) to @ids. */
void db_idset_add(struct db_idset *ids, int64_t id);

/* The set of the last filters of a search or volume (db_articles.c),
 * kept for the next query with the same filters while the database does
 * not change: a page's list and its count ask for it, the next page
 * again. */
struct db_filter_memo {
    char *key;        /* the filters, written out; NULL: none kept */
    unsigned version; /* db_data_version() when it was built */
    struct db_idset set;
};

/* The ranking of the last search for one phrase (db_articles.c), kept for
 * its next pages while the database does not change. */
struct db_top_memo {
    char *key;        /* the query and its filters, written out; NULL: none */
    unsigned version; /* db_data_version() when it was ranked */
    int64_t matches;  /* what the filters keep */
    int64_t walked;   /* all the phrase's matches */
    size_t k;         /* the best k were asked for: all of them if n < k */
    size_t n;
    struct db_top_row {
        int64_t rid;
        double s; /* dossier_rank(): lower first */
    } * row;
};

/* The claims a candidate search met and how often (db_write.c): a table
 * kept with the connection, whose slots of earlier searches are told
 * apart by their stamp, so no search clears it. */
struct db_hit_tally {
    struct db_hit_slot {
        int64_t claim_id;
        uint32_t stamp;
        uint32_t hit; /* index in hits */
    } * slot;
    uint32_t stamp;
    struct db_hit {
        int64_t claim_id;
        uint32_t n;
    } * hits;
    size_t nhits;
};

struct db {
    sqlite3 *conn;
    bool read_only;
    /* The schema version at open: a read-only snapshot may be older than
     * this binary, so a query that needs a newer table checks it. */
    int schema;
    int64_t deadline_ns; /* CLOCK_MONOTONIC; 0 = none */
    uint64_t tick;
    struct db_stmt_slot cache[DB_STMT_CACHE];
    /* The first article and claim ids this transaction added and their
     * full-text indexes were not told of yet (0: none); db_fts_sync(). */
    int64_t fts_articles_from, fts_claims_from;
    /* Calls of SQL function dossier_tally() since the last reset. */
    int64_t tally;
    struct db_doclens doclens;
    struct db_filter_memo filters;
    struct db_top_memo top;
    struct db_hit_tally tally_hits;
    /* The claim ids db_claims_sketch() handed out last, [from, end), to
     * claims of article @article_id. */
    struct {
        int64_t article_id, from, end;
    } listed;
    /* While a bulk load fills an empty database (db_load.c): the claim
     * sketch, held here instead of in table claim_postings; and, as long
     * as it is not NULL, the entities' counts are written at commits
     * (db_load_flush) and their outlets (entity_sources) and
     * co-occurrences left for the load's end to count. */
    struct db_sketch *sketch;
    /* With the sketch, as of PRAGMA data_version @held_version (another
     * connection's commit changes it): the events of the dates its
     * searches asked for (read again after such a commit), and the claim
     * groups the load formed (forgotten then: the tables answer). */
    struct db_dates *dates;
    struct db_groups *groups;
    int64_t held_version;
    /* A long run of writes' checkpoints (db_checkpoint.c), or NULL. */
    struct db_checkpointer *checkpointer;
};

/*
 * Table claim_postings (db_postings.c): under each key of the claims'
 * sketches, the ids of the claims whose sketch holds it. A key is a
 * claim's scope (its kind's first letter) above one of its hashes.
 * db_postings_add/remove: @id in or out of @key's ids (adding one there
 * already, or removing one that is not, does nothing).
 * db_postings_newest: @key's newest @max ids, newest first, into @out.
 * db_postings_write: @key's @n ids (ascending, once each; none stored
 * yet) at once, as the same adds would store them.
 * db_postings_functions: the SQL functions the fills in SQL use.
 */
/* Ids a block holds at most; schema/0012_claim_postings.sql cuts blocks
 * of the same size. */
#define DB_POSTINGS_BLOCK 128
static inline uint64_t db_postings_key(char scope, uint32_t hash)
{
    return (uint64_t)(unsigned char)scope << 32 | hash;
}
int db_postings_add(struct db *db, uint64_t key, int64_t id);
int db_postings_remove(struct db *db, uint64_t key, int64_t id);
int db_postings_newest(struct db *db, uint64_t key, int64_t *out, size_t max,
                       size_t *n);
int db_postings_write(struct db *db, uint64_t key, const int64_t *ids,
                      size_t n);
int db_postings_functions(sqlite3 *conn);

/*
 * The in-memory claim sketch (db_sketch.c): db_sketch_add notes claim
 * @claim_id under (@scope, @hash), as db_postings_add would in the
 * table; ids come in increasing order. db_sketch_probe: the latest @max
 * ids under (@scope, @hash), newest first, as db_postings_newest. The
 * transaction calls follow the connection's (db.c): what a rolled back
 * savepoint or transaction added is taken out again.
 */
struct db_sketch *db_sketch_new(size_t claims);
void db_sketch_free(struct db_sketch *s);
int db_sketch_add(struct db_sketch *s, char scope, uint32_t hash,
                  int64_t claim_id);
size_t db_sketch_probe(const struct db_sketch *s, char scope, uint32_t hash,
                       int64_t *out, size_t max);
/* Call @key_ids for each key the sketch holds (db_postings_key), in
 * ascending order, with its ids (ascending); stops at the first call
 * that does not return DB_OK. */
int db_sketch_each(const struct db_sketch *s,
                   int (*key_ids)(void *ctx, uint64_t key, const int64_t *ids,
                                  size_t n),
                   void *ctx);
void db_sketch_savepoint(struct db_sketch *s);
void db_sketch_rollback_savepoint(struct db_sketch *s);
void db_sketch_rollback(struct db_sketch *s);
void db_sketch_commit(struct db_sketch *s);

/*
 * The events of a date that a load's event searches read, held in memory
 * (db_dates.c): the first DB_EVENT_CANDIDATES of the date by
 * (source_count DESC, id), with their labels and entities (each once).
 * db_dates_get: the held date, or NULL. db_dates_hold: hold @date, with
 * no event yet (false for a date too long to hold). db_dates_add: event
 * @id of @date, with @sources outlets, is appended if its date is held
 * with room. db_dates_sourced: event @id gained an outlet;
 * db_dates_entity: and entity @entity_id (both only where it is held).
 * db_dates_forget: hold nothing; db_dates_rollback: nothing if anything
 * changed since db_dates_commit (a rollback of a savepoint too: the
 * dates are read again).
 */
#define DB_EVENT_CANDIDATES 32
#define DB_DATE_MAX         16
struct db_held_event {
    int64_t id, sources;
    char *label;
    int64_t *entities;
    size_t nentities, cap;
};
struct db_held_date {
    char date[DB_DATE_MAX];
    size_t n;
    struct db_held_event ev[DB_EVENT_CANDIDATES];
};
struct db_dates;
struct db_dates *db_dates_new(void);
void db_dates_free(struct db_dates *d);
void db_dates_forget(struct db_dates *d);
void db_dates_commit(struct db_dates *d);
void db_dates_rollback(struct db_dates *d);
const struct db_held_date *db_dates_get(const struct db_dates *d,
                                        const char *date);
bool db_dates_hold(struct db_dates *d, const char *date);
void db_dates_add(struct db_dates *d, const char *date, int64_t id,
                  int64_t sources, const char *label);
void db_dates_sourced(struct db_dates *d, int64_t id);
void db_dates_entity(struct db_dates *d, int64_t id, int64_t entity_id);

/*
 * The WAL checkpoints of a long run of writes on a thread of their own
 * (db_checkpoint.c). db_checkpointer_start: on a connection of its own
 * to @path; NULL if it cannot. db_checkpointer_committed: the writer's
 * WAL hook (sqlite3_wal_hook, in place of its own checkpoints): it
 * committed, and its WAL has @frames (a checkpoint is due).
 * db_checkpointer_wait: before the
 * writer's next transaction, once the WAL is over
 * DB_CHECKPOINT_WAL_FRAMES, until all of it is copied (so the WAL starts
 * over); false if the thread gave up (then the writer checkpoints).
 */
#define DB_CHECKPOINT_WAL_FRAMES 10000
struct db_checkpointer;
struct db_checkpointer *db_checkpointer_start(const char *path);
int db_checkpointer_committed(void *ctx, sqlite3 *conn, const char *schema,
                              int frames);
bool db_checkpointer_wait(struct db_checkpointer *c);
void db_checkpointer_stop(struct db_checkpointer *c);

/*
 * The claim groups a load forms, held in memory (db_groups.c): each
 * one's outlets and what a claim could conflict with. db_groups_start:
 * group @id begins with claim @f. db_groups_join: claim @f joins group
 * @id: *@sources its outlets and *@conflicting its state after, *@changed
 * whether either changed; false when the group is not held (then it is
 * forgotten, and the tables answer for it). db_groups_forget: the tables
 * answer for group @id from now on; db_groups_forget_all: for every
 * group. The transaction calls follow the connection's (db.c).
 */
struct db_group_fact {
    char kind;          /* the claim kind's first letter */
    const char *outlet; /* its article's, as SOURCE_KEY_OF_1 */
    bool has_value;
    double value;
    int64_t speaker; /* 0: none */
};
struct db_groups;
struct db_groups *db_groups_new(void);
void db_groups_free(struct db_groups *g);
void db_groups_start(struct db_groups *g, int64_t id,
                     const struct db_group_fact *f);
bool db_groups_join(struct db_groups *g, int64_t id,
                    const struct db_group_fact *f, int64_t *sources,
                    bool *conflicting, bool *changed);
void db_groups_forget(struct db_groups *g, int64_t id);
void db_groups_forget_all(struct db_groups *g);
void db_groups_savepoint(struct db_groups *g);
void db_groups_rollback_savepoint(struct db_groups *g);
void db_groups_rollback(struct db_groups *g);
void db_groups_commit(struct db_groups *g);

/*
 * What a candidate search reads of a claim (db_claims_candidates), held
 * by the sketch in memory for its most recent claims: up to @claims of
 * db_sketch_new() (rounded up to a power of two; 0: none), a load
 * DB_SKETCH_CLAIMS.
 * db_sketch_claim_add copies @c (its id past those added before, or
 * DB_ERROR); db_sketch_claim: the claim @id, or NULL when not held (too
 * old, or never added): then the table has it; it was stored in its
 * group. The texts are NULL where the row's are.
 */
#define DB_SKETCH_CLAIMS (1 << 19)
struct db_sketch_claim {
    int64_t id; /* 0: a free place */
    int64_t group_id, article_id, speaker_entity_id;
    double value;
    bool has_value;
    char kind; /* its first letter */
    size_t nfingerprint;
    const uint32_t *fingerprint;
    const char *unit, *speaker_text, *source_key;
};
int db_sketch_claim_add(struct db_sketch *s, const struct db_sketch_claim *c);
const struct db_sketch_claim *db_sketch_claim(const struct db_sketch *s,
                                              int64_t id);
/* Drop every claim held (the table has them all). */
void db_sketch_claims_forget(struct db_sketch *s);
/*
 * Entity names (db_sketch_name: NULL when not known here) and the outlet
 * of the last article asked for (db_sketch_outlet: NULL for another),
 * as the writer last read or wrote them; a rollback forgets the outlet,
 * and the names if one was replaced (a rename) since the last commit;
 * db_sketch_names_forget forgets every name.
 */
const char *db_sketch_name(const struct db_sketch *s, int64_t entity_id);
void db_sketch_name_set(struct db_sketch *s, int64_t entity_id,
                        const char *name);
void db_sketch_names_forget(struct db_sketch *s);
const char *db_sketch_outlet(const struct db_sketch *s, int64_t article_id);
void db_sketch_outlet_set(struct db_sketch *s, int64_t article_id,
                          const char *outlet);
/*
 * The counts of entities in memory, which a load writes to the table at
 * each commit (db_load_flush) rather than at each article: mentions
 * (db_sketch_mention notes one), articles (db_sketch_tally notes one,
 * logged with its article until the commit: db_sketch_tallies), all
 * taken back by a rollback.
 */
struct db_sketch_tally {
    int64_t entity_id, article_id;
};
int db_sketch_mention(struct db_sketch *s, int64_t entity_id);
int db_sketch_tally(struct db_sketch *s, int64_t entity_id, int64_t article_id);
int64_t db_sketch_mentions(const struct db_sketch *s, int64_t entity_id);
int64_t db_sketch_articles(const struct db_sketch *s, int64_t entity_id);
size_t db_sketch_tallies(const struct db_sketch *s,
                         const struct db_sketch_tally **log);
/* Write the counts of the entities tallied since the last commit to
 * table entities (db_load.c): db_commit() calls it before COMMIT. */
int db_load_flush(struct db *db);

/*
 * db_stmt - a prepared statement for @sql from the per-connection cache,
 * reset and with bindings cleared. Borrowed: valid until the next
 * db_stmt() call that evicts it; do not finalize. NULL on error.
 */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/* Map a SQLite result code to enum db_status. */
int db_status_of(struct db *db, int rc);

/* Step @st once and reset it; DB_OK or the mapped error. */
int db_step_done(struct db *db, sqlite3_stmt *st);

/* Bind helpers: NULL strings bind SQL NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column text, or NULL for SQL NULL (borrowed until the next step). */
const char *db_col_text(sqlite3_stmt *st, int i);

/*
 * The columns of an article list item, in the order db_article_list_row()
 * reads them; a query may add columns after them.
 */
#define DB_ARTICLE_LIST_COLUMNS                                                \
    "a.id, a.title, a.source, a.published, a.url, a.word_count, "              \
    "substr(a.body, 1, 600)"
#define DB_ARTICLE_LIST_NCOLUMNS 7

struct db_article;
/* The row of @st as a list item (strings borrowed until the next step). */
void db_article_list_row(sqlite3_stmt *st, struct db_article *a);

/*
 * db_fts_added - note that an article (@claim false) or a claim row @id
 * was inserted: db_fts_sync() indexes it, at the latest just before the
 * transaction commits; at once if no transaction is open.
 */
int db_fts_added(struct db *db, bool claim, int64_t id);
/*
 * db_fts_sync - add the rows noted by db_fts_added() to articles_fts and
 * claims_fts. Before a delete of articles or claims too: the delete
 * triggers take rows out of the index, which must have them.
 */
int db_fts_sync(struct db *db);

/* Run @sql with no result rows. */
int db_exec(struct db *db, const char *sql);

/* The FTS5 extension API of a connection, or NULL. */
fts5_api *db_fts5_api(sqlite3 *conn);
/* Add dossier_snippet() (db_snippet.c) through @api; an SQLite code. */
int db_snippet_register(fts5_api *api);
/* Add dossier_rank(), dossier_rank_known(), dossier_top() and
 * dossier_matches() (db_rank.c), for @db, through @api; an SQLite code. */
int db_rank_register(fts5_api *api, struct db *db);
/* In @n, the count of articles deleted or rewritten (schema 0009),
 * read with a statement of its own (so from inside another's function
 * call too); false if unknown (older schema, or an error). */
bool db_rewrites(struct db *db, int64_t *n);

/* In @version, a number that changes with every commit to the database,
 * by any connection (SQLITE_FCNTL_DATA_VERSION); false if unknown. */
bool db_data_version(struct db *db, unsigned *version);
/* Whether the query deadline of db_set_deadline() has passed. */
bool db_deadline_passed(const struct db *db);

/* Whether the bitmap @b of @n bytes holds @id (bit i of byte i / 8): the
 * sets of ids built in C and asked by dossier_has() and dossier_top(). */
static inline bool db_bitmap_has(const unsigned char *b, size_t n, int64_t id)
{
    return b && id >= 0 && (uint64_t)id / 8 < n &&
           ((b[id / 8] >> (id % 8)) & 1);
}

/* Free the document lengths dossier_rank() kept. */
void db_doclens_free(struct db *db);

#endif
