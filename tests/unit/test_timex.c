/*
 * test_timex.c - the temporal tagger: spans, types and values of TIMEX3
 * expressions against a document date, clauses and labels, and the
 * timeline helpers.
 */
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "extract/text.h"
#include "extract/timex.h"
#include "tap.h"

struct expect {
    const char *published; /* NULL: no anchor */
    const char *text;
    const char *span; /* the expected expression, NULL for none */
    const char *type;
    const char *value;
};

/* Wednesday 2021-12-29 unless stated. */
static const struct expect cases[] = {
    /* absolute dates */
    {"2021-12-29", "The two leaders spoke on Dec. 7 by video.", "Dec. 7",
     "date", "2021-12-07"},
    {"2021-12-29", "They held a video call on December 7th.", "December 7th",
     "date", "2021-12-07"},
    {"2021-12-29", "The treaty was signed on 7 December 2021.",
     "7 December 2021", "date", "2021-12-07"},
    {"2021-12-29", "The order is dated 12/07/2021.", "12/07/2021", "date",
     "2021-12-07"},
    {"2021-12-29", "Russia annexed Crimea in 2014.", "2014", "date", "2014"},
    {"2021-12-29", "The treaty dates from the 1990s.", "the 1990s", "date",
     "199"},
    {"2021-12-29", "Elections are due by mid-2022.", "mid-2022", "date",
     "2022"},
    {"2021-12-29", "The bond matures on Oct. 15, 1999 at par.", "Oct. 15, 1999",
     "date", "1999-10-15"},
    {"2021-12-29", "Prices rose in the third quarter of 2020.",
     "the third quarter of 2020", "date", "2020-Q3"},
    {"2021-12-29", "The plant opened in the summer of 2019.",
     "the summer of 2019", "date", "2019-SU"},
    {"2021-12-29", "The case went back to the 19th century.",
     "the 19th century", "date", "18"},
    /* relative, with tense */
    {"2021-12-29", "Biden will speak with Putin on Thursday.", "Thursday",
     "date", "2021-12-30"},
    {"2021-12-29", "Biden and Putin to talk by telephone Thursday.", "Thursday",
     "date", "2021-12-30"},
    {"2021-12-29", "Putin said on Sunday that he would consider options.",
     "Sunday", "date", "2021-12-26"},
    {"2021-12-29", "Officials met Wednesday in Geneva.", "Wednesday", "date",
     "2021-12-29"},
    {"2021-12-29", "An official confirmed the call yesterday.", "yesterday",
     "date", "2021-12-28"},
    {"2021-12-29", "Putin held a press conference last week.", "last week",
     "date", "2021-W51"},
    {"2021-12-29", "Talks will resume next month.", "next month", "date",
     "2022-01"},
    {"2021-12-29", "The demands were published earlier this month.",
     "earlier this month", "date", "2021-12"},
    {"2021-12-29", "Inflation has been high this year.", "this year", "date",
     "2021"},
    {"2021-12-29", "The test took place a year ago.", "a year ago", "date",
     "2020"},
    {"2021-12-29", "Russia will hold a vote in two weeks.", "two weeks", "date",
     "2022-W02"},
    {"2015-05-07", "The first meeting is set to take place on May 16.",
     "May 16", "date", "2015-05-16"},
    {"2021-10-27", "The bank will redeem preferred shares on Oct. 31.",
     "Oct. 31", "date", "2021-10-31"},
    {"2021-12-29", "Exercises took place on December 18.", "December 18",
     "date", "2021-12-18"},
    {"2021-12-29", "The talks are scheduled for January 10.", "January 10",
     "date", "2022-01-10"},
    {"2021-12-29", "The missile was tested last month.", "last month", "date",
     "2021-11"},
    {"2021-12-29", "Protesters marched this past weekend.", "this past weekend",
     "date", "2021-W51-WE"},
    {"2021-12-29", "Troops arrived last spring.", "last spring", "date",
     "2021-SP"},
    /* holidays */
    {"2021-11-20", "Stores will open late on Thanksgiving Day.",
     "Thanksgiving Day", "date", "2021-11-25"},
    {"2021-12-29", "Families gathered on Christmas Eve.", "Christmas Eve",
     "date", "2021-12-24"},
    {"2021-12-29", "Crowds will gather on New Year's Eve.", "New Year's Eve",
     "date", "2021-12-31"},
    {"2021-03-01", "Churches were full on Easter Sunday 2019.",
     "Easter Sunday 2019", "date", "2019-04-21"},
    {"2020-10-01", "Voters go to the polls on Election Day.", "Election Day",
     "date", "2020-11-03"},
    /* times and parts of day */
    {"2021-12-29", "The call is scheduled for Thursday afternoon.",
     "Thursday afternoon", "time", "2021-12-30TAF"},
    {"2021-12-31", "The call ended Thursday around 3:35 pm local time.",
     "Thursday", "date", "2021-12-30"},
    {"2021-12-31", "The statement came at 2035 GMT.", "2035 GMT", "time",
     "2021-12-31T20:35"},
    {"2021-12-29", "The vote will open at 9 a.m. Thursday.", "9 a.m. Thursday",
     "time", "2021-12-30T09:00"},
    {"2021-03-01", "Sales rose sharply at year-end.", "year-end", "date",
     "2021-12-31"},
    {"1989-10-26",
     "Third-quarter profit rose to $5 million from $4 million "
     "a year earlier.",
     "a year earlier", "date", "1988-Q3"},
    {"2021-12-29", "Voting ended at 4 in the morning.", "4 in the morning",
     "time", "2021-12-29T04:00"},
    {"2021-12-29", "Officials met at 10:30 a.m. EST on Tuesday.",
     "10:30 a.m. EST", "time", "2021-12-28T10:30"},
    {"2021-12-29", "He arrived the day before yesterday.",
     "the day before yesterday", "date", "2021-12-27"},
    /* durations */
    {"2021-12-29", "The war has lasted nearly eight years.",
     "nearly eight years", "duration", "P8Y"},
    {"2021-12-29", "Talks went on for three weeks.", "three weeks", "duration",
     "P3W"},
    {"2021-12-29", "Prices rose over the past three weeks.",
     "the past three weeks", "duration", "P3W"},
    {"2021-12-29", "They agreed on a 30-day truce.", "30-day", "duration",
     "P30D"},
    {"2021-12-29", "Talks lasted two and a half hours.", "two and a half hours",
     "duration", "PT2.5H"},
    {"2021-12-29", "He has lived there for years.", "years", "duration", "PXY"},
    {"2021-12-29", "The talks will last several days.", "several days",
     "duration", "PXD"},
    /* sets and vague references */
    {"2021-12-29", "The court meets twice a year.", "a year", "set", "P1Y"},
    {"2021-12-29", "The council meets every week.", "every week", "set", "P1W"},
    {"2021-12-29", "Markets are closed on Sundays.", "Sundays", "set",
     "XXXX-WXX-7"},
    {"2021-12-29", "The border is now closed.", "now", "date", "PRESENT_REF"},
    {"2021-12-29", "Tensions have grown in recent months.", "recent months",
     "date", "PAST_REF"},
    {"2021-12-29", "No deal is expected in the near future.", "the near future",
     "date", "FUTURE_REF"},
    /* no anchor: nothing is guessed */
    {NULL, "Biden will speak with Putin on Thursday.", "Thursday", "date",
     "XXXX-WXX-4"},
    {NULL, "They spoke on Dec. 7.", "Dec. 7", "date", "XXXX-12-07"},
    {NULL, "The talks ended last week.", "last week", "date", "XXXX-WXX"},
    {NULL, "Russia annexed Crimea in 2014.", "2014", "date", "2014"},
    /* not temporal */
    {"2021-12-29", "About 2000 troops were sent.", NULL, NULL, NULL},
    {"2021-12-29", "The 6-year-old boy was found.", NULL, NULL, NULL},
    {"2021-12-29", "Officials may march to the capital.", NULL, NULL, NULL},
};

