-- Billing periods can start on another day than the 1st (clients[].period_start_day in
-- tokenledger.yaml); dashboards need it to draw a client's period, so the clients table carries it.
-- 18.16 has no ADD COLUMN IF NOT EXISTS: the migration runner treats "already exists" as done.
ALTER TABLE {db}.clients {on_cluster} ADD COLUMN period_start_day UInt8 DEFAULT 1;
