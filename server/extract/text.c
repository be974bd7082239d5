/*
 * text.c - tokeniser and sentence splitter.
 * (Initial simple version; the entities work replaces it.)
 */
#include "extract/text.h"

#include <ctype.h>
#include <stdlib.h>

#include "core/alloc.h"

int text_tokens(const char *text, size_t len, struct text_token **out,
                size_t *n)
{
    struct text_token *t = NULL;
    size_t cap = 0, count = 0, i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        size_t start = i;
        uint32_t flags;

        if (isspace(c)) {
            i++;
            continue;
        }
        if (isalnum(c) || c >= 0x80) {
            while (i < len && (isalnum((unsigned char)text[i]) ||
                               (unsigned char)text[i] >= 0x80))
                i++;
            flags = isdigit(c) ? TEXT_TOK_NUMBER : TEXT_TOK_WORD;
            if (isupper(c))
                flags |= TEXT_TOK_CAP;
        } else {
            i++;
            flags = TEXT_TOK_PUNCT;
        }
        t = xgrow(t, sizeof(*t), count + 1, &cap);
        t[count++] = (struct text_token){(uint32_t)start, (uint32_t)i, flags};
    }
    *out = t;
    *n = count;
    return 0;
}

int text_sentences(const char *text, size_t len, struct ex_sentence **out,
                   size_t *n)
{
    struct ex_sentence *s = NULL;
    size_t cap = 0, count = 0, i = 0;

    while (i < len) {
        while (i < len && isspace((unsigned char)text[i]))
            i++;
        if (i >= len)
            break;
        size_t start = i;
        while (i < len) {
            char c = text[i++];
            if (c == '\n')
                break;
            if ((c == '.' || c == '!' || c == '?') &&
                (i >= len || isspace((unsigned char)text[i])))
                break;
        }
        size_t end = i;
        while (end > start && isspace((unsigned char)text[end - 1]))
            end--;
        s = xgrow(s, sizeof(*s), count + 1, &cap);
        s[count++] = (struct ex_sentence){(uint32_t)start, (uint32_t)end};
    }
    *out = s;
    *n = count;
    return 0;
}
