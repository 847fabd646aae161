import * as E from 'fp-ts/lib/Either.js';
import type { ResourceServer } from '../config/resources.js';
import type { ScopeDefinition } from '../ports/registry.js';
import { isResourceIdentifier } from './resource-config.js';

/**
 * The wire form of registry entries (admin API, CLI `--json`, seed file): snake_case members like RFC 7591 metadata.
 * A scope: `{ name, description?, optional? }`. A resource: `{ identifier, scope?, access_token_format?,
 * access_token_lifetime?, introspection_client_ids? }` with `scope` space-separated (or an array).
 */
export interface ScopeView {
  readonly name: string;
  readonly description?: string;
  readonly optional: boolean;
}

export interface ResourceView {
  readonly identifier: string;
  readonly scope: string;
  readonly access_token_format?: 'opaque' | 'jwt';
  readonly access_token_lifetime?: number;
  readonly introspection_client_ids: readonly string[];
}

/** RFC 6749 §3.3 scope-token. */
const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const maxDescription = 500;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

export const scopeView = (s: ScopeDefinition): ScopeView => ({ name: s.name, ...(s.description === undefined ? {} : { description: s.description }), optional: s.optional });

export const resourceView = (r: ResourceServer): ResourceView => ({
  identifier: r.identifier,
  scope: r.scopes.join(' '),
  ...(r.accessTokenFormat === undefined ? {} : { access_token_format: r.accessTokenFormat }),
  ...(r.accessTokenLifetime === undefined ? {} : { access_token_lifetime: r.accessTokenLifetime }),
  introspection_client_ids: r.clientIds,
});

const description = (raw: unknown): E.Either<string, string | undefined> => {
  if (raw === undefined || raw === null || raw === '') return E.right(undefined);
  if (typeof raw !== 'string' || raw.length > maxDescription) return E.left(`description must be a string of at most ${maxDescription} characters`);
  return E.right(raw);
};

/**
 * A scope definition from its wire form (`base`: the entry being changed, whose name is kept). `openid` (OpenID
 * Connect Core §3.1.2.1: it makes the request an OpenID request) can never be optional.
 */
export const decodeScopeDefinition = (input: unknown, base?: ScopeDefinition): E.Either<string, ScopeDefinition> => {
  if (!isRecord(input)) return E.left('a scope must be a JSON object');
  const name = base?.name ?? input['name'];
  if (typeof name !== 'string' || !scopeToken.test(name)) return E.left('name must be a scope token (RFC 6749 §3.3: printable ASCII, no space, " or \\)');
  const optional = input['optional'] ?? base?.optional ?? false;
  if (typeof optional !== 'boolean') return E.left('optional must be true or false');
  if (name === 'openid' && optional) return E.left('openid cannot be optional: without it the request is not an OpenID Connect request');
  const raw = Object.hasOwn(input, 'description') ? input['description'] : base?.description;
  return E.map((d: string | undefined): ScopeDefinition => ({ name, ...(d === undefined ? {} : { description: d }), optional }))(description(raw));
};

const scopesOf = (raw: unknown): E.Either<string, readonly string[]> => {
  if (raw === undefined || raw === null) return E.right([]);
  const list = typeof raw === 'string' ? raw.split(' ').filter((s) => s !== '') : raw;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && scopeToken.test(s))) return E.left('scope must be scope tokens (a space-separated string or an array)');
  return E.right([...new Set(list as string[])]);
};

const clientIdsOf = (raw: unknown): E.Either<string, readonly string[]> => {
  if (raw === undefined || raw === null) return E.right([]);
  if (!Array.isArray(raw) || !raw.every((s) => typeof s === 'string' && s !== '')) return E.left('introspection_client_ids must be an array of client ids');
  return E.right([...new Set(raw as string[])]);
};

/**
 * An RFC 8707 resource from its wire form, laid over `base` when changing one (whose identifier is kept). The
 * identifier is an absolute URI without fragment (RFC 8707 §2); `null` clears an optional member.
 */
export const decodeResourceServer = (input: unknown, base?: ResourceServer): E.Either<string, ResourceServer> => {
  if (!isRecord(input)) return E.left('a resource must be a JSON object');
  const identifier = base?.identifier ?? input['identifier'];
  if (typeof identifier !== 'string' || !isResourceIdentifier(identifier)) return E.left('identifier must be an absolute URI without a fragment (RFC 8707 §2)');
  const pick = (key: string, kept: unknown): unknown => (Object.hasOwn(input, key) ? input[key] : kept);
  const format = pick('access_token_format', base?.accessTokenFormat);
  if (format !== undefined && format !== null && format !== 'opaque' && format !== 'jwt') return E.left("access_token_format must be 'opaque' or 'jwt'");
  const lifetime = pick('access_token_lifetime', base?.accessTokenLifetime);
  if (lifetime !== undefined && lifetime !== null && !(typeof lifetime === 'number' && Number.isInteger(lifetime) && lifetime > 0 && lifetime <= 31_536_000)) {
    return E.left('access_token_lifetime must be a positive whole number of seconds (at most a year)');
  }
  const scopes = scopesOf(pick('scope', base?.scopes));
  const clientIds = clientIdsOf(pick('introspection_client_ids', base?.clientIds));
  if (E.isLeft(scopes)) return scopes;
  if (E.isLeft(clientIds)) return clientIds;
  return E.right({
    identifier,
    scopes: scopes.right,
    clientIds: clientIds.right,
    ...(format === undefined || format === null ? {} : { accessTokenFormat: format as 'opaque' | 'jwt' }),
    ...(lifetime === undefined || lifetime === null ? {} : { accessTokenLifetime: lifetime as number }),
  });
};
