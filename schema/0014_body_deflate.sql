-- 0014_body_deflate.sql - article bodies stored deflated (issue 8): the
-- bodies were the largest table, ~1x the raw text; as zlib streams they
-- are ~0.55x. From here on a body is a zlib stream (a BLOB) of its text;
-- rows stored before keep their text. SQL function dossier_body()
-- (server/db/db_body.c) reads both, and everything that reads a body's
-- text goes through it: the articles' full-text index through view
-- article_texts (it is built again here, from the same text), the
-- claims' through claim_texts, and the triggers that tell either index
-- what a deleted or changed row held.
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
DROP TABLE articles_fts;

CREATE VIEW article_texts(id, title, body) AS
    SELECT id, title, dossier_body(body) FROM articles;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body,
    content = 'article_texts', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, dossier_body(old.body));
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles
BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, dossier_body(old.body));
    INSERT INTO articles_fts(rowid, title, body)
    VALUES (new.id, new.title, dossier_body(new.body));
END;

DROP VIEW claim_texts;
CREATE VIEW claim_texts(id, text) AS
    SELECT c.id, substr(dossier_body(a.body), c.start + 1, c."end" - c.start)
    FROM claims c JOIN articles a ON a.id = c.article_id;

DROP TRIGGER claims_fts_delete;
CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, text)
    SELECT 'delete', old.id,
           substr(dossier_body(body), old.start + 1, old."end" - old.start)
    FROM articles WHERE id = old.article_id;
END;
