/*
 * db_snippet.c - snippet() for search results, the same text as FTS5's own
 * snippet() at a fraction of its cost.
 *
 * FTS5's snippet() tokenises the whole column twice per row: once to find
 * where sentences start, once to cut and highlight the chosen window; with
 * the porter stemmer both times, though stems play no part in either. Here
 * the column is tokenised once, by the unicode61 tokenizer under porter
 * (stemming changes no token's position or offsets), and only as far as
 * the last match plus the window: the token offsets serve both purposes.
 * The window is chosen and highlighted by FTS5's rules (fts5_aux.c of
 * SQLite 3.40), so the output is the same, byte for byte; the unit tests
 * compare the two on every query they make.
 *
 * dossier_snippet(fts, column, open, close, ellipsis, tokens)
 */
#include "db/db_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"

/* The tokenizer of every dossier full-text index, without the stemmer. */
struct snip_tokenizer {
    fts5_tokenizer api;
    Fts5Tokenizer *tok;
};

/* Token offsets of a column, as far as they were needed. */
struct snip_tokens {
    struct {
        int start, end; /* bytes */
    } * tok;
    size_t cap;
    int n, stop; /* tokens kept; the first position not needed */
};

#define SNIP_ENOUGH SQLITE_DONE /* the callback's "stop here" */

