-- Claim grouping looks candidates up in a small sketch of each claim's
-- fingerprint instead of an inverted index of every hash (issues 5, 8).
--
-- claims.fingerprint is the sorted array of a claim's 32-bit hashes
-- (4 bytes each). A claim's sketch is its lowest SKETCH_LOW hashes (8
-- for quotes and statements, 3 for numbers) and its highest 4: the
-- lowest are a min-hash sample that similar texts pick alike; the
-- highest are a number's context entities, which sort last. A new claim
-- probes with ALL its hashes, so a short quote stored whole is found
-- from a longer one, and a long one from any of its sampled words.
-- db_claim_insert (server/db/db_write.c) writes the same rows.
--
-- No foreign key: a cascade would scan the table for every deleted
-- claim without an index on claim_id. The trigger below deletes a
-- claim's rows by their keys, taken again from its fingerprint.
CREATE TABLE claim_sketch (
    scope    TEXT NOT NULL,     -- q: quote, s: statement, n: number
    hash     BLOB NOT NULL,     -- 4 bytes of claims.fingerprint
    claim_id INTEGER NOT NULL,
    PRIMARY KEY (scope, hash, claim_id)
) WITHOUT ROWID;

WITH slot(i) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7),
                        (-1), (-2), (-3), (-4)),
     c AS (SELECT id, substr(kind, 1, 1) AS scope, fingerprint,
                  length(fingerprint) / 4 AS n,
                  CASE kind WHEN 'number' THEN 3 ELSE 8 END AS low
           FROM claims WHERE fingerprint IS NOT NULL)
INSERT OR IGNORE INTO claim_sketch(scope, hash, claim_id)
SELECT c.scope,
       substr(c.fingerprint, 4 * (CASE WHEN i >= 0 THEN i ELSE n + i END) + 1,
              4),
       c.id
FROM c, slot
WHERE (i >= 0 AND i < low AND i < n) OR (i < 0 AND n + i >= 0);

DROP INDEX IF EXISTS claim_terms_claim;
DROP TABLE IF EXISTS claim_terms;

CREATE TRIGGER claims_sketch_delete AFTER DELETE ON claims
WHEN old.fingerprint IS NOT NULL BEGIN
    DELETE FROM claim_sketch
    WHERE scope = substr(old.kind, 1, 1) AND claim_id = old.id AND hash IN (
        substr(old.fingerprint, 1, 4), substr(old.fingerprint, 5, 4),
        substr(old.fingerprint, 9, 4), substr(old.fingerprint, 13, 4),
        substr(old.fingerprint, 17, 4), substr(old.fingerprint, 21, 4),
        substr(old.fingerprint, 25, 4), substr(old.fingerprint, 29, 4),
        substr(old.fingerprint, max(1, length(old.fingerprint) - 3), 4),
        substr(old.fingerprint, max(1, length(old.fingerprint) - 7), 4),
        substr(old.fingerprint, max(1, length(old.fingerprint) - 11), 4),
        substr(old.fingerprint, max(1, length(old.fingerprint) - 15), 4));
END;
