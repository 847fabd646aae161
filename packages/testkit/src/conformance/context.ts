import { expect } from 'vitest';
import type { AuthorizationServer } from '@grantor/core';
import { conformanceProtected, type ConformanceServer } from './fixture.js';
import { form, formHeaders, isRfcErrorBody, observeCore, observeFetch, probeRequest, sendProbe, type Observed, type Probe } from './http.js';

/** Shared state of one suite run. */
export interface SuiteContext {
  readonly server: AuthorizationServer;
  readonly cs: ConformanceServer;
  readonly baseUrl: string;
  readonly origin: string;
}

/** The ways a check talks to the mounted server; `context` is read when a request is sent (after `beforeAll`). */
export const suiteProbes = (context: () => SuiteContext) => {
  const http = async (p: Probe): Promise<Observed> => observeFetch(await sendProbe(context().baseUrl, p));
  return {
    http,
    /** Sends the probe over HTTP and straight to the core; both must agree. */
    same: async (p: Probe): Promise<Observed> => {
      const viaHttp = await http(p);
      expect(viaHttp).toEqual(observeCore(await context().server.handle(probeRequest(p))));
      return viaHttp;
    },
    /** A form POST to the token endpoint, with an optional Authorization header. */
    tokenProbe: (params: Readonly<Record<string, string>> | readonly (readonly [string, string])[], auth?: string): Probe => ({
      method: 'POST',
      path: context().server.config.routes.token,
      headers: { ...formHeaders, ...(auth === undefined ? {} : { authorization: auth }) },
      body: form(params),
    }),
    /** What the adapter's bearer middleware reports for `accessToken` on `conformanceProtected.path`. */
    protectedView: async (accessToken: unknown): Promise<Observed> =>
      observeFetch(await fetch(`${context().origin}${conformanceProtected.path}`, { headers: { authorization: `Bearer ${String(accessToken)}` }, signal: AbortSignal.timeout(15_000) })),
  };
};

/** RFC 6749 §5.1 and §5.2: token endpoint answers are not cached. */
export const expectNoStore = (o: Observed): void => {
  expect(o.headers['cache-control']).toBe('no-store');
  expect(o.headers['pragma']).toBe('no-cache');
};

/** RFC 6749 §5.2: an error response with this status and `error` code, RFC-shaped. */
export const expectError = (o: Observed, status: number, code: string): void => {
  expect({ status: o.status, error: (o.body as { error?: unknown }).error }).toEqual({ status, error: code });
  expect(isRfcErrorBody(o.body)).toBe(true);
};

/** RFC 6749 §5.1: a successful, uncached token response with a bearer access token; returns its body. */
export const expectTokens = (o: Observed): Record<string, unknown> => {
  expect(o.status, JSON.stringify(o.body)).toBe(200);
  expect(o.headers['cache-control']).toBe('no-store');
  const body = o.body as Record<string, unknown>;
  expect(typeof body['access_token']).toBe('string');
  expect(String(body['token_type']).toLowerCase()).toBe('bearer');
  return body;
};
