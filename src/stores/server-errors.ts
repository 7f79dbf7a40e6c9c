import { ClickHouseError } from '@clickhouse/client';
import { StoreError } from './store.js';
import { isDiskFull } from './disk-full.js';

/**
 * ClickHouse error codes worth another try: overload, timeouts, network
 * trouble between replicas, Keeper hiccups, a replica briefly read-only.
 * Everything else (syntax, unknown table, auth…) fails the same way again.
 */
const RETRIABLE_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '203', // NO_FREE_CONNECTION
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '236', // ABORTED
  '242', // TABLE_IS_READ_ONLY (replica lost its Keeper session)
  '252', // TOO_MANY_PARTS
  '285', // TOO_FEW_LIVE_REPLICAS
  '286', // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
  '319', // UNKNOWN_STATUS_OF_INSERT
  '425', // SYSTEM_ERROR
  '999', // KEEPER_EXCEPTION
]);

/** Socket-level failures: the request may not have reached the server, or its answer was lost. */
const RETRIABLE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(code)) return code;
  }
  return undefined;
}

/** True when trying the same request again can succeed. */
export function isRetriableServerError(error: unknown): boolean {
  if (error instanceof StoreError) return error.retriable;
  if (error instanceof ClickHouseError) return RETRIABLE_CODES.has(error.code);
  const code = networkCode(error);
  if (code) return RETRIABLE_NETWORK.has(code);
  const message = error instanceof Error ? error.message : String(error);
  return /timeout|socket hang up/i.test(message);
}

/** What the caller was doing, for the message. */
export interface ErrorContext {
  /** The server URL with user, never the password. */
  server: string;
  username: string;
  database: string;
  /** e.g. `insert into events`, `query`. */
  action: string;
  sql?: string;
}

/**
 * Turns a client or server failure into a StoreError that says what to fix:
 * wrong URL (nothing listening, unknown host, not ClickHouse), wrong
 * credentials, missing database, read-only user; otherwise ClickHouse's own
 * first line, with the query.
 */
export function describeServerError(error: unknown, ctx: ErrorContext): StoreError {
  const retriable = isRetriableServerError(error);
  const options = { cause: error };
  const net = networkCode(error);
  if (net === 'ECONNREFUSED') {
    return new StoreError(`cannot reach ClickHouse at ${ctx.server}: connection refused. Is the server running, and is that its HTTP port (8123, or 8443 for https)?`, retriable, options);
  }
  if (net === 'ENOTFOUND' || net === 'EAI_AGAIN') {
    return new StoreError(`cannot reach ClickHouse at ${ctx.server}: unknown host. Check the host name in --store.`, retriable, options);
  }
  if (net === 'EPROTO' || net === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(String(error))) {
    return new StoreError(`cannot talk to ${ctx.server}: TLS mismatch. Use http:// for port 8123 and https:// for 8443.`, false, options);
  }
  if (error instanceof ClickHouseError) {
    const first = error.message.split('\n')[0] ?? error.message;
    if (error.code === '243' || isDiskFull(first)) {
      return new StoreError(
        `ClickHouse at ${ctx.server} is out of disk space, so ${ctx.action} failed (${first}). Free space on the server, then run the command again: what was written is kept.`,
        false,
        options,
      );
    }
    switch (error.code) {
      case '516': // AUTHENTICATION_FAILED
      case '192': // UNKNOWN_USER
      case '193': // WRONG_PASSWORD
      case '194': // REQUIRED_PASSWORD
        return new StoreError(
          `ClickHouse at ${ctx.server} rejected the credentials of user "${ctx.username}". Put the right ones in the URL: http://user:password@host:8123.`,
          false,
          options,
        );
      case '81': // UNKNOWN_DATABASE
        return new StoreError(
          `database "${ctx.database}" does not exist on ${ctx.server}. Create it with \`journeys migrate --store <url> --database ${ctx.database}\`, or pass the right --database.`,
          false,
          options,
        );
      case '164': // READONLY
        return new StoreError(`user "${ctx.username}" is read-only on ${ctx.server}, and ${ctx.action} writes: use the writer user (see README, docker compose).`, false, options);
      case '497': // ACCESS_DENIED
        return new StoreError(`user "${ctx.username}" may not do this on ${ctx.server} (${ctx.action}): ${first}`, false, options);
      default:
        return new StoreError(`ClickHouse at ${ctx.server} rejected ${ctx.action}: ${first}${ctx.sql ? `\n  query: ${ctx.sql.slice(0, 300).replace(/\s+/g, ' ')}` : ''}`, retriable, options);
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/<html|<!doctype|There is no handle|Cannot parse|Unexpected token/i.test(message)) {
    return new StoreError(`${ctx.server} does not answer like a ClickHouse server (${message.slice(0, 120).replace(/\s+/g, ' ')}). Is that the ClickHouse HTTP port?`, false, options);
  }
  return new StoreError(`${ctx.action} on ${ctx.server} failed: ${message}`, retriable, options);
}
