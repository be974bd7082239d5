/* dates.c - ISO 8601 date validation and arithmetic. */
#include "core/dates.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

bool date_valid_prefix(const char *s)
{
    size_t n = strlen(s);

    if (n != 4 && n != 7 && n != 10)
        return false;
    if (!digits(s, 4))
        return false;
    if (n == 4)
        return true;
    if (s[4] != '-' || !digits(s + 5, 2))
        return false;
    int m = num(s + 5, 2);
    if (m < 1 || m > 12)
        return false;
    if (n == 7)
        return true;
    if (s[7] != '-' || !digits(s + 8, 2))
        return false;
    int d = num(s + 8, 2);
    return d >= 1 && d <= days_in_month(num(s, 4), m);
}

bool date_valid_day(const char *s)
{
    return strlen(s) == 10 && date_valid_prefix(s);
}

/* Parse "YYYY-MM-DD[THH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)]" into UTC. */
static int parse_published(const char *s, struct tm *tm, bool *has_time)
{
    char day[11];
    int off = 0;

    if (strlen(s) < 10)
        return -1;
    memcpy(day, s, 10);
    day[10] = '\0';
    if (!date_valid_day(day))
        return -1;
    memset(tm, 0, sizeof(*tm));
    tm->tm_year = num(s, 4) - 1900;
    tm->tm_mon = num(s + 5, 2) - 1;
    tm->tm_mday = num(s + 8, 2);
    *has_time = false;
    s += 10;
    if (!*s)
        return 0;
    if ((*s != 'T' && *s != ' ') || !digits(s + 1, 2) || s[3] != ':' ||
        !digits(s + 4, 2))
        return -1;
    tm->tm_hour = num(s + 1, 2);
    tm->tm_min = num(s + 4, 2);
    s += 6;
    if (*s == ':') {
        if (!digits(s + 1, 2))
            return -1;
        tm->tm_sec = num(s + 1, 2);
        s += 3;
        if (*s == '.') {
            s++;
            if (!digits(s, 1))
                return -1;
            while (digits(s, 1))
                s++;
        }
    }
    if (tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60)
        return -1;
    if (*s == 'Z' && !s[1]) {
        off = 0;
    } else if ((*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' &&
               digits(s + 4, 2) && !s[6]) {
        off = num(s + 1, 2) * 60 + num(s + 4, 2);
        if (*s == '-')
            off = -off;
    } else {
        return -1;
    }
    *has_time = true;
    tm->tm_min -= off;
    return 0;
}

bool date_valid_published(const char *s)
{
    struct tm tm;
    bool has_time;

    return parse_published(s, &tm, &has_time) == 0;
}

int date_normalise_published(const char *s, char *out, size_t outlen)
{
    struct tm tm;
    bool has_time;
    time_t t;

    if (parse_published(s, &tm, &has_time) < 0)
        return -1;
    if (!has_time) {
        snprintf(out, outlen, "%.10s", s);
        return 0;
    }
    t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

void date_next_day(const char *day, char *out)
{
    struct tm tm = {0};
    time_t t;

    tm.tm_year = num(day, 4) - 1900;
    tm.tm_mon = num(day + 5, 2) - 1;
    tm.tm_mday = num(day + 8, 2) + 1;
    t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void date_now_utc(char *out)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
