-- Searches rank with each matching article's length in tokens, which a
-- connection keeps once read (db_rank.c). It used to forget them all at
-- any commit, so after each write to a server the next search of a
-- common word read them again (200-400 ms at 1M articles; issue 8). A
-- length changes only when its article's title or body does or the
-- article goes (its rowid may then come back for another one); adding an
-- article gives it a rowid of its own. This count of such rewrites lets
-- a connection keep its lengths across commits that only add articles.
ALTER TABLE corpus_state ADD COLUMN rewrites INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER rewrites_delete AFTER DELETE ON articles BEGIN
    UPDATE corpus_state SET rewrites = rewrites + 1;
END;

CREATE TRIGGER rewrites_update AFTER UPDATE OF title, body ON articles
BEGIN
    UPDATE corpus_state SET rewrites = rewrites + 1;
END;
