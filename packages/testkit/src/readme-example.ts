/**
 * Runs the code examples of READMEs as written, so documentation cannot drift from the API: the first ```ts block
 * (after a heading, when one is named) is written to a scratch file (for a server example with port 3000 replaced by
 * a free one), then imported. `apps/pack-test` extracts the same blocks with `readmeExample` and runs them against
 * the packed tarballs.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect, it } from 'vitest';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** `fetch`, retried while the server is still starting (connection refused), up to ~2 s. */
export const fetchWhenUp = async (url: string, init?: RequestInit): Promise<Response> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (attempt > 40) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
};

/** The first ```ts block of the README (after `heading`, when given). */
export const readmeExample = (readmeFile: string, heading?: string): string | undefined => {
  const text = readFileSync(readmeFile, 'utf8');
  const from = heading === undefined ? 0 : text.indexOf(heading);
  return from < 0 ? undefined : /```ts\n([\s\S]*?)```/.exec(text.slice(from))?.[1];
};

let scratchCount = 0;

/**
 * Writes the example to a scratch folder inside `scratchDir` (so it resolves that package's dependencies), imports
 * it, removes the folder and returns the module. Tests, `console.log` calls and servers in it run as in a user's file.
 */
export const importReadmeExample = async (code: string, scratchDir: string): Promise<unknown> => {
  const dir = path.join(scratchDir, `.readme-example-${process.pid}-${(scratchCount += 1)}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'example.ts');
  writeFileSync(file, code);
  try {
    return (await import(/* @vite-ignore */ file)) as unknown;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Imports a server example (port 3000 replaced by a free port) and returns the base URL it listens on. */
export const runReadmeExample = async (code: string, scratchDir: string): Promise<string> => {
  const port = await freePort();
  await importReadmeExample(code.replaceAll('3000', String(port)), scratchDir);
  return `http://127.0.0.1:${port}`;
};

/** The client the adapter READMEs' examples register, and the protected route they serve. */
export interface ReadmeClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string;
  /** A route guarded by the bearer middleware with `requiredScopes: [scope]`. */
  readonly protectedPath: string;
  /** What that route answers to the client's token. */
  readonly protectedBody: unknown;
}

export const readmeClient: ReadmeClient = Object.freeze({
  clientId: 'svc',
  clientSecret: 's3cret-s3cret',
  scope: 'api:read',
  protectedPath: '/api/me',
  protectedBody: Object.freeze({ client: 'svc' }),
});

/**
 * What a user of a README example does first: obtains a token with the client credentials grant (RFC 6749 §4.4,
 * `client_secret_basic`) and calls the protected route with it (RFC 6750 §2.1), which refuses a call without one.
 */
export const expectTokenGuardsRoute = async (base: string, client: ReadmeClient = readmeClient): Promise<void> => {
  const token = await fetchWhenUp(`${base}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  expect(token.status).toBe(200);
  const body = (await token.json()) as { access_token: string; token_type: string; scope: string };
  expect(body).toMatchObject({ token_type: 'Bearer', scope: client.scope });
  expect(body).not.toHaveProperty('refresh_token');

  const me = await fetch(`${base}${client.protectedPath}`, { headers: { authorization: `Bearer ${body.access_token}` } });
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual(client.protectedBody);

  const anonymous = await fetch(`${base}${client.protectedPath}`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
};

/**
 * Registers the test every adapter README gets: its example runs as written and serves Grantor's token endpoint
 * (an unknown client is refused with an RFC 6749 §5.2 `invalid_client`, not cached). With `client`, the example must
 * also register that client and guard its route (`expectTokenGuardsRoute`).
 */
export const readmeExampleServesTokenEndpoint = (packageDir: string, client?: ReadmeClient): void => {
  it(`the README example runs as written and serves the token endpoint${client === undefined ? '' : ', issuing its client a token for the guarded route'}`, async () => {
    const code = readmeExample(path.join(packageDir, 'README.md'));
    expect(code).toBeDefined();
    const base = await runReadmeExample(code ?? '', packageDir);
    const res = await fetchWhenUp(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=nobody&client_secret=x',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    if (client !== undefined) await expectTokenGuardsRoute(base, client);
  });
};
