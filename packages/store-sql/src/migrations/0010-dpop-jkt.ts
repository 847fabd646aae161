import type { Kysely } from 'kysely';
import { addColumnOnce } from './add-column.js';
import type { Migration } from './types.js';

/**
 * `dpop_jkt` on `grantor_interactions` and `grantor_authorization_codes`: the RFC 7638 thumbprint an authorization
 * request bound its code to (RFC 9449 §10 `dpop_jkt`, or a DPoP proof at PAR); NULL for unbound requests and codes.
 */
export const m0010DpopJkt: Migration = {
  id: '0010_dpop_jkt',
  up: async (db: Kysely<unknown>) => {
    for (const table of ['grantor_interactions', 'grantor_authorization_codes']) await addColumnOnce(db, table, 'dpop_jkt', 'varchar(255)');
  },
};
