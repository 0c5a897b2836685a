-- The sharded national search (docs/central.md "Sharded search"). Templates are sealed with
-- the gallery key; no column holds a plaintext template, CURP or name.

-- The gallery key, wrapped (age X25519) to the central office recipient.
CREATE TABLE gallery_key (
  id smallint PRIMARY KEY CHECK (id = 1),
  recipient text NOT NULL,
  wrapped bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The last sequence number given to an insert or a delete. Writers update this one row, so
-- their transactions commit in sequence order: a reader that sees sequence N sees every
-- change numbered below N.
CREATE TABLE gallery_head (
  id smallint PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL
);
INSERT INTO gallery_head (id, seq) VALUES (1, 0);

-- One sealed finger of one person; shard = first byte of SHA-256(reference id).
CREATE TABLE gallery_fingers (
  reference_id text NOT NULL,
  finger smallint NOT NULL CHECK (finger >= 0 AND finger <= 10),
  shard smallint NOT NULL CHECK (shard >= 0 AND shard < 256),
  seq bigint NOT NULL,
  sealed bytea NOT NULL,
  PRIMARY KEY (reference_id, finger)
);
CREATE INDEX gallery_fingers_shard_seq ON gallery_fingers (shard, seq);

-- A deleted reference (its fingers are gone); kept so that workers holding it drop it, and
-- so that the reference is never used again (MOSIP: a reference id is inserted once).
CREATE TABLE gallery_deletions (
  reference_id text PRIMARY KEY,
  shard smallint NOT NULL CHECK (shard >= 0 AND shard < 256),
  seq bigint NOT NULL
);
CREATE INDEX gallery_deletions_shard_seq ON gallery_deletions (shard, seq);

-- Requests shaped after MOSIP's ABIS interface: request id, operation, reference id. An
-- IDENTIFY carries its sealed probe and the gallery sequence at submission; it is answered
-- per shard in identify_results.
CREATE TABLE abis_requests (
  request_id text PRIMARY KEY,
  operation text NOT NULL CHECK (operation IN ('INSERT', 'IDENTIFY', 'DELETE')),
  reference_id text NOT NULL,
  gallery_seq bigint NOT NULL,
  probe bytea,
  max_results integer NOT NULL DEFAULT 10,
  requested_at timestamptz NOT NULL DEFAULT now(),
  deadline timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz
);
CREATE INDEX abis_requests_open ON abis_requests (requested_at)
  WHERE operation = 'IDENTIFY' AND answered_at IS NULL;

-- One shard's answer to one identify: its top candidates (JSON) and its people count.
CREATE TABLE identify_results (
  request_id text NOT NULL REFERENCES abis_requests (request_id) ON DELETE CASCADE,
  shard smallint NOT NULL CHECK (shard >= 0 AND shard < 256),
  worker text NOT NULL,
  people integer NOT NULL,
  candidates text NOT NULL,
  answered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, shard)
);

-- Who holds each shard, until when (database clock), and up to which sequence it is loaded.
CREATE TABLE shard_leases (
  shard smallint PRIMARY KEY CHECK (shard >= 0 AND shard < 256),
  worker text,
  expires_at timestamptz NOT NULL DEFAULT '-infinity',
  loaded_seq bigint NOT NULL DEFAULT 0
);
INSERT INTO shard_leases (shard) SELECT generate_series(0, 255);
