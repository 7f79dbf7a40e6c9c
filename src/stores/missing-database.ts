import { StoreError } from './store.js';

/** Lists the databases a journeys migration created (they hold its ledger), for the message below. */
export const JOURNEYS_DATABASES_SQL = "SELECT DISTINCT database FROM system.tables WHERE name = 'schema_migrations' ORDER BY database";

/**
 * A read named a database that does not exist. Usually a typo in --database,
 * so it is the user's to fix (the CLI exits 2), and the message lists the
 * databases that do exist. Readers never create one: a misspelt name would
 * otherwise become an empty database that reports zeros.
 */
export class MissingDatabaseError extends StoreError {
  override name = 'MissingDatabaseError';
  constructor(
    readonly database: string,
    /** `where` reads after "does not exist", e.g. `in embedded:./.journeys`. */
    options: { where: string; existing: readonly string[] },
  ) {
    const choices =
      options.existing.length > 0
        ? `the journeys databases there are ${options.existing.join(', ')}: pass one of them with --database`
        : 'there is no journeys database there yet: create one with journeys migrate or journeys ingest';
    super(`database "${database}" does not exist ${options.where}; ${choices}.`, false);
  }
}
