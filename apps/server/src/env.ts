/**
 * The reference server's environment: PORT, ISSUER, SEED, FRAMEWORK, DATABASE_URL, DATA_DIR, KEY_ENCRYPTION_SECRET,
 * KEY_ROTATION_DAYS, JWKS_ALLOW_HTTP, WORKERS, LOG_LEVEL, ADMIN_TOKEN, HOST, TRUST_PROXY, SEED_MODE, REGISTRATION,
 * REGISTRATION_TOKEN, REGISTRATION_TRUSTED_JWKS, REGISTRATION_SOFTWARE_IDS, REGISTRATION_RATE, THROTTLE_URL, THROTTLE_LOOPBACK,
 * PKCE_REQUIRED_FOR, REFRESH_REUSE_GRACE_SECONDS, CLIENT_ID_METADATA_DOCUMENTS, OUTBOUND_ALLOW_LOOPBACK, PROFILE.
 */
import { readPeopleEnv, type PeopleEnv } from './people/env.js';
import { readRegistrationEnv, type RegistrationEnv } from './registration-env.js';

export type Framework = 'express' | 'koa' | 'fastify';

/** A comma-separated host list (`example.com`, `*.example.com`); a malformed entry throws naming the variable. */
const hostList = <K extends string>(key: K, text: string | undefined): Partial<Record<K, readonly string[]>> => {
  const hosts = (text ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  const bad = hosts.find((h) => !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(h));
  if (bad !== undefined) throw new Error(`${key === 'cimdAllowedHosts' ? 'CLIENT_ID_METADATA_DOCUMENT_HOSTS' : 'CLIENT_ID_METADATA_DOCUMENT_DENY_HOSTS'}: ${JSON.stringify(bad)} is not a host name or *.domain`);
  return hosts.length === 0 ? {} : ({ [key]: hosts } as unknown as Partial<Record<K, readonly string[]>>);
};

/** Which proxies are trusted to report the client address: the nearest `hops` ones, or those at these addresses/CIDRs. */
export type TrustProxy = { readonly hops: number } | { readonly cidrs: readonly string[] };

/**
 * TRUST_PROXY: `1`, `2`… (that many proxies in front), or a comma-separated list of addresses / CIDRs
 * (`10.0.0.0/8, 127.0.0.1`); `0`, `false` or unset: none (X-Forwarded-For ignored).
 */
const parseTrustProxy = (text: string | undefined): TrustProxy | undefined => {
  if (text === undefined || /^(0|false|off|no)$/i.test(text)) return undefined;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 16) throw new Error(`TRUST_PROXY hop count must be at most 16, got ${text}`);
    return { hops };
  }
  if (/^(1|true|yes)$/i.test(text)) return { hops: 1 };
  const cidrs = text.split(',').map((c) => c.trim()).filter((c) => c !== '');
  for (const c of cidrs) {
    if (!/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(c)) throw new Error(`TRUST_PROXY must be a hop count or addresses/CIDRs, got ${JSON.stringify(c)}`);
  }
  return { cidrs };
};

