-- 0001_init.sql - articles with full-text search, and the tables the
-- extractors fill: entities and their mentions, temporal expressions and
-- timeline events, claims and claim groups.
--
-- Offsets (start, end) are Unicode code points into articles.body,
-- half-open. Migrations are never edited once shipped: add 0002_... .

CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    source      TEXT,
    title       TEXT,
    published   TEXT,                 -- YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ
    url         TEXT,
    body        TEXT NOT NULL,
    body_hash   TEXT NOT NULL UNIQUE, -- of the normalised body
    word_count  INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(coalesce(published, ''), id);
CREATE INDEX articles_source ON articles(source, coalesce(published, ''), id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body,
    content = 'articles', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body)
    VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles
BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body)
    VALUES (new.id, new.title, new.body);
END;

-- Bumped by every write, so caches and cursors can tell the corpus changed.
CREATE TABLE corpus_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO corpus_state(id, generation) VALUES (1, 0);

-- Entities merged across the corpus. Counts are kept up to date by the
-- ingest layer in the same transaction as the mentions they count.
CREATE TABLE entities (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,      -- canonical: the fullest form seen
    type          TEXT NOT NULL,      -- person, org, place
    norm_key      TEXT NOT NULL UNIQUE,
    mention_count INTEGER NOT NULL DEFAULT 0,
    article_count INTEGER NOT NULL DEFAULT 0,
    source_count  INTEGER NOT NULL DEFAULT 0,
    first_published TEXT,             -- of the articles mentioning it
    last_published  TEXT
);
CREATE INDEX entities_mentions ON entities(mention_count DESC, id);
CREATE INDEX entities_articles ON entities(article_count DESC, id);
CREATE INDEX entities_name ON entities(name COLLATE NOCASE, id);

-- Keys an entity is found under by later articles: its own key, and weaker
-- ones (a person's surname, an organisation's acronym) that several
-- entities may share.
CREATE TABLE entity_keys (
    key       TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    PRIMARY KEY (key, entity_id)
) WITHOUT ROWID;
CREATE INDEX entity_keys_entity ON entity_keys(entity_id);

-- Outlets that mention an entity, with how many of their articles do
-- (source_key: the source, or '#<article id>' for an article without one).
CREATE TABLE entity_sources (
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    source_key TEXT NOT NULL,
    source     TEXT,                  -- NULL for an article without one
    articles   INTEGER NOT NULL,
    mentions   INTEGER NOT NULL,
    PRIMARY KEY (entity_id, source_key)
) WITHOUT ROWID;

-- How many sentences name two entities together (both directions).
CREATE TABLE entity_cooccur (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    other_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    count     INTEGER NOT NULL,
    PRIMARY KEY (entity_id, other_id)
) WITHOUT ROWID;
CREATE INDEX entity_cooccur_other ON entity_cooccur(other_id);

-- Surface forms, with how many mentions use them (dropped at zero).
CREATE TABLE entity_aliases (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    norm      TEXT NOT NULL,          -- lower case, for prefix search
    count     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, alias)
) WITHOUT ROWID;
CREATE INDEX entity_aliases_norm ON entity_aliases(norm);

CREATE TABLE mentions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  INTEGER NOT NULL REFERENCES entities(id),
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    sentence   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    type       TEXT NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id, start);
CREATE INDEX mentions_entity ON mentions(entity_id, article_id);

-- Timeline events merged across articles.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    date         TEXT NOT NULL,       -- TimeML value
    precision    TEXT NOT NULL,       -- year, month, week, day, time
    label        TEXT NOT NULL,
    first_day    TEXT NOT NULL,       -- the period's days [first_day,
    end_day      TEXT NOT NULL,       -- end_day), YYYY-MM-DD
    source_count INTEGER NOT NULL DEFAULT 0
);
-- Consolidation looks events up by date, best first.
CREATE INDEX events_date ON events(date, source_count DESC, id);
CREATE INDEX events_first_day ON events(first_day, id);

CREATE TABLE timexes (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    type       TEXT NOT NULL,         -- date, time, duration, set
    value      TEXT NOT NULL,
    sentence   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    event_id   INTEGER REFERENCES events(id) ON DELETE SET NULL
);
CREATE INDEX timexes_article ON timexes(article_id, start);
CREATE INDEX timexes_event ON timexes(event_id);

-- One row per article that places an event at its date.
CREATE TABLE event_mentions (
    event_id       INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    article_id     INTEGER NOT NULL REFERENCES articles(id)
                   ON DELETE CASCADE,
    timex_id       INTEGER NOT NULL REFERENCES timexes(id) ON DELETE CASCADE,
    sentence_start INTEGER NOT NULL,
    sentence_end   INTEGER NOT NULL,
    text           TEXT NOT NULL,     -- the sentence
    source_key     TEXT NOT NULL,     -- as in entity_sources
    PRIMARY KEY (event_id, article_id)
) WITHOUT ROWID;
CREATE INDEX event_mentions_article ON event_mentions(article_id);
CREATE INDEX event_mentions_source ON event_mentions(event_id, source_key);

CREATE TABLE event_entities (
    event_id  INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    count     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (event_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX event_entities_entity ON event_entities(entity_id);

-- The same claim made by several articles.
CREATE TABLE claim_groups (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,       -- quote, statement, number
    label        TEXT NOT NULL,
    status       TEXT NOT NULL,       -- corroborated, conflicting, single
    key          TEXT,                -- grouping key, for numbers
    source_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX claim_groups_sources ON claim_groups(source_count DESC, id);
CREATE INDEX claim_groups_status ON claim_groups(status, source_count DESC);

CREATE TABLE claims (
    id                INTEGER PRIMARY KEY,
    article_id        INTEGER NOT NULL REFERENCES articles(id)
                      ON DELETE CASCADE,
    kind              TEXT NOT NULL,  -- quote, statement, number
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    sentence          INTEGER NOT NULL,
    text              TEXT NOT NULL,
    speaker_entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    speaker_text      TEXT,
    source_key        TEXT NOT NULL,  -- as in entity_sources
    value             REAL,
    unit              TEXT,
    qualifier         TEXT,
    fingerprint       BLOB,           -- content-word hashes (claims.h)
    group_id          INTEGER REFERENCES claim_groups(id) ON DELETE SET NULL
);
CREATE INDEX claims_article ON claims(article_id, start);
CREATE INDEX claims_group ON claims(group_id, source_key, value);
CREATE INDEX claims_group_value ON claims(group_id, value, qualifier);
CREATE INDEX claims_group_speaker ON claims(group_id, speaker_entity_id);
CREATE INDEX claims_speaker ON claims(speaker_entity_id);

-- Inverted index of claim fingerprints: finds grouping candidates.
CREATE TABLE claim_terms (
    hash     INTEGER NOT NULL,
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    PRIMARY KEY (hash, claim_id)
) WITHOUT ROWID;
CREATE INDEX claim_terms_claim ON claim_terms(claim_id);

-- Entities mentioned inside a claim's span (for the entity filter).
CREATE TABLE claim_entities (
    claim_id  INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    PRIMARY KEY (claim_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX claim_entities_entity ON claim_entities(entity_id);

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text, content = 'claims', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, text)
    VALUES ('delete', old.id, old.text);
END;

-- Rank: title weighted ten times the body.
INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
