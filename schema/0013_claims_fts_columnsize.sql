-- claims_fts is only matched (the q filter of /claims and /claim-groups),
-- never ranked: the token count of each claim, which FTS5 keeps in
-- claims_fts_docsize for bm25(), is never read. columnsize=0 leaves that
-- table out: 2.0 MB at 20k articles (0.07x the raw text), 110 MB at 1M
-- (issue 8). The index is rebuilt from claim_texts, as in 0002.
DROP TABLE claims_fts;
CREATE VIRTUAL TABLE claims_fts USING fts5(
    text, content = 'claim_texts', content_rowid = 'id', columnsize = 0,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO claims_fts(claims_fts) VALUES ('rebuild');
