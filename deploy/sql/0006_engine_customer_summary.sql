-- 0006: the customer projection (issue #14): one summary row per customer, so questions about
-- many customers (tier distribution, segment sizes, top customers, audience counts, the value
-- model's fit) read one table instead of asking every grain. Written by the grain state
-- provider in the same statement and commit as the customer's state (silo/Storage/GrainState),
-- so it costs no write of its own and is exact after a crash; rebuilt from engine_grain_state
-- with `engine-admin projection rebuild`. Idempotent: safe to run again.
--
-- version is the grain state's version the row was computed from: a write replaces the row
-- only with a newer version, so a replayed or reordered write never puts an older summary
-- back. Figures that move with the clock (p_alive, clv, segments) are as of as_of. No phone
-- number: number_key is the suppression list's HMAC of it.
CREATE TABLE IF NOT EXISTS engine_customer_summary
(
    service_id          text           NOT NULL,
    customer_id         text           NOT NULL,
    version             integer        NOT NULL,
    as_of               timestamptz    NOT NULL,
    tier                text,
    points_balance      bigint         NOT NULL,
    lifetime_spend      numeric        NOT NULL,
    rolling_spend       numeric        NOT NULL,
    orders              integer        NOT NULL,
    first_purchase_at   timestamptz,
    last_purchase_at    timestamptz,
    last_activity_at    timestamptz,
    frequency           integer        NOT NULL,
    mean_repeat_value   double precision NOT NULL,
    engagement_score    double precision NOT NULL,
    clv                 numeric,
    p_alive             double precision,
    model_version       integer,
    segments            text[]         NOT NULL,
    consent             text           NOT NULL,
    number_key          text,
    PRIMARY KEY (service_id, customer_id)
)
-- Rewritten with every state write: room on the page keeps the update HOT where the
-- indexed columns did not change.
WITH (fillfactor = 80);

-- Top-N: the first N entries of an index, whatever the population.
CREATE INDEX IF NOT EXISTS engine_customer_summary_clv ON engine_customer_summary (service_id, clv DESC NULLS LAST);
CREATE INDEX IF NOT EXISTS engine_customer_summary_spend ON engine_customer_summary (service_id, lifetime_spend DESC);
CREATE INDEX IF NOT EXISTS engine_customer_summary_points ON engine_customer_summary (service_id, points_balance DESC);
-- Tier distribution and audience counts by tier and consent: an index-only scan of a small index.
CREATE INDEX IF NOT EXISTS engine_customer_summary_tier ON engine_customer_summary (service_id, tier, consent);
-- Segment sizes and audience counts by segment: an index-only scan. A b-tree, not GIN: the
-- few hundred distinct membership lists come out of it grouped, so sizes are counted per list
-- and not per customer, and a b-tree costs the write path less than GIN's maintenance.
CREATE INDEX IF NOT EXISTS engine_customer_summary_segments ON engine_customer_summary (service_id, segments);
-- customer find --phone: by the number's key, never the number.
CREATE INDEX IF NOT EXISTS engine_customer_summary_number ON engine_customer_summary (service_id, number_key) WHERE number_key IS NOT NULL;

INSERT INTO engine_schema_version (script) VALUES ('0006_engine_customer_summary')
ON CONFLICT (script) DO NOTHING;
