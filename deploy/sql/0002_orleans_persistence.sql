-- 0002: grain state for Microsoft.Orleans.Persistence.AdoNet (storage "customers").
-- One row per grain and state: the serialized state and a version used as the ETag.
-- Idempotent: safe to run again; it changes nothing the second time.

CREATE TABLE IF NOT EXISTS orleansstorage
(
    serviceid               text        NOT NULL,
    graintypehash           integer     NOT NULL,
    graintypestring         text        NOT NULL,
    grainidhash             integer     NOT NULL,
    grainidn0               bigint      NOT NULL,
    grainidn1               bigint      NOT NULL,
    -- String keys (customers) live here; integer and GUID keys without extension leave it null.
    grainidextensionstring  text,
    payloadbinary           bytea,
    version                 integer     NOT NULL,
    modifiedon              timestamptz NOT NULL DEFAULT now()
);

-- The identity of a row. Unique, with nulls treated as equal, so two activations racing
-- to write a grain's first state cannot both insert: the loser gets a version conflict
-- instead of leaving a duplicate row that would fail every later write. The hashes come
-- first so a lookup narrows to one grain before comparing the strings.
CREATE UNIQUE INDEX IF NOT EXISTS orleansstorage_identity
    ON orleansstorage (serviceid, graintypehash, grainidhash, grainidn0, grainidn1, graintypestring, grainidextensionstring)
    NULLS NOT DISTINCT;

-- Parameters are bound by name (@Name); result columns are read by name.
--   Read:   returns payloadbinary and version, or no row when the grain has no state.
--   Write:  @GrainStateVersion null  -> insert version 1, only if no row exists;
--           @GrainStateVersion = n   -> update to n + 1, only if the stored version is n.
--           Always exactly one row: newgrainstateversion, null when the condition failed,
--           which Orleans turns into an InconsistentStateException.
--   Clear:  keeps the row with a null payload and a new version (one row, null on conflict).
--   Delete: removes the row (used only with DeleteStateOnClear; one row, null on conflict).
INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $query$
SELECT s.payloadbinary, s.version
  FROM orleansstorage AS s
 WHERE s.serviceid = @ServiceId
   AND s.graintypehash = @GrainTypeHash
   AND s.grainidhash = @GrainIdHash
   AND s.grainidn0 = @GrainIdN0
   AND s.grainidn1 = @GrainIdN1
   AND s.graintypestring = @GrainTypeString
   AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
$query$),
('WriteToStorageKey', $query$
WITH updated AS (
    UPDATE orleansstorage AS s
       SET payloadbinary = @PayloadBinary,
           version = s.version + 1,
           modifiedon = now()
     WHERE s.serviceid = @ServiceId
       AND s.graintypehash = @GrainTypeHash
       AND s.grainidhash = @GrainIdHash
       AND s.grainidn0 = @GrainIdN0
       AND s.grainidn1 = @GrainIdN1
       AND s.graintypestring = @GrainTypeString
       AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
       AND s.version = @GrainStateVersion
 RETURNING s.version
), inserted AS (
    INSERT INTO orleansstorage
           (serviceid, graintypehash, graintypestring, grainidhash, grainidn0, grainidn1, grainidextensionstring, payloadbinary, version)
    SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1
     WHERE @GrainStateVersion IS NULL
        ON CONFLICT DO NOTHING
 RETURNING version
)
SELECT COALESCE((SELECT version FROM updated), (SELECT version FROM inserted)) AS newgrainstateversion
$query$),
('ClearStorageKey', $query$
WITH cleared AS (
    UPDATE orleansstorage AS s
       SET payloadbinary = NULL,
           version = s.version + 1,
           modifiedon = now()
     WHERE s.serviceid = @ServiceId
       AND s.graintypehash = @GrainTypeHash
       AND s.grainidhash = @GrainIdHash
       AND s.grainidn0 = @GrainIdN0
       AND s.grainidn1 = @GrainIdN1
       AND s.graintypestring = @GrainTypeString
       AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
       AND s.version = @GrainStateVersion
 RETURNING s.version
)
SELECT (SELECT version FROM cleared) AS newgrainstateversion
$query$),
('DeleteStorageKey', $query$
WITH deleted AS (
    DELETE FROM orleansstorage AS s
     WHERE s.serviceid = @ServiceId
       AND s.graintypehash = @GrainTypeHash
       AND s.grainidhash = @GrainIdHash
       AND s.grainidn0 = @GrainIdN0
       AND s.grainidn1 = @GrainIdN1
       AND s.graintypestring = @GrainTypeString
       AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
       AND s.version = @GrainStateVersion
 RETURNING s.version
)
SELECT (SELECT version + 1 FROM deleted) AS newgrainstateversion
$query$)
ON CONFLICT (querykey) DO UPDATE
    SET querytext = excluded.querytext
    WHERE orleansquery.querytext IS DISTINCT FROM excluded.querytext;

INSERT INTO engine_schema_version (script) VALUES ('0002_orleans_persistence')
ON CONFLICT (script) DO NOTHING;
