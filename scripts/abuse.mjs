#!/usr/bin/env node
/**
 * `pnpm test:abuse`: reruns the hardening audit's checks against the reference server, bounded in count and time and
 * on loopback only, and prints the figures:
 *
 * - parallel throttle: 250 parallel wrong passwords for one account (from two nodes when there are two) and 250
 *   parallel wrong user codes in one browser session — how many were checked, how many refused with 429;
 * - secret guessing: 250 parallel wrong client secrets — how many were compared, how many refused with 429;
 * - NUL: NUL and other control characters in client_id, state, nonce and secrets — no 5xx;
 * - interleaving: two redemptions of one code at once (one per node) — the winner's refresh token must be revoked.
 *
 * Runs: SQLite on one node; PostgreSQL on one node; PostgreSQL on two nodes sharing Redis (THROTTLE_URL). PostgreSQL
 * and Redis default to 127.0.0.1 (GRANTOR_TEST_POSTGRES_URL, GRANTOR_TEST_REDIS_URL); a run whose database is not
 * reachable is reported as skipped. Exit code 1 when a limit was exceeded or a check failed.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const mainJs = path.join(root, 'apps/server/dist/main.js');
const requireFromServer = createRequire(path.join(root, 'apps/server/package.json'));
const postgresUrl = process.env.GRANTOR_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.GRANTOR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const parallel = 250;
const rounds = Number(process.env.ABUSE_ROUNDS ?? 20);
const deadline = Date.now() + Number(process.env.ABUSE_MINUTES ?? 10) * 60_000;

const rand = (n = 12) => randomBytes(n).toString('base64url');
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const seedFile = () => {
  const seed = {
    clients: [
      {
        client_id: `web-${rand(4)}`,
        client_secret: rand(32),
        client_name: 'Abuse web',
        redirect_uris: ['https://rp.example.test/cb'],
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        scope: 'openid offline_access',
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    users: [
      { username: `victim-${rand(4)}`, password: rand(16), claims: { sub: `sub-${rand(4)}` } },
      { username: `user-${rand(4)}`, password: rand(16), claims: { sub: `sub-${rand(4)}` } },
    ],
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'grantor-abuse-'));
  writeFileSync(path.join(dir, 'seed.json'), JSON.stringify(seed));
  return { seed, path: path.join(dir, 'seed.json'), dir };
};

const start = async (issuer, port, env) => {
  const proc = spawn(process.execPath, [mainJs], { cwd: root, env: { PATH: process.env.PATH ?? '', PORT: String(port), ISSUER: issuer, LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${out.slice(-2000)}`);
    const ok = await fetch(`${base}/.well-known/openid-configuration`).then((r) => r.ok, () => false);
    if (ok) return { base, stop: () => new Promise((r) => (proc.once('exit', r), proc.kill('SIGTERM'))), output: () => out };
    await sleep(500);
  }
  proc.kill('SIGKILL');
  throw new Error(`server not ready: ${out.slice(-2000)}`);
};

/** A tiny cookie-keeping browser for the server's HTML forms. */
const browser = () => {
  const jar = new Map();
  const go = async (url, init = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: res.status, location: res.headers.get('location'), retryAfter: res.headers.get('retry-after'), body: await res.text(), url };
  };
  const form = (page) => {
    const f = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.body);
    if (f === null) throw new Error(`no form at ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
    const fields = {};
    for (const [tag] of f[2].matchAll(/<input[^>]*>/gi)) {
      const name = /\sname="([^"]*)"/i.exec(tag)?.[1];
      if (name !== undefined) fields[name] = (/\svalue="([^"]*)"/i.exec(tag)?.[1] ?? '').replace(/&amp;/g, '&');
    }
    return { action: new URL(f[1].replace(/&amp;/g, '&'), page.url).toString(), fields };
  };
  const post = (url, fields) => go(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { go, form, post };
};

const pkce = () => {
  const verifier = rand(48);
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
};

const authorizeUrl = (issuer, client, challenge) =>
  `${issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: client.redirect_uris[0], scope: 'openid offline_access', state: rand(6), code_challenge: challenge, code_challenge_method: 'S256' })}`;

const basic = (client, secret = client.client_secret) => `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const token = (base, client, fields, secret) =>
  fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client, secret) }, body: new URLSearchParams(fields).toString() });

