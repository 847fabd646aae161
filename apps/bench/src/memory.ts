/**
 * Bytes per live opaque access token held by @grantor/store-memory: saves N AccessTokenRecords through the
 * AccessTokenStore port (as the core would after issuing them) and compares the V8 heap before and after, each after a
 * full GC. Run with `node --expose-gc dist/memory.js` (MEMORY_TOKENS, default 1,000,000).
 */
import { createHash } from 'node:crypto';
import { createMemoryStore } from '@grantor/store-memory';
import type { AccessTokenRecord, AccessTokenStore } from '@grantor/core/extend';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with --expose-gc (node --expose-gc dist/memory.js)');
  process.exit(2);
}
const fullGc = (): void => {
  for (let i = 0; i < 3; i++) gc();
};

const count = Number(process.env['MEMORY_TOKENS'] ?? 1_000_000);
const now = Math.floor(Date.now() / 1000);

/**
 * The kinds of token the core issues: client_credentials (no subject and no grant id: nothing can revoke such tokens
 * as a group, so the core draws none) and user tokens (authorization_code / refresh_token: a subject, several
 * scopes, auth_time, the grant id of their code or refresh family).
 */
const variants = {
  client_credentials: (i: number): AccessTokenRecord => ({
    id: createHash('sha256').update(`token-${i}`).digest('base64url'),
    format: 'opaque',
    clientId: 'bench-client',
    scope: ['api'],
    issuedAt: now,
    expiresAt: now + 3600,
  }),
  authorization_code: (i: number): AccessTokenRecord => ({
    id: createHash('sha256').update(`token-${i}`).digest('base64url'),
    format: 'opaque',
    clientId: 'bench-client',
    subject: `user-${i % 10_000}`,
    scope: ['openid', 'profile', 'api'],
    grantId: createHash('sha256').update(`grant-${i}`).digest('base64url').slice(0, 22),
    authTime: now - 60,
    issuedAt: now,
    expiresAt: now + 3600,
  }),
} as const;

const measure = async (name: keyof typeof variants): Promise<void> => {
  const make = variants[name];
  fullGc();
  const before = process.memoryUsage();
  const store = createMemoryStore();
  const tokens: AccessTokenStore = store.accessTokens;
  for (let i = 0; i < count; i++) {
    const saved = await tokens.save(make(i))();
    if (saved._tag === 'Left') throw new Error(`save failed: ${JSON.stringify(saved.left)}`);
  }
  fullGc();
  const after = process.memoryUsage();
  // Keep the store reachable until after the measurement, and check a token is really there.
  const probe = await tokens.find(make(count - 1).id)();
  if (probe._tag !== 'Right' || probe.right._tag !== 'Some') throw new Error('the last token saved is not found');
  const heap = (after.heapUsed - before.heapUsed) / count;
  const rss = (after.rss - before.rss) / count;
  console.log(`${name.padEnd(20)} ${count.toLocaleString('en')} live opaque tokens: ${heap.toFixed(0)} B/token heap used (${((after.heapUsed - before.heapUsed) / 1048576).toFixed(0)} MiB), ${rss.toFixed(0)} B/token RSS`);
};

const main = async (): Promise<void> => {
  console.log(`@grantor/store-memory, Node ${process.version}`);
  await measure('client_credentials');
  fullGc();
  await measure('authorization_code');
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
