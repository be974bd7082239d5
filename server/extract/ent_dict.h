/*
 * ent_dict.h - the entity extractor's word lists as one hash table from a
 * normalised phrase to its classes, plus the spelling-variant map.
 *
 * A phrase is normalised by ent_norm_append(): lower case, periods
 * dropped, ’ read as ', words separated by one space ("U.S." -> "us",
 * "Secretary of State" -> "secretary of state").
 */
#ifndef DOSSIER_EXTRACT_ENT_DICT_H
#define DOSSIER_EXTRACT_ENT_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/embed.h"

enum ent_class {
    ENT_W_COMMON = 1 << 0,       /* a common English word (lower case) */
    ENT_W_PROPER = 1 << 1,       /* a proper noun of the word list */
    ENT_W_TITLE = 1 << 2,        /* a title before a person's name */
    ENT_W_ORG_HEAD = 1 << 3,     /* "Ministry", "Party", "Inc" */
    ENT_W_PLACE_HEAD = 1 << 4,   /* "Sea", "River", "Square" */
    ENT_W_ORG = 1 << 5,          /* a known organisation */
    ENT_W_PLACE = 1 << 6,        /* a known place */
    ENT_W_FIRST = 1 << 7,        /* a given name */
    ENT_W_DEMONYM = 1 << 8,      /* "Russian", "Western" */
    ENT_W_STOP = 1 << 9,         /* never a name alone: "Monday", "I" */
    ENT_W_PLACE_START = 1 << 10, /* "San", "Fort", "Lake" */
    ENT_W_LEGAL = 1 << 11,       /* "Inc", "Ltd": left out of keys */
    ENT_W_MISC_HEAD = 1 << 12,   /* "Cup", "War": ends an event's name */
    ENT_W_MISC_START = 1 << 13,  /* "Cyclone", "Operation" */
    ENT_W_SUFFIX = 1 << 14,      /* "-backed", "-led": makes an adjective */
    ENT_W_ORG_START = 1 << 15,   /* "Air", "Banco" */
    ENT_W_NAMEABLE = 1 << 16,    /* a common word also used as a name */
    ENT_W_CURRENCY = 1 << 17,    /* "USD": no name when in capitals */
    ENT_W_PARTICLE = 1 << 18,    /* "de", "van", "al" inside names */
    ENT_W_PLACE_PREP = 1 << 19,  /* "in", "near" before a place */
    ENT_W_PERSON_VERB = 1 << 20, /* "said", "who" after a person */
    ENT_W_KEEP_PERIOD = 1 << 21, /* "Inc", "Jr": the period stays inside */
    ENT_W_COMPOUND = 1 << 22,    /* "pro", "anti": "pro-Beijing" */
    ENT_W_PREFIX = 1 << 23,      /* begins a longer phrase of the table */
    ENT_W_LABEL = 1 << 24,       /* "Image", "Photo": a caption's label */
    ENT_W_PRONOUN = 1 << 25,     /* "he", "her": refers to a person */
    ENT_W_MEMBER = 1 << 26,      /* "officials", "spokesman" of an org */
    ENT_W_PERSON = 1 << 27,      /* a person named by the surname alone */
    ENT_W_PLACE_NOUN = 1 << 28,  /* "town", "province": "the town of" */
    ENT_W_NUMBERED = 1 << 29,    /* "Flight", "Route": a number follows */
};

struct ent_dict_slot {
    const char *key; /* normalised phrase, NUL-terminated, in the arena */
    uint32_t len;
    uint32_t bits;  /* enum ent_class */
    const char *to; /* variants only: the folded form */
};

struct ent_dict {
    struct ent_dict_slot *slots;
    size_t cap, count;  /* cap is a power of two */
    unsigned max_words; /* longest phrase, in words */
    struct arena arena;
};

void ent_dict_init(struct ent_dict *d);
void ent_dict_release(struct ent_dict *d);

/* Add @bits to the normalised phrase @key (copied); prefixes get PREFIX. */
void ent_dict_add(struct ent_dict *d, const char *key, size_t len,
                  uint32_t bits);

/* Map the normalised phrase @key to @to (both copied). */
void ent_dict_add_variant(struct ent_dict *d, const char *key, size_t len,
                          const char *to, size_t tolen);

/* The slot of @key, or NULL. Borrowed. */
const struct ent_dict_slot *ent_dict_get(const struct ent_dict *d,
                                         const char *key, size_t len);

/* Class bits of @key, 0 when absent. */
uint32_t ent_dict_bits(const struct ent_dict *d, const char *key, size_t len);

/*
 * ent_dict_load_list - add @bits to every item of the embedded list @name
 * (one phrase per line, # comments; a missing file adds nothing).
 */
void ent_dict_load_list(struct ent_dict *d, const struct embed_file *data,
                        const char *name, uint32_t bits);

/* Load "VARIANT<TAB>FORM" lines of the embedded file @name. */
void ent_dict_load_variants(struct ent_dict *d, const struct embed_file *data,
                            const char *name);

/*
 * ent_norm_append - append the normalised form of @s[0..len) to @buf
 * (at least 4 * @len + 1 bytes of room from @pos); returns the new
 * length. The result is NUL-terminated.
 */
size_t ent_norm_append(char *buf, size_t pos, const char *s, size_t len);

#endif