/** Login page of a fresh authorization request on `node` (the interaction lives in the shared store). */
const loginPage = async (issuer, node, client) => {
  const b = browser();
  const { challenge, verifier } = pkce();
  const first = await b.go(authorizeUrl(issuer, client, challenge).replace(issuer, node));
  const page = await b.go(new URL(first.location, node).toString());
  return { b, page, verifier };
};

const count = (statuses) => statuses.reduce((acc, s) => ((acc[s] = (acc[s] ?? 0) + 1), acc), {});

const checks = async (issuer, nodes, seed) => {
  const [client] = seed.clients;
  const [victim, user] = seed.users;
  const figures = {};

  // 1. parallel wrong passwords for one account, spread over the nodes
  const logins = await Promise.all(nodes.map((n) => loginPage(issuer, n, client)));
  const wrong = await Promise.all(
    Array.from({ length: parallel }, (_, i) => {
      const { b, page } = logins[i % nodes.length];
      const f = b.form(page);
      return b.post(f.action, { ...f.fields, username: victim.username, password: `guess-${i}` });
    }),
  );
  figures.login = count(wrong.map((r) => r.status));
  figures.loginRetryAfter = wrong.find((r) => r.status === 429)?.retryAfter ?? null;

  // 2. parallel wrong user codes in one browser session
  const dev = browser();
  const entry = await dev.go(`${nodes[0]}/device`);
  const ef = dev.form(entry);
  const codes = await Promise.all(Array.from({ length: parallel }, (_, i) => dev.post(ef.action, { ...ef.fields, user_code: `WRNG-${String(i).padStart(4, 'B')}` })));
  figures.deviceCodes = count(codes.map((r) => r.status));

  // 3. parallel wrong client secrets
  const guesses = await Promise.all(Array.from({ length: parallel }, (_, i) => token(nodes[i % nodes.length], client, { grant_type: 'refresh_token', refresh_token: 'x' }, rand(24))));
  figures.secrets = count(guesses.map((r) => r.status));
  figures.secretsRetryAfter = guesses.find((r) => r.status === 429)?.headers.get('retry-after') ?? null;

  // 4. NUL and control characters
  const nul = [];
  for (const bad of ['%00', 'a%00b', '%0A', '%7F', '%C2%85']) {
    nul.push((await fetch(`${nodes[0]}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${client.client_id}${bad}&client_secret=x` })).status);
    nul.push((await fetch(`${nodes[0]}/authorize?response_type=code&client_id=${client.client_id}&redirect_uri=${encodeURIComponent(client.redirect_uris[0])}&scope=openid&state=s${bad}&nonce=n${bad}&code_challenge=${rand(32)}&code_challenge_method=S256`, { redirect: 'manual' })).status);
    nul.push((await fetch(`${nodes[0]}/device?user_code=A${bad}`)).status);
  }
  figures.nul = count(nul);

  // 5. two redemptions of one code at once (one per node when there are two): the winner's tokens must be revoked
  let alive = 0;
  let done = 0;
  for (let r = 0; r < rounds && Date.now() < deadline; r++) {
    const { b, page, verifier } = await loginPage(issuer, nodes[0], client);
    const lf = b.form(page);
    let next = await b.post(lf.action, { ...lf.fields, username: user.username, password: user.password });
    while (next.status === 303 || next.status === 302) {
      if (next.location.startsWith(client.redirect_uris[0])) break;
      next = await b.go(new URL(next.location, nodes[0]).toString());
      if (next.status === 200 && /name="decision"/.test(next.body)) {
        const cf = b.form(next);
        next = await b.post(cf.action, { ...cf.fields, decision: 'approve' });
      }
    }
    const code = new URL(next.location ?? 'about:blank').searchParams.get('code');
    if (code === null) throw new Error(`no code in round ${r}: ${next.status} ${next.location}`);
    const fields = { grant_type: 'authorization_code', code, redirect_uri: client.redirect_uris[0], code_verifier: verifier };
    const answers = await Promise.all([0, 1].map((i) => token(nodes[i % nodes.length], client, fields).then(async (res) => ({ status: res.status, body: await res.json() }))));
    for (const a of answers.filter((x) => x.status === 200)) {
      const refreshed = await token(nodes[0], client, { grant_type: 'refresh_token', refresh_token: a.body.refresh_token });
      if (refreshed.status === 200) alive += 1;
    }
    done += 1;
  }
  figures.interleaving = { rounds: done, winnerTokensStillUsable: alive };
  return figures;
};

