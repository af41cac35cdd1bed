-- 0005: grain state (storage "customers": customers and the phone directory), written by the
-- engine's own provider in batches that share one commit (silo/Storage/GrainState). Replaces
-- orleansstorage (0002), which stays for databases created before this script but is no
-- longer read or written. Idempotent: safe to run again; it changes nothing the second time.
--
-- One row per grain and state. version is the ETag: a write names the version it read and
-- changes nothing when the stored one differs (the grain gets InconsistentStateException);
-- a first write inserts version 1 only if no row exists. A clear keeps the row with a null
-- payload and a new version, so a stale writer still conflicts.
CREATE TABLE IF NOT EXISTS engine_grain_state
(
    service_id   text        NOT NULL,
    grain_type   text        NOT NULL,
    grain_key    text        NOT NULL,
    state_name   text        NOT NULL,
    version      integer     NOT NULL,
    -- lz4: a customer's state is a few KB and rewritten often; lz4 compresses it at a
    -- fraction of pglz's CPU.
    payload      bytea       COMPRESSION lz4,
    modified_on  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_key, state_name)
)
-- Room on each page for the next version of its rows: updates stay on the page (HOT) and
-- leave the primary key index untouched.
WITH (fillfactor = 70);

-- Kept in the row (compressed) rather than in a TOAST table, so an update writes one heap
-- tuple instead of a tuple and its TOAST chunks. Setting it again changes nothing.
ALTER TABLE engine_grain_state ALTER COLUMN payload SET STORAGE MAIN;

INSERT INTO engine_schema_version (script) VALUES ('0005_engine_grain_state')
ON CONFLICT (script) DO NOTHING;