export interface ServerEnv {
  readonly port: number;
  /** The issuer identifier, verbatim (RFC 8414 §2). */
  readonly issuer: string;
  readonly seedPath?: string;
  readonly framework: Framework;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  /** Which store to run on: memory (fresh every start), SQLite under `dataDir`, or `databaseUrl`. */
  readonly store: { readonly kind: 'memory' } | { readonly kind: 'sqlite'; readonly dir: string } | { readonly kind: 'url'; readonly url: string };
  /** Secret that encrypts private signing keys at rest in a SQL store (KEY_ENCRYPTION_SECRET). */
  readonly keyEncryptionSecret?: string;
  /** Rotate the signing keys every this many days (KEY_ROTATION_DAYS; absent: never on a schedule). */
  readonly keyRotationDays?: number;
  /** JWKS_ALLOW_HTTP=1: clients' `jwks_uri` may be plain http on loopback hosts (tests, local development). */
  readonly jwksAllowHttp?: boolean;
  /** HOST: the address to listen on (default 127.0.0.1; `0.0.0.0` / `::` in a container behind a proxy). */
  readonly host: string;
  /** TRUST_PROXY: which peers' `X-Forwarded-For` names the client address (hop count, or addresses/CIDRs); absent: none. */
  readonly trustProxy?: TrustProxy;
  /**
   * SEED_MODE: `missing` (default with SEED) adds seed clients not yet stored and leaves stored ones as an operator left
   * them; `overwrite` (default for the demo data) re-saves every seed client at start.
   */
  readonly seedMode: 'missing' | 'overwrite';
  /** ADMIN_TOKEN: a bootstrap bearer token for the admin API (at least 32 characters); absent: admin clients only. */
  readonly adminToken?: string;
  /** WORKERS: server processes (node:cluster) sharing the port and the store; more than 1 needs DATABASE_URL. */
  readonly workers: number;
  /** TOKEN_USAGE_FLUSH_SECONDS: how often access tokens' last use is written (coalesced; default 30). */
  readonly tokenUsageFlushSeconds: number;
  /** Sign-up, mail, ID-token claims (SIGNUP, MAIL_OUTBOX, SMTP_URL, MAIL_FROM, ID_TOKEN_CLAIMS, BREACHED_PASSWORD_CHECK). */
  readonly people: PeopleEnv;
  /**
   * THROTTLE_URL: where attempt counters live so limits hold across nodes — `redis://…` or `postgres://…`; absent:
   * in memory (one process).
   */
  readonly throttleUrl?: string;
  /** THROTTLE_LOOPBACK=1: per-address limits apply to loopback addresses too (off: a local reverse proxy is one address). */
  readonly throttleLoopback?: boolean;
  /** RFC 7591 dynamic client registration: REGISTRATION and the variables `registration-env.ts` reads. */
  readonly registration: RegistrationEnv;
  /**
   * PKCE_REQUIRED_FOR: `public` (default: the acceptance interface §5 lets a confidential client redeem a code
   * without PKCE) or `all` (OAuth 2.1 §4.1.1; the core's own default).
   */
  readonly pkceRequiredFor: 'public' | 'all';
  /**
   * REFRESH_REUSE_GRACE_SECONDS: the refresh-token reuse grace window for public clients (RFC 9700 §4.14.2), default
   * 0 — the acceptance interface §5 refuses every replay of a rotated token. Confidential clients get none.
   */
  readonly refreshReuseGraceSeconds: number;
  /**
   * CLIENT_ID_METADATA_DOCUMENTS: `on` (default) — a `client_id` that is an https URL names its own metadata document,
   * fetched on use (draft-ietf-oauth-client-id-metadata-document; public https addresses only); `off` — such ids are
   * unknown unless seeded.
   */
  readonly clientIdMetadataDocuments: boolean;
  /**
   * OUTBOUND_ALLOW_LOOPBACK=1: `jwks_uri` and client metadata documents may be plain http on loopback hosts and reach
   * loopback addresses (tests, local development; never in production). Other private addresses stay refused.
   */
  readonly outboundAllowLoopback?: boolean;
  /** CLIENT_ID_METADATA_DOCUMENT_HOSTS: the only hosts whose metadata documents are fetched (`example.com`, `*.example.com`). */
  readonly cimdAllowedHosts?: readonly string[];
  /** CLIENT_ID_METADATA_DOCUMENT_DENY_HOSTS: hosts whose metadata documents are never fetched (wins over the allow list). */
  readonly cimdDeniedHosts?: readonly string[];
  /**
   * PROFILE: `default`, or `fapi2` — the core's `profile: 'fapi2'` (FAPI 2.0 Security Profile §5.3.2: PAR only,
   * PKCE S256 for every client, `private_key_jwt` only, DPoP-bound tokens, codes live at most 60 s). Under `fapi2`
   * PKCE_REQUIRED_FOR and REFRESH_REUSE_GRACE_SECONDS are the profile's (`all`, 0); set otherwise they stop the start.
   */
  readonly profile: 'default' | 'fapi2';
}

/** Most processes WORKERS may ask for. */
const maxWorkers = 64;

const frameworks: readonly Framework[] = ['express', 'koa', 'fastify'];

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

/**
 * Reads the environment. A bad value is an `Error` naming the variable (the process exits before listening).
 * With `SEED` set and neither `DATA_DIR` nor `DATABASE_URL`, the store is in memory: a run with only PORT, ISSUER
 * and SEED never sees data from earlier runs.
 */
