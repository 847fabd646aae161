import * as E from 'fp-ts/lib/Either.js';
import type { Jwk, JwkSet, KeySet, SigningAlg, SigningKey } from '../ports/keys.js';

/**
 * Pure life cycle of the signing key set (RFC 7517 §5 publication, OIDC Core §10.1.1 rotation): a `next` key is
 * published ahead of use, `rotate` promotes it to `active` and retires the previous active key, and `prune` drops a
 * retired key once every token it can have signed has expired. Key material is generated outside (async) and passed
 * in, so these functions stay total and deterministic.
 */

/** Private members of every JWK type (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). Never published. */
export const privateJwkMembers: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The public part of a JWK: every member except the private ones. */
export const publicPart = (jwk: Jwk): Jwk => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(jwk)) if (!privateJwkMembers.includes(k)) out[k] = v;
  return out as Jwk;
};

export const emptyKeySet: KeySet = Object.freeze({ keys: [] });

/** The key that signs for `alg`, if any. */
export const activeKey = (set: KeySet, alg: SigningAlg): SigningKey | undefined => set.keys.find((k) => k.status === 'active' && k.alg === alg);

/** Algorithms of the set (those with an active or next key), in first-seen order. */
const algorithmsOf = (set: KeySet): readonly SigningAlg[] => [...new Set(set.keys.filter((k) => k.status !== 'retired').map((k) => k.alg))];

/**
 * What `rotate` needs: one fresh key per algorithm of the set, plus a second one for an algorithm that has no
 * `next` key yet (the fresh key then becomes active directly and the second one becomes next).
 */
export const freshKeysNeeded = (set: KeySet): readonly SigningAlg[] =>
  algorithmsOf(set).flatMap((alg) => (set.keys.some((k) => k.status === 'next' && k.alg === alg) ? [alg] : [alg, alg]));

/**
 * Rotation, per algorithm of the set: `next` → `active`, `active` → `retired` (at `now`), and a fresh key becomes
 * `next`. `fresh` holds newly generated keys (their status is ignored), consumed in order per algorithm; too few fresh
 * keys is a `Left` naming the algorithm, and the set is unchanged. Retired keys are kept (see `prune`).
 */
export const rotate = (set: KeySet, now: number, fresh: readonly SigningKey[]): E.Either<string, KeySet> => {
  const pool = [...fresh];
  const take = (alg: SigningAlg): SigningKey | undefined => {
    const i = pool.findIndex((k) => k.alg === alg);
    return i < 0 ? undefined : pool.splice(i, 1)[0];
  };
  const at = Math.floor(now);
  const result: SigningKey[] = set.keys.filter((k) => k.status === 'retired');
  for (const alg of algorithmsOf(set)) {
    const next = set.keys.find((k) => k.status === 'next' && k.alg === alg) ?? take(alg);
    const nextNext = take(alg);
    if (next === undefined || nextNext === undefined) return E.left(`rotation needs a fresh ${alg} key`);
    for (const k of set.keys) if (k.alg === alg && k.status === 'active') result.push({ ...k, status: 'retired', retiredAt: at });
    result.push({ ...next, status: 'active' });
    result.push({ ...nextNext, status: 'next' });
  }
  return E.right({ keys: result });
};

/**
 * Drops retired keys whose tokens have all expired: a key retired at `retiredAt` signed nothing after it, and no
 * token lives longer than `maxTokenLifetime`, so from `retiredAt + maxTokenLifetime` on nothing needs it.
 */
export const prune = (set: KeySet, now: number, maxTokenLifetime: number): KeySet => ({
  keys: set.keys.filter((k) => k.status !== 'retired' || (k.retiredAt ?? 0) + maxTokenLifetime > now),
});

/**
 * Adds `fresh` keys as `active` for every algorithm of `algs` that has no active key yet (first start). Keys for
 * other algorithms are ignored.
 */
export const ensureActive = (set: KeySet, algs: readonly SigningAlg[], fresh: readonly SigningKey[]): KeySet => {
  const missing = algs.filter((alg) => activeKey(set, alg) === undefined);
  const added = missing.flatMap((alg) => {
    const k = fresh.find((f) => f.alg === alg);
    return k === undefined ? [] : [{ ...k, status: 'active' as const }];
  });
  return { keys: [...set.keys, ...added] };
};

/** The algorithms of `algs` without an active key. */
export const missingActive = (set: KeySet, algs: readonly SigningAlg[]): readonly SigningAlg[] => algs.filter((alg) => activeKey(set, alg) === undefined);

/**
 * RFC 7517 §5 JWK Set for `jwks_uri`: next, active and retired keys, public members only, each with `kid`, `alg` and
 * `use: "sig"` (RFC 7517 §4.2–4.5).
 */
export const publishedJwks = (set: KeySet): JwkSet => ({
  keys: set.keys.map((k) => ({ ...publicPart(k.publicJwk), kid: k.kid, alg: k.alg, use: 'sig' })),
});
