/*
 * utf8.h - UTF-8 validation, decoding, and byte <-> code point offsets.
 */
#ifndef DOSSIER_CORE_UTF8_H
#define DOSSIER_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when @s[0..len) is well-formed UTF-8 (no overlongs, surrogates). */
bool utf8_valid(const char *s, size_t len);

/*
 * utf8_scrub - drop from the string @s, in place, every byte that is not
 * part of a well-formed sequence (such as a character cut short by a
 * byte-counted copy); returns the new length. For text quoted into JSON,
 * which must be UTF-8.
 */
size_t utf8_scrub(char *s);

/*
 * utf8_decode - decode the code point at @s[*i] (well-formed input) and
 * advance *@i past it. Returns the code point, or U+FFFD for a bad byte
 * (advancing by one).
 */
uint32_t utf8_decode(const char *s, size_t len, size_t *i);

/* Encode @cp into @out (4 bytes of room); returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);

/* Number of code points in @s[0..len). */
size_t utf8_count(const char *s, size_t len);

/*
 * utf8_cp_index - map byte offsets to code point offsets.
 * Returns a new array (caller frees) of @len + 1 entries: entry b is the
 * number of code points that start before byte b.
 */
uint32_t *utf8_cp_index(const char *s, size_t len);

/*
 * utf8_fold - a new string with letters folded to lower case (ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic), for case-insensitive
 * prefix matching. Invalid bytes are copied as they are.
 */
char *utf8_fold(const char *s);

/* Byte offset of code point @cp in @s (or @len when past the end). */
size_t utf8_byte_offset(const char *s, size_t len, size_t cp);

/*
 * utf8_shorten - @s[0..len) as a new string when it is at most @max
 * bytes; else cut before the last space in its bytes (@max / 2, @max],
 * or at a character boundary at @max / 2 when there is none, with "…"
 * appended. For labels: a claim group's is its first claim, shortened.
 */
char *utf8_shorten(const char *s, size_t len, size_t max);

#endif
