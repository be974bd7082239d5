/*
 * text.h - tokeniser and sentence splitter for news text.
 *
 * Offsets are byte offsets into the UTF-8 text, half-open.
 *
 * Tokens: a word is a run of letters and digits that may hold ' - . & when
 * a letter or digit follows ("O'Brien", "pro-Russian", "AT&T",
 * "Amazon.com") - but a hyphen before a capital letter is a token of its
 * own ("Moscow-NATO", "Al-Qaeda": the entity extractor rejoins names);
 * a possessive ending ('s, ’s) is a token of its own; a dotted initialism
 * keeps its final period ("U.S.", "D.C."). A number is a run of digits with
 * , . : separators between digits and an optional letter suffix
 * ("100,000", "3.5", "1990s"). Anything else is one code point of
 * punctuation.
 *
 * Lines: a text whose line breaks mostly fall inside sentences (hard-wrapped
 * wire copy) only breaks paragraphs at blank lines and indented lines;
 * otherwise every line break ends a paragraph (headlines, bullets,
 * one-paragraph-per-line copy).
 */
#ifndef DOSSIER_EXTRACT_TEXT_H
#define DOSSIER_EXTRACT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/extract.h"

enum text_tok_flag {
    TEXT_TOK_WORD = 1 << 0,   /* letters (may contain ' - . inside) */
    TEXT_TOK_NUMBER = 1 << 1, /* digits, with , . separators */
    TEXT_TOK_PUNCT = 1 << 2,  /* one punctuation code point */
    TEXT_TOK_CAP = 1 << 3,    /* starts with an upper-case letter */
    TEXT_TOK_UPPER = 1 << 4,  /* all letters upper case (NATO) */
    TEXT_TOK_QUOTE = 1 << 5,  /* a quotation mark of any style */
    TEXT_TOK_PARA = 1 << 6,   /* first token of a paragraph */
    TEXT_TOK_SENT = 1 << 7,   /* first token of a sentence */
    TEXT_TOK_LINE = 1 << 8,   /* first token of a line */
    TEXT_TOK_POSS = 1 << 9,   /* possessive ending: 's ’s */
};

struct text_token {
    uint32_t start, end;
    uint32_t flags;
};

/*
 * text_tokens - split @text into tokens, with paragraph and sentence starts
 * flagged (TEXT_TOK_SENT marks exactly the sentences of text_sentences()).
 * On success *@out is a new array (caller frees) of *@n tokens; returns 0.
 */
int text_tokens(const char *text, size_t len, struct text_token **out,
                size_t *n);

/*
 * text_sentences - split @text into sentences (abbreviations, initials,
 * quotes and paragraph breaks handled). Sentences cover the text's
 * non-blank parts in order and do not overlap.
 * On success *@out is a new array (caller frees) of *@n sentences.
 */
int text_sentences(const char *text, size_t len, struct ex_sentence **out,
                   size_t *n);

/* Letter classes of one code point (Latin, Greek and Cyrillic cases). */
bool text_cp_is_letter(uint32_t cp);
bool text_cp_is_upper(uint32_t cp);

#endif
