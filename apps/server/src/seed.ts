import { readFile } from 'node:fs/promises';
import type { Client, RegistrySeed, ScopeDefinition } from '@grantor/core';

/**
 * The seed file (acceptance interface §2): RFC 7591 client metadata and users with clear passwords. Unknown
 * members are ignored, never rejected. Passwords are hashed with argon2id at load; client metadata is decoded by the
 * core's codec (`clientFromMetadata`, secrets kept as SHA-256 hashes) in `app.ts`.
 */
export interface SeedClient {
  readonly client_id: string;
  /** The raw metadata object, as given (unknown members kept for the core's codec, which ignores them). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface SeedUser {
  readonly username: string;
  readonly password: string;
  readonly claims: Readonly<Record<string, unknown>> & { readonly sub: string };
}

/**
 * A protected resource (acceptance interface §6C, RFC 8707): `identifier` (absolute URI, no fragment) and the
 * space-separated `scope` it accepts; optional `access_token_format` (`opaque`/`jwt`), `access_token_lifetime`
 * (seconds) and `introspection_client_ids` (clients that may introspect its tokens). Unknown members are ignored.
 */
export interface SeedResource {
  readonly identifier: string;
  readonly scope: string;
  readonly accessTokenFormat?: 'opaque' | 'jwt';
  readonly accessTokenLifetime?: number;
  readonly clientIds: readonly string[];
}

/** A scope of the registry: `name`, the consent page's `description`, and whether a person may deselect it (`optional`). */
export type SeedScope = ScopeDefinition;

export interface Seed {
  readonly clients: readonly SeedClient[];
  readonly users: readonly SeedUser[];
  readonly resources?: readonly SeedResource[];
  readonly scopes?: readonly SeedScope[];
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

const fail = (where: string, message: string): never => {
  throw new Error(`seed: ${where}: ${message}`);
};

/** A client entry: an object with a `client_id`; the rest of its metadata is checked by the core's codec. */
const validateClient = (raw: unknown, i: number): SeedClient => {
  const where = `clients[${i}]`;
  if (!isRecord(raw)) return fail(where, 'must be an object');
  const id = raw['client_id'];
  if (typeof id !== 'string' || id === '') return fail(`${where}.client_id`, 'must be a non-empty string');
  return { client_id: id, metadata: raw };
};

const validateUser = (raw: unknown, i: number): SeedUser => {
  const where = `users[${i}]`;
  if (!isRecord(raw)) return fail(where, 'must be an object');
  const { username, password, claims } = raw;
  if (typeof username !== 'string' || username === '') return fail(`${where}.username`, 'must be a non-empty string');
  if (typeof password !== 'string' || password === '') return fail(`${where}.password`, 'must be a non-empty string');
  if (!isRecord(claims)) return fail(`${where}.claims`, 'must be an object');
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') return fail(`${where}.claims.sub`, 'must be a non-empty string');
  return { username, password, claims: { ...claims, sub } };
};

const validateResource = (raw: unknown, i: number): SeedResource => {
  const where = `resources[${i}]`;
  if (!isRecord(raw)) return fail(where, 'must be an object');
  const { identifier, scope } = raw;
  if (typeof identifier !== 'string' || identifier === '') return fail(`${where}.identifier`, 'must be a non-empty string');
  if (scope !== undefined && typeof scope !== 'string') return fail(`${where}.scope`, 'must be a space-separated string');
  const format = raw['access_token_format'];
  if (format !== undefined && format !== 'opaque' && format !== 'jwt') return fail(`${where}.access_token_format`, "must be 'opaque' or 'jwt'");
  const lifetime = raw['access_token_lifetime'];
  if (lifetime !== undefined && !(typeof lifetime === 'number' && Number.isInteger(lifetime) && lifetime > 0)) return fail(`${where}.access_token_lifetime`, 'must be a positive integer');
  const ids = raw['introspection_client_ids'] ?? [];
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) return fail(`${where}.introspection_client_ids`, 'must be an array of client ids');
  return {
    identifier,
    scope: scope ?? '',
    clientIds: ids as string[],
    ...(format === undefined ? {} : { accessTokenFormat: format }),
    ...(lifetime === undefined ? {} : { accessTokenLifetime: lifetime }),
  };
};

const validateScope = (raw: unknown, i: number): SeedScope => {
  const where = `scopes[${i}]`;
  if (!isRecord(raw)) return fail(where, 'must be an object');
  const { name, description, optional } = raw;
  if (typeof name !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(name)) return fail(`${where}.name`, 'must be a scope token');
  if (description !== undefined && typeof description !== 'string') return fail(`${where}.description`, 'must be a string');
  if (optional !== undefined && typeof optional !== 'boolean') return fail(`${where}.optional`, 'must be true or false');
  if (name === 'openid' && optional === true) return fail(`${where}.optional`, 'openid cannot be optional');
  return { name, optional: optional ?? false, ...(description === undefined || description === '' ? {} : { description }) };
};

/** Validates a parsed seed document; throws an `Error` naming the first bad member. */
export const parseSeed = (doc: unknown): Seed => {
  if (!isRecord(doc)) return fail('(root)', 'must be a JSON object');
  const clients = doc['clients'] ?? [];
  const users = doc['users'] ?? [];
  const resources = doc['resources'] ?? [];
  const scopes = doc['scopes'] ?? [];
  if (!Array.isArray(scopes)) return fail('scopes', 'must be an array');
  if (!Array.isArray(clients)) return fail('clients', 'must be an array');
  if (!Array.isArray(users)) return fail('users', 'must be an array');
  if (!Array.isArray(resources)) return fail('resources', 'must be an array');
  const seed: Seed = { clients: clients.map(validateClient), users: users.map(validateUser), resources: resources.map(validateResource), scopes: scopes.map(validateScope) };
  const ids = new Set<string>();
  for (const c of seed.clients) {
    if (ids.has(c.client_id)) fail('clients', `duplicate client_id ${JSON.stringify(c.client_id)}`);
    ids.add(c.client_id);
  }
  const names = new Set<string>();
  for (const u of seed.users) {
    if (names.has(u.username)) fail('users', `duplicate username ${JSON.stringify(u.username)}`);
    names.add(u.username);
  }
  return seed;
};

export const loadSeedFile = async (path: string): Promise<Seed> => {
  const text = await readFile(path, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new Error(`seed: ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseSeed(doc);
};

/**
 * The scopes the server knows: the OpenID Connect ones, every scope any seeded client may request and every scope a
 * seeded resource lists (acceptance interface §6C).
 */
export const knownScopes = (clients: readonly Client[], resources: readonly SeedResource[] = []): readonly string[] => [
  ...new Set(['openid', 'profile', 'email', 'offline_access', ...clients.flatMap((c) => c.scope), ...resources.flatMap((r) => r.scope.split(' ').filter((s) => s !== ''))]),
];

/** The OpenID Connect scopes in words a person reads; all but `openid` may be deselected on the consent page. */
const oidcScopes: readonly ScopeDefinition[] = [
  { name: 'openid', description: 'Sign you in with your account identifier', optional: false },
  { name: 'profile', description: 'Your name and profile details', optional: true },
  { name: 'email', description: 'Your email address', optional: true },
  { name: 'offline_access', description: 'Stay signed in (keep access while you are away)', optional: true },
];

/**
 * What the seed puts in the scope and resource registry: every known scope (the seed file's definition, else the
 * OpenID Connect one, else a bare required scope) and every seeded resource. The registry adds only what is missing
 * (SEED_MODE=missing), so an operator's change survives a restart.
 */
export const registrySeedOf = (scopes: readonly string[], defined: readonly SeedScope[], resources: readonly SeedResource[]): RegistrySeed => ({
  scopes: [...new Set([...defined.map((d) => d.name), ...scopes])].map(
    (name) => defined.find((d) => d.name === name) ?? oidcScopes.find((d) => d.name === name) ?? { name, optional: false },
  ),
  resources: resources.map((r) => ({
    identifier: r.identifier,
    scopes: r.scope.split(' ').filter((x) => x !== ''),
    clientIds: r.clientIds,
    ...(r.accessTokenFormat === undefined ? {} : { accessTokenFormat: r.accessTokenFormat }),
    ...(r.accessTokenLifetime === undefined ? {} : { accessTokenLifetime: r.accessTokenLifetime }),
  })),
});
