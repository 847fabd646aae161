import * as E from 'fp-ts/lib/Either.js';
import type { Scope } from '../domain/scope.js';
import { oauthError, type OAuthError } from '../errors/oauth-error.js';
import type { ResourceServer } from '../config/resources.js';
import { isResourceIdentifier } from '../codec/resource-config.js';

/**
 * RFC 8707 resource indicators: which audiences a request may name, and what a token for them looks like. The one
 * rule every grant follows: a token's audience is a set of resources that were both requested and registered, and,
 * for the `authorization_code` and `refresh_token` grants, also requested at the authorization endpoint.
 */

/** RFC 8707 §2: "invalid_target — The requested resource is invalid, missing, unknown, or malformed." */
const invalidTarget = (description: string, detail?: string): OAuthError =>
  oauthError('invalid_target', description, detail === undefined ? {} : { detail });

const findResource = (resources: readonly ResourceServer[], identifier: string): ResourceServer | undefined => resources.find((r) => r.identifier === identifier);

/**
 * RFC 8707 §2: the `resource` values of a request (several at the authorization endpoint, at most one at the token
 * endpoint here). Each must be an absolute URI without fragment that names a registered resource (exact string
 * comparison); otherwise `invalid_target`. Duplicates are dropped, order kept. No value: `undefined` (no audience).
 */
export const requestedResources = (resources: readonly ResourceServer[], values: readonly string[] | undefined): E.Either<OAuthError, readonly string[] | undefined> => {
  if (values === undefined || values.length === 0) return E.right(undefined);
  for (const value of values) {
    if (!isResourceIdentifier(value)) return E.left(invalidTarget('The resource parameter must be an absolute URI without a fragment.', 'malformed resource'));
    if (findResource(resources, value) === undefined) return E.left(invalidTarget('The requested resource is unknown.', `unknown resource ${value}`));
  }
  return E.right([...new Set(values)]);
};

/**
 * RFC 8707 §2.2 for grants that carry an earlier authorization (`authorization_code`, `refresh_token`): the token
 * request's `resource` must be one of the resources `granted` at the authorization endpoint; the audience is then
 * that one resource (a refresh may narrow to any granted resource, never add one). Without `resource`, the audience
 * is every granted resource.
 */
export const narrowedResources = (
  resources: readonly ResourceServer[],
  requested: string | undefined,
  granted: readonly string[] | undefined,
): E.Either<OAuthError, readonly string[] | undefined> => {
  if (requested === undefined) return E.right(granted === undefined || granted.length === 0 ? undefined : granted);
  return E.flatMap(requestedResources(resources, [requested]), (resource) =>
    resource !== undefined && resource.every((r) => granted?.includes(r) === true)
      ? E.right(resource)
      : E.left(invalidTarget('The resource was not part of the authorization grant.', `resource ${requested} not granted`)),
  );
};

/**
 * The scopes a token for `audience` carries: scopes that only other resources list are removed (a token for one API
 * never carries another API's scopes); scopes no resource lists (`openid`, `profile`, …) stay. A resource with an
 * empty scope list accepts every scope.
 */
export const scopeForAudience = (resources: readonly ResourceServer[], audience: readonly string[] | undefined, scope: Scope): Scope => {
  if (audience === undefined || audience.length === 0) return scope;
  const targets = audience.map((id) => findResource(resources, id)).filter((r): r is ResourceServer => r !== undefined);
  if (targets.some((r) => r.scopes.length === 0)) return scope;
  const accepted = new Set(targets.flatMap((r) => r.scopes));
  const resourceScopes = new Set(resources.flatMap((r) => r.scopes));
  return scope.filter((s) => accepted.has(s) || !resourceScopes.has(s));
};

/** What an audience changes in the access token: its `aud`, its scope, and the format and lifetime the resources set. */
export interface AudienceFacts {
  readonly audience?: readonly string[];
  readonly scope: Scope;
  readonly accessTokenFormat?: 'opaque' | 'jwt';
  readonly accessTokenLifetime?: number;
}

/**
 * The access-token facts for `audience`: the format when every audience agrees on one, the shortest lifetime any of
 * them sets (RFC 8707 §1: the resource's policy decides).
 */
export const audienceFacts = (resources: readonly ResourceServer[], audience: readonly string[] | undefined, scope: Scope): AudienceFacts => {
  const narrowed = scopeForAudience(resources, audience, scope);
  if (audience === undefined || audience.length === 0) return { scope: narrowed };
  const targets = audience.map((id) => findResource(resources, id)).filter((r): r is ResourceServer => r !== undefined);
  const formats = [...new Set(targets.map((r) => r.accessTokenFormat))];
  const lifetimes = targets.flatMap((r) => (r.accessTokenLifetime === undefined ? [] : [r.accessTokenLifetime]));
  const format = formats.length === 1 ? formats[0] : undefined;
  return {
    audience,
    scope: narrowed,
    ...(format === undefined ? {} : { accessTokenFormat: format }),
    ...(lifetimes.length === 0 ? {} : { accessTokenLifetime: Math.min(...lifetimes) }),
  };
};

/**
 * RFC 7662 §2.1 / §4: the client ids that may introspect a token with `audience` besides its own client: the clients
 * its resource servers authenticate as.
 */
export const introspectorsOf = (resources: readonly ResourceServer[], audience: readonly string[] | undefined): readonly string[] =>
  audience === undefined ? [] : audience.flatMap((id) => findResource(resources, id)?.clientIds ?? []);

/** The `issueTokens` members of an audience (`audience`, `accessTokenScope`, format and lifetime). */
export const audienceIssueFacts = (facts: AudienceFacts) => ({
  ...(facts.audience === undefined ? {} : { audience: facts.audience }),
  accessTokenScope: facts.scope,
  ...(facts.accessTokenFormat === undefined ? {} : { accessTokenFormat: facts.accessTokenFormat }),
  ...(facts.accessTokenLifetime === undefined ? {} : { accessTokenLifetime: facts.accessTokenLifetime }),
});
