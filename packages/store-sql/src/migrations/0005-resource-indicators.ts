import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

const tables = ['grantor_authorization_codes', 'grantor_interactions', 'grantor_refresh_tokens'] as const;

/**
 * RFC 8707 resource indicators: a nullable `resource` column (the space-delimited resource identifiers; an absolute
 * URI never contains a space) on authorization codes, interactions and refresh tokens — what the authorization
 * request named, so the token requests of that grant may only narrow to it. MySQL commits DDL statement by statement,
 * so a re-run after a half-applied migration skips a column that already exists (ER_DUP_FIELDNAME, 1060).
 */
export const m0005ResourceIndicators: Migration = {
  id: '0005_resource_indicators',
  up: async (db: Kysely<unknown>, dialect) => {
    for (const table of tables) {
      await db.schema
        .alterTable(table)
        .addColumn('resource', 'text')
        .execute()
        .catch((e: unknown) => {
          if (dialect !== 'mysql' || (e as { errno?: unknown }).errno !== 1060) throw e;
        });
    }
  },
};
