import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../e2e/harness.js';
import { tracingSettings } from './tracing.js';

/** An OTLP/HTTP span as the JSON encoding carries it (hex ids). */
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: readonly { readonly key: string; readonly value: Record<string, unknown> }[];
  readonly status?: { readonly code?: number };
}

const attr = (span: OtlpSpan, key: string): unknown => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : (v['stringValue'] ?? (v['intValue'] === undefined ? undefined : Number(v['intValue'])));
};

const svc = { id: 'svc-traced', secret: randomBytes(24).toString('base64url') };
const seed = {
  clients: [{ client_id: svc.id, client_secret: svc.secret, grant_types: ['client_credentials'], response_types: [], scope: 'api:read', token_endpoint_auth_method: 'client_secret_basic' }],
  users: [],
};
const basic = (id: string, s: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(s)}`).toString('base64')}`;

describe('TRACING settings', () => {
  it('off unless an OTLP endpoint is set (then otlp); global on request; a bad value names the variable', () => {
    expect(tracingSettings({}).mode).toBe('off');
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ mode: 'otlp', serviceName: 'grantor' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c/v1/traces', OTEL_SDK_DISABLED: 'true' }).mode).toBe('off');
    expect(tracingSettings({ TRACING: 'global', OTEL_SERVICE_NAME: 'idp' })).toEqual({ mode: 'global', serviceName: 'idp' });
    expect(() => tracingSettings({ TRACING: 'jaeger' })).toThrow(/TRACING/);
  });
});

/**
 * The reference server started with OTEL_EXPORTER_OTLP_ENDPOINT exports a SERVER span per request (continuing the
 * caller's W3C trace) with the store calls as its children, to a collector that is a plain HTTP server here.
 */
describe('OpenTelemetry traces over OTLP/HTTP', () => {
  let collector: Server;
  let server: Running;
  const spans: OtlpSpan[] = [];

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
          for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const port = (collector.address() as AddressInfo).port;
    server = await startServer(seed, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'grantor-test' });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    collector?.close();
  });

  const token = (secret: string, traceparent: string) =>
    fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic(svc.id, secret), 'content-type': 'application/x-www-form-urlencoded', traceparent },
      body: 'grant_type=client_credentials&scope=api%3Aread',
    });

  it('a token request: a SERVER span in the caller’s trace, store calls as its children; an RFC error is the outcome', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    expect((await token(svc.secret, `00-${traceId}-${parent}-01`)).status).toBe(200);
    const badTrace = randomBytes(16).toString('hex');
    expect((await token('wrong-secret', `00-${badTrace}-${randomBytes(8).toString('hex')}-01`)).status).toBe(401);

    await expect.poll(() => spans.filter((s) => s.traceId === badTrace && s.kind === 2).length, { timeout: 15_000 }).toBe(1);
    const request = spans.find((s) => s.traceId === traceId && s.kind === 2);
    expect(request?.name).toBe('POST /token');
    expect(request?.parentSpanId).toBe(parent);
    expect(attr(request!, 'http.response.status_code')).toBe(200);
    expect(attr(request!, 'grantor.outcome')).toBe('ok');
    const storeCalls = spans.filter((s) => s.traceId === traceId && s.name.startsWith('store '));
    expect(storeCalls.map((s) => s.name)).toContain(`store clients.find`);
    for (const s of storeCalls) expect(s.parentSpanId).toBe(request!.spanId);
    const refused = spans.find((s) => s.traceId === badTrace && s.kind === 2);
    expect(attr(refused!, 'grantor.outcome')).toBe('invalid_client');
    expect(attr(refused!, 'http.response.status_code')).toBe(401);
  }, 30_000);
});
