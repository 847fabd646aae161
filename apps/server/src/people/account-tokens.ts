import { createHash, randomBytes } from 'node:crypto';
import type { AccountTokenPurpose, AccountTokenRecord, AccountTokenStore } from '@grantor/core/extend';

/** How long a mailed link works, in seconds: verification a day, reset an hour (short-lived), invitations a week. */
const tokenLifetimes: Readonly<Record<AccountTokenPurpose, number>> = { 'verify-email': 86_400, 'change-email': 86_400, 'reset-password': 3_600, invite: 7 * 86_400 };

const hashOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Issues a single-use token (256 random bits); only its SHA-256 is stored. Returns the token for the link. */
export const issueAccountToken = async (store: AccountTokenStore, purpose: AccountTokenPurpose, subject: string, email: string, now: number): Promise<string> => {
  const token = randomBytes(32).toString('base64url');
  const issuedAt = Math.floor(now);
  const saved = await store.save({ tokenHash: hashOf(token), purpose, subject, email, issuedAt, expiresAt: issuedAt + tokenLifetimes[purpose] })();
  if (saved._tag === 'Left') throw new Error(`account tokens: ${saved.left.detail}`);
  return token;
};

/**
 * Consumes a token (one compare-and-set in the store): the record when this call won, it is unexpired and for
 * `purpose`; undefined for unknown, reused, expired or other-purpose tokens (all look the same to the person).
 */
export const redeemAccountToken = async (store: AccountTokenStore, token: string, purpose: AccountTokenPurpose, now: number): Promise<AccountTokenRecord | undefined> => {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const r = await store.consume(hashOf(token), Math.floor(now))();
  if (r._tag === 'Left') throw new Error(`account tokens: ${r.left.detail}`);
  const outcome = r.right;
  if (outcome._tag !== 'Consumed') return undefined;
  return outcome.record.purpose === purpose && outcome.record.expiresAt > now ? outcome.record : undefined;
};
