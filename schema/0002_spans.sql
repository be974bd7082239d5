-- 0002_spans.sql - annotations keep their offsets, not copies of the text
-- they cover: a mention's, a timex's and an event mention's text is
-- substr(articles.body, start + 1, "end" - start) (offsets are code
-- points, as substr counts them). The copies were a tenth of the database.

ALTER TABLE mentions DROP COLUMN text;
ALTER TABLE timexes DROP COLUMN text;
ALTER TABLE event_mentions DROP COLUMN text;


-- A claim's text likewise. Its full-text index reads the text through a
-- view; the triggers cut it from the body, so a claim row must go while
-- its article is still there: an article's claims are deleted before it
-- (a cascade would run after the article is gone).
DROP TRIGGER claims_fts_insert;
DROP TRIGGER claims_fts_delete;
DROP TABLE claims_fts;
ALTER TABLE claims DROP COLUMN text;

CREATE VIEW claim_texts(id, text) AS
    SELECT c.id, substr(a.body, c.start + 1, c."end" - c.start)
    FROM claims c JOIN articles a ON a.id = c.article_id;

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text, content = 'claim_texts', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO claims_fts(claims_fts) VALUES ('rebuild');

CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts(rowid, text)
    SELECT new.id, substr(body, new.start + 1, new."end" - new.start)
    FROM articles WHERE id = new.article_id;
END;
CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, text)
    SELECT 'delete', old.id, substr(body, old.start + 1, old."end" - old.start)
    FROM articles WHERE id = old.article_id;
END;
CREATE TRIGGER articles_claims_first BEFORE DELETE ON articles BEGIN
    DELETE FROM claims WHERE article_id = old.id;
END;
