-- A claim group's label was a copy of its first claim's text (of its
-- sentence, for a number), up to 140 bytes: two thirds of the group's
-- row, 0.5x the raw text of a corpus (0.67 of 8.66x at 20k articles,
-- 0.47 of 7.55x at 1M; issue 8). The text is in the article already.
-- A group now names the claim it is labelled by, and its label is cut
-- from that claim's article when read; when that article is deleted,
-- the group is labelled by its oldest claim left.
--
-- label_start, label_end: the span a group labelled by this claim shows
-- when it is not the claim's own (a number: its sentence), in code
-- points like start and "end"; NULL otherwise.
ALTER TABLE claims ADD COLUMN label_start INTEGER;
ALTER TABLE claims ADD COLUMN label_end INTEGER;

-- label_claim_id: the claim whose text labels the group; label is then
-- ''. Groups stored before this migration keep their label's text and
-- no label_claim_id.
ALTER TABLE claim_groups ADD COLUMN label_claim_id INTEGER;
