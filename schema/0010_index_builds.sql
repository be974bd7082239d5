-- A bulk load into an empty database (`dossier ingest`) drops the
-- indexes that only reads use and builds each once at its end, by
-- sorting, instead of inserting into it article by article (issue 8).
-- Each dropped index is listed here, with its CREATE statement, in the
-- transaction that drops it; building it removes its row in the
-- transaction that builds it. A load that stops half way (a crash, a
-- kill) leaves its rows: the next writable open builds what they list.
CREATE TABLE index_builds (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) WITHOUT ROWID;
