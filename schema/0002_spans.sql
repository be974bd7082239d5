-- 0002_spans.sql - annotations keep their offsets, not copies of the text
-- they cover: a mention's, a timex's and an event mention's text is
-- substr(articles.body, start + 1, "end" - start) (offsets are code
-- points, as substr counts them). The copies were a tenth of the database.

ALTER TABLE mentions DROP COLUMN text;
ALTER TABLE timexes DROP COLUMN text;
ALTER TABLE event_mentions DROP COLUMN text;