static void run(const struct timex_resources *res, const char *published,
                const char *text, struct ex_result *r)
{
    struct ex_doc doc = {text, strlen(text), NULL, published};

    memset(r, 0, sizeof(*r));
    text_sentences(text, doc.len, &r->sentences, &r->nsentences);
    timex_extract(res, &doc, r);
}

static void release(struct ex_result *r)
{
    for (size_t i = 0; i < r->ntimexes; i++)
        free(r->timexes[i].label);
    free(r->timexes);
    free(r->sentences);
}

static void test_cases(const struct timex_resources *res)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const struct expect *e = &cases[i];
        struct ex_result r;
        const struct ex_timex *t = NULL;

        run(res, e->published, e->text, &r);
        if (!e->span) {
            is_int(r.ntimexes, 0, "no timex in \"%s\"", e->text);
            release(&r);
            continue;
        }
        for (size_t k = 0; k < r.ntimexes && !t; k++)
            if (r.timexes[k].end - r.timexes[k].start == strlen(e->span) &&
                strncmp(e->text + r.timexes[k].start, e->span,
                        strlen(e->span)) == 0)
                t = &r.timexes[k];
        if (ok(t != NULL, "span \"%s\" in \"%s\"", e->span, e->text)) {
            is_str(ex_timex_type_name(t->type), e->type, "type of \"%s\"",
                   e->span);
            is_str(t->value, e->value, "value of \"%s\" (%s)", e->span,
                   e->published ? e->published : "no anchor");
        }
        release(&r);
    }
}

