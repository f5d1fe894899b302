-- Settle marks a call that repeats another one's usage (same response id from a second
-- instrumentation, a framework span over the provider span, an agent span with its children's
-- totals) with the span_id of the call that is billed instead. Such rows stay for audit and are
-- excluded from every bill: reports, invoices and budgets filter `duplicate_of = ''`.
-- The rollup never holds them: settle subtracts them from llm_usage_daily when it marks them.
ALTER TABLE {db}.llm_calls {on_cluster} ADD COLUMN duplicate_of String DEFAULT '' AFTER revision;
