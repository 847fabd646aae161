/**
 * Conversions between the model's objects (Dates, scope arrays or strings, user objects) and Grantor's records
 * (epoch seconds, scope arrays, subject strings).
 */
import type { ModelClient, ModelScope, ModelUser } from './model.js';

/** Far future for model records without an expiry (a refresh token without `refreshTokenExpiresAt`). */
export const noExpiry = 253_402_300_799; // 9999-12-31T23:59:59Z

/** Scope from a model value: an array (v5) or a space-delimited string (v4); anything else is no scope. */
export const scopeFromModel = (scope: unknown): readonly string[] =>
  Array.isArray(scope)
    ? [...new Set(scope.filter((s): s is string => typeof s === 'string' && s !== ''))]
    : typeof scope === 'string'
      ? [...new Set(scope.split(' ').filter((s) => s !== ''))]
      : [];

/** Scope for the model: an array for v5 models, a space-delimited string for v4 models. */
export const scopeForModel = (scope: readonly string[], version: 4 | 5): ModelScope => (version === 4 ? scope.join(' ') : [...scope]);

export const sameScope = (a: readonly string[], b: readonly string[]): boolean => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((s) => right.has(s));
};

/** Epoch seconds of a model `Date`; `undefined` for anything that is not a valid Date. */
export const secondsOf = (value: unknown): number | undefined =>
  value instanceof Date && !Number.isNaN(value.getTime()) ? Math.floor(value.getTime() / 1000) : undefined;

export const dateOf = (seconds: number): Date => new Date(seconds * 1000);

/** `redirectUris` / `grants` of a client: the specification allows a string or an array. */
export const listOf = (value: unknown): readonly string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' && value !== '' ? [value] : [];

/**
 * The default subject of a user object: the first of `id`, `sub`, `userId`, `_id`, `username` that is a non-empty
 * string or a finite number (as a string); `undefined` when there is none (e.g. the `{}` many models return from
 * `getUserFromClient`).
 */
export const defaultSubject = (user: ModelUser): string | undefined => {
  for (const key of ['id', 'sub', 'userId', '_id', 'username']) {
    const value = user[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'object' && value !== null && typeof (value as { toString?: unknown }).toString === 'function' && key === '_id') {
      const text = String(value);
      if (text !== '' && text !== '[object Object]') return text;
    }
  }
  return undefined;
};

/** The scopes a client object declares (`scope` or `scopes`, string or array); empty when it declares none. */
export const declaredScope = (client: ModelClient): readonly string[] => scopeFromModel(client['scope'] ?? client['scopes']);

export const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;
