-- GET /api/v1/sources: the articles of each outlet, kept by triggers, so
-- that the list reads one row per outlet (and its first and last dates
-- from index articles_source) instead of counting every article: 115 ms
-- -> 0.1 ms at 503k articles (issue 8).
CREATE TABLE source_counts (
    source   TEXT UNIQUE,         -- NULL: the articles without a source
    articles INTEGER NOT NULL
);
INSERT INTO source_counts(source, articles)
    SELECT source, count(*) FROM articles GROUP BY source;

CREATE TRIGGER source_counts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO source_counts(source, articles)
        SELECT new.source, 0 WHERE NOT EXISTS
            (SELECT 1 FROM source_counts WHERE source IS new.source);
    UPDATE source_counts SET articles = articles + 1
        WHERE source IS new.source;
END;

CREATE TRIGGER source_counts_delete AFTER DELETE ON articles BEGIN
    UPDATE source_counts SET articles = articles - 1
        WHERE source IS old.source;
    DELETE FROM source_counts WHERE source IS old.source AND articles <= 0;
END;
