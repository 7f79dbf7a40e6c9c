-- Insert deduplication on a single node. The server store sends every insert
-- part with an insert_deduplication_token and retries it after a failure; a
-- retry of a part the server had already written must not double its rows.
-- Replicated tables (--cluster) deduplicate by default; plain MergeTree only
-- when non_replicated_deduplication_window is set: it remembers the last 1000
-- insert ids per table. Only the tables written by batched inserts get it:
-- the rollups' staging tables must NOT, or a rebuild that computes the same
-- rows as the previous one would be dropped as a duplicate and the swap would
-- empty the partition.
-- cluster: skip
ALTER TABLE events MODIFY SETTING non_replicated_deduplication_window = 1000;

-- cluster: skip
ALTER TABLE sessions MODIFY SETTING non_replicated_deduplication_window = 1000;

-- cluster: skip
ALTER TABLE dead_letters MODIFY SETTING non_replicated_deduplication_window = 1000;
