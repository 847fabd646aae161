/**
 * RFC 6749 §3.3: scope is a space-delimited list of case-sensitive strings of %x21 / %x23-5B / %x5D-7E.
 */
const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export type Scope = readonly string[];

/** Parses a scope parameter; `undefined` for a malformed value. Duplicates are removed, order kept. */
export const parseScope = (raw: string): Scope | undefined => {
  if (raw === '') return [];
  const parts = raw.split(' ');
  if (parts.some((p) => !scopeToken.test(p))) return undefined;
  return [...new Set(parts)];
};

export const formatScope = (scope: Scope): string => scope.join(' ');

/** True when every scope in `requested` is in `allowed`. */
export const isSubset = (requested: Scope, allowed: Scope): boolean => {
  const set = new Set(allowed);
  return requested.every((s) => set.has(s));
};

export const scopeDifference = (a: Scope, b: Scope): Scope => {
  const set = new Set(b);
  return a.filter((s) => !set.has(s));
};
