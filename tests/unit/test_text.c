/* test_text.c - tokeniser and sentence splitter. */
#include <stdlib.h>
#include <string.h>

#include "extract/text.h"
#include "tap.h"

/* The tokens of @s, as "text|" strings, with a flag letter per token. */
static void tokens_str(const char *s, char *out, size_t cap)
{
    struct text_token *t;
    size_t n, pos = 0;

    text_tokens(s, strlen(s), &t, &n);
    out[0] = '\0';
    for (size_t i = 0; i < n && pos + 64 < cap; i++)
        pos += (size_t)snprintf(out + pos, cap - pos, "%.*s|",
                                (int)(t[i].end - t[i].start), s + t[i].start);
    free(t);
}

/* Sentences of @s joined by " / ". */
static void sentences_str(const char *s, char *out, size_t cap)
{
    struct ex_sentence *sent;
    size_t n, pos = 0;

    text_sentences(s, strlen(s), &sent, &n);
    out[0] = '\0';
    for (size_t i = 0; i < n && pos + 256 < cap; i++)
        pos += (size_t)snprintf(out + pos, cap - pos, "%s%.*s", i ? " / " : "",
                                (int)(sent[i].end - sent[i].start),
                                s + sent[i].start);
    free(sent);
}

static uint32_t flags_of(const char *s, const char *word)
{
    struct text_token *t;
    size_t n;
    uint32_t flags = 0;

    text_tokens(s, strlen(s), &t, &n);
    for (size_t i = 0; i < n; i++)
        if (t[i].end - t[i].start == strlen(word) &&
            memcmp(s + t[i].start, word, strlen(word)) == 0)
            flags = t[i].flags;
    free(t);
    return flags;
}

static void test_tokens(void)
{
    char buf[1024];

    tokens_str("The U.S. and Russia’s army.", buf, sizeof(buf));
    is_str(buf, "The|U.S.|and|Russia|’s|army|.|",
           "initialism keeps its period, possessive split off");
    tokens_str("O'Brien met well-known AT&T staff.", buf, sizeof(buf));
    is_str(buf, "O'Brien|met|well-known|AT&T|staff|.|",
           "inner ' - & stay in words");
    tokens_str("Moscow-NATO and U.S.-China talks", buf, sizeof(buf));
    is_str(buf, "Moscow|-|NATO|and|U.S.|-|China|talks|",
           "a hyphen before a capital splits");
    tokens_str("It cost $1,200,000.50 in 1990s, 3.5%", buf, sizeof(buf));
    is_str(buf, "It|cost|$|1,200,000.50|in|1990s|,|3.5|%|",
           "numbers keep their separators and suffixes");
    tokens_str("“Fine,” he said - 'ok'", buf, sizeof(buf));
    is_str(buf, "“|Fine|,|”|he|said|-|'|ok|'|", "quotes are tokens");
    tokens_str("Zelenskyy's Kyïv café", buf, sizeof(buf));
    is_str(buf, "Zelenskyy|'s|Kyïv|café|", "non-ASCII letters are letters");

    ok(flags_of("He met NATO.", "NATO") & TEXT_TOK_UPPER, "NATO is upper");
    ok(flags_of("He met NATO.", "NATO") & TEXT_TOK_CAP, "NATO is capitalised");
    ok(!(flags_of("He met Nato.", "Nato") & TEXT_TOK_UPPER),
       "Nato is not upper");
    ok(flags_of("He met Éric.", "Éric") & TEXT_TOK_CAP, "Éric is capitalised");
    ok(flags_of("Russia’s army", "’s") & TEXT_TOK_POSS, "’s is possessive");
    ok(flags_of("He said “no”", "“") & TEXT_TOK_QUOTE, "“ is a quote");
    ok(flags_of("a\n\nBody text", "Body") & TEXT_TOK_PARA,
       "a blank line starts a paragraph");
}

static void test_sentences(void)
{
    char buf[2048];

    sentences_str("Mr. Lavrov met Gen. Milley on Dec. 7 in Geneva. It ended.",
                  buf, sizeof(buf));
    is_str(buf, "Mr. Lavrov met Gen. Milley on Dec. 7 in Geneva. / It ended.",
           "titles and months before numbers are abbreviations");
    sentences_str("Antony J. Blinken spoke. He left.", buf, sizeof(buf));
    is_str(buf, "Antony J. Blinken spoke. / He left.", "initials");
    sentences_str("The U.S. team won. They met the U.S. The end.", buf,
                  sizeof(buf));
    is_str(buf, "The U.S. team won. / They met the U.S. / The end.",
           "U.S. ends a sentence only before a sentence starter");
    sentences_str("“It is over.” She agreed. “Yes,” he said.", buf,
                  sizeof(buf));
    is_str(buf, "“It is over.” / She agreed. / “Yes,” he said.",
           "closing quotes stay inside");
    sentences_str("Is it? No! Really... yes.", buf, sizeof(buf));
    is_str(buf, "Is it? / No! / Really... yes.",
           "question and exclamation marks; ellipsis before lower case");
    sentences_str("Talks set for Geneva\n- Russia massed troops\nBiden spoke",
                  buf, sizeof(buf));
    is_str(buf, "Talks set for Geneva / - Russia massed troops / Biden spoke",
           "each line of one-paragraph-per-line copy is a sentence");
    sentences_str("Showers continued in\nthe Bahia zone, alleviating\n"
                  "drought, Smith said.\n    The dry period ends.",
                  buf, sizeof(buf));
    is_str(buf,
           "Showers continued in\nthe Bahia zone, alleviating\n"
           "drought, Smith said. / The dry period ends.",
           "hard-wrapped copy breaks at indented lines");
    sentences_str("", buf, sizeof(buf));
    is_str(buf, "", "empty text has no sentences");
    sentences_str("   \n\n  ", buf, sizeof(buf));
    is_str(buf, "", "blank text has no sentences");
}

static void test_cover(void)
{
    const char *s = "One. Two!  \n\n“Three?” Four";
    struct ex_sentence *sent;
    size_t n;

    text_sentences(s, strlen(s), &sent, &n);
    is_int(n, 4, "four sentences");
    for (size_t i = 1; i < n; i++)
        ok(sent[i].start >= sent[i - 1].end, "sentence %zu after %zu", i,
           i - 1);
    ok(n > 0 && sent[0].start == 0 && sent[n - 1].end == strlen(s),
       "sentences cover the text");
    free(sent);
}

static void test_letters(void)
{
    ok(text_cp_is_letter('a') && text_cp_is_letter(0xe9) &&
           text_cp_is_letter(0x416),
       "a, é, Ж are letters");
    ok(!text_cp_is_letter('1') && !text_cp_is_letter(0x201c) &&
           !text_cp_is_letter(0xd7),
       "1, “, × are not");
    ok(text_cp_is_upper('Z') && text_cp_is_upper(0xc9) &&
           text_cp_is_upper(0x416) && text_cp_is_upper(0x160),
       "Z, É, Ж, Š are upper case");
    ok(!text_cp_is_upper('z') && !text_cp_is_upper(0xe9) &&
           !text_cp_is_upper(0x161),
       "z, é, š are not");
}

int main(void)
{
    test_tokens();
    test_sentences();
    test_cover();
    test_letters();
    return tap_done();
}
