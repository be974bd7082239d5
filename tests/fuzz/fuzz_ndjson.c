/*
 * fuzz_ndjson.c - libFuzzer target for the article reader behind
 * POST /api/v1/articles and `ingest -`: the first byte says JSON (even)
 * or NDJSON (odd), the rest is the body. It goes through ingest_post into
 * an in-memory database with every extractor. A rejected body must store
 * nothing; an accepted one must report a JSON result whose created ids
 * are exactly the stored articles, and deleting them (ingest_delete) must
 * empty the database again for the next input.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/embed.h"
#include "core/log.h"
#include "db/db_articles.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ingest *ingest_get(void)
{
    static struct ingest in;
    char err[512];

    if (!in.db) {
        log_set_level(LOG_ERROR);
        in.resources = ex_resources_new(embed_data);
        if (db_open(":memory:", DB_OPEN_CREATE, &in.db, err, sizeof(err)) !=
            DB_OK)
            abort();
    }
    return &in;
}

static int64_t stored(struct ingest *in)
{
    int64_t total = -1;

    if (db_articles_total(in->db, &total) != DB_OK)
        abort();
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ingest *in = ingest_get();
    struct buf out;
    struct jsonw w;
    char err[512] = "";
    int rc;

    if (size < 1)
        return 0;
    buf_init(&out, (size_t)1 << 26);
    jw_init(&w, &out);
    rc = ingest_post(in, (const char *)data + 1, size - 1, data[0] & 1, &w, err,
                     sizeof(err));
    if (rc == -1) {
        if (!err[0] || stored(in) != 0)
            abort();
    } else if (rc == 0) {
        json_t *doc = json_loadb(out.data, out.len, 0, NULL);
        json_t *created = json_object_get(doc, "created"), *id;
        size_t i;
        if (!doc || !json_is_array(created) ||
            !json_is_array(json_object_get(doc, "duplicates")) ||
            !json_is_array(json_object_get(doc, "errors")) ||
            (int64_t)json_array_size(created) != stored(in))
            abort();
        json_array_foreach(created, i, id)
        {
            if (ingest_delete(in, json_integer_value(id)) != DB_OK)
                abort();
        }
        if (stored(in) != 0)
            abort();
        json_decref(doc);
    } else {
        abort(); /* an in-memory database does not fail */
    }
    buf_release(&out);
    return 0;
}
