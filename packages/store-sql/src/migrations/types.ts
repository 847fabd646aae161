import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * One forward-only schema migration. Migrations ship inside the package as code (no files read at runtime) and are
 * applied in `id` order; an applied id is recorded in `grantor_migrations` and never run again. A published
 * migration is never edited: a change is a new migration.
 */
export interface Migration {
  /** Sortable, unique and stable forever, e.g. `0001_initial`. */
  readonly id: string;
  readonly up: (db: Kysely<unknown>, dialect: SqlDialect) => Promise<void>;
}
