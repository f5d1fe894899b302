-- Business units (design.md "Billing plans, units and budgets beyond clients"): the kind of
-- object a call worked for (article, conversation, ticket...) and its id, from the span keys
-- tokenledger.unit.kind / tokenledger.unit.id. '' = the call carried no unit. Reports count
-- distinct unit ids per kind; per-unit invoices bill each unit in the period of its first call.
ALTER TABLE {db}.llm_calls {on_cluster} ADD COLUMN unit_kind String DEFAULT '' AFTER duplicate_of, ADD COLUMN unit_id String DEFAULT '' AFTER unit_kind;
