-- The receiver's write-ahead journal (docs/receiver.md "Journal"). While requests come faster
-- than the journal threshold, a request's rows are written here as ONE row (a part of a few
-- columns, a fraction of the cost of a part of llm_calls and its rollup) and acknowledged; the
-- receiver then inserts them into llm_calls in batches of many requests and records each entry
-- it stored in ingest_journal_drained. An entry older than a minute without a drained record (its
-- receiver died, or ClickHouse failed the batch) is stored again by whichever receiver sweeps
-- first; the already-stored check makes that replay bill nothing twice. Working memory only:
-- whole days are dropped after ingest.journal_retention_days.
-- Few columns, because each column is a pair of files in every part and a part per request is
-- what this table takes; batch_id has its own so that the replay's scan never reads the entries.
CREATE TABLE IF NOT EXISTS {db}.ingest_journal {on_cluster}
(
    written_at DateTime('UTC'),
    batch_id String,
    -- "<receiver> <calls> <span_links rows as a JSON array>", a line feed, then the calls'
    -- llm_calls TabSeparated lines as they are inserted (store/ingest-journal.ts)
    entry String
)
ENGINE = {engine:MergeTree}
PARTITION BY toDate(written_at)
ORDER BY (written_at, batch_id);

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
