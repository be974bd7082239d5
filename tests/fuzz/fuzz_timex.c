/*
 * fuzz_timex.c - libFuzzer target for the temporal tagger: the first byte
 * picks the document date (none, a date, a date-time, a malformed one),
 * the rest is the text. Runs the sentence splitter and timex_extract, then
 * the timeline helpers on every result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "extract/text.h"
#include "extract/timex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const published[] = {
        NULL, "2021-12-29", "2021-12-31T23:59:59Z", "1999-02-29", "0001-01-01",
    };
    static struct timex_resources *res;
    struct ex_result r = {0};
    struct ex_doc doc;
    char date[16];

    if (!res)
        res = timex_resources_new(embed_data);
    if (size == 0)
        return 0;
    doc = (struct ex_doc){(const char *)data + 1, size - 1, NULL,
                          published[data[0] % 5]};
    if (text_sentences(doc.text, doc.len, &r.sentences, &r.nsentences) == 0 &&
        timex_extract(res, &doc, &r) == 0) {
        for (size_t i = 0; i < r.ntimexes; i++) {
            const struct ex_timex *t = &r.timexes[i];
            if (t->start >= t->end || t->end > doc.len ||
                t->clause_start > t->start || t->clause_end < t->end)
                abort();
            timex_event_date(t->value, date, sizeof(date));
            timex_is_event(t);
            timex_similarity(t->label, r.timexes[0].label);
        }
    }
    for (size_t i = 0; i < r.ntimexes; i++)
        free(r.timexes[i].label);
    free(r.timexes);
    free(r.sentences);
    return 0;
}
