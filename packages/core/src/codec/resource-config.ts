import type { RegistrationConfig, ResourceServer, SoftwareStatementPolicy } from '../config/resources.js';

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const fail = (field: string, expected: string): never => {
  throw new TypeError(`Invalid server config: ${field} must be ${expected}`);
};

/** RFC 8707 §2: a resource indicator is an absolute URI (RFC 3986 §4.3) without a fragment component. */
export const isResourceIdentifier = (value: string): boolean => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s#]+$/.test(value) && value.length <= 2048;

const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const scopesOf = (raw: unknown, field: string): readonly string[] => {
  if (raw === undefined) return [];
  const list = typeof raw === 'string' ? raw.split(' ').filter((s) => s !== '') : raw;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && scopeToken.test(s))) return fail(field, 'scope tokens (an array, or a space-separated string)');
  return Object.freeze([...new Set(list as string[])]);
};

const stringList = (raw: unknown, field: string): readonly string[] => {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every((s) => typeof s === 'string' && s !== '')) return fail(field, 'an array of non-empty strings');
  return Object.freeze([...new Set(raw as string[])]);
};

const decodeResource = (raw: unknown, i: number): ResourceServer => {
  const at = `resources[${i}]`;
  if (!isRecord(raw)) return fail(at, 'an object');
  const identifier = raw['identifier'];
  if (typeof identifier !== 'string' || !isResourceIdentifier(identifier)) return fail(`${at}.identifier`, 'an absolute URI without fragment (RFC 8707 §2)');
  const format = raw['accessTokenFormat'];
  if (format !== undefined && format !== 'opaque' && format !== 'jwt') fail(`${at}.accessTokenFormat`, "'opaque' or 'jwt'");
  const lifetime = raw['accessTokenLifetime'];
  if (lifetime !== undefined && !(typeof lifetime === 'number' && Number.isInteger(lifetime) && lifetime > 0)) fail(`${at}.accessTokenLifetime`, 'a positive integer');
  return Object.freeze({
    identifier,
    scopes: scopesOf(raw['scopes'] ?? raw['scope'], `${at}.scopes`),
    clientIds: stringList(raw['clientIds'], `${at}.clientIds`),
    ...(format === undefined ? {} : { accessTokenFormat: format as 'opaque' | 'jwt' }),
    ...(lifetime === undefined ? {} : { accessTokenLifetime: lifetime as number }),
  });
};

/** Decodes `config.resources` (RFC 8707): identifiers are absolute URIs without fragment, each listed once. */
export const decodeResources = (input: unknown): readonly ResourceServer[] => {
  if (input === undefined) return Object.freeze([]);
  if (!Array.isArray(input)) return fail('resources', 'an array');
  const resources = input.map(decodeResource);
  const ids = resources.map((r) => r.identifier);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) fail('resources', `distinct identifiers (${JSON.stringify(duplicate)} is repeated)`);
  return Object.freeze(resources);
};

const decodeSoftwareStatements = (raw: unknown): SoftwareStatementPolicy | undefined => {
  if (raw === undefined) return undefined;
  const at = 'registration.softwareStatements';
  if (!isRecord(raw)) return fail(at, 'an object');
  const jwks = raw['trustedKeys'];
  const keys = isRecord(jwks) ? jwks['keys'] : undefined;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => isRecord(k) && typeof k['kty'] === 'string' && k['d'] === undefined)) {
    return fail(`${at}.trustedKeys`, 'a JWK Set of public keys ({ keys: [...] }, at least one, no private members)');
  }
  return Object.freeze({
    trustedKeys: Object.freeze({ keys: Object.freeze(keys as SoftwareStatementPolicy['trustedKeys']['keys']) }),
    ...(raw['issuers'] === undefined ? {} : { issuers: stringList(raw['issuers'], `${at}.issuers`) }),
    ...(raw['approvedSoftwareIds'] === undefined ? {} : { approvedSoftwareIds: stringList(raw['approvedSoftwareIds'], `${at}.approvedSoftwareIds`) }),
  });
};

const modes: readonly string[] = ['closed', 'open', 'token', 'software_statement'];

/** Decodes `config.registration` (RFC 7591 §3): closed unless configured. */
export const decodeRegistration = (input: unknown): RegistrationConfig => {
  if (input === undefined) return Object.freeze({ mode: 'closed', initialAccessTokenHashes: Object.freeze([]) });
  if (!isRecord(input)) return fail('registration', 'an object');
  const mode = input['mode'] ?? 'closed';
  if (typeof mode !== 'string' || !modes.includes(mode)) return fail('registration.mode', "'closed', 'open', 'token' or 'software_statement'");
  const hashes = stringList(input['initialAccessTokenHashes'], 'registration.initialAccessTokenHashes');
  if (mode === 'token' && hashes.length === 0) fail('registration.initialAccessTokenHashes', "non-empty in 'token' mode");
  const statements = decodeSoftwareStatements(input['softwareStatements']);
  if (mode === 'software_statement' && statements === undefined) fail('registration.softwareStatements', "set in 'software_statement' mode (the trusted keys)");
  return Object.freeze({
    mode: mode as RegistrationConfig['mode'],
    initialAccessTokenHashes: hashes,
    ...(input['allowedScopes'] === undefined ? {} : { allowedScopes: scopesOf(input['allowedScopes'], 'registration.allowedScopes') }),
    ...(input['allowedGrantTypes'] === undefined ? {} : { allowedGrantTypes: stringList(input['allowedGrantTypes'], 'registration.allowedGrantTypes') }),
    ...(statements === undefined ? {} : { softwareStatements: statements }),
  });
};
