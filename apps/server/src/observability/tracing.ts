import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { AuthorizationServer, HttpRequest, HttpResponse } from '@grantor/core';
import { outcomeOf } from './outcome.js';

/**
 * TRACING: `off` (the default without an OTLP endpoint) — no spans and no wrapping on the hot path; `otlp` (the default
 * when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set) — the server starts the OpenTelemetry
 * SDK itself and exports over OTLP/HTTP (the exporter reads the standard OTEL_EXPORTER_OTLP_* variables);
 * `global` — spans go to a tracer provider registered by someone else (e.g. `node --import ./otel.mjs …`).
 */
export type TracingMode = 'off' | 'otlp' | 'global';

const instrumentation = '@grantor/server';

/**
 * Registers the SDK (a tracer provider with `processor`, an AsyncLocalStorage context manager and the W3C trace
 * context propagator) and returns its shutdown, which flushes what is buffered. Without `processor`: OTLP/HTTP export
 * in batches.
 */
export const startTracing = (serviceName: string, processor?: SpanProcessor): (() => Promise<void>) => {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [processor ?? new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return () => provider.shutdown();
};

export const serverTracer = (): Tracer => trace.getTracer(instrumentation);

/**
 * One SERVER span per request, named by the route's path template (`POST /token`), continuing the caller's trace
 * (W3C `traceparent`), with the method, the template, the status and the outcome (the RFC error code) as attributes;
 * a 5xx marks the span as an error. The span is active while the endpoint runs, so store calls become its children.
 */
export const withTracing = (server: AuthorizationServer, tracer: Tracer, endpointOf: (path: string) => string): AuthorizationServer => {
  const traced = (inner: (req: HttpRequest) => Promise<HttpResponse>) => (req: HttpRequest): Promise<HttpResponse> => {
    const endpoint = endpointOf(req.path);
    const parent = propagation.extract(context.active(), req.headers, {
      keys: (carrier) => Object.keys(carrier),
      get: (carrier, key) => carrier[key] ?? undefined,
    });
    const attributes = { 'http.request.method': req.method.slice(0, 16), 'http.route': endpoint };
    return tracer.startActiveSpan(`${req.method.slice(0, 16)} ${endpoint}`, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
      try {
        const res = await inner(req);
        span.setAttribute('http.response.status_code', res.status);
        span.setAttribute('grantor.outcome', outcomeOf(res));
        if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return res;
      } finally {
        span.end();
      }
    });
  };
  return { ...server, routes: server.routes.map((r) => ({ ...r, handle: traced(r.handle) })), handle: traced(server.handle) };
};

type Thunk = () => Promise<unknown>;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The store's ports with a CLIENT span around every call (`store clients.find`): each port method returns a
 * `TaskEither` (a thunk), and the span covers the thunk's run, marked as an error on a `Left` (a store fault) or a
 * rejection. Only plain port objects are wrapped (a Kysely instance or the like passes through untouched).
 */
export const tracedStores = <S extends object>(stores: S, tracer: Tracer): S => {
  const wrapPort = (portName: string, port: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(port).map(([name, member]) => {
        if (typeof member !== 'function') return [name, member];
        const fn = member as (...args: unknown[]) => unknown;
        const spanName = `store ${portName}.${name}`;
        const wrapped = (...args: unknown[]): unknown => {
          const result = fn.apply(port, args);
          if (typeof result !== 'function') return result;
          const thunk = result as Thunk;
          return () =>
            tracer.startActiveSpan(spanName, { kind: SpanKind.CLIENT, attributes: { 'db.operation.name': `${portName}.${name}` } }, async (span) => {
              try {
                const value = await thunk();
                if (isPlainObject(value) && value['_tag'] === 'Left') span.setStatus({ code: SpanStatusCode.ERROR, message: 'store fault' });
                return value;
              } catch (cause) {
                span.setStatus({ code: SpanStatusCode.ERROR, message: String(cause).slice(0, 200) });
                throw cause;
              } finally {
                span.end();
              }
            });
        };
        return [name, wrapped];
      }),
    );
  return Object.fromEntries(Object.entries(stores).map(([key, value]) => [key, isPlainObject(value) ? wrapPort(key, value) : value])) as S;
};

/** TRACING, OTEL_SERVICE_NAME and the standard OTLP variables → what `start` does; a bad TRACING names itself. */
export const tracingSettings = (env: Readonly<Record<string, string | undefined>>): { readonly mode: TracingMode; readonly serviceName: string } => {
  const given = env['TRACING']?.trim().toLowerCase();
  const otlpConfigured = [env['OTEL_EXPORTER_OTLP_ENDPOINT'], env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']].some((v) => v !== undefined && v.trim() !== '');
  const sdkDisabled = env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true';
  const mode = given === undefined || given === '' ? (otlpConfigured && !sdkDisabled ? 'otlp' : 'off') : given;
  if (mode !== 'off' && mode !== 'otlp' && mode !== 'global') throw new Error(`TRACING must be off, otlp or global, got ${JSON.stringify(given)}`);
  return { mode, serviceName: env['OTEL_SERVICE_NAME']?.trim() || 'grantor' };
};
