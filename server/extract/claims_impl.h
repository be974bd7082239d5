/*
 * claims_impl.h - internals shared by the claims extractor's files
 * (claims.c, claims_speech.c, claims_number.c, claims_group.c): the
 * lexicon and the token stream they all work on. Not a public header.
 */
#ifndef DOSSIER_EXTRACT_CLAIMS_IMPL_H
#define DOSSIER_EXTRACT_CLAIMS_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "extract/claims.h"

/* Lexicon classes (data/claims/lexicon.txt), as bits of cl_word.cls. */
enum cl_class {
    CL_VERB = 1 << 0,
    CL_ACCORDING = 1 << 1,
    CL_TITLE = 1 << 2,
    CL_NOUN = 1 << 3,
    CL_PRON = 1 << 4,
    CL_AUX = 1 << 5,
    CL_STOP = 1 << 6,
    CL_NUMBER = 1 << 7,
    CL_SCALE = 1 << 8,
    CL_VAGUE = 1 << 9,
    CL_QUAL = 1 << 10,
    CL_UNIT = 1 << 11,
    CL_CURRENCY = 1 << 12,
    CL_PERCENT = 1 << 13,
    CL_SKIP = 1 << 14,
    CL_MONTH = 1 << 15,
    CL_DET = 1 << 16,
    CL_PARTICLE = 1 << 17,
    CL_REF = 1 << 18,
    CL_OBJ = 1 << 19,
    CL__BITS = 20,
};

/* Speech verb frames (value of a "verb" line). */
enum cl_verb_frame {
    CL_FRAME_OBJ = 1 << 0,  /* told reporters that ... */
    CL_FRAME_ACC = 1 << 1,  /* accused the West of ... */
    CL_FRAME_THAT = 1 << 2, /* confirmed that ..., not confirmed the call */
};

/* One lexicon phrase (lower case, single spaces, ’ folded to '). */
struct cl_word {
    const char *key;
    uint32_t klen;
    uint32_t cls;      /* enum cl_class bits */
    uint32_t starts;   /* classes of the phrases this word begins */
    uint8_t frame;     /* enum cl_verb_frame bits, for CL_VERB */
    uint8_t person;    /* CL_PRON: 1 for he/she */
    double number;     /* CL_NUMBER, CL_SCALE */
    const char *unit;  /* CL_UNIT, CL_CURRENCY: canonical form */
    const char *vague; /* CL_VAGUE: the qualifier, "tens of thousands" */
};

struct claims_resources {
    struct cl_word *slots; /* open addressing, power-of-two size */
    size_t mask;
    unsigned maxwords[CL__BITS]; /* longest phrase per class, in words */
    char *strings;               /* keys and values, one block */
};

/*
 * claims_lookup - the lexicon entry for the phrase @s[0..len) (any case;
 * spaces collapsed, ’ folded), or NULL. Borrowed from @res.
 */
const struct cl_word *claims_lookup(const struct claims_resources *res,
                                    const char *s, size_t len);

/* Letters and digits: ASCII alphanumerics and non-ASCII letters. */
int claims_is_alnum(uint32_t cp);

/* Token flags. */
enum cl_tok_flag {
    CL_T_WORD = 1 << 0,  /* letters, digits inside allowed (S-550) */
    CL_T_NUM = 1 << 1,   /* digits with , . inside: 100,000  1.5 */
    CL_T_PUNCT = 1 << 2, /* one punctuation code point */
    CL_T_CAP = 1 << 3,   /* starts with an upper-case letter */
    CL_T_PARA = 1 << 4,  /* first token after a line break */
    CL_T_SPACE = 1 << 5, /* white space before the token */
    CL_T_END = 1 << 6,   /* . ! ? that ends a sentence */
    CL_T_OPEN = 1 << 7,  /* quotation mark that may open a quote */
    CL_T_CLOSE = 1 << 8, /* quotation mark that may close a quote */
    CL_T_DIGIT = 1 << 9, /* a word with a digit in it (A330, 2GB) */
};

/* Quotation mark styles: marks pair only with their own style. */
enum cl_style {
    CL_STYLE_NONE,
    CL_STYLE_DOUBLE, /* “ ” " '' `` « » */
    CL_STYLE_SINGLE, /* ‘ ’ ' */
};

struct cl_tok {
    uint32_t start, end;
    uint16_t flags;
    uint8_t style;           /* enum cl_style, for quotation marks */
    uint32_t cp;             /* the code point of a punctuation token */
    const struct cl_word *w; /* lexicon entry of a word, or NULL */
};

/* The token stream of one article, plus what every pass needs. */
struct cl_doc {
    const struct claims_resources *res;
    const char *text;
    size_t len;
    struct cl_tok *t;
    size_t n;
    struct ex_result *r;
    size_t cap; /* of r->claims */
};

/* Longest phrase of lexicon class @cls (one bit), in words. */
unsigned claims_maxwords(const struct claims_resources *res, uint32_t cls);
/* Lexicon entry of the @n-word phrase starting at token @i, or NULL. */
const struct cl_word *claims_phrase(const struct cl_doc *d, size_t i, size_t n);
/* True when token @i is a word of lexicon class @cls. */
int claims_is(const struct cl_doc *d, size_t i, uint32_t cls);
/* Append a claim to d->r (zeroed but for the given span and kind). */
struct ex_claim *claims_add(struct cl_doc *d, enum ex_claim_kind kind,
                            uint32_t start, uint32_t end);

/* The passes, in the order claims_extract runs them. */
void claims_speech(struct cl_doc *d);
void claims_numbers(struct cl_doc *d);
/* Fill every claim's fingerprint (see claims.h). */
void claims_fingerprints(const struct claims_resources *res, const char *text,
                         size_t len, struct ex_result *r);

#endif
