/*
 * test_ftsq.c - the search box to FTS5 translator: the exact expression of
 * every syntax form, the error statuses, and every expression it emits
 * (hand-written and generated) run through a real FTS5 MATCH with the
 * tokenizer of the articles table.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ftsq.h"
#include "tap.h"

static const struct {
    const char *query, *fts;
} forms[] = {
    {"putin", "(\"putin\")"},
    {"  putin  ", "(\"putin\")"},
    {"putin biden", "(\"putin\") AND (\"biden\")"},
    {"putin\t biden", "(\"putin\") AND (\"biden\")"},
    {"putin AND biden", "(\"putin\") AND (\"biden\")"},
    {"\"joe biden\" putin", "(\"joe biden\") AND (\"putin\")"},
    {"biden OR zelensky", "(\"biden\" OR \"zelensky\")"},
    {"putin biden OR zelensky", "(\"putin\") AND (\"biden\" OR \"zelensky\")"},
    {"a OR b OR c", "(\"a\" OR \"b\" OR \"c\")"},
    {"a or b", "(\"a\") AND (\"or\") AND (\"b\")"},
    {"troops NOT putin", "(\"troops\") NOT \"putin\""},
    {"troops -putin", "(\"troops\") NOT \"putin\""},
    {"troops -\"joe biden\"", "(\"troops\") NOT \"joe biden\""},
    {"-putin troops", "(\"troops\") NOT \"putin\""},
    {"a OR -b", "(\"a\") NOT \"b\""},
    {"troop*", "(\"troop\"*)"},
    {"troop**", "(\"troop\"*)"},
    {"\"joe bid\"*", "(\"joe bid\"*)"},
    {"-troop* army", "(\"army\") NOT \"troop\"*"},
    {"x-ray", "(\"x-ray\")"},
    {"--force", "(\"--force\")"},
    {"U.S. sanctions", "(\"U.S.\") AND (\"sanctions\")"},
    {"say \"hello", "(\"say\") AND (\"\"\"hello\")"},
    {"foo\"bar", "(\"foo\"\"bar\")"},
    {"(nato)", "(\"(nato)\")"},
    {"title:nato", "(\"title:nato\")"},
    {"NEAR(a b)", "(\"NEAR(a\") AND (\"b)\")"},
    {"^start +plus", "(\"^start\") AND (\"+plus\")"},
    {"NOT", "(\"NOT\")"},
    {"caf\xc3\xa9 Zelenskyy\xe2\x80\x99s",
     "(\"caf\xc3\xa9\") AND (\"Zelenskyy\xe2\x80\x99s\")"},
    {"\"joe biden\"\"x\"", "(\"joe biden\") AND (\"x\")"},
};

static const char *const empty[] = {
    "",     "   ",    "-",         "...",       "- - -", "\"\"",
    "* **", "-putin", "NOT putin", "\"!?\" ()", "--",    "AND",
};

static void test_forms(void)
{
    for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
        char *out = NULL;
        int rc = ftsq_translate(forms[i].query, &out);
        ok(rc == FTSQ_OK && out && strcmp(out, forms[i].fts) == 0, "'%s' -> %s",
           forms[i].query, forms[i].fts);
        if (rc != FTSQ_OK || !out || strcmp(out, forms[i].fts))
            printf("#   got %d %s\n", rc, out ? out : "(null)");
        free(out);
    }
    for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++) {
        char *out = (char *)1;
        int rc = ftsq_translate(empty[i], &out);
        ok(rc == FTSQ_EMPTY && out == NULL, "'%s' is FTSQ_EMPTY", empty[i]);
    }
}

static void test_limits(void)
{
    char q[FTSQ_MAX_INPUT + 2];
    char *out;

    memset(q, 'a', FTSQ_MAX_INPUT);
    q[FTSQ_MAX_INPUT] = '\0';
    is_int(ftsq_translate(q, &out), FTSQ_OK, "a query of the maximum length");
    free(out);
    q[FTSQ_MAX_INPUT] = 'a';
    q[FTSQ_MAX_INPUT + 1] = '\0';
    out = (char *)1;
    is_int(ftsq_translate(q, &out), FTSQ_TOO_LONG, "one byte more is too long");
    ok(out == NULL, "no output when too long");

    /* FTSQ_MAX_TERMS words fit; one more does not. */
    size_t n = 0;
    for (int i = 0; i < FTSQ_MAX_TERMS; i++)
        n += (size_t)snprintf(q + n, sizeof(q) - n, "w%d ", i);
    is_int(ftsq_translate(q, &out), FTSQ_OK, "%d terms", FTSQ_MAX_TERMS);
    free(out);
    snprintf(q + n, sizeof(q) - n, "extra");
    is_int(ftsq_translate(q, &out), FTSQ_TOO_LONG, "%d terms",
           FTSQ_MAX_TERMS + 1);

    ok(strlen(ftsq_strerror(FTSQ_EMPTY)) > 0 &&
           strlen(ftsq_strerror(FTSQ_TOO_LONG)) > 0 &&
           strcmp(ftsq_strerror(FTSQ_EMPTY), ftsq_strerror(FTSQ_TOO_LONG)),
       "each status has its own message");
}

