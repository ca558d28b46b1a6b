-- Verify looks a secret up within one project: with this index, another project's secret misses exactly as an
-- unknown one does (one index search, no row read), so the answer's timing cannot tell them apart.
CREATE INDEX api_keys_by_project_and_hash ON api_keys (project_id, key_hash);
