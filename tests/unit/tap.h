/*
 * tap.h - a minimal Test Anything Protocol producer for unit tests.
 *
 *   ok(cond, "name %d", i);  is_int(got, want, "name");  is_str(...)
 *   return tap_done();      // prints the plan, exit status 1 on failure
 */
#ifndef DOSSIER_TESTS_TAP_H
#define DOSSIER_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static inline int ok(int cond,
                                                           const char *fmt, ...)
{
    va_list ap;

    tap_n++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    return cond;
}

#define is_int(got, want, ...)                                                 \
    do {                                                                       \
        intmax_t got_ = (intmax_t)(got), want_ = (intmax_t)(want);             \
        if (!ok(got_ == want_, __VA_ARGS__))                                   \
            printf("#   got %jd, want %jd\n", got_, want_);                    \
    } while (0)

#define is_str(got, want, ...)                                                 \
    do {                                                                       \
        const char *got_ = (got), *want_ = (want);                             \
        int same_ =                                                            \
            (got_ && want_) ? strcmp(got_, want_) == 0 : got_ == want_;        \
        if (!ok(same_, __VA_ARGS__))                                           \
            printf("#   got \"%s\", want \"%s\"\n", got_ ? got_ : "(null)",    \
                   want_ ? want_ : "(null)");                                  \
    } while (0)

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
