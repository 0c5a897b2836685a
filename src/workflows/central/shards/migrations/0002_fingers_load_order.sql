-- A worker loads a claimed shard in pages ordered by (seq, reference_id, finger). With only
-- (shard, seq) every page sorted all the shard's remaining rows (a load quadratic in the
-- shard's size); this index gives the pages in order, one range scan each.
CREATE INDEX gallery_fingers_load_order ON gallery_fingers (shard, seq, reference_id, finger);
DROP INDEX gallery_fingers_shard_seq;