export const readEnv = (env: Readonly<Record<string, string | undefined>>): ServerEnv => {
  const portText = nonEmpty(env['PORT']) ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got ${JSON.stringify(portText)}`);
  }
  const issuer = nonEmpty(env['ISSUER']) ?? `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`ISSUER must be an absolute URL, got ${JSON.stringify(issuer)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('ISSUER must be an http(s) URL');
  if (url.search !== '' || url.hash !== '') throw new Error('ISSUER must not have a query or fragment (RFC 8414 §2)');
  const frameworkText = (nonEmpty(env['FRAMEWORK']) ?? 'fastify').toLowerCase();
  if (!frameworks.includes(frameworkText as Framework)) {
    throw new Error(`FRAMEWORK must be one of ${frameworks.join(', ')}, got ${JSON.stringify(frameworkText)}`);
  }
  const seedPath = nonEmpty(env['SEED']);
  const databaseUrl = nonEmpty(env['DATABASE_URL']);
  const dataDir = nonEmpty(env['DATA_DIR']);
  const secret = nonEmpty(env['KEY_ENCRYPTION_SECRET']);
  if (secret !== undefined && secret.length < 16) throw new Error('KEY_ENCRYPTION_SECRET must be at least 16 characters');
  const rotationText = nonEmpty(env['KEY_ROTATION_DAYS']);
  const rotationDays = rotationText === undefined || /^(0|off|never)$/i.test(rotationText) ? undefined : Number(rotationText);
  if (rotationDays !== undefined && !(Number.isFinite(rotationDays) && rotationDays > 0 && /^\d+(\.\d+)?$/.test(rotationText ?? ''))) {
    throw new Error(`KEY_ROTATION_DAYS must be a positive number of days (or 0 / off), got ${JSON.stringify(rotationText)}`);
  }
  const jwksHttpText = nonEmpty(env['JWKS_ALLOW_HTTP']);
  if (jwksHttpText !== undefined && !/^(0|1|true|false)$/i.test(jwksHttpText)) throw new Error(`JWKS_ALLOW_HTTP must be 1 or 0, got ${JSON.stringify(jwksHttpText)}`);
  const jwksAllowHttp = jwksHttpText !== undefined && /^(1|true)$/i.test(jwksHttpText);
  const store: ServerEnv['store'] =
    databaseUrl !== undefined
      ? { kind: 'url', url: databaseUrl }
      : dataDir !== undefined
        ? { kind: 'sqlite', dir: dataDir }
        : seedPath !== undefined
          ? { kind: 'memory' }
          : { kind: 'sqlite', dir: './data' };
  const host = nonEmpty(env['HOST']) ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new Error(`HOST must be an IP address or host name, got ${JSON.stringify(host)}`);
  const trustProxy = parseTrustProxy(nonEmpty(env['TRUST_PROXY']));
  // The demo data (no SEED) is the server's own and follows ISSUER/PORT (its redirect URIs name the issuer), so it is
  // re-saved at every start unless SEED_MODE says otherwise; an operator's seed file defaults to `missing`.
  const seedModeText = (nonEmpty(env['SEED_MODE']) ?? (seedPath === undefined ? 'overwrite' : 'missing')).toLowerCase();
  if (seedModeText !== 'missing' && seedModeText !== 'overwrite') throw new Error(`SEED_MODE must be missing or overwrite, got ${JSON.stringify(seedModeText)}`);
  const adminToken = nonEmpty(env['ADMIN_TOKEN']);
  if (adminToken !== undefined && (adminToken.length < 32 || !/^[\x21-\x7e]+$/.test(adminToken))) {
    throw new Error('ADMIN_TOKEN must be at least 32 printable characters without spaces (e.g. `openssl rand -base64 32`)');
  }
  const workersText = nonEmpty(env['WORKERS']) ?? '1';
  const workers = Number(workersText);
  if (!/^\d+$/.test(workersText) || workers < 1 || workers > maxWorkers) {
    throw new Error(`WORKERS must be an integer between 1 and ${maxWorkers}, got ${JSON.stringify(workersText)}`);
  }
  if (workers > 1 && store.kind === 'sqlite') {
    throw new Error(
      `WORKERS=${workers} needs a database server: SQLite (DATA_DIR=${store.dir}) is one file written by one process. Set DATABASE_URL to PostgreSQL or MySQL/MariaDB to run several workers, or WORKERS=1.`,
    );
  }
  if (workers > 1 && store.kind === 'memory') {
    throw new Error(`WORKERS=${workers} needs a shared store: the in-memory store (SEED without DATA_DIR or DATABASE_URL) is private to each process. Set DATABASE_URL to PostgreSQL or MySQL/MariaDB, or WORKERS=1.`);
  }
  const usageText = nonEmpty(env['TOKEN_USAGE_FLUSH_SECONDS']) ?? '30';
  if (!/^\d{1,5}$/.test(usageText) || Number(usageText) < 1 || Number(usageText) > 86_400) {
    throw new Error(`TOKEN_USAGE_FLUSH_SECONDS must be a whole number of seconds from 1 to 86400, got ${JSON.stringify(usageText)}`);
  }
  const throttleUrl = nonEmpty(env['THROTTLE_URL']);
  if (throttleUrl !== undefined && !/^(redis|rediss|postgres|postgresql):\/\//i.test(throttleUrl)) {
    throw new Error('THROTTLE_URL must be a redis:// or postgres:// URL');
  }
  const throttleLoopbackText = nonEmpty(env['THROTTLE_LOOPBACK']);
  if (throttleLoopbackText !== undefined && !/^(0|1|true|false)$/i.test(throttleLoopbackText)) throw new Error(`THROTTLE_LOOPBACK must be 1 or 0, got ${JSON.stringify(throttleLoopbackText)}`);
  const registration = readRegistrationEnv(env);
  const profileText = (nonEmpty(env['PROFILE']) ?? 'default').toLowerCase();
  if (profileText !== 'default' && profileText !== 'fapi2') throw new Error(`PROFILE must be default or fapi2, got ${JSON.stringify(profileText)}`);
  const fapi2 = profileText === 'fapi2';
  const pkceText = (nonEmpty(env['PKCE_REQUIRED_FOR']) ?? (fapi2 ? 'all' : 'public')).toLowerCase();
  if (pkceText !== 'public' && pkceText !== 'all') throw new Error(`PKCE_REQUIRED_FOR must be public or all, got ${JSON.stringify(pkceText)}`);
  const graceText = nonEmpty(env['REFRESH_REUSE_GRACE_SECONDS']) ?? '0';
  if (!/^\d{1,3}$/.test(graceText) || Number(graceText) > 300) {
    throw new Error(`REFRESH_REUSE_GRACE_SECONDS must be a whole number of seconds from 0 to 300, got ${JSON.stringify(graceText)}`);
  }
  if (fapi2 && pkceText !== 'all') {
    throw new Error(`PKCE_REQUIRED_FOR=${pkceText} contradicts PROFILE=fapi2 (FAPI 2.0 Security Profile §5.3.2.2: PKCE for every client); unset it or set it to all`);
  }
  if (fapi2 && Number(graceText) !== 0) {
    throw new Error(`REFRESH_REUSE_GRACE_SECONDS=${graceText} contradicts PROFILE=fapi2 (no reuse of a rotated refresh token); unset it or set it to 0`);
  }
  const cimdText = (nonEmpty(env['CLIENT_ID_METADATA_DOCUMENTS']) ?? 'on').toLowerCase();
  if (!/^(on|off|1|0|true|false)$/.test(cimdText)) throw new Error(`CLIENT_ID_METADATA_DOCUMENTS must be on or off, got ${JSON.stringify(cimdText)}`);
  const loopbackText = nonEmpty(env['OUTBOUND_ALLOW_LOOPBACK']);
  if (loopbackText !== undefined && !/^(0|1|true|false)$/i.test(loopbackText)) throw new Error(`OUTBOUND_ALLOW_LOOPBACK must be 1 or 0, got ${JSON.stringify(loopbackText)}`);
  return {
    port,
    issuer,
    workers,
    tokenUsageFlushSeconds: Number(usageText),
    people: readPeopleEnv(env),
    registration,
    profile: profileText,
    pkceRequiredFor: pkceText,
    refreshReuseGraceSeconds: Number(graceText),
    clientIdMetadataDocuments: /^(on|1|true)$/.test(cimdText),
    ...hostList('cimdAllowedHosts', env['CLIENT_ID_METADATA_DOCUMENT_HOSTS']),
    ...hostList('cimdDeniedHosts', env['CLIENT_ID_METADATA_DOCUMENT_DENY_HOSTS']),
    ...(loopbackText !== undefined && /^(1|true)$/i.test(loopbackText) ? { outboundAllowLoopback: true } : {}),
    host,
    seedMode: seedModeText,
    ...(trustProxy === undefined ? {} : { trustProxy }),
    ...(throttleUrl === undefined ? {} : { throttleUrl }),
    ...(throttleLoopbackText !== undefined && /^(1|true)$/i.test(throttleLoopbackText) ? { throttleLoopback: true } : {}),
    framework: frameworkText as Framework,
    store,
    ...(seedPath === undefined ? {} : { seedPath }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(secret === undefined ? {} : { keyEncryptionSecret: secret }),
    ...(rotationDays === undefined ? {} : { keyRotationDays: rotationDays }),
    ...(jwksAllowHttp ? { jwksAllowHttp: true } : {}),
    ...(adminToken === undefined ? {} : { adminToken }),
  };
};
