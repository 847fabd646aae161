import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { type StoreError } from '@grantor/core';
import { storeError } from '@grantor/core/extend';

/**
 * Driver errors → `StoreError` values. Classification is by the drivers' stable codes: PostgreSQL SQLSTATE,
 * MySQL/MariaDB errno, SQLite result codes, Node socket error codes.
 */

const codeOf = (e: unknown): string | undefined => {
  if (typeof e !== 'object' || e === null) return undefined;
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' ? c : typeof c === 'number' ? String(c) : undefined;
};
const errnoOf = (e: unknown): number | undefined => {
  if (typeof e !== 'object' || e === null) return undefined;
  const n = (e as { errno?: unknown }).errno;
  return typeof n === 'number' ? n : undefined;
};
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** PostgreSQL 40001 serialization_failure, 40P01 deadlock; MySQL 1213 deadlock, 1205 lock wait timeout; SQLITE_BUSY. */
export const isSerializationFailure = (e: unknown): boolean => {
  const code = codeOf(e);
  const errno = errnoOf(e);
  return (
    code === '40001' ||
    code === '40P01' ||
    errno === 1213 ||
    errno === 1205 ||
    code === 'ER_LOCK_DEADLOCK' ||
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    (code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')))
  );
};

const transientNodeCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'POOL_CLOSED']);
/** PostgreSQL SQLSTATEs meaning "try again later": 08 connection exceptions, 53 insufficient resources, 57 operator intervention (statement timeout, admin shutdown), 55P03 lock not available. */
const transientPgPrefixes = ['08', '53', '57', '55P03'];
/** MySQL/MariaDB: too many connections, server gone away, lost connection, statement time exceeded, connection killed. */
const transientMysqlErrnos = new Set([1040, 1053, 1927, 2002, 2003, 2006, 2013, 3024, 1969, 4031]);
const transientMessages = [/timeout exceeded when trying to connect/i, /connection terminated/i, /connection.*(closed|ended|lost)/i, /client was closed/i, /queue limit reached/i, /no connections available/i, /pool is closed/i, /cannot enqueue/i, /timed out/i, /server has gone away/i];

/** Faults a retry later may cure: connection refused/lost, pool exhausted, timeouts, serialization failures. */
export const isTransient = (e: unknown): boolean => {
  if (isSerializationFailure(e)) return true;
  const code = codeOf(e);
  const errno = errnoOf(e);
  if (code !== undefined && transientNodeCodes.has(code)) return true;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && transientPgPrefixes.some((p) => code.startsWith(p))) return true;
  if (errno !== undefined && transientMysqlErrnos.has(errno)) return true;
  if (code === 'SQLITE_IOERR' || code === 'SQLITE_FULL' || code === 'SQLITE_CANTOPEN') return false;
  const message = messageOf(e);
  if (transientMessages.some((r) => r.test(message))) return true;
  // AggregateError from a connection attempt to every resolved address.
  const errors = (e as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every(isTransient);
};

export const toStoreError = (operation: string, e: unknown): StoreError =>
  storeError(`${operation}: ${messageOf(e)}${codeOf(e) === undefined ? '' : ` (${codeOf(e)})`}`, { transient: isTransient(e), cause: e });

export interface RunOptions {
  /** Retries after a serialization failure / deadlock (the whole operation, including its transaction, is re-run). */
  readonly serializationRetries: number;
  /** An operation still running after this many milliseconds yields a transient `StoreError`. */
  readonly operationTimeoutMs: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const withTimeout = <A>(p: Promise<A>, ms: number, operation: string): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${operation} timed out after ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
};

/**
 * Runs one store operation as a `TaskEither`: never rejects; serialization failures are retried (bounded, with a
 * small jittered backoff); the whole attempt sequence is bounded by `operationTimeoutMs`.
 */
export const runner =
  (options: RunOptions) =>
  <A>(operation: string, f: () => Promise<A>): TaskEither<StoreError, A> =>
  async () => {
    const attempts = async (): Promise<A> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await f();
        } catch (e) {
          if (attempt >= options.serializationRetries || !isSerializationFailure(e)) throw e;
          await pause(Math.min(200, 5 * 2 ** attempt) + Math.floor(Math.random() * 10));
        }
      }
    };
    try {
      const run = attempts();
      // A late rejection after the timeout fired must not become an unhandled rejection.
      run.catch(() => undefined);
      return E.right(await withTimeout(run, options.operationTimeoutMs, operation));
    } catch (e) {
      return E.left(toStoreError(operation, e));
    }
  };
