import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdminOperations, AuthorizationServer, HttpRequest, HttpResponse, Logger } from '@grantor/core';
import { text } from '@grantor/core/extend';
import type { Pages } from '../pages/router.js';
import { endpointResolver, outcomeOf } from './outcome.js';

/**
 * One log line and one set of Prometheus samples per request: the endpoint (the route's path template, so labels stay
 * few), method, status and outcome (the RFC error code of an error answer, `ok` otherwise) and the latency. The query
 * string is never logged (it carries codes and states); bodies and headers never are.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly requests: Counter<'endpoint' | 'method' | 'status' | 'outcome'>;
  readonly latency: Histogram<'endpoint' | 'method'>;
  readonly storeErrors: Counter<'endpoint'>;
}

export const createMetrics = (): Metrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'grantor_' });
  return {
    registry,
    requests: new Counter({ name: 'grantor_http_requests_total', help: 'HTTP requests by endpoint, method, status and outcome.', labelNames: ['endpoint', 'method', 'status', 'outcome'], registers: [registry] }),
    latency: new Histogram({
      name: 'grantor_http_request_duration_seconds',
      help: 'Time to answer a request, by endpoint.',
      labelNames: ['endpoint', 'method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    storeErrors: new Counter({ name: 'grantor_store_errors_total', help: 'Requests that failed on a store fault (server_error, temporarily_unavailable).', labelNames: ['endpoint'], registers: [registry] }),
  };
};

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The server with the request log and the metrics around every request. */
export const withObservability = (server: AuthorizationServer, logger: Logger, metrics: Metrics): AuthorizationServer => {
  const endpointOf = endpointResolver(server);
  const observe = (inner: (req: HttpRequest) => Promise<HttpResponse>) => async (req: HttpRequest): Promise<HttpResponse> => {
    const started = process.hrtime.bigint();
    const res = await inner(req);
    try {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const endpoint = endpointOf(req.path);
      const method = methods.has(req.method) ? req.method : 'other';
      const outcome = outcomeOf(res);
      metrics.requests.inc({ endpoint, method, status: String(res.status), outcome });
      metrics.latency.observe({ endpoint, method }, seconds);
      if (outcome === 'server_error' || outcome === 'temporarily_unavailable') metrics.storeErrors.inc({ endpoint });
      logger.log(res.status >= 500 ? 'error' : 'info', 'request', {
        method: req.method.slice(0, 16),
        path: req.path.slice(0, 200),
        endpoint,
        status: res.status,
        outcome,
        ms: Math.round(seconds * 10_000) / 10,
        ...(req.remoteAddress === undefined ? {} : { client: req.remoteAddress }),
      });
    } catch {
      // observing must never break a request
    }
    return res;
  };
  return {
    ...server,
    routes: server.routes.map((r) => ({ ...r, handle: observe(r.handle) })),
    handle: observe(server.handle),
  };
};

/** `GET /metrics`: the Prometheus text exposition format. */
export const metricsPage = (metrics: Metrics): Pages => {
  const handle = async (req: HttpRequest): Promise<HttpResponse> =>
    req.method === 'GET' || req.method === 'HEAD'
      ? text(200, await metrics.registry.metrics(), metrics.registry.contentType, { 'cache-control': 'no-store' })
      : { ...text(405, 'Use GET.\n', 'text/plain; charset=utf-8'), headers: { allow: 'GET, HEAD' } };
  return { routes: [{ path: '/metrics', methods: ['GET', 'HEAD'], handle }], matches: (path) => path === '/metrics', handle };
};

/**
 * `grantor_active_tokens{kind}`: active access and refresh tokens, counted by the store (one `count` per table) when
 * Prometheus scrapes, at most once per `cacheSeconds` (several scrapers or a short scrape interval cost nothing more).
 * A failed count leaves the last value and is logged.
 */
export const registerActiveTokens = (
  metrics: Metrics,
  countActive: AdminOperations['tokens']['countActive'],
  logger: Logger,
  cacheSeconds = 30,
): void => {
  let last: { readonly at: number; readonly access: number; readonly refresh: number } | undefined;
  new Gauge({
    name: 'grantor_active_tokens',
    help: 'Active (neither revoked, rotated nor expired) access and refresh tokens in the store.',
    labelNames: ['kind'],
    registers: [metrics.registry],
    async collect() {
      if (last === undefined || Date.now() - last.at >= cacheSeconds * 1000) {
        const counted = await countActive();
        if (counted._tag === 'Done') last = { at: Date.now(), access: counted.value.accessTokens, refresh: counted.value.refreshTokens };
        else logger.log('warn', 'metrics: counting active tokens failed', { description: counted.error.description });
      }
      if (last !== undefined) {
        this.set({ kind: 'access_token' }, last.access);
        this.set({ kind: 'refresh_token' }, last.refresh);
      }
    },
  });
};
