/*
 * fuzz_manifest.c - libFuzzer target for the .txt side of `ingest`: the
 * first line of the input is a manifest.jsonl line, the rest the .txt
 * file it describes. The line must parse to an entry naming a file in
 * the folder (no '/'), or fail with a reason; the title/body split of the
 * text must stay inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t line_len = nl ? (size_t)(nl - text) : size;
    struct ingest_manifest_entry e;
    char err[256] = "";
    char *title = NULL, *body;
    size_t body_start = 0, body_len;

    if (ingest_manifest_parse_line(text, line_len, &e, err, sizeof(err)) < 0) {
        if (!err[0])
            abort();
    } else if (!e.file || !e.file[0] || strchr(e.file, '/') ||
               e.has_external_id != (e.meta.external_id != NULL)) {
        abort();
    }
    body_len = nl ? size - line_len - 1 : 0;
    body = malloc(body_len + 1);
    memcpy(body, nl ? nl + 1 : "", body_len);
    body[body_len] = '\0';
    ingest_txt_split(body, body_len, e.meta.title, &title, &body_start);
    if (body_start > body_len || (title && strlen(title) > body_len))
        abort();
    free(title);
    free(body);
    ingest_manifest_entry_release(&e);
    return 0;
}
