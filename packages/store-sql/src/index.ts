export { createSqlStore, openSqlStore, type SqlStore, type SqlStoreOptions } from './create-sql-store.js';
export { migrate, type MigrateOptions, type MigrateResult } from './migrate.js';
export { migrations, type Migration } from './migrations/index.js';
export { openConnection, parseDatabaseUrl, type Connection, type PoolSettings, type SqlConnectionConfig } from './connect.js';
export { detectDialect, type SqlDialect } from './dialect.js';
export { DRIVER_MISSING, driverPackageOf, isDriverMissingError, type DriverMissingError, type DriverPackage } from './drivers.js';
export { isSerializationFailure, isTransient, toStoreError } from './errors.js';
export type * from './schema.js';
export { plainJsonSealer, type PrivateKeySealer, type SqlKeyStore, type StoredJwk, type StoredKeySet, type StoredSigningAlg, type StoredSigningKey } from './stores/signing-keys.js';
