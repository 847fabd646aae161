import { randomBytes } from 'node:crypto';
import type { Seed } from './seed.js';

const secret = (): string => randomBytes(24).toString('base64url');

/**
 * Demo data for a start without `SEED`: a confidential web client, a public PKCE client, a machine client, a device
 * client and one user. Secrets and the password are new on every start and printed once.
 */
export const demoSeed = (issuer: string): Seed => {
  const origin = new URL(issuer).origin;
  const callbacks = ['http://localhost:8080/callback', 'http://127.0.0.1:8080/callback', `${origin}/demo/callback`];
  const clients: Record<string, unknown>[] = [
    {
      client_id: 'demo-web', client_secret: secret(), client_name: 'Demo web app', redirect_uris: callbacks,
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      scope: 'openid profile email offline_access api:read api:write', token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'demo-spa', client_name: 'Demo single-page app (public, PKCE)', redirect_uris: callbacks,
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      scope: 'openid profile email api:read', token_endpoint_auth_method: 'none',
    },
    {
      client_id: 'demo-machine', client_secret: secret(), client_name: 'Demo machine client', redirect_uris: [],
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
        password: secret(),
        claims: {
          sub: randomBytes(12).toString('hex'), name: 'Demo User', given_name: 'Demo', family_name: 'User',
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
