import * as E from 'fp-ts/lib/Either.js';
import { oauthError, type OAuthError } from '../errors/oauth-error.js';

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

/**
 * RFC 6749 §3.3 / §5.2: the `scope` parameter of a request, checked against what the requester may have (`allowed`:
 * the client's registered scope, or a narrower ceiling). Malformed, or asking for a scope beyond `allowed`, is
 * `invalid_scope` (the extra scopes in the private detail): a request is refused, never narrowed silently.
 * Omitted (`undefined`) yields `fallback`. The one scope check of the authorization, device authorization and token
 * endpoints.
 */
export const requestedScope = <F extends Scope | undefined>(
  raw: string | undefined,
  allowed: Scope,
  fallback: F,
  beyond = 'The requested scope is not allowed for this client.',
): E.Either<OAuthError, Scope | F> => {
  if (raw === undefined) return E.right(fallback);
  const scope = parseScope(raw);
  if (scope === undefined) return E.left(oauthError('invalid_scope', 'The scope parameter is malformed.'));
  return isSubset(scope, allowed) ? E.right(scope) : E.left(oauthError('invalid_scope', beyond, { detail: `not allowed: ${formatScope(scopeDifference(scope, allowed))}` }));
};
