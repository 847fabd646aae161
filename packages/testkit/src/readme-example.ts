/**
 * Runs the code examples of READMEs as written, so documentation cannot drift from the API: the first ```ts block
 * (after a heading, when one is named) is written to a scratch file with port 3000 replaced by a free one, then
 * imported; the example is expected to start an HTTP server on 127.0.0.1.
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

/** Writes the example next to `scratchDir`, imports it, and returns the base URL it listens on. */
export const runReadmeExample = async (code: string, scratchDir: string): Promise<string> => {
  const port = await freePort();
  const dir = path.join(scratchDir, `.readme-example-${port}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'example.ts');
  writeFileSync(file, code.replaceAll('3000', String(port)));
  try {
    await import(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return `http://127.0.0.1:${port}`;
};

/**
 * Registers the test every adapter README gets: its example runs as written and serves Grantor's token endpoint
 * (an unknown client is refused with an RFC 6749 §5.2 `invalid_client`, not cached).
 */
export const readmeExampleServesTokenEndpoint = (packageDir: string): void => {
  it('the README example runs as written and serves the token endpoint', async () => {
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
  });
};
