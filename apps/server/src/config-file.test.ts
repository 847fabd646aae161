import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownSettings, withConfigFile } from './config-file.js';
import { startServer } from './e2e/harness.js';

const fileWith = (content: unknown): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'grantor-config-')), 'grantor.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('CONFIG_FILE', () => {
  it('adds the file’s settings under the environment (which wins); booleans and numbers become strings', () => {
    const file = fileWith({ PORT: 8080, SIGNUP: 'open', JWKS_ALLOW_HTTP: true, OTEL_SERVICE_NAME: 'idp' });
    expect(withConfigFile({ CONFIG_FILE: file, SIGNUP: 'off' })).toMatchObject({ PORT: '8080', SIGNUP: 'off', JWKS_ALLOW_HTTP: '1', OTEL_SERVICE_NAME: 'idp' });
    expect(withConfigFile({ PORT: '1' })).toEqual({ PORT: '1' });
  });

  it('refuses, naming it: an unknown setting, a value of another type, a file that is not a JSON object', () => {
    expect(() => withConfigFile({ CONFIG_FILE: fileWith({ PORTT: 1 }) })).toThrow(/unknown setting "PORTT"/);
    expect(() => withConfigFile({ CONFIG_FILE: fileWith({ PORT: [1] }) })).toThrow(/PORT must be a string, a number or a boolean/);
    expect(() => withConfigFile({ CONFIG_FILE: fileWith('[1]') })).toThrow(/JSON object/);
    expect(() => withConfigFile({ CONFIG_FILE: fileWith('{') })).toThrow(/CONFIG_FILE/);
    expect(() => withConfigFile({ CONFIG_FILE: '/nonexistent/grantor.json' })).toThrow(/CONFIG_FILE \/nonexistent/);
  });

  it('knows every setting the server reads (no variable the code reads is refused in a file)', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = path.join(dir, f);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') && !/harness|[/\\]test[/\\]/.test(p) ? [p] : [];
      });
    const read = new Set(files(import.meta.dirname).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)].map((m) => m[1]!)));
    const missing = [...read].filter((n) => !knownSettings.includes(n) && !n.startsWith('OTEL_') && n !== 'CONFIG_FILE');
    expect(missing).toEqual([]);
  });

  it('the server starts with settings from the file, and a bad file stops the start naming the setting', async () => {
    const server = await startServer({ clients: [], users: [] }, { CONFIG_FILE: fileWith({ REGISTRATION: 'open', LOG_LEVEL: 'warn' }) });
    try {
      const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(discovery['registration_endpoint']).toMatch(new RegExp(`^${server.issuer}/`)); // present only with REGISTRATION=open (the file)
    } finally {
      await server.stop();
    }
    await expect(startServer({ clients: [], users: [] }, { CONFIG_FILE: fileWith({ REGISTRATIONN: 'open' }) })).rejects.toThrow(/unknown setting "REGISTRATIONN"/);
  }, 60_000);
});
