import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Seed } from './seed.js';

const secret = (): string => randomBytes(24).toString('base64url');

/** What makes the demo data unique: the client secrets, the password and the user's subject. */
export interface DemoSecrets {
  readonly webSecret: string;
  readonly machineSecret: string;
  readonly password: string;
  readonly sub: string;
}

export const newDemoSecrets = (): DemoSecrets => ({ webSecret: secret(), machineSecret: secret(), password: secret(), sub: randomBytes(12).toString('hex') });

export const demoSecretsFile = 'demo-seed.json';

const isSecrets = (u: unknown): u is DemoSecrets =>
  typeof u === 'object' && u !== null && ['webSecret', 'machineSecret', 'password', 'sub'].every((k) => typeof (u as Record<string, unknown>)[k] === 'string' && (u as Record<string, string>)[k] !== '');

/**
 * The demo secrets kept in `dir/demo-seed.json` (mode 0600): created on the first start, read on every later one, so
 * clients, the user's `sub`, and with them tokens and consents, survive a restart on the same DATA_DIR.
 */
export const loadOrCreateDemoSecrets = (dir: string): DemoSecrets => {
  const file = path.join(dir, demoSecretsFile);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, `${JSON.stringify(newDemoSecrets(), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not valid JSON (delete it to get new demo data): ${(e as Error).message}`);
  }
  if (!isSecrets(parsed)) throw new Error(`${file} is not demo data of this server (delete it to get new demo data)`);
  return parsed;
};

/**
 * Demo data for a start without `SEED`: a confidential web client, a public PKCE client, a machine client, a device
 * client and one user. `secrets` (client secrets, password, `sub`) are new on every call unless given.
 */
export const demoSeed = (issuer: string, secrets: DemoSecrets = newDemoSecrets()): Seed => {
  // The last one is the server's own playground (`/demo`), which plays `demo-web`.
  const callbacks = ['http://localhost:8080/callback', 'http://127.0.0.1:8080/callback', `${issuer.replace(/\/+$/, '')}/demo/callback`];
  const clients: Record<string, unknown>[] = [
    {
      client_id: 'demo-web', client_secret: secrets.webSecret, client_name: 'Demo web app', redirect_uris: callbacks,
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      scope: 'openid profile email offline_access api:read api:write', token_endpoint_auth_method: 'client_secret_basic',
      post_logout_redirect_uris: ['http://localhost:8080/', 'http://127.0.0.1:8080/'],
    },
    {
      client_id: 'demo-spa', client_name: 'Demo single-page app (public, PKCE)', redirect_uris: callbacks,
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      scope: 'openid profile email api:read', token_endpoint_auth_method: 'none',
    },
    {
      client_id: 'demo-machine', client_secret: secrets.machineSecret, client_name: 'Demo machine client', redirect_uris: [],
      grant_types: ['client_credentials'], response_types: [], scope: 'api:read api:write',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'demo-device', client_name: 'Demo TV app (device flow)', redirect_uris: [],
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [],
      scope: 'openid profile api:read', token_endpoint_auth_method: 'none',
    },
  ];
  return {
    clients: clients.map((metadata) => ({ client_id: metadata['client_id'] as string, metadata })),
    users: [
      {
        username: 'demo',
        password: secrets.password,
        claims: {
          sub: secrets.sub, name: 'Demo User', given_name: 'Demo', family_name: 'User',
          preferred_username: 'demo', email: 'demo@example.test', email_verified: true,
        },
      },
    ],
  };
};

/** The lines printed at start so a developer can use the demo data. */
export const describeSeed = (seed: Seed): readonly string[] => [
  'demo clients:',
  ...seed.clients.map((c) => {
    const s = c.metadata['client_secret'];
    return `  ${c.client_id} (${String(c.metadata['token_endpoint_auth_method'])})${typeof s === 'string' ? ` secret=${s}` : ''} scope="${String(c.metadata['scope'])}"`;
  }),
  'demo users:',
  ...seed.users.map((u) => `  username=${u.username} password=${u.password} sub=${u.claims.sub}`),
];
