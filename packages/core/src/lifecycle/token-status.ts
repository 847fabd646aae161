import type { TokenEntry, TokenStatus } from '../ports/admin.js';

/**
 * A stored token's status at `now` (epoch seconds): `revoked` once revoked (RFC 7009 §2.2), `rotated` once a refresh
 * token was replaced by its successor (RFC 9700 §4.14.2), `expired` from its `exp` on, else `active`. Every store
 * filters by this one judgement.
 */
export const tokenStatus = (entry: TokenEntry, now: number): TokenStatus => {
  const r = entry.record;
  if (r.revokedAt !== undefined) return 'revoked';
  if (entry.kind === 'refresh_token' && entry.record.rotatedAt !== undefined) return 'rotated';
  return r.expiresAt <= now ? 'expired' : 'active';
};
