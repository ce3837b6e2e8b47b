-- Snowflake worker ids leased to live processes, so two of them never mint with the same id. A lease lasts a short
-- while and is renewed by its holder; a crashed process's id becomes free again once its lease runs out.
CREATE TABLE worker_leases (
  worker_id   INTEGER PRIMARY KEY CHECK (worker_id BETWEEN 0 AND 1023),
  holder      TEXT NOT NULL,
  expires_at  TIMESTAMPTZ NOT NULL
);
