/*
 * test_claims.c - the claims extractor on its own (no entity extractor):
 * speaker linking to given mentions, pronoun resolution, number values,
 * and the grouping comparisons of claims.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/embed.h"
#include "extract/claims.h"
#include "extract/text.h"
#include "tap.h"

static struct claims_resources *res;

/* Run the extractor over @text with the given person mentions. */
static void run(const char *text, const struct ex_mention *mentions,
                size_t nmentions, struct ex_result *r)
{
    struct ex_doc doc = {text, strlen(text), NULL, "2021-12-29"};

    memset(r, 0, sizeof(*r));
    if (nmentions > 0) {
        r->mentions = xmalloc(nmentions * sizeof(*mentions));
        memcpy(r->mentions, mentions, nmentions * sizeof(*mentions));
        r->nmentions = nmentions;
    }
    text_sentences(doc.text, doc.len, &r->sentences, &r->nsentences);
    claims_extract(res, &doc, r);
}

static const struct ex_claim *find(const struct ex_result *r,
                                   enum ex_claim_kind kind, size_t nth)
{
    for (size_t i = 0; i < r->nclaims; i++)
        if (r->claims[i].kind == kind && nth-- == 0)
            return &r->claims[i];
    return NULL;
}

/* The fingerprint of @text (a new array in *@h). */
static size_t print_of(const char *text, uint32_t **h)
{
    size_t n;

    claims_fingerprint(res, text, strlen(text), h, &n);
    return n;
}

static void test_speaker_entity(void)
{
    const char *text = "“We will talk,” said Foreign Minister Olga Petrova.\n\n"
                       "“The door is open,” she added.";
    const char *name = strstr(text, "Olga Petrova");
    struct ex_mention m = {(uint32_t)(name - text),
                           (uint32_t)(name - text + strlen("Olga Petrova")),
                           EX_ENT_PERSON, 0, 3};
    struct ex_result r;
    const struct ex_claim *q0, *q1;

    run(text, &m, 1, &r);
    q0 = find(&r, EX_CLAIM_QUOTE, 0);
    q1 = find(&r, EX_CLAIM_QUOTE, 1);
    ok(q0 && q1, "two quotes");
    if (q0 && q1) {
        is_str(q0->speaker_text, "Olga Petrova", "name without its title");
        is_int(q0->speaker_entity, 3, "linked to the mention's entity");
        is_str(q1->speaker_text, "Olga Petrova", "she → Olga Petrova");
        is_int(q1->speaker_entity, 3, "pronoun linked to the same entity");
    }
    ex_result_release(&r);
}

static void test_pronoun_without_mentions(void)
{
    struct ex_result r;
    const struct ex_claim *q;

    run("Mr. Daniel Okafor left the meeting early.\n\n"
        "“I have nothing more to say today,” he told reporters.",
        NULL, 0, &r);
    q = find(&r, EX_CLAIM_QUOTE, 0);
    ok(q != NULL, "quote found");
    if (q) {
        is_str(q->speaker_text, "Daniel Okafor", "he → the titled name");
        is_int(q->speaker_entity, -1, "no entity without mentions");
    }
    ex_result_release(&r);
}

static void test_description(void)
{
    struct ex_result r;
    const struct ex_claim *q;

    run("“The talks will resume in January,” a senior administration "
        "official told reporters.",
        NULL, 0, &r);
    q = find(&r, EX_CLAIM_QUOTE, 0);
    ok(q != NULL, "quote found");
    if (q) {
        is_str(q->speaker_text, "a senior administration official",
               "description kept as written");
        is_int(q->speaker_entity, -1, "description has no entity");
    }
    ex_result_release(&r);
}

