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
#include "extract/claims_impl.h"
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

/* The text of claim @c, for comparing spans. */
static int claim_is(const char *text, const struct ex_claim *c,
                    const char *want)
{
    return c && c->end - c->start == strlen(want) &&
           memcmp(text + c->start, want, c->end - c->start) == 0;
}

static void test_nested_same_style(void)
{
    const char *text = "He likes the old line: \"If we knew what we were "
                       "doing, it would not be called \"research\", would "
                       "it?\" and he laughed.";
    struct ex_result r;

    run(text, NULL, 0, &r);
    ok(claim_is(text, find(&r, EX_CLAIM_QUOTE, 0),
                "If we knew what we were doing, it would not be called "
                "\"research\", would it?"),
       "a nested quote of the same style stays inside the outer one");
    ok(find(&r, EX_CLAIM_QUOTE, 1) == NULL, "and is no quote of its own");
    ex_result_release(&r);

    text = "\"We are done here. \"Next time,\" he said.";
    run(text, NULL, 0, &r);
    ok(claim_is(text, find(&r, EX_CLAIM_QUOTE, 0), "Next time,"),
       "a mark never closed still gives way to the next quote");
    ex_result_release(&r);
}

static void test_missing_closing_mark(void)
{
    const char *text = "After the match, coach Lena Ortiz said, \"We learned "
                       "a lot from today's game.\n\n"
                       "It was an emotional day for all of us.\"";
    struct ex_result r;
    const struct ex_claim *q;

    run(text, NULL, 0, &r);
    q = find(&r, EX_CLAIM_QUOTE, 0);
    ok(claim_is(text, q, "We learned a lot from today's game."),
       "a quote left open ends with its paragraph's sentence");
    if (q)
        is_str(q->speaker_text, "Lena Ortiz", "and keeps its speaker");
    ex_result_release(&r);

    run("The mayor said \"we will see what the council\n\nNothing more.", NULL,
        0, &r);
    ok(find(&r, EX_CLAIM_QUOTE, 0) == NULL,
       "no quote when the paragraph stops mid-sentence");
    ex_result_release(&r);

    run("I compared what I saw under the 'scopes with the published "
        "drawings of other species.",
        NULL, 0, &r);
    ok(find(&r, EX_CLAIM_QUOTE, 0) == NULL,
       "an unpaired single mark is an apostrophe, not a quote");
    ex_result_release(&r);
}

static void test_odd_marks(void)
{
    const char *text = "''We have done the right things for the families'' "
                       "of the victims, the mayor said.";
    struct ex_result r;

    run(text, NULL, 0, &r);
    ok(claim_is(text, find(&r, EX_CLAIM_QUOTE, 0),
                "We have done the right things for the families"),
       "'' after an s closes a quote: no plural possessive");
    ex_result_release(&r);

    text = "\"I have never liked the term 'outreach,' \" he told the group.";
    run(text, NULL, 0, &r);
    ok(claim_is(text, find(&r, EX_CLAIM_QUOTE, 0),
                "I have never liked the term 'outreach,'"),
       "a straight mark between spaces closes the open quote");
    ex_result_release(&r);
}

static void test_fragment_after_quote(void)
{
    const char *text = "\"We will win this,\" Omar Haddad said. His rivals "
                       "called the plan \"a bad idea\" on Monday.";
    struct ex_result r;

    run(text, NULL, 0, &r);
    ok(claim_is(text, find(&r, EX_CLAIM_QUOTE, 0), "We will win this,"),
       "the quote");
    ok(find(&r, EX_CLAIM_QUOTE, 1) == NULL,
       "a fragment inside a clause does not continue the quote before it");
    ex_result_release(&r);

    text = "\"We will win this,\" Omar Haddad said. He wants the team to "
           "return \"to its old training ground.\"";
    run(text, NULL, 0, &r);
    ok(claim_is(text, find(&r, EX_CLAIM_QUOTE, 1),
                "to its old training ground."),
       "but one that runs to the end of the sentence does");
    ex_result_release(&r);
}

