-- 0001: the hub's relay replica. Each table holds one key prefix of the replica layout
-- (sync/src/replica/keys.rs): k is the key after its prefix byte, v the value. Values are
-- ciphertext (wrapped data keys, sealed chunks, sealed blobs) or signed public data (rosters,
-- erasure orders, digests); no column ever holds a plaintext CURP, NSS or name.
CREATE TABLE wrapped_keys   (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE sealed_chunks  (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE sealed_blobs   (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE partial_blobs  (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE record_digests (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE erasures       (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE origins        (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE office_records (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE rosters        (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE officer_lists  (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE peer_state     (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE bundles        (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE refusals       (k bytea PRIMARY KEY, v bytea NOT NULL);
CREATE TABLE hub_meta       (k bytea PRIMARY KEY, v bytea NOT NULL);
-- The replay cache every hub process shares: the primary key is the unique constraint that
-- lets only the first hub to see a request nonce accept it.
CREATE TABLE nonces         (k bytea PRIMARY KEY, v bytea NOT NULL);
-- Any other prefix, keyed by the whole key.
CREATE TABLE other_entries  (k bytea PRIMARY KEY, v bytea NOT NULL);
-- Sealed data does not compress: store it out of line without trying.
ALTER TABLE sealed_chunks ALTER COLUMN v SET STORAGE EXTERNAL;
ALTER TABLE sealed_blobs  ALTER COLUMN v SET STORAGE EXTERNAL;
ALTER TABLE partial_blobs ALTER COLUMN v SET STORAGE EXTERNAL;