static void test_number_values(void)
{
    static const struct {
        const char *text;
        double value;
        const char *unit, *qualifier;
    } cases[] = {
        {"Rebels fired nearly 300 rockets overnight.", 300, "rocket", "nearly"},
        {"The fund lost $15bn last year.", 15e9, "usd", NULL},
        {"The city hired a dozen inspectors.", 12, "inspector", NULL},
        {"Some 2.5 million voters went to the polls.", 2.5e6, "voter", "some"},
        {"Police arrested twenty protesters.", 20, "protester", NULL},
        {"At least 40 civilians were killed.", 40, "civilian", "at least"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ex_result r;
        const struct ex_claim *c;

        run(cases[i].text, NULL, 0, &r);
        c = find(&r, EX_CLAIM_NUMBER, 0);
        ok(c && c->has_value && c->value == cases[i].value, "value in \"%s\"",
           cases[i].text);
        if (c) {
            is_str(c->unit, cases[i].unit, "unit in \"%s\"", cases[i].text);
            is_str(c->qualifier, cases[i].qualifier, "qualifier in \"%s\"",
                   cases[i].text);
        }
        ex_result_release(&r);
    }
}

static void test_fingerprint(void)
{
    uint32_t *a, *b;
    size_t na = print_of("Russia’s troops", &a);
    size_t nb = print_of("the troops of Russia's", &b);

    is_int(na, 2, "stop words left out");
    ok(na == nb && memcmp(a, b, na * sizeof(*a)) == 0,
       "possessive and case do not matter");
    for (size_t i = 1; i < na; i++)
        ok(a[i - 1] < a[i], "sorted and distinct");
    free(a);
    free(b);
    is_int(print_of("and the of", &a), 0, "only stop words: empty");
    ok(a == NULL, "empty fingerprint is NULL");
}

static void test_quotes_same(void)
{
    uint32_t *full, *trimmed, *other, *inside;
    size_t nf = print_of("he has always believed that there is no substitute "
                         "for direct leader to leader dialogue and "
                         "engagement, especially when it comes to Russia",
                         &full);
    size_t nt = print_of("he believes there is no substitute for direct "
                         "leader-leader dialogue,",
                         &trimmed);
    size_t no = print_of("we will respond with severe economic sanctions if "
                         "troops cross the border",
                         &other);
    size_t ni = print_of("The call was requested by Moscow, an official said, "
                         "and he believes when it comes to Russia there is "
                         "no substitute for direct leader-leader dialogue",
                         &inside);

    ok(claims_quotes_same(full, nf, trimmed, nt), "trimmed quote matches");
    ok(claims_quotes_same(trimmed, nt, full, nf), "symmetric");
    ok(claims_quotes_same(inside, ni, full, nf), "quoted inside a longer one");
    ok(!claims_quotes_same(full, nf, other, no), "different quote");
    ok(!claims_quotes_same(NULL, 0, NULL, 0), "empty quotes never match");
    free(full);
    free(trimmed);
    free(other);
    free(inside);
}

static void test_speakers_same(void)
{
    ok(claims_speakers_same("Vladimir Putin", "Putin"), "surname");
    ok(claims_speakers_same("Mr. Biden", "biden"), "title and case");
    ok(claims_speakers_same("Joe  Biden", "joe biden"), "spaces");
    ok(!claims_speakers_same("Biden", "Putin"), "different people");
    ok(!claims_speakers_same("Anna Hutin", "Putin"), "not inside a word");
    ok(!claims_speakers_same(NULL, "Putin"), "NULL never matches");
}

static void test_statements_same(void)
{
    uint32_t *a, *b;
    size_t na = print_of("he would consider a range of options if the West "
                         "failed to provide guarantees",
                         &a);
    size_t nb = print_of("he would consider a range of options", &b);

    ok(claims_statements_same("Vladimir Putin", a, na, "Putin", b, nb),
       "same speaker, same content");
    ok(!claims_statements_same("Joe Biden", a, na, "Putin", b, nb),
       "different speakers");
    free(a);
    free(b);
}

static void test_numbers_comparable(void)
{
    struct ex_result r1, r2, r3;
    const struct ex_claim *a, *b, *c;

    run("Russia has massed as many as 100,000 troops on its border with "
        "Ukraine.",
        NULL, 0, &r1);
    run("Ukraine says about 120,000 Russian soldiers are near the border.",
        NULL, 0, &r2);
    run("The new stadium will seat 60,000 people next to the river.", NULL, 0,
        &r3);
    a = find(&r1, EX_CLAIM_NUMBER, 0);
    b = find(&r2, EX_CLAIM_NUMBER, 0);
    c = find(&r3, EX_CLAIM_NUMBER, 0);
    ok(a && b && c, "three numbers");
    if (a && b && c) {
        ok(claims_numbers_comparable(a->unit, a->fingerprint, a->nfingerprint,
                                     b->unit, b->fingerprint, b->nfingerprint),
           "troops near the Russia-Ukraine border compare");
        ok(!claims_numbers_comparable(a->unit, a->fingerprint, a->nfingerprint,
                                      c->unit, c->fingerprint, c->nfingerprint),
           "different units do not");
        ok(!claims_numbers_comparable(NULL, a->fingerprint, a->nfingerprint,
                                      NULL, b->fingerprint, b->nfingerprint),
           "no unit, no comparison");
    }
    ex_result_release(&r1);
    ex_result_release(&r2);
    ex_result_release(&r3);
}

static void test_empty(void)
{
    struct ex_result r;

    run("", NULL, 0, &r);
    is_int(r.nclaims, 0, "empty text, no claims");
    ex_result_release(&r);
    run("“", NULL, 0, &r);
    is_int(r.nclaims, 0, "a lone quotation mark, no claims");
    ex_result_release(&r);
}

int main(void)
{
    res = claims_resources_new(embed_data);
    test_speaker_entity();
    test_pronoun_without_mentions();
    test_description();
    test_number_values();
    test_fingerprint();
    test_quotes_same();
    test_speakers_same();
    test_statements_same();
    test_numbers_comparable();
    test_empty();
    claims_resources_free(res);
    return tap_done();
}