static void test_introduced_paragraph(void)
{
    const char *text = "Mayor Ann Lee said:\n\n"
                       "\"The bridge will reopen next week.\"\n\n"
                       "Traffic has been heavy.\n\n"
                       "\"Nobody expected the repairs to take this long.\"";
    struct ex_result r;
    const struct ex_claim *q;

    run(text, NULL, 0, &r);
    q = find(&r, EX_CLAIM_QUOTE, 0);
    ok(q != NULL, "quote found");
    if (q)
        is_str(q->speaker_text, "Ann Lee",
               "a quote opening a paragraph after \"said:\" is hers");
    q = find(&r, EX_CLAIM_QUOTE, 1);
    ok(q && q->speaker_text == NULL,
       "not one after a paragraph that does not introduce it");
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

/* Run the extractor over @text with each of @orgs (found in the text)
 * as an organisation mention, keyed by its name. */
static void run_orgs(const char *text, const char *const *orgs, size_t n,
                     struct ex_result *r)
{
    struct ex_mention *m = xcalloc(n + 1, sizeof(*m));

    for (size_t i = 0; i < n; i++) {
        const char *at = strstr(text, orgs[i]);
        m[i] = (struct ex_mention){(uint32_t)(at - text),
                                   (uint32_t)(at - text + strlen(orgs[i])),
                                   EX_ENT_ORG, 0, (uint32_t)i};
    }
    run(text, m, n, r);
    free(m);
    /* Entities after the fact: number contexts only read their keys. */
    for (size_t i = 0; i < r->nclaims; i++)
        free(r->claims[i].fingerprint);
    r->entities = xcalloc(n + 1, sizeof(*r->entities));
    r->nentities = n;
    for (size_t i = 0; i < n; i++) {
        r->entities[i].name = xstrdup(orgs[i]);
        r->entities[i].key = xstrdup(orgs[i]);
        r->entities[i].type = EX_ENT_ORG;
    }
    claims_fingerprints(res, text, strlen(text), r);
}

static void test_numbers_comparable(void)
{
    struct ex_result r1, r2, r3;
    const struct ex_claim *a, *b, *c;

    static const char *const both[] = {"Russia", "Ukraine"},
                             *ukraine[] = {"Ukraine"};

    /* Places as entities: the same counted thing needs a shared one. */
    run_orgs("Russia has massed as many as 100,000 troops on its border with "
             "Ukraine.",
             both, 2, &r1);
    run_orgs("Ukraine says about 120,000 Russian soldiers are near the border.",
             ukraine, 1, &r2);
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

static int numbers_cmp(const struct ex_claim *a, const struct ex_claim *b)
{
    return claims_numbers_comparable(a->unit, a->fingerprint, a->nfingerprint,
                                     b->unit, b->fingerprint, b->nfingerprint);
}

static void test_numbers_entities(void)
{
    static const char *const acme[] = {"Acme Corp"}, *globex[] = {"Globex"};
    struct ex_result r1, r2, r3, r4, r5;
    const struct ex_claim *a, *b, *c, *d, *e;

    run_orgs("Acme Corp said its first quarter net profit rose 12 pct on "
             "higher sales of farm machinery.",
             acme, 1, &r1);
    run_orgs("Globex said its first quarter net profit rose 12 pct on "
             "higher sales of office furniture.",
             globex, 1, &r2);
    run_orgs("Net profit at Acme Corp rose 12 pct in the first quarter, the "
             "company said.",
             acme, 1, &r3);
    run("Its first quarter net profit rose 9 pct on lower costs.", NULL, 0,
        &r4);
    run("Shares rose 3 pct in heavy trading after the quarter ended, "
        "dealers said on Tuesday.",
        NULL, 0, &r5);
    a = find(&r1, EX_CLAIM_NUMBER, 0);
    b = find(&r2, EX_CLAIM_NUMBER, 0);
    c = find(&r3, EX_CLAIM_NUMBER, 0);
    d = find(&r4, EX_CLAIM_NUMBER, 0);
    e = find(&r5, EX_CLAIM_NUMBER, 0);
    ok(a && b && c && d && e, "five percentages");
    if (a && b && c && d && e) {
        ok(!numbers_cmp(a, b), "the same frame about another company does "
                               "not compare");
        ok(!numbers_cmp(b, a), "nor the other way round");
        ok(numbers_cmp(a, c), "the same company's profit, worded "
                              "differently, compares");
        ok(numbers_cmp(c, a), "both ways");
        ok(numbers_cmp(a, d), "without an entity on one side, half the "
                              "words shared compare");
        ok(!numbers_cmp(a, e) && !numbers_cmp(e, d),
           "a few common words (quarter, rose) are not enough");
    }
    ex_result_release(&r1);
    ex_result_release(&r2);
    ex_result_release(&r3);
    ex_result_release(&r4);
    ex_result_release(&r5);
}

static void test_quotes_trimmed(void)
{
    uint32_t *longer, *kept, *other;
    size_t nl = print_of("We will rebuild every school and every clinic the "
                         "flood destroyed, and we will do it before the "
                         "winter comes, whatever the cost to the budget",
                         &longer);
    size_t nk = print_of("rebuild every school and every clinic the flood "
                         "destroyed",
                         &kept);
    size_t no = print_of("the flood destroyed the old bridge and the town "
                         "has no money to repair it",
                         &other);

    ok(claims_quotes_same(longer, nl, kept, nk),
       "an outlet's trimmed quote joins the full one");
    ok(claims_quotes_same(kept, nk, longer, nl), "in either order");
    ok(!claims_quotes_same(longer, nl, other, no) &&
           !claims_quotes_same(other, no, longer, nl),
       "another quote sharing a few words does not");
    free(longer);
    free(kept);
    free(other);
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
    test_nested_same_style();
    test_missing_closing_mark();
    test_odd_marks();
    test_fragment_after_quote();
    test_introduced_paragraph();
    test_number_values();
    test_fingerprint();
    test_quotes_same();
    test_speakers_same();
    test_statements_same();
    test_numbers_comparable();
    test_numbers_entities();
    test_quotes_trimmed();
    test_empty();
    claims_resources_free(res);
    return tap_done();
}
