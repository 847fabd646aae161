import type { ReplayCache } from '@grantor/core/extend';
import { atomically, encodeTime, isExpired, type Time } from '../compact.js';
import { sweepMap, type Table } from './table.js';

/**
 * Single-use identifiers (RFC 7523 §3 `jti`) until they expire. A key is refused from its first `remember` until
 * the sweeper deletes it after `expiresAt` (the assertion itself is refused by its `exp` long before that).
 */
export const replayTable = (): Table<ReplayCache> => {
  const rows = new Map<string, Time>();
  return {
    port: {
      remember: (key, expiresAt) =>
        atomically(() => {
          if (rows.has(key)) return false;
          rows.set(key, encodeTime(expiresAt));
          return true;
        }),
    },
    sweep: (now, budget) => sweepMap(rows, (expiresAt) => isExpired(expiresAt, now), budget),
    size: () => rows.size,
  };
};
