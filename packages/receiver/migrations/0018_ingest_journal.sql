-- The receiver's write-ahead journal (docs/receiver.md "Journal"). While requests come faster
-- than the journal threshold, a request's rows are written here as ONE row (a part of a few
-- columns, a fraction of the cost of a part of llm_calls and its rollup) and acknowledged; the
-- receiver then inserts them into llm_calls in batches of many requests and records each entry
-- it stored in ingest_journal_drained. An entry older than a minute without a drained record (its
-- receiver died, or ClickHouse failed the batch) is stored again by whichever receiver sweeps
-- first; the already-stored check makes that replay bill nothing twice. Working memory only:
-- whole days are dropped after ingest.journal_retention_days.
-- Two columns, because a part costs ClickHouse about one file pair per column: a 500-call entry
-- is written in 5 ms here against 8 ms with each field a column of its own (docs/benchmarks.md).
CREATE TABLE IF NOT EXISTS {db}.ingest_journal {on_cluster}
(
    written_at DateTime('UTC'),
    -- "<batch_id> <receiver> <calls> <span_links rows as a JSON array> <calls' llm_calls
    -- TabSeparated lines, base64>" (store/ingest-journal.ts); batch_id is the first 36 characters
    entry String
)
ENGINE = {engine:MergeTree}
PARTITION BY toDate(written_at)
ORDER BY written_at;

CREATE TABLE IF NOT EXISTS {db}.ingest_journal_drained {on_cluster}
(
    batch_id String,
    written_at DateTime('UTC'),
    drained_at DateTime('UTC'),
    -- 'stored', or 'rejected' when ClickHouse refused the rows for good (counted as rejected spans)
    outcome String
)
ENGINE = {engine:MergeTree}
PARTITION BY toDate(written_at)
ORDER BY (written_at, batch_id);
