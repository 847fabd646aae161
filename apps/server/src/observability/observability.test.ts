/**
 * Structured logs (pino, redaction by configuration) and metrics (prom-client at /metrics), on the running server:
 * one log line per request with its outcome, never a query string or a secret.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../e2e/harness.js';
import { createPino, logSettings, pinoLogger } from './logging.js';

describe('logging', () => {
  it('redacts secrets, tokens, codes and passwords wherever a caller puts them', () => {
    const lines: string[] = [];
    const logger = pinoLogger(createPino({ level: 'info', pretty: false }, { write: (l: string) => void lines.push(l) }));
    logger.log('info', 'something', { password: 'hunter2', client_secret: 'cs-1', nested: { token: 'tok-1', code: 'code-1', refresh_token: 'rt-1' }, authorization: 'Basic abc', kept: 'visible' });
    logger.log('debug', 'not at info');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ msg: 'something', level: 30, kept: 'visible', password: '[redacted]', client_secret: '[redacted]', authorization: '[redacted]' });
    for (const secret of ['hunter2', 'cs-1', 'tok-1', 'code-1', 'rt-1', 'Basic abc']) expect(lines[0]).not.toContain(secret);
  });

  it('LOG_LEVEL and LOG_FORMAT (pretty on a terminal, JSON otherwise)', () => {
    expect(logSettings({}, false)).toEqual({ level: 'info', pretty: false });
    expect(logSettings({}, true)).toEqual({ level: 'info', pretty: true });
    expect(logSettings({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, true)).toEqual({ level: 'debug', pretty: false });
  });
});

describe('request log and metrics (running server)', () => {
  const secret = randomBytes(24).toString('base64url');
  let server: Running;
  beforeAll(async () => {
    server = await startServer({ clients: [{ client_id: 'svc', client_secret: secret, grant_types: ['client_credentials'], response_types: [], scope: 'api:read' }], users: [] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('one JSON line per request with endpoint, status and outcome; /metrics counts them by outcome', async () => {
    const basic = `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}`;
    const post = (body: string) => fetch(`${server.issuer}/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const ok = (await (await post('grant_type=client_credentials')).json()) as { access_token: string };
    expect((await post('grant_type=password')).status).toBe(400);
    await fetch(`${server.issuer}/authorize?client_id=svc&code_challenge=secret-query-value`);

    const metrics = await fetch(`${server.issuer}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const body = await metrics.text();
    expect(body).toMatch(/grantor_http_requests_total\{endpoint="\/token",method="POST",status="200",outcome="ok"\} 1/);
    expect(body).toMatch(/grantor_http_requests_total\{endpoint="\/token",method="POST",status="400",outcome="unsupported_grant_type"\} 1/);
    expect(body).toMatch(/grantor_http_request_duration_seconds_bucket\{le="[0-9.]+",endpoint="\/token",method="POST"\}/);
    expect(body).toContain('grantor_process_cpu_seconds_total');
    // The one token issued above is the store's one active access token; no refresh token was issued.
    expect(body).toMatch(/grantor_active_tokens\{kind="access_token"\} 1\n/);
    expect(body).toMatch(/grantor_active_tokens\{kind="refresh_token"\} 0\n/);

    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l['msg'] === 'request');
    expect(requests.filter((l) => l['endpoint'] === '/token').map((l) => [l['status'], l['outcome']])).toEqual([
      [200, 'ok'],
      [400, 'unsupported_grant_type'],
    ]);
    expect(requests.every((l) => typeof l['ms'] === 'number' && typeof l['client'] === 'string')).toBe(true);
    expect(server.output()).not.toContain('secret-query-value');
    expect(server.output()).not.toContain(ok.access_token);
    expect(server.output()).not.toContain(secret);
  });
});
