import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Option } from 'fp-ts/lib/Option.js';
import { storeError, type StoreError } from '../errors/store-error.js';
import type { UserClaimsSource } from '../ports/identity.js';

/**
 * Where a claim's value comes from in the host's user record: a dotted path (`'contact.email'`, `'emails.0.value'` —
 * a numeric segment indexes an array), or a function of the whole record for anything else (formatting, defaults).
 */
type ClaimSource = string | ((user: unknown) => unknown);

/**
 * OIDC claim name → where its value is in the user record. A dotted claim name builds a nested claim, e.g.
 * `'address.street_address': 'postal.line1'` gives `{ address: { street_address: ... } }` (OIDC Core §5.1.1).
 */
export type ClaimsMappingSpec = Readonly<Record<string, ClaimSource>>;

/** Loads the host's raw user record by subject (`None`: no such user). */
export type UserRecordLoader = (subject: string) => TaskEither<StoreError, Option<unknown>>;

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null;

/**
 * The value at a dotted path, or `undefined` when any step is missing. Only own properties are read (never
 * `__proto__`, `constructor` or other inherited members).
 */
export const valueAtPath = (record: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((at, segment) => {
    if (!isObject(at)) return undefined;
    if (Array.isArray(at)) return /^(0|[1-9][0-9]*)$/.test(segment) ? at[Number(segment)] : undefined;
    return Object.prototype.hasOwnProperty.call(at, segment) ? at[segment] : undefined;
  }, record);

const setAtPath = (target: Record<string, unknown>, path: readonly string[], value: unknown): void => {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const existing = Object.prototype.hasOwnProperty.call(target, head) ? target[head] : undefined;
  const child: Record<string, unknown> = isObject(existing) && !Array.isArray(existing) ? { ...existing } : {};
  setAtPath(child, rest, value);
  target[head] = child;
};

const unsafeNames = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Applies a mapping to one user record. OIDC Core §5.3.2: a claim without a value is omitted (never sent as `null`),
 * so `undefined` and `null` values are left out. `sub` is not mapped here (the token's subject is always used).
 */
export const mapClaims = (spec: ClaimsMappingSpec, user: unknown): Readonly<Record<string, unknown>> => {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [claim, source] of Object.entries(spec)) {
    const path = claim.split('.');
    if (claim === 'sub' || path.some((p) => p === '' || unsafeNames.has(p))) continue;
    const value = typeof source === 'function' ? source(user) : valueAtPath(user, source);
    if (value !== undefined && value !== null) setAtPath(out, path, value);
  }
  return { ...out };
};

/**
 * A declarative `UserClaimsSource` (OIDC Core §5.1 claims, released by scope by userinfo and `idTokenUserClaims`):
 * `claimsMapping({ name: 'profile.displayName', email: 'contact.email', email_verified: 'contact.verified' })(loadUser)`
 * reads the host's user record through `loadUser` and maps its fields. A mapping function that throws is reported as
 * a store fault (never a throw out of an endpoint).
 */
export const claimsMapping =
  (spec: ClaimsMappingSpec) =>
  (load: UserRecordLoader): UserClaimsSource => ({
    claims: (subject) =>
      pipe(
        TE.of(undefined),
        TE.flatMap(() => load(subject)),
        TE.flatMap((found) =>
          O.isNone(found)
            ? TE.right(O.none)
            : TE.tryCatch(
                async () => O.some(mapClaims(spec, found.value)),
                (cause) => storeError('claims mapping failed', { cause }),
              ),
        ),
      ),
  });
