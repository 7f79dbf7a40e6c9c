/**
 * Where each table lives on a cluster (`journeys migrate --cluster`). Every
 * table a migration creates must be listed: a new one without a layout is an
 * error, not a silent single-node table on one server.
 *
 * - `sharded`: a Replicated*MergeTree `<name>_local` on every node plus a
 *   Distributed `<name>` over it. The sharding key puts all rows of one
 *   identity key on one shard, so `FINAL` (dedup within a shard) and
 *   per-key reads (sessionization repairs, journeys) stay exact.
 * - `everywhere`: one Replicated*MergeTree whose Keeper path has no shard,
 *   so every node holds all of it: the small tables every node must see
 *   whole (rollups, watermarks, the migrations ledger, analysis results). Queries read it
 *   locally; the rollups' REPLACE PARTITION on any node reaches all replicas.
 * - `node-local`: a plain MergeTree on every node (ON CLUSTER), private to
 *   the node it is written on: the rollups' staging twins. A rebuild fills
 *   the staging table of the node it is connected to and swaps it into the
 *   replicated rollup there.
 */
export type TableLayout = { kind: 'sharded'; shardingKey: string } | { kind: 'everywhere' } | { kind: 'node-local' };

export const CLUSTER_LAYOUT: Readonly<Record<string, TableLayout>> = {
  events: { kind: 'sharded', shardingKey: 'cityHash64(pipeline, key)' },
  sessions: { kind: 'sharded', shardingKey: 'cityHash64(pipeline, key)' },
  dead_letters: { kind: 'sharded', shardingKey: 'cityHash64(pipeline, id)' },
  stream_state: { kind: 'everywhere' },
  schema_migrations: { kind: 'everywhere' },
  funnel_hourly: { kind: 'everywhere' },
  funnel_segment_hourly: { kind: 'everywhere' },
  funnel_driver_hourly: { kind: 'everywhere' },
  abandonment_5m: { kind: 'everywhere' },
  stage_transitions_hourly: { kind: 'everywhere' },
  touchpoint_transitions_hourly: { kind: 'everywhere' },
  stage_activity_hourly: { kind: 'everywhere' },
  entry_touchpoint_hourly: { kind: 'everywhere' },
  journeys: { kind: 'sharded', shardingKey: 'cityHash64(pipeline, key)' },
  identity_links: { kind: 'sharded', shardingKey: 'cityHash64(pipeline, identifier)' },
  identity_persons: { kind: 'sharded', shardingKey: 'cityHash64(pipeline, identifier)' },
  // Analysis results (bottleneck reports, alert state): a few rows each, read whole.
  bottlenecks: { kind: 'everywhere' },
  alerts: { kind: 'everywhere' },
  funnel_hourly_staging: { kind: 'node-local' },
  funnel_segment_hourly_staging: { kind: 'node-local' },
  funnel_driver_hourly_staging: { kind: 'node-local' },
  abandonment_5m_staging: { kind: 'node-local' },
  stage_transitions_hourly_staging: { kind: 'node-local' },
  touchpoint_transitions_hourly_staging: { kind: 'node-local' },
  stage_activity_hourly_staging: { kind: 'node-local' },
  entry_touchpoint_hourly_staging: { kind: 'node-local' },
};

/** The table that holds the rows on each node: `<name>_local` for sharded tables, the table itself otherwise. */
export function localTableOf(table: string): string {
  return CLUSTER_LAYOUT[table]?.kind === 'sharded' ? `${table}_local` : table;
}
