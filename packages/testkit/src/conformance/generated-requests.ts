import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { basic, form, isRfcErrorBody, observeCore, observeText, probeRequest, sendProbe, type Probe } from './http.js';

/** Every parameter name the core's endpoints read, plus noise. */
const parameterNames = [
  'grant_type', 'code', 'redirect_uri', 'code_verifier', 'client_id', 'client_secret', 'refresh_token', 'scope', 'token',
  'token_type_hint', 'response_type', 'response_mode', 'state', 'code_challenge', 'code_challenge_method', 'nonce', 'prompt',
  'max_age', 'device_code', 'client_assertion', 'client_assertion_type', 'access_token', 'id_token_hint',
  'post_logout_redirect_uri', 'resource', 'audience', 'assertion', 'subject_token', 'user_code', 'login_hint', 'claims',
];

interface Generated {
  readonly method: string;
  readonly query: string;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string | Uint8Array | undefined;
}

const requestArbitrary = (ctx: SuiteContext): fc.Arbitrary<Generated> => {
  const seed = ctx.cs.seed;
  const knownValues = fc.constantFrom(
    'authorization_code', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'password', 'code', 'token',
    'S256', 'plain', 'openid', 'openid read write', 'read', 'offline_access', seed.confidential.clientId, seed.publicClient.clientId,
    seed.postClient.clientId, seed.confidential.secret, seed.confidential.redirectUri, seed.publicClient.redirectUri, 'none', 'login', 'consent',
    'access_token', 'refresh_token', 'x'.repeat(43), '0', '-1', '1e309',
  );
  // RFC 6749 Appendix A: no parameter may hold a control character; NUL (PostgreSQL error 22021), CR/LF, DEL and C1 included.
  const control = fc.constantFrom('\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f');
  const withControl = fc.tuple(knownValues, control, fc.string({ maxLength: 4 })).map(([known, c, tail]) => `${known}${c}${tail}`);
  const controlOnly = fc.string({ unit: fc.oneof(control, fc.constantFrom('a', 'é', ' ')), maxLength: 12 });
  const value = fc.oneof(knownValues, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constant(''), withControl, controlOnly);
  const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...parameterNames) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
  const pairs = fc.array(fc.tuple(name, value), { maxLength: 8 });
  const junk = fc.constantFrom('%', '%zz', '%E0%A4%A', '&&&', '=', 'a=%FF', '%00', 'grant_type=a&grant_type=b', '+%2B+', 'a[b]=c', 'client_id=%00', 'state=a%00', 'nonce=%0A', 'scope=%7F', 'code=%C2%85');
  const encoded = fc.oneof(
    { weight: 4, arbitrary: pairs.map((p) => form(p)) },
    { weight: 1, arbitrary: fc.array(junk, { maxLength: 4 }).map((j) => j.join('&')) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  );
  const body = fc.oneof(
    { weight: 5, arbitrary: encoded },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: fc.constant(undefined) },
  );
  const printable = fc.string({ maxLength: 40 }).map((s) => s.trim());
  const authorization = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant(basic(seed.confidential.clientId, seed.confidential.secret)) },
    { weight: 2, arbitrary: fc.tuple(printable, printable).map(([a, b]) => basic(a, b)) },
    { weight: 1, arbitrary: fc.tuple(withControl, withControl).map(([a, b]) => basic(a, b)) },
    { weight: 1, arbitrary: printable.map((s) => `Basic ${s}`) },
    { weight: 1, arbitrary: printable.map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: printable },
  );
  const contentType = fc.constantFrom(
    undefined, 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=latin1',
    'APPLICATION/X-WWW-FORM-URLENCODED', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'garbage', ';;;', '',
  );
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    query: fc.oneof(encoded, fc.constant('')).map((q) => q.replace(/#/g, '%23')),
    contentType,
    authorization,
    body,
  });
};

/** The probe a generated request becomes; string bodies go as bytes so fetch adds no content type of its own. */
const toProbe = (path: string, g: Generated): Probe => {
  const headers: Record<string, string> = {};
  if (g.contentType !== undefined) headers['content-type'] = g.contentType.trim();
  if (g.authorization !== undefined) headers['authorization'] = g.authorization.trim();
  const body = g.body === undefined || g.method === 'GET' || g.method === 'HEAD' ? undefined : typeof g.body === 'string' ? new TextEncoder().encode(g.body) : g.body;
  return { method: g.method, path, query: g.query, headers, ...(body === undefined ? {} : { body }) };
};

/** Pages that are HTML by design when they fail (RFC 6749 §4.1.2.1: never redirect an unverified client). */
const htmlErrorsAllowed = (ctx: SuiteContext, path: string): boolean =>
  path === ctx.server.config.routes.authorization || path === ctx.server.config.routes.endSession;

/**
 * The invariant of every generated request: no 5xx, an answer in time, an RFC-shaped error when it fails, and — for
 * errors, which do not depend on random values — exactly what `server.handle` answers for the same request.
 */
const check = async (ctx: SuiteContext, probe: Probe, res: Response): Promise<'ok' | 'compared'> => {
  const text = await res.text();
  const label = `${probe.method} ${probe.path}?${probe.query ?? ''}`;
  expect(res.status, `${label} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
  if (res.status < 400 || probe.method === 'HEAD') return 'ok';
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    expect(isRfcErrorBody(JSON.parse(text)), `${label} error body ${text.slice(0, 200)}`).toBe(true);
  } else if (type.startsWith('text/html')) {
    expect(htmlErrorsAllowed(ctx, probe.path), `HTML error from ${probe.path}`).toBe(true);
  } else {
    expect({ text, wwwAuthenticate: res.headers.get('www-authenticate') !== null }).toEqual({ text: '', wwwAuthenticate: true });
  }
  const direct = observeCore(await ctx.server.handle(probeRequest(probe)));
  if (direct.status < 400) return 'ok';
  expect(observeText(res, text), label).toEqual(direct);
  return 'compared';
};

/**
 * The generated-input test: `runs` arbitrary requests per endpoint (methods, queries, content types, bodies — form,
 * bytes, JSON, junk — and Authorization headers). None may produce a 5xx, hang, or an unhandled rejection, and every
 * error body is RFC-shaped (`{error, error_description?}`).
 */
export const generatedRequests = (context: () => SuiteContext, runs: number): void => {
  it(`${runs} generated requests per endpoint: no 5xx, no hang, no unhandled rejection, RFC-shaped errors equal to the core's`, async () => {
    const ctx = context();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const route of ctx.server.routes) {
        let compared = 0;
        await fc.assert(
          fc.asyncProperty(requestArbitrary(ctx), async (g) => {
            const probe = toProbe(route.path, g);
            if ((await check(ctx, probe, await sendProbe(ctx.baseUrl, probe))) === 'compared') compared += 1;
          }),
          { numRuns: runs, seed: 20261123, endOnFailure: true },
        );
        // most arbitrary requests fail; those failures must have been compared with the core's own answer
        expect(compared, `errors compared with the core on ${route.path}`).toBeGreaterThan(runs / 4);
      }
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  }, 900_000);
};