/* --- against FTS5 ---------------------------------------------------- */

static const char *const docs[] = {
    "Putin met Biden in Geneva",
    "Zelensky spoke to reporters",
    "Putin and Zelensky traded accusations",
    "U.S. sanctions on Russian troops",
    "The troop build-up near the border",
    "Caf\xc3\xa9 owners in Kyiv",
};

/* The matching rows of @fts as a bit mask, or -1 on an FTS5 error. */
static int64_t run(sqlite3 *db, const char *fts)
{
    sqlite3_stmt *st;
    int64_t mask = 0;
    int rc;

    if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        mask |= INT64_C(1) << sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? mask : -1;
}

/* A query from a small alphabet of syntax and text, from seed @x. */
static void random_query(uint32_t *x, char *q, size_t cap)
{
    static const char *const atoms[] = {
        "putin",    "troop",
        "zelensky", "\"",
        "-",        "*",
        "(",        ")",
        ":",        "^",
        "+",        "OR",
        "NOT",      "AND",
        "NEAR",     " ",
        " ",        " ",
        "U.S.",     ",",
        "\xc3\xa9", "\xe2\x80\x94",
        "{",        "}",
        ".",        "'",
        "\\",
    };
    size_t n = 0, natoms = sizeof(atoms) / sizeof(*atoms);

    *x = *x * 1103515245u + 12345u;
    size_t len = 1 + (*x >> 16) % 14;
    for (size_t i = 0; i < len; i++) {
        *x = *x * 1103515245u + 12345u;
        const char *a = atoms[(*x >> 16) % natoms];
        if (n + strlen(a) + 1 >= cap)
            break;
        memcpy(q + n, a, strlen(a));
        n += strlen(a);
    }
    q[n] = '\0';
}

static void test_fts5(void)
{
    static const struct {
        const char *query;
        int64_t rows; /* bit i: docs[i - 1] */
    } semantics[] = {
        {"putin", 1 << 1 | 1 << 3},
        {"putin biden", 1 << 1},
        {"putin biden OR zelensky", 1 << 1 | 1 << 3},
        {"putin -biden", 1 << 3},
        {"zelensky NOT putin", 1 << 2},
        {"\"met biden\"", 1 << 1},
        {"\"biden met\"", 0},
        {"zelen*", 1 << 2 | 1 << 3},
        {"troops", 1 << 4 | 1 << 5},
        {"U.S. sanctions", 1 << 4},
        {"build-up", 1 << 5},
        {"cafe", 1 << 6},
        {"CAF\xc3\x89", 1 << 6},
        {"(geneva)", 1 << 1},
    };
    sqlite3 *db;
    char *out;
    int bad = 0, accepted = 0;

    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(title, body, "
                     "tokenize = 'porter unicode61 remove_diacritics 2')",
                     NULL, NULL, NULL) != SQLITE_OK) {
        ok(0, "FTS5 table: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return;
    }
    for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db,
                           "INSERT INTO t(rowid, title, body) "
                           "VALUES (?, '', ?)",
                           -1, &st, NULL);
        sqlite3_bind_int64(st, 1, (int64_t)i + 1);
        sqlite3_bind_text(st, 2, docs[i], -1, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }

    for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
        if (ftsq_translate(forms[i].query, &out) != FTSQ_OK)
            continue;
        ok(run(db, out) >= 0, "FTS5 accepts %s", out);
        free(out);
    }
    for (size_t i = 0; i < sizeof(semantics) / sizeof(*semantics); i++) {
        int64_t got = -2;
        if (ftsq_translate(semantics[i].query, &out) == FTSQ_OK)
            got = run(db, out);
        free(out);
        is_int(got, semantics[i].rows, "'%s' finds the right articles",
               semantics[i].query);
    }

    /* Generated queries: whatever is accepted must be valid FTS5. */
    uint32_t seed = 20211230;
    for (int i = 0; i < 5000; i++) {
        char q[128];
        random_query(&seed, q, sizeof(q));
        if (ftsq_translate(q, &out) != FTSQ_OK)
            continue;
        accepted++;
        if (run(db, out) < 0 && bad++ < 5)
            printf("#   FTS5 rejects '%s' -> %s: %s\n", q, out,
                   sqlite3_errmsg(db));
        free(out);
    }
    ok(accepted > 1000, "most generated queries translate (%d)", accepted);
    is_int(bad, 0, "FTS5 accepts every generated translation");
    sqlite3_close(db);
}

int main(void)
{
    test_forms();
    test_limits();
    test_fts5();
    return tap_done();
}
