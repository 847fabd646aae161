import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { GrantorDatabase } from './schema.js';

/**
 * Statements compiled once. A statement is built with Kysely once, with placeholders where its parameters go, and
 * compiled to SQL once; each call only fills the parameter array and executes. Kysely's query building and
 * compiling (and, through `Connection.direct`, its per-query connection hand-off) leave the hot path:
 * - PostgreSQL: pools the store opens run registered statements as named prepared statements (`pg` parses each
 *   once per connection, then only binds and executes);
 * - SQLite: registered statements are `prepare`d once by better-sqlite3 and run synchronously;
 * - MySQL/MariaDB: outside transactions, registered statements go through mysql2's `execute` (server-side prepared
 *   statements, cached per connection by mysql2).
 * On a Kysely instance the caller passed in, statements are still compiled once and run through that instance.
 */

const placeholder = Symbol('grantor.placeholder');
interface Placeholder {
  readonly [placeholder]: string;
}
const isPlaceholder = (v: unknown): v is Placeholder => typeof v === 'object' && v !== null && placeholder in v;

/** What a statement returns, as Kysely's `QueryResult` (rows for reads and `RETURNING`, affected rows for writes). */
export type StatementResult<R> = QueryResult<R>;

/** Runs one compiled statement outside any transaction, bypassing Kysely's executor (see `Connection.direct`). */
export type DirectExecutor = (sql: string, parameters: readonly unknown[]) => Promise<QueryResult<unknown>>;

/** How the store's connection executes registered statements. */
export interface StatementRuntime {
  readonly db: Kysely<GrantorDatabase>;
  /** Tells the driver layer a statement's SQL is reused (names it on `pg`, caches it on better-sqlite3). */
  readonly register?: (sql: string) => void;
  readonly direct?: DirectExecutor;
}

export interface Statement<P> {
  /**
   * Runs the statement with `params`: on the store's connection, or on `trx` (a transaction's connection, see
   * `SqlContext.transaction`).
   */
  readonly run: <R = Record<string, unknown>>(params: P, trx?: Kysely<GrantorDatabase>) => Promise<StatementResult<R>>;
  /** The compiled SQL (for tests and diagnostics). */
  readonly sql: string;
}

type Slot = { readonly name: string } | { readonly value: unknown };

/**
 * Compiles `build(p)` once: `p('name')` stands for the parameter `name` (typed as `P['name']` so Kysely's value
 * types check). Every placeholder must end up as a bound parameter: the statement shape never depends on a value.
 */
export const statement = <P extends Readonly<Record<string, unknown>>>(
  rt: StatementRuntime,
  build: (p: <K extends keyof P & string>(name: K) => P[K]) => Compilable<unknown>,
): Statement<P> => {
  const p = <K extends keyof P & string>(name: K): P[K] => ({ [placeholder]: name }) as unknown as P[K];
  const compiled: CompiledQuery = build(p).compile();
  const slots: readonly Slot[] = compiled.parameters.map((v) => (isPlaceholder(v) ? { name: v[placeholder] } : { value: v }));
  if (compiled.sql.includes('[object Object]')) throw new Error(`@grantor/store-sql: a placeholder was inlined in ${compiled.sql}`);
  rt.register?.(compiled.sql);
  const fill = (params: P): unknown[] => {
    const out = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      out[i] = 'name' in s ? params[s.name] : s.value;
    }
    return out;
  };
  const direct = rt.direct;
  return {
    sql: compiled.sql,
    run: <R>(params: P, trx?: Kysely<GrantorDatabase>): Promise<StatementResult<R>> => {
      const parameters = fill(params);
      if (trx === undefined && direct !== undefined) return direct(compiled.sql, parameters) as Promise<StatementResult<R>>;
      const query: CompiledQuery<R> = { query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters };
      return (trx ?? rt.db).executeQuery(query);
    },
  };
};

/** The first row of a result, if any. */
export const firstRow = <R>(r: StatementResult<R>): R | undefined => r.rows[0];

/** True when the statement changed at least one row. */
export const changed = (r: StatementResult<unknown>): boolean => (r.numAffectedRows ?? 0n) > 0n;
