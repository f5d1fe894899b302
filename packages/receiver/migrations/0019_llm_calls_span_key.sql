-- The already-stored check (store/llm-calls.ts storedKeys) reads a whole day's span ids: 18.16
-- does not narrow `IN` over external data by the sorting key. A 64-bit hash of span_id, computed
-- by ClickHouse on insert, lets that scan read 8 bytes a row and compare integers instead of the
-- 16-character id: a check of 5,000 new keys against a day of 5 million rows took 43 ms instead of
-- 74, of 20 million 122 ms instead of 250 (docs/benchmarks.md). The ids themselves are still
-- compared for the rows it matched. Parts written before this compute it when read, until merged.
ALTER TABLE {db}.llm_calls {on_cluster} ADD COLUMN span_key UInt64 MATERIALIZED sipHash64(span_id);
