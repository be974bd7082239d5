/*
 * dates.h - calendar helpers for ISO 8601 dates (proleptic Gregorian).
 */
#ifndef DOSSIER_CORE_DATES_H
#define DOSSIER_CORE_DATES_H

#include <stdbool.h>
#include <stddef.h>

/* True for a real calendar date "YYYY-MM-DD" (exactly 10 characters). */
bool date_valid_day(const char *s);
/* True for "YYYY", "YYYY-MM" or "YYYY-MM-DD", each a real date. */
bool date_valid_prefix(const char *s);
/*
 * True for a published date: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ"
 * (also accepts fractional seconds or a +HH:MM offset, which
 * date_normalise_published rewrites to UTC "Z").
 */
bool date_valid_published(const char *s);
/*
 * Normalise a published date into @out (at least 21 bytes): a day stays a
 * day; a timestamp becomes YYYY-MM-DDTHH:MM:SSZ in UTC. Returns 0 or -1.
 */
int date_normalise_published(const char *s, char *out, size_t outlen);
/* Write the day after "YYYY-MM-DD" into @out (11 bytes). */
void date_next_day(const char *day, char *out);
/*
 * date_period_bounds - the days a TimeML calendar value covers, as
 * [*@start, *@end) "YYYY-MM-DD" (11 bytes each): 2021 -> 2021-01-01 ..
 * 2022-01-01; 2021-12, 2021-12-30 (and any time of that day), 2021-W51
 * (ISO week), 2021-Q4, 2021-H2, 2021-SU/FA/WI/SP (meteorological
 * seasons). Returns 0, or -1 for a value with no calendar anchor.
 */
int date_period_bounds(const char *value, char start[11], char end[11]);

/* Now as "YYYY-MM-DDTHH:MM:SSZ" into @out (21 bytes). */
void date_now_utc(char *out);

#endif
