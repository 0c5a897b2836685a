-- A worker whose own range holds a shard that another worker took over (while it was down)
-- asks for it back: the holder, at its next renewal, hands back the shards that are not in
-- its own range and are wanted. Others leave a wanted shard to the one who wants it for one
-- lease length.
ALTER TABLE shard_leases ADD COLUMN wanted_by text;
