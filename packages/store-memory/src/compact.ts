/**
 * Compact in-memory representation helpers. The store may hold millions of live tokens, so rows avoid per-row
 * allocations that repeat: times are kept as small integers (V8 "Smi"s, no heap box) relative to a base, and scopes,
 * audiences and client ids are interned (one shared frozen instance per distinct value).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { type StoreError } from '@grantor/core';
import { storeError } from '@grantor/core/extend';

/** Epoch seconds are stored relative to 2020-09-13 so they fit a 31-bit small integer until 2054. */
const base = 1_600_000_000;
const smiLimit = 2 ** 30;

/** A stored time: an offset Smi in the common case, a boxed value for anything unusual (fractions, far dates, -0). */
export type Time = number | { readonly raw: number };

export const encodeTime = (t: number): Time =>
  Number.isSafeInteger(t) && !Object.is(t, -0) && Math.abs(t - base) < smiLimit ? t - base : { raw: t };

export const decodeTime = (v: Time): number => (typeof v === 'number' ? v + base : v.raw);

export const encodeOptionalTime = (t: number | undefined): Time | undefined => (t === undefined ? undefined : encodeTime(t));

export const decodeOptionalTime = (v: Time | undefined): number | undefined => (v === undefined ? undefined : decodeTime(v));

/** `true` when a row expiring at `expiresAt` is expired at `now` (the instant of expiry itself counts as expired). */
export const isExpired = (expiresAt: Time, now: number): boolean => decodeTime(expiresAt) <= now;

const emptyList: readonly string[] = Object.freeze([]);

/**
 * Interns client ids, subjects and string lists, up to `limit` distinct values of each (beyond that, values are kept
 * as given). Subjects have their own table so that many users cannot crowd the few client ids out.
 */
export interface Interner {
  readonly string: (s: string) => string;
  readonly subject: (s: string) => string;
  readonly list: (l: readonly string[]) => readonly string[];
}

const stringInterner = (limit: number): ((s: string) => string) => {
  const strings = new Map<string, string>();
  return (s) => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    if (strings.size < limit) strings.set(s, s);
    return s;
  };
};

export const interner = (limit: number): Interner => {
  const lists = new Map<string, readonly string[]>();
  return {
    string: stringInterner(limit),
    subject: stringInterner(limit),
    list: (l) => {
      if (l.length === 0) return emptyList;
      const key = JSON.stringify(l);
      const known = lists.get(key);
      if (known !== undefined) return known;
      const frozen = Object.freeze([...l]);
      if (lists.size < limit) lists.set(key, frozen);
      return frozen;
    },
  };
};

/**
 * Runs `f` when the task is run, in one synchronous step: JavaScript runs it to completion before any other task, so
 * a check and a write inside `f` are atomic. A thrown exception (a bug) becomes a `StoreError` value.
 */
export const atomically =
  <A>(f: () => A): TaskEither<StoreError, A> =>
  () => {
    try {
      return Promise.resolve(E.right(f()));
    } catch (cause) {
      return Promise.resolve(E.left(storeError('memory store operation failed', { cause })));
    }
  };

/** Builds a record from members that may be `undefined`, leaving those out (`exactOptionalPropertyTypes`). */
export const defined = <T>(members: { readonly [K in keyof T]-?: T[K] | undefined }): T => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(members)) if (v !== undefined) out[k] = v;
  return out as T;
};
