-- How each client is billed (clients[].plan in tokenledger.yaml: cost_plus, retainer or per_unit).
-- markup_bp is the cost-plus markup only (0 under the other plans), so SQL and dashboards that
-- compute billed amounts as cost x markup need the plan to know when that formula holds.
-- 18.16 has no ADD COLUMN IF NOT EXISTS: the migration runner treats "already exists" as done.
ALTER TABLE {db}.clients {on_cluster} ADD COLUMN plan_type String DEFAULT 'cost_plus';
