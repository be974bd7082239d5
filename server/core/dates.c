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
               digits(s + 4, 2) && !s[6] && num(s + 1, 2) <= 23 &&
               num(s + 4, 2) <= 59) {
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
    unsigned y = (unsigned)num(day, 4), m = (unsigned)num(day + 5, 2),
             d = (unsigned)num(day + 8, 2) + 1;

    /* 9999-12-31 is followed by "9999-12-32": still ten characters, and
     * it sorts after every real date. */
    if (d > (unsigned)days_in_month((int)y, (int)m) && y * 100 + m < 999912) {
        d = 1;
        if (++m > 12)
            m = 1, y++;
    }
    snprintf(out, 11, "%04u-%02u-%02u", y % 10000, m % 100, d % 100);
}

void date_now_utc(char *out)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, char out[11])
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    unsigned year = (unsigned)(y < 0 ? 0 : y > 9999 ? 9999 : y);
    snprintf(out, 11, "%04u-%02u-%02u", year, m % 100, d % 100);
}

/* [first month, month after last) of a year part: Qn, Hn, seasons. */
static int part_months(const char *p, int *from, int *to)
{
    static const struct {
        const char *name;
        int from, to;
    } parts[] = {
        {"Q1", 1, 4},  {"Q2", 4, 7},   {"Q3", 7, 10}, {"Q4", 10, 13},
        {"H1", 1, 7},  {"H2", 7, 13},  {"SP", 3, 6},  {"SU", 6, 9},
        {"FA", 9, 12}, {"WI", 12, 15},
    };

    for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++) {
        if (strcmp(p, parts[i].name) == 0) {
            *from = parts[i].from;
            *to = parts[i].to;
            return 0;
        }
    }
    return -1;
}

int date_period_bounds(const char *value, char start[11], char end[11])
{
    size_t n = strlen(value);
    long y;
    int from, to;

    if (n < 4 || !digits(value, 4))
        return -1;
    y = num(value, 4);
    if (n == 4) {
        from = 1, to = 13;
    } else if (value[4] != '-') {
        return -1;
    } else if (n >= 7 && digits(value + 5, 2) && (n == 7 || value[7] == '-')) {
        int m = num(value + 5, 2);
        if (m < 1 || m > 12)
            return -1;
        if (n >= 10 && value[7] == '-' && digits(value + 8, 2) &&
            (n == 10 || value[10] == 'T')) {
            long d =
                days_from_civil(y, (unsigned)m, (unsigned)num(value + 8, 2));
            civil_from_days(d, start);
            civil_from_days(d + 1, end);
            return 0;
        }
        if (n != 7)
            return -1;
        from = m, to = m + 1;
    } else if (value[5] == 'W' && n >= 8 && digits(value + 6, 2)) {
        /* ISO week 1 holds January 4th; weeks start on Monday. */
        long jan4 = days_from_civil(y, 1, 4);
        long monday = jan4 - ((jan4 + 3) % 7 + 7) % 7;
        long d = monday + 7L * (num(value + 6, 2) - 1);
        civil_from_days(d, start);
        civil_from_days(d + 7, end);
        return 0;
    } else if (part_months(value + 5, &from, &to) == 0) {
        /* from and to are months, possibly past December. */
    } else {
        return -1;
    }
    civil_from_days(days_from_civil(y + (from - 1) / 12,
                                    (unsigned)((from - 1) % 12 + 1), 1),
                    start);
    civil_from_days(
        days_from_civil(y + (to - 1) / 12, (unsigned)((to - 1) % 12 + 1), 1),
        end);
    return 0;
}
