-- 0004_fts_at_commit.sql - new articles and claims enter their full-text
-- indexes once per transaction, not row by row (issue 8).
--
-- FTS5 writes its pending terms out as a new index segment whenever a
-- savepoint opens, and SQLite opens one for every statement that runs a
-- trigger inside a transaction. With the insert triggers, every article
-- and every claim of a batched ingest became its own segment, merged
-- again and again. db_commit() (server/db/db.c) now indexes the rows the
-- transaction added, with one INSERT ... SELECT per table, just before
-- COMMIT; deletes still go through the triggers (and index what is
-- pending first, so the index never forgets a row it was never told of).
DROP TRIGGER articles_fts_insert;
DROP TRIGGER claims_fts_insert;
