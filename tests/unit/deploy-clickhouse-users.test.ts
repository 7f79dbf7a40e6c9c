import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The analysts' user (deploy/clickhouse/users.d/journeys-users.yaml) is
 * readonly = 1 with constraints; no server runs here, so the file is checked
 * for the shape ClickHouse reads (docs: "Constraints on settings") and against
 * the settings its clients really send. `JOURNEYS_USERS` (env) checks another copy.
 */
const USERS_PATH = process.env['JOURNEYS_USERS'] ?? 'deploy/clickhouse/users.d/journeys-users.yaml';
const ACCESS_PATH = 'deploy/clickhouse/config.d/journeys-access.yaml';

type Constraint = Record<string, unknown>;
interface Profile { readonly?: number; constraints?: Record<string, Constraint>; [setting: string]: unknown }
const users = parse(readFileSync(USERS_PATH, 'utf8')) as { profiles: Record<string, Profile>; users: Record<string, { profile: string }> };
const analyst = users.profiles[users.users['analyst']!.profile]!;
const constraints = analyst.constraints ?? {};

/** The constraint kinds ClickHouse accepts (UsersConfigAccessStorage: anything else refuses the file). */
const KINDS = new Set(['min', 'max', 'readonly', 'const', 'changeable_in_readonly', 'disallowed']);
const WRITABILITY = ['readonly', 'const', 'changeable_in_readonly'];

/** Settings the journeys client sets on reads: READ_SETTINGS and SETTINGS clauses of the readers. */
function clientSettings(): string[] {
  const found = new Set<string>();
  const read = /READ_SETTINGS: ClickHouseSettings = \{([^}]*)\}/.exec(readFileSync('src/stores/server-store.ts', 'utf8'))?.[1] ?? '';
  for (const m of read.matchAll(/(\w+)\s*:/g)) found.add(m[1]!);
  const readers = ['src/metrics', 'src/map', 'sql/queries', 'sql/metrics'].flatMap((dir) => readdirSync(dir, { recursive: true }).map((f) => join(dir, String(f))).filter((f) => /\.(ts|sql)$/.test(f)));
  for (const file of readers) {
    for (const clause of readFileSync(file, 'utf8').matchAll(/\bSETTINGS\s+((?:\w+\s*=\s*\w+\s*,?\s*)+)/g)) {
      for (const m of clause[1]!.matchAll(/(\w+)\s*=/g)) found.add(m[1]!);
    }
  }
  return [...found].sort();
}

describe(`ClickHouse users ${USERS_PATH}`, () => {
  it('the analyst profile is readonly = 1 and cannot lower it', () => {
    expect(analyst.readonly).toBe(1);
    const kinds = Object.keys(constraints['readonly'] ?? {});
    expect(kinds.some((k) => k === 'const' || k === 'readonly'), 'readonly is const').toBe(true);
    for (const profile of Object.values(users.profiles)) expect(Object.keys(profile.constraints?.['readonly'] ?? {})).not.toContain('changeable_in_readonly');
  });

  it('constraints have the shape ClickHouse reads: known kinds, at most one writability each', () => {
    for (const [setting, constraint] of Object.entries(constraints)) {
      expect(constraint, setting).toBeTypeOf('object');
      for (const kind of Object.keys(constraint)) expect(KINDS.has(kind), `${setting}.${kind}`).toBe(true);
      expect(Object.keys(constraint).filter((k) => WRITABILITY.includes(k)).length, setting).toBeLessThanOrEqual(1);
    }
  });

  it('memory and time are capped at the profile\'s own values', () => {
    for (const setting of ['max_memory_usage', 'max_execution_time']) {
      expect(analyst[setting], setting).toBeTypeOf('number');
      expect(constraints[setting]?.['max'], `${setting} has a max`).toBe(analyst[setting]);
    }
    // 0 would mean "no limit".
    expect(Number(constraints['max_execution_time']?.['min'])).toBeGreaterThan(0);
  });

  it("Grafana's per-query timeout and the journeys client's read settings may change at readonly = 1", () => {
    const changeable = Object.entries(constraints).filter(([, c]) => 'changeable_in_readonly' in c).map(([s]) => s);
    // clickhouse-go (Grafana's ClickHouse plugin) sends max_execution_time with every query.
    expect(changeable).toContain('max_execution_time');
    expect(clientSettings().length).toBeGreaterThan(0);
    for (const setting of clientSettings()) expect(changeable, setting).toContain(setting);
  });

  it('changeable_in_readonly is enabled by the server config the compose file mounts', () => {
    const access = parse(readFileSync(ACCESS_PATH, 'utf8')) as { access_control_improvements?: { settings_constraints_replace_previous?: boolean } };
    expect(access.access_control_improvements?.settings_constraints_replace_previous).toBe(true);
    expect(readFileSync('docker-compose.yml', 'utf8')).toContain(`./${ACCESS_PATH}:/etc/clickhouse-server/config.d/journeys-access.yaml:ro`);
  });
});
