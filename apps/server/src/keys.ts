import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jwePrivateKeySealer, type KeyRotationApi, type Logger } from '@grantor/core';
import type { PrivateKeySealer, StoredJwk } from '@grantor/store-sql';

/**
 * Signing keys of the reference server: private keys encrypted at rest (KEY_ENCRYPTION_SECRET, or a generated
 * `DATA_DIR/key-secret` for SQLite), scheduled rotation (KEY_ROTATION_DAYS) and picking up a rotation another process
 * (`rotate-keys`) made.
 */

export const keySecretFile = 'key-secret';

/**
 * The secret in `dir/key-secret`, created (32 random bytes, base64url, mode 0600) when missing. Only the database
 * file leaking (a copied or backed-up `grantor.sqlite`) is then harmless; set KEY_ENCRYPTION_SECRET from a secret
 * manager to keep the secret away from the data entirely.
 */
export const ensureSecretFile = (dir: string): string => {
  const file = path.join(dir, keySecretFile);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 16) throw new Error(`${file} holds no usable secret (delete it only if the database holds no keys yet)`);
  return secret;
};

/** True for a private JWK kept as plain JSON (the store-sql default), i.e. not sealed. */
export const isPlainJwk = (stored: string): boolean => stored.trimStart().startsWith('{');

/**
 * `jwePrivateKeySealer(secret)` (compact JWE, PBES2) for new and rewritten keys, opening keys stored as plain JSON
 * before encryption was enabled too, so turning KEY_ENCRYPTION_SECRET on needs no migration step (the server rewrites
 * such keys sealed at start, see `sealPlainKeys`).
 */
export const encryptingSealer = (secret: string): PrivateKeySealer => {
  const jwe = jwePrivateKeySealer(secret);
  return {
    seal: (jwk, kid) => jwe.seal(jwk, kid),
    open: async (stored, kid) => {
      if (!isPlainJwk(stored)) return jwe.open(stored, kid);
      const parsed = JSON.parse(stored) as unknown;
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { kty?: unknown }).kty !== 'string') throw new Error(`stored key ${kid} is malformed`);
      return parsed as StoredJwk;
    },
  };
};

/** One signing key as the schedule sees it (no key material). */
export interface KeyInfo {
  readonly kid: string;
  readonly status: string;
  /** Epoch seconds. */
  readonly createdAt: number;
  readonly retiredAt?: number;
}

/**
 * When the keys last changed: a rotation creates the fresh `next` key and retires the active one at that moment, so
 * the newest `createdAt`/`retiredAt` of the set is the last rotation (or the first start); undefined for no keys.
 */
export const lastKeyChange = (keys: readonly KeyInfo[]): number | undefined =>
  keys.length === 0 ? undefined : Math.max(...keys.map((k) => Math.max(k.createdAt, k.retiredAt ?? 0)));

/** True when the keys are `periodSeconds` old or older (a schedule survives restarts: it reads the stored keys). */
export const rotationDue = (keys: readonly KeyInfo[], now: number, periodSeconds: number): boolean => {
  const last = lastKeyChange(keys);
  return last !== undefined && now - last >= periodSeconds;
};

const fingerprint = (keys: readonly KeyInfo[]): string =>
  keys
    .map((k) => `${k.kid}:${k.status}`)
    .sort()
    .join(' ');

export interface KeyMaintenanceDeps {
  readonly keys: KeyRotationApi;
  /** The stored key set, without key material. */
  readonly keyInfo: () => Promise<readonly KeyInfo[]>;
  /** Rotation period in seconds (absent: never on a schedule). */
  readonly periodSeconds?: number;
  /** Epoch seconds. */
  readonly now: () => number;
  readonly logger: Logger;
}

export interface KeyMaintenance {
  /** One check: reload when another process changed the stored keys, rotate when due. Never rejects. */
  readonly tick: () => Promise<void>;
  /** Reloads the keys now (SIGHUP). Never rejects. */
  readonly reload: () => Promise<void>;
}

/**
 * The server's key upkeep, run every minute: when the stored set differs from what this process last saw (e.g.
 * `rotate-keys` ran), it reloads; when the keys are older than KEY_ROTATION_DAYS, it rotates (reloading first, so
 * several servers sharing a database rotate once). Retired keys stay published until the tokens they signed expire.
 */
export const keyMaintenance = (deps: KeyMaintenanceDeps): KeyMaintenance => {
  let seen: string | undefined;
  let running: Promise<void> | undefined;
  const report = (what: string, r: Awaited<ReturnType<KeyRotationApi['rotate']>>): void => {
    if (r._tag === 'Failed') deps.logger.log('error', `signing keys: ${what} failed`, { detail: r.error.detail });
    else deps.logger.log('info', `signing keys: ${what}`, { active: r.active.map((k) => `${k.alg} ${k.kid}`).join(', ') });
  };
  const remember = async (): Promise<void> => {
    seen = fingerprint(await deps.keyInfo());
  };
  const once = async (): Promise<void> => {
    const info = await deps.keyInfo();
    const print = fingerprint(info);
    if (seen !== undefined && print !== seen) {
      report('reloaded (changed in the store)', await deps.keys.reload());
      seen = print;
    }
    if (deps.periodSeconds !== undefined && rotationDue(info, deps.now(), deps.periodSeconds)) {
      report('rotated (KEY_ROTATION_DAYS)', await deps.keys.rotate());
      await remember();
    } else if (seen === undefined) seen = print;
  };
  const serial = (f: () => Promise<void>) => async (): Promise<void> => {
    const previous = running ?? Promise.resolve();
    const next = previous.then(f).catch((cause: unknown) => deps.logger.log('warn', 'signing keys: check failed', { cause: String(cause) }));
    running = next;
    await next;
  };
  return {
    tick: serial(once),
    reload: serial(async () => {
      report('reloaded (SIGHUP)', await deps.keys.reload());
      await remember();
    }),
  };
};
