import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository's sql/ folder (same depth from src/stores and dist/stores). */
export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

export function readSql(relativePath: string): string {
  return readFileSync(join(SQL_DIR, relativePath), 'utf8');
}

export function listSql(folder: string): string[] {
  return readdirSync(join(SQL_DIR, folder))
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/**
 * Splits a migration file into statements on `;` at a line end. Comments are
 * kept with their statement; SQL in these files never has `;` inside strings.
 */
export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.replace(/--.*$/gm, '').trim().length > 0);
}
