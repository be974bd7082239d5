-- The claims' sketches as posting lists (issue 8). claim_sketch kept a
-- row (scope, hash, claim_id) for each of a claim's up to 12 sampled
-- hashes: 7 rows and 124 bytes a claim, 0.9x the raw text of a corpus
-- (1.28 GB at 1M articles). Its keys repeat: 57k keys for 1.48M rows at
-- 20k articles. claim_postings keeps, per key, the claims' ids in blocks
-- of up to 128 (server/db/db_postings.c): a block's first id, then each
-- next one as its gap from the one before, a varint. 25.2 -> 3.8 MB at
-- 20k articles.
--
-- key: the claim's scope (unicode() of its kind's first letter: q, s,
-- n) above the hash (as the program reads the fingerprint's 4 bytes).
-- dossier writes the blocks (adding a claim, deleting an article's
-- claims); no trigger does: a claim deleted by hand leaves its id
-- listed, which a grouping search reads as a claim it does not find.
CREATE TABLE claim_postings (
    key      INTEGER NOT NULL,
    first_id INTEGER NOT NULL,
    ids      BLOB NOT NULL,     -- the other ids, as varint gaps
    PRIMARY KEY (key, first_id)
) WITHOUT ROWID;

-- The same keys as claim_sketch's rows, computed from the fingerprints
-- again, as server/db/db_load.c does after a load that was killed.
WITH slot(i) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7),
                        (-1), (-2), (-3), (-4)),
     c AS (SELECT id, unicode(kind) AS scope, fingerprint,
                  length(fingerprint) / 4 AS n,
                  CASE kind WHEN 'number' THEN 3 ELSE 8 END AS low
           FROM claims WHERE fingerprint IS NOT NULL),
     -- A fingerprint's hashes are unique; its last four are taken where
     -- they are not among its lowest: no key twice for a claim.
     k AS (SELECT (c.scope << 32) | dossier_word(c.fingerprint,
                  CASE WHEN i >= 0 THEN i ELSE n + i END) AS key,
                  c.id AS id
           FROM c, slot
           WHERE (i >= 0 AND i < low AND i < n) OR (i < 0 AND n + i >= low)),
     b AS (SELECT key, id, (row_number() OVER (PARTITION BY key
                  ORDER BY id) - 1) / 128 AS block FROM k)
INSERT INTO claim_postings(key, first_id, ids)
SELECT key, min(id), dossier_gaps(id) FROM b GROUP BY key, block
ORDER BY key, 2;

DROP TRIGGER claims_sketch_delete;
DROP TABLE claim_sketch;
-- A bulk load killed before it filled claim_sketch: filled just above.
DELETE FROM index_builds WHERE name = 'claim_sketch';