static int on_token(void *p, int flags, const char *token, int ntoken,
                    int start, int end)
{
    struct snip_tokens *t = p;

    (void)token;
    (void)ntoken;
    if (flags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (t->n >= t->stop)
        return SNIP_ENOUGH;
    t->tok = xgrow(t->tok, sizeof(*t->tok), (size_t)t->n + 1, &t->cap);
    t->tok[t->n].start = start;
    t->tok[t->n].end = end;
    t->n++;
    return SQLITE_OK;
}

/* FTS5's sentence rule: a token starts a sentence when it is the first, or
 * when the text before it is white space preceded by '.' or ':'. */
static bool starts_sentence(const char *doc, const struct snip_tokens *t,
                            int pos)
{
    int i = t->tok[pos].start - 1;
    char c = 0;

    if (pos == 0)
        return true;
    for (; i >= 0; i--) {
        c = doc[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
    }
    return i != t->tok[pos].start - 1 && (c == '.' || c == ':');
}

/* The last of the sentence starts @firsts at or before token @pos. */
static int sentence_before(const int *firsts, int n, int pos)
{
    int lo = 0, hi = n; /* the first start after pos is in [lo, hi] */

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (firsts[mid] <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 ? firsts[lo - 1] : 0;
}

/* fts5SnippetScore: the score of the window of @ntok tokens at @pos, and
 * (when @adj) where FTS5 would start it to centre the matches. */
static int window_score(const Fts5ExtensionApi *api, Fts5Context *fts,
                        int docsize, unsigned char *seen, int col, int pos,
                        int ntok, int *score, int *adj)
{
    int n, rc = api->xInstCount(fts, &n), first = -1, last = 0;
    int64_t end = (int64_t)pos + ntok;

    *score = 0;
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        int ip, ic, io;
        rc = api->xInst(fts, i, &ip, &ic, &io);
        if (rc == SQLITE_OK && ic == col && io >= pos && io < end) {
            *score += seen[ip] ? 1 : 1000;
            seen[ip] = 1;
            if (first < 0)
                first = io;
            last = io + api->xPhraseSize(fts, ip);
        }
    }
    if (adj) {
        int64_t a = first - (ntok - (last - first)) / 2;
        if (a + ntok > docsize)
            a = docsize - ntok;
        if (a < 0)
            a = 0;
        *adj = (int)a;
    }
    return rc;
}

/* The matches of one column, overlapping ones merged (fts5CInstIter). */
struct cinst {
    const Fts5ExtensionApi *api;
    Fts5Context *fts;
    int col, i, n;
    int start, end; /* the current merged match, or -1 */
};

static int cinst_next(struct cinst *it)
{
    int rc = SQLITE_OK;

    it->start = it->end = -1;
    while (rc == SQLITE_OK && it->i < it->n) {
        int ip, ic, io;
        rc = it->api->xInst(it->fts, it->i, &ip, &ic, &io);
        if (rc != SQLITE_OK)
            break;
        if (ic == it->col) {
            int end = io - 1 + it->api->xPhraseSize(it->fts, ip);
            if (it->start < 0) {
                it->start = io;
                it->end = end;
            } else if (io <= it->end) {
                if (end > it->end)
                    it->end = end;
            } else {
                break;
            }
        }
        it->i++;
    }
    return rc;
}

static int cinst_init(const Fts5ExtensionApi *api, Fts5Context *fts, int col,
                      struct cinst *it)
{
    *it = (struct cinst){.api = api, .fts = fts, .col = col};
    int rc = api->xInstCount(fts, &it->n);
    return rc == SQLITE_OK ? cinst_next(it) : rc;
}

static void out_put(struct buf *b, const char *s, int n)
{
    if (n > 0)
        buf_append(b, s, (size_t)n);
}

/*
 * fts5HighlightCb over the kept tokens: those of [from, to], or all of them
 * when @to is 0 or less (SQLite 3.40 takes a range ending at token 0 for no
 * range at all).
 */
static int highlight(const char *doc, const struct snip_tokens *t, int from,
                     int to, struct cinst *it, const char *open,
                     const char *close, int *off, struct buf *b)
{
    bool ranged = to > 0;
    int rc = SQLITE_OK;

    for (int pos = ranged ? from : 0;
         pos < t->n && (!ranged || pos <= to) && rc == SQLITE_OK; pos++) {
        int s = t->tok[pos].start, e = t->tok[pos].end;
        if (ranged && from && pos == from)
            *off = s;
        if (pos == it->start) {
            out_put(b, doc + *off, s - *off);
            buf_puts(b, open);
            *off = s;
        }
        if (pos == it->end) {
            if (ranged && it->start < from)
                buf_puts(b, open);
            out_put(b, doc + *off, e - *off);
            buf_puts(b, close);
            *off = e;
            rc = cinst_next(it);
        }
        if (ranged && pos == to) {
            out_put(b, doc + *off, e - *off);
            *off = e;
            if (pos >= it->start && pos < it->end)
                buf_puts(b, close);
        }
    }
    return rc;
}

static const char *arg_text(sqlite3_value *v)
{
    const char *s = (const char *)sqlite3_value_text(v);
    return s ? s : "";
}

static void snippet(const Fts5ExtensionApi *api, Fts5Context *fts,
                    sqlite3_context *ctx, int nargs, sqlite3_value **args)
{
    struct snip_tokenizer *tz = api->xUserData(fts);
    struct snip_tokens t = {0};
    struct cinst it;
    struct buf b;
    const char *doc;
    int ndoc, docsize, ninst = 0, nphrase, col, ntok, rc;
    int best_score = 0, best_start = 0, last = -1, off = 0;
    unsigned char *seen;

    if (nargs != 5) {
        sqlite3_result_error(ctx,
                             "wrong number of arguments to function "
                             "dossier_snippet()",
                             -1);
        return;
    }
    col = sqlite3_value_int(args[0]);
    ntok = sqlite3_value_int(args[4]);
    nphrase = api->xPhraseCount(fts);
    seen = xcalloc((size_t)nphrase + 1, 1);
    rc = api->xColumnSize(fts, col, &docsize);
    if (rc == SQLITE_OK)
        rc = api->xColumnText(fts, col, &doc, &ndoc);
    if (rc == SQLITE_OK)
        rc = api->xInstCount(fts, &ninst);

    for (int i = 0; i < ninst && rc == SQLITE_OK; i++) {
        int ip, ic, io;
        rc = api->xInst(fts, i, &ip, &ic, &io);
        if (rc == SQLITE_OK && ic == col && io > last)
            last = io;
    }
    /* Tokens are needed up to the end of the window, which starts at the
     * last match at the latest; with no window (see highlight), all. */
    t.stop = ntok > 1 ? (last < 0 ? 0 : last) + ntok + 1 : INT_MAX;
    if (rc == SQLITE_OK && doc && ndoc > 0) {
        rc = tz->api.xTokenize(tz->tok, &t, FTS5_TOKENIZE_AUX, doc, ndoc,
                               on_token);
        if (rc == SNIP_ENOUGH)
            rc = SQLITE_OK;
    }

    /* Where sentences start, among the tokens kept. */
    int *firsts = xmalloc(((size_t)t.n + 1) * sizeof(int)), nfirsts = 0;
    for (int p = 0; p < t.n; p++)
        if (starts_sentence(doc, &t, p))
            firsts[nfirsts++] = p;

    /* fts5SnippetFunction's choice of window, for the one column. */
    for (int i = 0; i < ninst && rc == SQLITE_OK; i++) {
        int ip, ic, io, score, adj;
        rc = api->xInst(fts, i, &ip, &ic, &io);
        if (rc != SQLITE_OK || ic != col)
            continue;
        if (io > docsize) {
            rc = SQLITE_CORRUPT_VTAB;
            break;
        }
        memset(seen, 0, (size_t)nphrase);
        rc = window_score(api, fts, docsize, seen, col, io, ntok, &score, &adj);
        if (rc == SQLITE_OK && score > best_score) {
            best_score = score;
            best_start = adj;
        }
        if (rc != SQLITE_OK || docsize <= ntok || t.n == 0)
            continue;
        /* The start of the sentence holding the match, if it is earlier:
         * the last sentence start at or before the match. */
        int sentence = sentence_before(firsts, nfirsts, io);
        if (sentence < io) {
            memset(seen, 0, (size_t)nphrase);
            rc = window_score(api, fts, docsize, seen, col, sentence, ntok,
                              &score, NULL);
            score += sentence == 0 ? 120 : 100;
            if (rc == SQLITE_OK && score > best_score) {
                best_score = score;
                best_start = sentence;
            }
        }
    }

    buf_init(&b, (size_t)64 << 20);
    if (rc == SQLITE_OK && doc) {
        int range_end = best_start + ntok - 1;
        rc = cinst_init(api, fts, col, &it);
        if (best_start > 0)
            buf_puts(&b, arg_text(args[3]));
        while (rc == SQLITE_OK && it.start >= 0 && it.start < best_start)
            rc = cinst_next(&it);
        if (rc == SQLITE_OK)
            rc = highlight(doc, &t, best_start, range_end, &it,
                           arg_text(args[1]), arg_text(args[2]), &off, &b);
        if (range_end >= docsize - 1)
            out_put(&b, doc + off, ndoc - off);
        else
            buf_puts(&b, arg_text(args[3]));
    }
    if (rc == SQLITE_OK)
        sqlite3_result_text(ctx, b.data ? b.data : "", (int)b.len,
                            SQLITE_TRANSIENT);
    else
        sqlite3_result_error_code(ctx, rc);
    buf_release(&b);
    free(firsts);
    free(t.tok);
    free(seen);
}

static void snip_tokenizer_free(void *p)
{
    struct snip_tokenizer *tz = p;

    if (tz->tok)
        tz->api.xDelete(tz->tok);
    free(tz);
}

fts5_api *db_fts5_api(sqlite3 *conn)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(conn, "SELECT fts5(?1)", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

int db_snippet_register(fts5_api *api)
{
    const char *args[] = {"remove_diacritics", "2"};
    struct snip_tokenizer *tz;
    void *user;

    tz = xcalloc(1, sizeof(*tz));
    if (api->xFindTokenizer(api, "unicode61", &user, &tz->api) != SQLITE_OK ||
        tz->api.xCreate(user, args, 2, &tz->tok) != SQLITE_OK) {
        snip_tokenizer_free(tz);
        return SQLITE_ERROR;
    }
    return api->xCreateFunction(api, "dossier_snippet", tz, snippet,
                                snip_tokenizer_free);
}
