import type { Kysely } from 'kysely';
import { addColumnOnce } from './add-column.js';
import type { Migration } from './types.js';

/**
 * RFC 8628 §3.1 with RFC 8707 §2: a nullable `resource` column on `grantor_device_codes` (the space-delimited
 * resources the device authorization request named; NULL when none) — the audiences the device code's tokens may have.
 */
export const m0011DeviceResource: Migration = {
  id: '0011_device_resource',
  up: async (db: Kysely<unknown>) => {
    await addColumnOnce(db, 'grantor_device_codes', 'resource', 'text');
  },
};
