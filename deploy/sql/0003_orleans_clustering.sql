-- 0003: cluster membership for Microsoft.Orleans.Clustering.AdoNet (Storage:Clustering=postgres).
-- Orleans' "DeploymentId" is the cluster id. Each cluster has one version row; every
-- change to its members bumps that version, and a change is applied only when the caller
-- read the version it names (optimistic concurrency over the whole membership table).
-- Idempotent: safe to run again; it changes nothing the second time.

CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid  text        NOT NULL PRIMARY KEY,
    timestamp     timestamptz NOT NULL DEFAULT now(),
    version       integer     NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid  text        NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address       text        NOT NULL,
    port          integer     NOT NULL,
    generation    integer     NOT NULL,
    siloname      text        NOT NULL,
    hostname      text        NOT NULL,
    status        integer     NOT NULL,
    proxyport     integer     NOT NULL DEFAULT 0,
    -- "silo,time|silo,time", written and parsed by Orleans.
    suspecttimes  text,
    starttime     timestamptz NOT NULL,
    iamalivetime  timestamptz NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Reads return the cluster's version row joined with its members (or with none), so the
-- caller always gets the version even when no silo is registered; "version" in each row is
-- the cluster's version, which Orleans uses as every row's ETag.
-- Inserts and updates lock the version row first, change the member only if the version is
-- still the one given, then bump it; they return one boolean column: true = applied.
-- SiloStatus 3 = Active, 6 = Dead.
INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $query$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (@DeploymentId)
        ON CONFLICT (deploymentid) DO NOTHING
 RETURNING deploymentid
)
SELECT EXISTS (SELECT 1 FROM created) AS created
$query$),
('MembershipReadRowKey', $query$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleansmembershipversiontable AS v
  LEFT JOIN orleansmembershiptable AS m
         ON m.deploymentid = v.deploymentid
        AND m.address = @Address
        AND m.port = @Port
        AND m.generation = @Generation
 WHERE v.deploymentid = @DeploymentId
$query$),
('MembershipReadAllKey', $query$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleansmembershipversiontable AS v
  LEFT JOIN orleansmembershiptable AS m
         ON m.deploymentid = v.deploymentid
 WHERE v.deploymentid = @DeploymentId
$query$),
('GatewaysQueryKey', $query$
SELECT m.address, m.proxyport, m.generation
  FROM orleansmembershiptable AS m
 WHERE m.deploymentid = @DeploymentId
   AND m.status = @Status
   AND m.proxyport > 0
$query$),
('UpdateIAmAlivetimeKey', $query$
UPDATE orleansmembershiptable AS m
   SET iamalivetime = @IAmAliveTime
 WHERE m.deploymentid = @DeploymentId
   AND m.address = @Address
   AND m.port = @Port
   AND m.generation = @Generation
$query$),
('InsertMembershipKey', $query$
WITH expected AS (
    SELECT v.deploymentid
      FROM orleansmembershipversiontable AS v
     WHERE v.deploymentid = @DeploymentId
       AND v.version = @Version
       FOR UPDATE
), inserted AS (
    INSERT INTO orleansmembershiptable
           (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    SELECT e.deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
      FROM expected AS e
        ON CONFLICT (deploymentid, address, port, generation) DO NOTHING
 RETURNING deploymentid
), bumped AS (
    UPDATE orleansmembershipversiontable AS v
       SET version = v.version + 1,
           timestamp = now()
     WHERE v.deploymentid IN (SELECT deploymentid FROM inserted)
 RETURNING v.deploymentid
)
SELECT EXISTS (SELECT 1 FROM bumped) AS applied
$query$),
('UpdateMembershipKey', $query$
WITH expected AS (
    SELECT v.deploymentid
      FROM orleansmembershipversiontable AS v
     WHERE v.deploymentid = @DeploymentId
       AND v.version = @Version
       FOR UPDATE
), updated AS (
    UPDATE orleansmembershiptable AS m
       SET status = @Status,
           suspecttimes = @SuspectTimes,
           iamalivetime = @IAmAliveTime
      FROM expected AS e
     WHERE m.deploymentid = e.deploymentid
       AND m.address = @Address
       AND m.port = @Port
       AND m.generation = @Generation
 RETURNING m.deploymentid
), bumped AS (
    UPDATE orleansmembershipversiontable AS v
       SET version = v.version + 1,
           timestamp = now()
     WHERE v.deploymentid IN (SELECT deploymentid FROM updated)
 RETURNING v.deploymentid
)
SELECT EXISTS (SELECT 1 FROM bumped) AS applied
$query$),
('DeleteMembershipTableEntriesKey', $query$
DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId
$query$),
('CleanupDefunctSiloEntriesKey', $query$
DELETE FROM orleansmembershiptable AS m
 WHERE m.deploymentid = @DeploymentId
   AND m.status = 6
   AND m.iamalivetime < @IAmAliveTime
$query$),
('CleanupDefunctSiloEntryKey', $query$
DELETE FROM orleansmembershiptable AS m
 WHERE m.deploymentid = @DeploymentId
   AND m.address = @Address
   AND m.port = @Port
   AND m.generation = @Generation
   AND m.status = 6
   AND m.starttime = @StartTime
   AND m.iamalivetime = @IAmAliveTime
   AND m.suspecttimes IS NOT DISTINCT FROM @SuspectTimes
$query$)
ON CONFLICT (querykey) DO UPDATE
    SET querytext = excluded.querytext
    WHERE orleansquery.querytext IS DISTINCT FROM excluded.querytext;

INSERT INTO engine_schema_version (script) VALUES ('0003_orleans_clustering')
ON CONFLICT (script) DO NOTHING;