/** Fails when a limit was exceeded: at most 10 passwords and 10 user codes checked, at most 60 secrets compared. */
const verdict = (f) => {
  const problems = [];
  if ((f.login[401] ?? 0) > 10) problems.push(`${f.login[401]} wrong passwords checked (limit 10)`);
  if ((f.deviceCodes[400] ?? 0) > 10) problems.push(`${f.deviceCodes[400]} user codes looked up (limit 10)`);
  if ((f.secrets[401] ?? 0) > 60) problems.push(`${f.secrets[401]} client secrets compared (limit 60)`);
  if (Object.keys(f.nul).some((s) => Number(s) >= 500)) problems.push(`5xx on control characters: ${JSON.stringify(f.nul)}`);
  if (f.interleaving.winnerTokensStillUsable > 0) problems.push(`${f.interleaving.winnerTokensStillUsable} winners kept a usable refresh token`);
  return problems;
};

const postgresSchema = async () => {
  const pg = requireFromServer('pg');
  const schema = `grantor_abuse_${rand(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const admin = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
};

const redisReachable = async () => {
  const { Redis } = requireFromServer('ioredis');
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
};

const run = async (name, nodesWanted, storeEnv, throttleEnv) => {
  const seed = seedFile();
  const ports = await Promise.all(Array.from({ length: nodesWanted }, freePort));
  const issuer = `http://127.0.0.1:${ports[0]}`;
  const servers = [];
  try {
    for (const port of ports) servers.push(await start(issuer, port, { SEED: seed.path, ...storeEnv(seed), ...throttleEnv }));
    const t0 = Date.now();
    const figures = await checks(issuer, servers.map((s) => s.base), seed.seed);
    const problems = verdict(figures);
    console.log(`\n## ${name}\n${JSON.stringify(figures)}\n${problems.length === 0 ? 'OK' : `FAILED: ${problems.join('; ')}`} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return problems.length === 0;
  } finally {
    for (const s of servers) await s.stop();
  }
};

if (!existsSync(mainJs)) {
  console.error(`${mainJs} is missing: run pnpm build first`);
  process.exit(2);
}
let ok = true;
ok = (await run('SQLite, one node, memory throttle', 1, (s) => ({ DATA_DIR: path.join(s.dir, 'data') }), {})) && ok;
let schema;
try {
  schema = await postgresSchema();
} catch (e) {
  console.log(`\n## PostgreSQL: skipped (${e.message})`);
}
if (schema !== undefined) {
  try {
    ok = (await run('PostgreSQL, one node, memory throttle', 1, () => ({ DATABASE_URL: schema.url }), {})) && ok;
    const second = await postgresSchema();
    try {
      if (await redisReachable()) ok = (await run('PostgreSQL, two nodes sharing Redis (THROTTLE_URL)', 2, () => ({ DATABASE_URL: second.url }), { THROTTLE_URL: redisUrl })) && ok;
      else console.log('\n## two nodes: skipped (Redis unreachable)');
    } finally {
      await second.drop();
    }
  } finally {
    await schema.drop();
  }
}
process.exit(ok ? 0 : 1);
