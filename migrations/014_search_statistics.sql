-- The search column's statistics target (ten times the default), for databases that ran 007_search.sql before it set
-- one: the planner needs the rarer lexemes' frequencies to collect a rare term's few matches from the GIN index rather
-- than walk the id index backwards over the whole table (007 explains the measurement). Setting the same target again
-- changes nothing, so this is a no-op where 007 already set it; the ANALYZE gathers the larger sample now rather than
-- at autovacuum's next visit.
ALTER TABLE tweets ALTER COLUMN search SET STATISTICS 1000;
ANALYZE tweets (search);