static void test_clause(const struct timex_resources *res)
{
    const char *text = "Markets fell sharply. U.S. and Russian officials "
                       "are scheduled to hold security talks in Geneva on "
                       "Jan. 10, officials said; the date may change.";
    struct ex_result r;

    run(res, "2021-12-29", text, &r);
    if (ok(r.ntimexes == 1, "one timex in the clause text")) {
        const struct ex_timex *t = &r.timexes[0];
        is_str(t->value, "2022-01-10", "clause timex value");
        ok(strncmp(text + t->clause_start, "U.S. and Russian", 16) == 0,
           "clause starts with the sentence");
        ok(text[t->clause_end - 1] == 'd', "clause stops at the semicolon");
        is_str(t->label,
               "U.S. and Russian officials are scheduled to hold security "
               "talks in Geneva",
               "label: the clause without date, preposition, attribution");
        ok(timex_is_event(t), "a dated clause is an event");
    }
    release(&r);

    run(res, "2021-12-29", "Dec. 29, 2021", &r);
    if (ok(r.ntimexes == 1, "a bare dateline is found"))
        ok(!timex_is_event(&r.timexes[0]), "a bare dateline is no event");
    release(&r);
}

static void test_helpers(void)
{
    static const struct {
        const char *value;
        enum timex_precision p;
        const char *date;
    } prec[] = {
        {"2014", TIMEX_PREC_YEAR, "2014"},
        {"2021-Q3", TIMEX_PREC_YEAR, "2021-Q3"},
        {"2021-SU", TIMEX_PREC_YEAR, "2021-SU"},
        {"2021-12", TIMEX_PREC_MONTH, "2021-12"},
        {"2021-W51", TIMEX_PREC_WEEK, "2021-W51"},
        {"2021-W51-WE", TIMEX_PREC_WEEK, "2021-W51-WE"},
        {"2021-12-30", TIMEX_PREC_DAY, "2021-12-30"},
        {"2021-12-30TAF", TIMEX_PREC_DAY, "2021-12-30"},
        {"2021-12-30T15:35", TIMEX_PREC_TIME, "2021-12-30"},
        {"199", TIMEX_PREC_NONE, ""},
        {"P3W", TIMEX_PREC_NONE, ""},
        {"PRESENT_REF", TIMEX_PREC_NONE, ""},
        {"XXXX-WXX-4", TIMEX_PREC_NONE, ""},
        {"XXXX-12-07", TIMEX_PREC_NONE, ""},
    };
    char date[16];

    for (size_t i = 0; i < sizeof(prec) / sizeof(*prec); i++) {
        is_int(timex_precision(prec[i].value), prec[i].p, "precision of %s",
               prec[i].value);
        timex_event_date(prec[i].value, date, sizeof(date));
        is_str(date, prec[i].date, "event date of %s", prec[i].value);
    }
    is_str(timex_precision_name(TIMEX_PREC_WEEK), "week", "precision name");
    ok(timex_precision_name(TIMEX_PREC_NONE) == NULL, "no name for none");

    ok(timex_similarity("security talks in Geneva",
                        "the Geneva security talk") == 1.0,
       "same content words after stemming");
    ok(timex_similarity("Biden and Putin held a video call",
                        "security talks in Geneva") == 0.0,
       "no shared content word");
    double s = timex_similarity("Biden and Putin will talk by phone",
                                "Putin demanded guarantees from NATO");
    ok(s > 0.2 && s < 0.5, "partial overlap (%.2f)", s);
    ok(timex_similarity(NULL, "talks") == 0.0, "NULL is empty");

    /* A text's words taken once, compared with others. */
    struct timex_words a, b;
    timex_words("Talks, talking and talked in Geneva, Geneva", &a);
    ok(a.n == 2 && strcmp(a.word[0], "talk") == 0 &&
           strcmp(a.word[1], "geneva") == 0,
       "words: stems once each, function words out (%zu)", a.n);
    timex_words("the Geneva security talk", &b);
    ok(timex_words_similarity(&a, &b) == 1.0 &&
           timex_words_similarity(&b, &a) == 1.0,
       "words: overlap over the smaller set, both ways");
    timex_words("Putin demanded guarantees from NATO", &b);
    ok(timex_words_similarity(&a, &b) == 0.0, "words: none shared");
    timex_words(NULL, &b);
    ok(b.n == 0 && timex_words_similarity(&a, &b) == 0.0,
       "words: NULL is empty");
}

int main(void)
{
    struct timex_resources *res = timex_resources_new(embed_data);

    test_cases(res);
    test_clause(res);
    test_helpers();
    timex_resources_free(res);
    return tap_done();
}
