// Signing throughput of the default jose signer (WebCrypto, async) vs nodeSigner (node:crypto KeyObject, sync).
// Not a test. Needs the builds: `npx tsc -p tsconfig.build.json` in packages/core and packages/node, then
// `node bench/signer.mjs [seconds per case, default 2]` from packages/node. One core: each case runs alone, sequentially.
import { cpus } from 'node:os';
import { memoryKeyStore } from '@grantor/core';
import { joseSigner } from '@grantor/core/extend';
import { nodeSigner } from '../dist/index.js';

const seconds = Number(process.argv[2] ?? 2);
const clock = { now: () => Math.floor(Date.now() / 1000) };
const payload = { iss: 'https://as.example', sub: 'alice', aud: 'api', client_id: 'app', scope: 'read write', iat: 1_700_000_000, exp: 1_700_000_600, jti: 'x'.repeat(22) };

const run = async (name, signer, alg) => {
  const once = async () => {
    const r = await signer.sign(payload, { alg, typ: 'at+jwt' })();
    if (r._tag === 'Left') throw new Error(r.left.detail);
  };
  for (let i = 0; i < 500; i++) await once(); // warm up: key import, JIT
  let n = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < until) {
    for (let i = 0; i < 50; i++) await once();
    n += 50;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { name, alg, perSecond: Math.round(n / elapsed) };
};

const rows = [];
for (const alg of ['ES256', 'RS256']) {
  const opts = { clock, algorithms: [alg], maxTokenLifetime: 600 };
  rows.push(await run('jose (WebCrypto)', joseSigner({ ...opts, store: memoryKeyStore() }), alg));
  rows.push(await run('node (node:crypto)', nodeSigner({ ...opts, keys: memoryKeyStore() }), alg));
}
console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${new Date().toISOString()}`);
for (const r of rows) console.log(`${r.alg.padEnd(6)} ${r.name.padEnd(20)} ${String(r.perSecond).padStart(8)} signs/s`);
