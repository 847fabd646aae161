import { readFile } from 'node:fs/promises';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as O from 'fp-ts/lib/Option.js';
import type { UserClaimsSource } from '@grantor/core';

/**
 * The seed file (acceptance interface §2): RFC 7591 client metadata and users with clear passwords. Unknown
 * members are ignored, never rejected. Passwords are hashed with argon2id at load; client secrets are hashed with
 * SHA-256 when the metadata becomes a `Client` (see `clients.ts`).
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

export interface Seed {
  readonly clients: readonly SeedClient[];
  readonly users: readonly SeedUser[];
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const fail = (where: string, message: string): never => {
  throw new Error(`seed: ${where}: ${message}`);
};

const optionalStringArray = (where: string, v: unknown): void => {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(where, 'must be an array of strings');
};

const validateClient = (raw: unknown, i: number): SeedClient => {
  const where = `clients[${i}]`;
  if (!isRecord(raw)) return fail(where, 'must be an object');
  const id = raw['client_id'];
  if (typeof id !== 'string' || id === '') return fail(`${where}.client_id`, 'must be a non-empty string');
  for (const k of ['redirect_uris', 'grant_types', 'response_types', 'post_logout_redirect_uris']) optionalStringArray(`${where}.${k}`, raw[k]);
  for (const k of ['client_secret', 'client_name', 'scope', 'token_endpoint_auth_method']) {
    if (raw[k] !== undefined && typeof raw[k] !== 'string') fail(`${where}.${k}`, 'must be a string');
  }
  const scope = raw['scope'];
  if (typeof scope === 'string' && scope.trim() !== '' && scope.trim().split(/ +/).some((s) => !scopeToken.test(s))) {
    fail(`${where}.scope`, 'must be space-separated scope tokens (RFC 6749 §3.3)');
  }
  const jwks = raw['jwks'];
  if (jwks !== undefined && (!isRecord(jwks) || !Array.isArray(jwks['keys']) || !jwks['keys'].every(isRecord))) {
    fail(`${where}.jwks`, 'must be a JWK Set ({ "keys": [ ... ] })');
  }
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

/** Validates a parsed seed document; throws an `Error` naming the first bad member. */
export const parseSeed = (doc: unknown): Seed => {
  if (!isRecord(doc)) return fail('(root)', 'must be a JSON object');
  const clients = doc['clients'] ?? [];
  const users = doc['users'] ?? [];
  if (!Array.isArray(clients)) return fail('clients', 'must be an array');
  if (!Array.isArray(users)) return fail('users', 'must be an array');
  const seed: Seed = { clients: clients.map(validateClient), users: users.map(validateUser) };
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

/** The scopes the server knows: the OpenID Connect ones and every scope any seeded client may request. */
export const knownScopes = (seed: Seed): readonly string[] => {
  const all = new Set(['openid', 'profile', 'email', 'offline_access']);
  for (const c of seed.clients) {
    const scope = c.metadata['scope'];
    if (typeof scope === 'string') for (const s of scope.split(' ')) if (s !== '') all.add(s);
  }
  return [...all];
};

export interface User {
  readonly username: string;
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** The seeded users: password check (argon2id) and claims by subject (the core's `UserClaimsSource` port). */
export interface UserDirectory {
  readonly verify: (username: string, password: string) => Promise<User | undefined>;
  readonly bySubject: (subject: string) => User | undefined;
  readonly claimsSource: UserClaimsSource;
}

/** Hashes every password with argon2id (the library default algorithm) and builds the directory. */
export const createUserDirectory = async (users: readonly SeedUser[]): Promise<UserDirectory> => {
  const entries = await Promise.all(
    users.map(async (u) => ({ user: { username: u.username, subject: u.claims.sub, claims: u.claims }, hash: await argon2Hash(u.password) })),
  );
  const byName = new Map(entries.map((e) => [e.user.username, e]));
  const bySub = new Map(entries.map((e) => [e.user.subject, e.user]));
  // Unknown usernames are checked against a dummy hash so both paths cost the same.
  const dummy = await argon2Hash('not-a-password-of-anyone');
  const safeVerify = async (h: string, password: string): Promise<boolean> => {
    try {
      return await argon2Verify(h, password);
    } catch {
      return false;
    }
  };
  return {
    verify: async (username, password) => {
      const entry = byName.get(username);
      const ok = await safeVerify(entry?.hash ?? dummy, password);
      return ok && entry !== undefined ? entry.user : undefined;
    },
    bySubject: (subject) => bySub.get(subject),
    claimsSource: {
      claims: (subject) => TE.right(O.fromNullable(bySub.get(subject)?.claims)),
    },
  };
};
