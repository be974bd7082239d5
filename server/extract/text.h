/*
 * text.h - tokeniser and sentence splitter for news text.
 *
 * Offsets are byte offsets into the UTF-8 text, half-open.
 */
#ifndef DOSSIER_EXTRACT_TEXT_H
#define DOSSIER_EXTRACT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "extract/extract.h"

enum text_tok_flag {
    TEXT_TOK_WORD = 1 << 0,    /* letters (may contain ' - . inside) */
    TEXT_TOK_NUMBER = 1 << 1,  /* digits, with , . separators */
    TEXT_TOK_PUNCT = 1 << 2,   /* one punctuation code point */
    TEXT_TOK_CAP = 1 << 3,     /* starts with an upper-case letter */
    TEXT_TOK_UPPER = 1 << 4,   /* all letters upper case (NATO) */
    TEXT_TOK_QUOTE = 1 << 5,   /* a quotation mark of any style */
    TEXT_TOK_PARA = 1 << 6,    /* first token after a blank line */
    TEXT_TOK_SENT = 1 << 7,    /* first token of a sentence */
};

struct text_token {
    uint32_t start, end;
    uint32_t flags;
};

/*
 * text_tokens - split @text into tokens.
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

#endif
