import { decodeTime, encodeTime, type Time } from '../compact.js';
import { sweepMap, type Table } from './table.js';

/**
 * Grant tombstones: RFC 6749 §4.1.2 (a replayed code revokes the tokens issued from it) and RFC 9700 §4.14.2 (refresh
 * reuse revokes the family). A replay may be judged between the winner's store calls, before its tokens are saved:
 * `revokeGrant` leaves a tombstone and every token of that grant saved (or rotated into) afterwards is saved revoked,
 * so revocation holds whatever the order of the calls.
 */
export interface RevokedGrants {
  /** Records the revocation; the first instant is kept. */
  readonly record: (grantId: string, now: number) => void;
  /** When the grant was revoked (encoded time), or `undefined`. */
  readonly revokedAt: (grantId: string | undefined) => Time | undefined;
}

/** How long a tombstone is kept: far longer than an issuance that started before the revocation can still run. */
const retentionSeconds = 86_400;

export const revokedGrantTable = (): Table<RevokedGrants> => {
  const rows = new Map<string, Time>();
  return {
    port: {
      record: (grantId, now) => {
        if (!rows.has(grantId)) rows.set(grantId, encodeTime(now));
      },
      revokedAt: (grantId) => (grantId === undefined ? undefined : rows.get(grantId)),
    },
    sweep: (now, budget) => sweepMap(rows, (at) => decodeTime(at) <= now - retentionSeconds, budget),
    size: () => rows.size,
  };
};
