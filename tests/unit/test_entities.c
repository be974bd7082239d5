/* test_entities.c - mentions, in-article aliasing, keys and weak keys. */
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "extract/entities.h"
#include "extract/extract.h"
#include "tap.h"

static struct ex_resources *res;

/* Mentions of @s as "text/type/entity|". */
static void mentions_str(const char *s, char *out, size_t cap,
                         struct ex_result *r)
{
    struct ex_doc doc = {s, strlen(s), NULL, NULL};
    size_t pos = 0;

    extract_run(res, &doc, r);
    out[0] = '\0';
    for (size_t i = 0; i < r->nmentions && pos + 128 < cap; i++) {
        const struct ex_mention *m = &r->mentions[i];
        pos += (size_t)snprintf(out + pos, cap - pos, "%.*s/%s/%u|",
                                (int)(m->end - m->start), s + m->start,
                                ex_entity_type_name(m->type), m->entity);
    }
}

static void check(const char *s, const char *want, const char *what)
{
    struct ex_result r;
    char buf[2048];

    mentions_str(s, buf, sizeof(buf), &r);
    is_str(buf, want, "%s", what);
    ex_result_release(&r);
}

static void test_mentions(void)
{
    check("President Joe Biden met Mr. Lavrov. Biden left.",
          "Joe Biden/person/0|Lavrov/person/1|Biden/person/0|",
          "titles cut, surname joins full name");
    check("U.S. Secretary of State Antony J. Blinken arrived.",
          "U.S./place/0|Antony J. Blinken/person/1|",
          "a place before a title, initials inside");
    check("Russian troops massed near Ukraine’s border.", "Ukraine/place/0|",
          "demonym dropped, possessive outside");
    check("The talks were held by the Foreign Ministry in Geneva.",
          "Foreign Ministry/org/0|Geneva/place/1|", "head word and gazetteer");
    check("The Kremlin-backed group met on Monday in December.", "",
          "adjectives, days and months are no names");
    check("Critics of Boeing said Boeing Co. would pay.",
          "Boeing/org/0|Boeing Co./org/0|", "Co. kept in span, one entity");
    check("NATO and the United Nations (UN) met. The UN said no.",
          "NATO/org/0|United Nations/org/1|UN/org/1|UN/org/1|",
          "acronym in parentheses joins");
}

static void test_invariants(void)
{
    const char *s = "WASHINGTON (Reuters) - Joe Biden, Vladimir Putin and "
                    "the European Union met at the White House. Biden and "
                    "Putin spoke; EU envoys and Mr. Putin’s aides listened.";
    struct ex_doc doc = {s, strlen(s), NULL, NULL};
    struct ex_result r;
    int sorted = 1, used_ok = 1, typed = 1;
    int *used;

    extract_run(res, &doc, &r);
    used = calloc(r.nentities + 1, sizeof(*used));
    for (size_t i = 0; i < r.nmentions; i++) {
        const struct ex_mention *m = &r.mentions[i];
        if (i > 0 && m->start < r.mentions[i - 1].end)
            sorted = 0;
        if (m->entity >= r.nentities)
            used_ok = 0;
        else if (r.entities[m->entity].type != m->type)
            typed = 0;
        else
            used[m->entity] = 1;
        if (m->sentence >= r.nsentences ||
            r.sentences[m->sentence].start > m->start ||
            r.sentences[m->sentence].end < m->end)
            used_ok = 0;
    }
    for (size_t e = 0; e < r.nentities; e++)
        if (!used[e])
            used_ok = 0;
    ok(r.nmentions >= 8, "mentions found (%zu)", r.nmentions);
    ok(sorted, "mentions sorted and disjoint");
    ok(used_ok, "mentions index entities and sentences; none unused");
    ok(typed, "mentions typed like their entity");
    free(used);
    ex_result_release(&r);
}

static const struct ex_entity *find_entity(const struct ex_result *r,
                                           const char *name)
{
    for (size_t i = 0; i < r->nentities; i++)
        if (strcmp(r->entities[i].name, name) == 0)
            return &r->entities[i];
    return NULL;
}

static void test_keys(void)
{
    const char *s = "Officials in Kiev said Volodymyr Zelenskyy met "
                    "Apple Inc. and the North Atlantic Treaty Organization "
                    "(NATO) in the U.S. on Friday. Zelensky thanked Apple.";
    struct ex_doc doc = {s, strlen(s), NULL, NULL};
    struct ex_result r;
    const struct ex_entity *e;

    extract_run(res, &doc, &r);
    e = find_entity(&r, "Kiev");
    is_str(e ? e->key : NULL, "place:kyiv", "variant folded in key");
    e = find_entity(&r, "Volodymyr Zelenskyy");
    is_str(e ? e->key : NULL, "person:volodymyr zelensky",
           "word variant folded");
    ok(e && e->naliases == 2, "Zelensky joins Zelenskyy");
    e = find_entity(&r, "Apple Inc.");
    is_str(e ? e->key : NULL, "org:apple", "legal suffix left out of key");
    e = find_entity(&r, "U.S.");
    is_str(e ? e->key : NULL, "place:united states", "U.S. folded");
    ex_result_release(&r);
}

static void weak(const char *key, enum ex_entity_type type,
                 const char *const *aliases, size_t naliases,
                 enum ent_key_use use, const char *want)
{
    struct ex_entity e = {0};
    char **keys, buf[512] = "";
    size_t n, pos = 0;

    e.key = (char *)key;
    e.type = type;
    e.aliases = (char **)aliases;
    e.naliases = naliases;
    n = ent_weak_keys(&e, use, &keys);
    for (size_t i = 0; i < n; i++) {
        pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s",
                                i ? " " : "", keys[i]);
        free(keys[i]);
    }
    free(keys);
    is_str(buf, want, "%s %s", key, use == ENT_KEYS_INDEX ? "index" : "lookup");
}

static void test_weak_keys(void)
{
    static const char *const biden[] = {"Joe Biden", "Biden"};
    static const char *const surname[] = {"Biden"};
    static const char *const nato[] = {"North Atlantic Treaty Organization",
                                       "NATO"};
    static const char *const acronym[] = {"NATO"};

    weak("person:joe biden", EX_ENT_PERSON, biden, 2, ENT_KEYS_INDEX,
         "person:~biden");
    weak("person:joe biden", EX_ENT_PERSON, biden, 2, ENT_KEYS_LOOKUP,
         "person:biden");
    weak("person:biden", EX_ENT_PERSON, surname, 1, ENT_KEYS_INDEX, "");
    weak("person:biden", EX_ENT_PERSON, surname, 1, ENT_KEYS_LOOKUP,
         "person:~biden");
    weak("org:north atlantic treaty organization", EX_ENT_ORG, nato, 2,
         ENT_KEYS_INDEX, "org:~nato");
    weak("org:north atlantic treaty organization", EX_ENT_ORG, nato, 2,
         ENT_KEYS_LOOKUP, "org:nato");
    weak("org:nato", EX_ENT_ORG, acronym, 1, ENT_KEYS_LOOKUP, "org:~nato");
    weak("badkey", EX_ENT_ORG, acronym, 1, ENT_KEYS_LOOKUP, "");
}

int main(void)
{
    res = ex_resources_new(embed_data);
    test_mentions();
    test_invariants();
    test_keys();
    test_weak_keys();
    ex_resources_free(res);
    return tap_done();
}
