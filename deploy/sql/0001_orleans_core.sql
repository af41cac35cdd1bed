-- 0001: the bookkeeping every later script relies on.
--   engine_schema_version  which of these scripts a database has had applied
--   orleansquery           the SQL each Orleans AdoNet provider reads at start-up (by key)
-- Idempotent: safe to run again; it changes nothing the second time.
-- No BEGIN/COMMIT here: the silo applies all scripts in one transaction of its own, and
-- operators use psql --single-transaction (see README.md).

CREATE TABLE IF NOT EXISTS engine_schema_version
(
    script      text        NOT NULL PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- Orleans looks these up with: SELECT QueryKey, QueryText FROM OrleansQuery
-- (unquoted names, so PostgreSQL folds them to lower case, as it does here).
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey   varchar(64)   NOT NULL PRIMARY KEY,
    querytext  varchar(8000) NOT NULL
);

INSERT INTO engine_schema_version (script) VALUES ('0001_orleans_core')
ON CONFLICT (script) DO NOTHING;
