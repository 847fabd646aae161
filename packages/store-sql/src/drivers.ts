import type { SqlDialect } from './dialect.js';

/**
 * The database drivers are optional peer dependencies: an application installs only the one its database needs, and
 * the store imports it the first time a connection of that dialect is opened.
 */
export type DriverPackage = 'pg' | 'mysql2' | 'better-sqlite3';

/** The package each dialect needs. */
export const driverPackageOf: Readonly<Record<SqlDialect, DriverPackage>> = Object.freeze({
  postgres: 'pg',
  mysql: 'mysql2',
  sqlite: 'better-sqlite3',
});

/** Stable `code` of the error raised when a dialect's driver package is not installed. */
export const DRIVER_MISSING = 'GRANTOR_SQL_DRIVER_MISSING';

/**
 * Raised (as the rejection of the first query, hence of `openSqlStore` and `migrate`, and as the `cause` of the
 * `StoreError` a port call returns) when the driver package of the requested dialect cannot be found.
 */
export interface DriverMissingError extends Error {
  readonly code: typeof DRIVER_MISSING;
  readonly dialect: SqlDialect;
  /** The package to install. */
  readonly driver: DriverPackage;
  /** The command that installs it with npm. */
  readonly install: string;
}

export const isDriverMissingError = (e: unknown): e is DriverMissingError =>
  e instanceof Error && (e as { code?: unknown }).code === DRIVER_MISSING;

/** Imports a driver package by name (the default `import()`; tests inject another). */
export type DriverLoader = (name: DriverPackage) => Promise<unknown>;

export const importDriver: DriverLoader = (name) => import(name);

const dialectNames: Readonly<Record<SqlDialect, string>> = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB', sqlite: 'SQLite' };

/** Whether `e` says that the package `name` itself (not one of its own dependencies) could not be resolved. */
const notFound = (e: unknown, name: string): boolean => {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    (message.includes(`'${name}'`) || message.includes(`"${name}"`))
  );
};

const driverMissingError = (dialect: SqlDialect, target: string, cause?: unknown): DriverMissingError => {
  const driver = driverPackageOf[dialect];
  const install = `npm i ${driver}`;
  const error = new Error(
    `@grantor/store-sql: ${target} needs the ${dialectNames[dialect]} driver, which is not installed: install the \`${driver}\` package (${install})`,
    cause === undefined ? undefined : { cause },
  );
  return Object.assign(error, { name: 'DriverMissingError', code: DRIVER_MISSING, dialect, driver, install } as const);
};

/**
 * Loads the driver of `dialect` with `load`; a missing package becomes a `DriverMissingError` naming the package to
 * install (`target` says which connection needed it, without a password). Any other failure is rethrown as is.
 */
export const loadDriver = async <M>(dialect: SqlDialect, target: string, load: DriverLoader): Promise<M> => {
  const name = driverPackageOf[dialect];
  try {
    const mod = (await load(name)) as { readonly default?: M };
    // CommonJS drivers: the module object is the default export.
    return (mod.default ?? mod) as M;
  } catch (e) {
    if (notFound(e, name)) throw driverMissingError(dialect, target, e);
    throw e;
  }
};
