-- 0004: durable reminders for Microsoft.Orleans.Reminders.AdoNet.
-- One row per (service, grain, reminder name). grainhash is the grain's uniform hash as a
-- signed 32-bit integer; each silo reads the reminders whose hash falls in its ring range.
-- Idempotent: safe to run again; it changes nothing the second time.

CREATE TABLE IF NOT EXISTS orleansremindertable
(
    serviceid     text        NOT NULL,
    grainid       text        NOT NULL,
    remindername  text        NOT NULL,
    starttime     timestamptz NOT NULL,
    -- Milliseconds.
    period        bigint      NOT NULL,
    grainhash     integer     NOT NULL,
    version       integer     NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);

CREATE INDEX IF NOT EXISTS orleansremindertable_range
    ON orleansremindertable (serviceid, grainhash);

-- Reads return grainid, remindername, starttime, period, version.
-- Range reads: "1" is the plain range (begin, end]; "2" is the range that wraps around
-- the ring: above begin, or up to and including end. Orleans picks one by signed order.
-- Upsert returns the row's new version; delete returns one boolean column (true = deleted).
INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadReminderRowsKey', $query$
SELECT r.grainid, r.remindername, r.starttime, r.period, r.version
  FROM orleansremindertable AS r
 WHERE r.serviceid = @ServiceId
   AND r.grainid = @GrainId
$query$),
('ReadReminderRowKey', $query$
SELECT r.grainid, r.remindername, r.starttime, r.period, r.version
  FROM orleansremindertable AS r
 WHERE r.serviceid = @ServiceId
   AND r.grainid = @GrainId
   AND r.remindername = @ReminderName
$query$),
('ReadRangeRows1Key', $query$
SELECT r.grainid, r.remindername, r.starttime, r.period, r.version
  FROM orleansremindertable AS r
 WHERE r.serviceid = @ServiceId
   AND r.grainhash > @BeginHash
   AND r.grainhash <= @EndHash
$query$),
('ReadRangeRows2Key', $query$
SELECT r.grainid, r.remindername, r.starttime, r.period, r.version
  FROM orleansremindertable AS r
 WHERE r.serviceid = @ServiceId
   AND (r.grainhash > @BeginHash OR r.grainhash <= @EndHash)
$query$),
('UpsertReminderRowKey', $query$
INSERT INTO orleansremindertable AS r
       (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
   SET starttime = excluded.starttime,
       period = excluded.period,
       grainhash = excluded.grainhash,
       version = r.version + 1
RETURNING r.version
$query$),
('DeleteReminderRowKey', $query$
WITH deleted AS (
    DELETE FROM orleansremindertable AS r
     WHERE r.serviceid = @ServiceId
       AND r.grainid = @GrainId
       AND r.remindername = @ReminderName
       AND r.version = @Version
 RETURNING r.grainid
)
SELECT EXISTS (SELECT 1 FROM deleted) AS deleted
$query$),
('DeleteReminderRowsKey', $query$
DELETE FROM orleansremindertable WHERE serviceid = @ServiceId
$query$)
ON CONFLICT (querykey) DO UPDATE
    SET querytext = excluded.querytext
    WHERE orleansquery.querytext IS DISTINCT FROM excluded.querytext;

INSERT INTO engine_schema_version (script) VALUES ('0004_orleans_reminders')
ON CONFLICT (script) DO NOTHING;
