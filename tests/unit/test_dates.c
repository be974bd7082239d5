/*
 * test_dates.c - ISO 8601 calendar helpers: real days (leap years),
 * partial dates, published timestamps normalised to UTC, and the next
 * day across month and year ends.
 */
#include <string.h>

#include "core/dates.h"
#include "tap.h"

static const char *const good_days[] = {
    "2021-12-30", "2021-01-01", "2021-12-31", "2020-02-29", "2000-02-29",
    "2024-02-29", "2021-04-30", "2021-02-28", "1999-09-09", "0001-01-01",
};

static const char *const bad_days[] = {
    "2021-02-29",
    "1900-02-29",
    "2100-02-29",
    "2021-04-31",
    "2021-06-31",
    "2021-13-01",
    "2021-00-10",
    "2021-12-00",
    "2021-12-32",
    "2021-1-01",
    "2021-12-3",
    "2021/12/30",
    "20211230",
    "",
    "2021-12-30 ",
    " 2021-12-30",
    "2021-12-3x",
    "abcd-ef-gh",
    "2021-12",
    "2021",
    "2021-12-30T10:00:00Z",
    "+021-12-30",
    "2021--12-30",
};

static const char *const good_prefixes[] = {
    "2021", "2021-12", "2021-12-30", "2020-02-29", "0000",
};

static const char *const bad_prefixes[] = {
    "202",     "20211",    "2021-",      "2021-1",      "2021-13",
    "2021-00", "2021-1-1", "2021-02-29", "2021-12-30T", "21-12",
    "",        "20x1",     "2021-12-",   "2021-12-30 ",
};

static const char *const good_published[] = {
    "2021-12-30",
    "2021-12-30T20:35:00Z",
    "2021-12-30T20:35:00.123Z",
    "2021-12-30T20:35:00+03:00",
    "2021-12-30T20:35:00-05:30",
    "2020-02-29T23:59:59Z",
};

static const char *const bad_published[] = {
    "2021-12-30T20:35:00",       /* no zone */
    "2021-12-30T24:00:00Z",      /* hour 24 */
    "2021-12-30T23:60:00Z",      /* minute 60 */
    "2021-12-30T20:35:00+0300",  /* offset without colon */
    "2021-12-30T20:35:00Zjunk",  /* trailing text */
    "2021-12-30T20:35:00.Z",     /* a dot without digits */
    "2021-02-30T10:00:00Z",      /* not a day */
    "2021-12-30T2:35:00Z",       /* one-digit hour */
    "2021-12-30X20:35:00Z",      /* bad separator */
    "2021-12-30T20:35:00+99:99", /* not an offset */
    "2021-12",
    "",
    "yesterday",
};

static void test_validation(void)
{
    for (size_t i = 0; i < sizeof(good_days) / sizeof(*good_days); i++)
        ok(date_valid_day(good_days[i]), "day \"%s\" is valid", good_days[i]);
    for (size_t i = 0; i < sizeof(bad_days) / sizeof(*bad_days); i++)
        ok(!date_valid_day(bad_days[i]), "day \"%s\" is invalid", bad_days[i]);
    for (size_t i = 0; i < sizeof(good_prefixes) / sizeof(*good_prefixes); i++)
        ok(date_valid_prefix(good_prefixes[i]), "prefix \"%s\" is valid",
           good_prefixes[i]);
    for (size_t i = 0; i < sizeof(bad_prefixes) / sizeof(*bad_prefixes); i++)
        ok(!date_valid_prefix(bad_prefixes[i]), "prefix \"%s\" is invalid",
           bad_prefixes[i]);
    for (size_t i = 0; i < sizeof(good_published) / sizeof(*good_published);
         i++)
        ok(date_valid_published(good_published[i]), "published \"%s\" is valid",
           good_published[i]);
    for (size_t i = 0; i < sizeof(bad_published) / sizeof(*bad_published); i++)
        ok(!date_valid_published(bad_published[i]),
           "published \"%s\" is invalid", bad_published[i]);
}

static void test_normalise(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"2021-12-30", "2021-12-30"},
        {"2021-12-30T20:35:00Z", "2021-12-30T20:35:00Z"},
        {"2021-12-30T20:35:07.999Z", "2021-12-30T20:35:07Z"},
        {"2021-12-30T10:00:00+05:30", "2021-12-30T04:30:00Z"},
        {"2021-12-30T23:30:00-02:00", "2021-12-31T01:30:00Z"},
        {"2021-12-31T23:30:00-01:00", "2022-01-01T00:30:00Z"},
        {"2022-01-01T01:00:00+03:00", "2021-12-31T22:00:00Z"},
        {"2021-03-01T00:30:00+01:00", "2021-02-28T23:30:00Z"},
        {"2020-03-01T00:30:00+01:00", "2020-02-29T23:30:00Z"},
        {"2021-12-30T20:35:00+00:00", "2021-12-30T20:35:00Z"},
    };
    char out[32];

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        memset(out, 'X', sizeof(out));
        int rc = date_normalise_published(cases[i].in, out, 21);
        ok(rc == 0 && strcmp(out, cases[i].out) == 0, "normalise %s -> %s",
           cases[i].in, cases[i].out);
        if (rc == 0 && strcmp(out, cases[i].out))
            printf("#   got \"%.21s\"\n", out);
    }
    for (size_t i = 0; i < sizeof(bad_published) / sizeof(*bad_published); i++)
        is_int(date_normalise_published(bad_published[i], out, 21), -1,
               "normalise rejects \"%s\"", bad_published[i]);
}

static void test_next_day(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"2021-06-15", "2021-06-16"}, {"2021-04-30", "2021-05-01"},
        {"2021-01-31", "2021-02-01"}, {"2021-02-28", "2021-03-01"},
        {"2020-02-28", "2020-02-29"}, {"2020-02-29", "2020-03-01"},
        {"1900-02-28", "1900-03-01"}, {"2000-02-28", "2000-02-29"},
        {"2021-12-31", "2022-01-01"}, {"1999-12-31", "2000-01-01"},
        {"0999-12-31", "1000-01-01"}, {"0099-12-31", "0100-01-01"},
    };
    char out[16];

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        memset(out, 'X', sizeof(out));
        date_next_day(cases[i].in, out);
        ok(memchr(out, '\0', 11) && strcmp(out, cases[i].out) == 0,
           "next day after %s is %s", cases[i].in, cases[i].out);
        if (memchr(out, '\0', 11) && strcmp(out, cases[i].out))
            printf("#   got \"%s\"\n", out);
    }

    /* The last valid day must still give a terminated 10-character key
     * that sorts after every stored date (the `until` filter uses it). */
    memset(out, 'X', sizeof(out));
    date_next_day("9999-12-31", out);
    ok(memchr(out, '\0', 11) != NULL && strlen(out) == 10 &&
           strcmp(out, "9999-12-31") > 0,
       "next day after 9999-12-31 is a terminated key after it");
}

static void test_now(void)
{
    char now[32];

    memset(now, 'X', sizeof(now));
    date_now_utc(now);
    ok(strlen(now) == 20 && now[19] == 'Z' && date_valid_published(now),
       "now is a UTC timestamp (%s)", now);
}

int main(void)
{
    test_validation();
    test_normalise();
    test_next_day();
    test_now();
    return tap_done();
}
