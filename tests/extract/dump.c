/*
 * dump.c - run the extractors over one text file and print the annotations
 * as JSON with code-point offsets (the shape golden files are written in).
 *
 * usage: extract-dump [--published DATE] [--title TITLE] FILE|-
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/embed.h"
#include "core/utf8.h"
#include "extract/extract.h"

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    size_t got;

    do {
        buf = xgrow(buf, 1, n + 65536, &cap);
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    *len = n;
    return buf;
}

static json_t *span(const char *text, const uint32_t *cp, uint32_t s,
                    uint32_t e)
{
    return json_pack("{s:I, s:I, s:s%}", "start", (json_int_t)cp[s], "end",
                     (json_int_t)cp[e], "text", text + s, (size_t)(e - s));
}

static json_t *dump(const char *text, const uint32_t *cp,
                    const struct ex_result *r)
{
    json_t *root = json_object();
    json_t *arr;

    arr = json_array();
    for (size_t i = 0; i < r->nsentences; i++)
        json_array_append_new(
            arr, json_pack("[I,I]", (json_int_t)cp[r->sentences[i].start],
                           (json_int_t)cp[r->sentences[i].end]));
    json_object_set_new(root, "sentences", arr);

    arr = json_array();
    for (size_t i = 0; i < r->nentities; i++) {
        const struct ex_entity *e = &r->entities[i];
        json_t *aliases = json_array();
        for (size_t j = 0; j < e->naliases; j++)
            json_array_append_new(aliases, json_string(e->aliases[j]));
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:s, s:o}", "index", (json_int_t)i,
                           "name", e->name, "key", e->key ? e->key : "", "type",
                           ex_entity_type_name(e->type), "aliases", aliases));
    }
    json_object_set_new(root, "entities", arr);

    arr = json_array();
    for (size_t i = 0; i < r->nmentions; i++) {
        const struct ex_mention *m = &r->mentions[i];
        json_t *o = span(text, cp, m->start, m->end);
        json_object_set_new(o, "type",
                            json_string(ex_entity_type_name(m->type)));
        json_object_set_new(o, "entity", json_integer(m->entity));
        json_object_set_new(o, "sentence", json_integer(m->sentence));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "mentions", arr);

    arr = json_array();
    for (size_t i = 0; i < r->ntimexes; i++) {
        const struct ex_timex *t = &r->timexes[i];
        json_t *o = span(text, cp, t->start, t->end);
        json_object_set_new(o, "type",
                            json_string(ex_timex_type_name(t->type)));
        json_object_set_new(o, "value", json_string(t->value));
        json_object_set_new(o, "label",
                            t->label ? json_string(t->label) : json_null());
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "timexes", arr);

    arr = json_array();
    for (size_t i = 0; i < r->nclaims; i++) {
        const struct ex_claim *c = &r->claims[i];
        json_t *o = span(text, cp, c->start, c->end);
        json_object_set_new(o, "kind",
                            json_string(ex_claim_kind_name(c->kind)));
        json_object_set_new(
            o, "speaker",
            c->speaker_text
                ? json_pack("{s:s, s:o}", "text", c->speaker_text, "entity",
                            c->speaker_entity >= 0
                                ? json_integer(c->speaker_entity)
                                : json_null())
                : json_null());
        if (c->kind == EX_CLAIM_NUMBER) {
            json_object_set_new(
                o, "value", c->has_value ? json_real(c->value) : json_null());
            json_object_set_new(o, "unit",
                                c->unit ? json_string(c->unit) : json_null());
            json_object_set_new(o, "qualifier",
                                c->qualifier ? json_string(c->qualifier)
                                             : json_null());
        }
        if (c->continues >= 0)
            json_object_set_new(o, "continues", json_integer(c->continues));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "claims", arr);
    return root;
}

int main(int argc, char **argv)
{
    const char *published = NULL, *title = NULL, *path = NULL;
    struct ex_resources *res;
    struct ex_result r;
    struct ex_doc doc;
    FILE *f;
    char *text;
    size_t len;
    uint32_t *cp;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--published") == 0 && i + 1 < argc)
            published = argv[++i];
        else if (strcmp(argv[i], "--title") == 0 && i + 1 < argc)
            title = argv[++i];
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: extract-dump [--published DATE] [--title T] "
                        "FILE|-\n");
        return 2;
    }
    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    text = read_all(f, &len);
    if (f != stdin)
        fclose(f);

    res = ex_resources_new(embed_data);
    doc = (struct ex_doc){text, len, title, published};
    rc = extract_run(res, &doc, &r);
    if (rc < 0) {
        fprintf(stderr, "%s: extraction failed (not UTF-8?)\n", path);
    } else {
        cp = utf8_cp_index(text, len);
        json_t *out = dump(text, cp, &r);
        json_dumpf(out, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(out);
        free(cp);
    }
    ex_result_release(&r);
    ex_resources_free(res);
    free(text);
    return rc < 0 ? 1 : 0;
}
