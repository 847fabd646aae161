import { createHmac, randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import type { AuthorizationServer, HttpRequest, HttpResponse, Logger } from '@grantor/core';
import { redirect } from '@grantor/core/extend';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { errorPage, h, page, type Markup } from '../pages/html.js';
import type { Pages } from '../pages/router.js';

/** The demo client the playground signs in with (the demo data's confidential web client) and its secret. */
interface PlaygroundClient {
  readonly clientId: string;
  readonly secret: string;
  readonly scope: string;
}

export interface PlaygroundDeps {
  /** The running server (endpoints called in process, the same handlers a browser or client reaches). */
  readonly server: AuthorizationServer;
  /** The issuer's origin + path prefix: where `/demo/callback` is, as the browser sees it. */
  readonly publicBase: string;
  readonly client: PlaygroundClient;
  readonly secure: boolean;
  readonly logger: Logger;
}

export interface Playground extends Pages {
  /** An authorization URL ready to open (the start log prints it): any process of the server can finish it. */
  readonly startUrl: string;
}

const cookieName = 'grantor_demo';
const b64url = (bytes: Buffer): string => bytes.toString('base64url');

/**
 * RFC 7636 §4.1: the code verifier of a flow, derived from its `state` with the client's secret, so every process of
 * the server (WORKERS > 1) and the printed start URL can finish a flow without keeping anything.
 */
const verifierOf = (secret: string, state: string): string => b64url(createHmac('sha256', secret).update(`playground:${state}`).digest());
/** RFC 7636 §4.2: S256 challenge. */
const challengeOf = (verifier: string): string => b64url(createHash('sha256').update(verifier).digest());

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const cookieOf = (req: HttpRequest): string | undefined =>
  (req.headers['cookie'] ?? '')
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${cookieName}=`))
    ?.slice(cookieName.length + 1);

const basic = (client: PlaygroundClient): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;

const form = (fields: Record<string, string>): Uint8Array => new TextEncoder().encode(new URLSearchParams(fields).toString());

/** The JSON object an endpoint answered (the core's responses are values: no serialising round trip). */
const parsed = (res: HttpResponse): Record<string, unknown> | undefined =>
  res._tag === 'Json' && typeof res.body === 'object' && res.body !== null ? (res.body as Record<string, unknown>) : undefined;

const pretty = (value: unknown): Markup => h`<pre style="white-space:pre-wrap;overflow-wrap:anywhere">${JSON.stringify(value, null, 2)}</pre>`;

const jwtParts = (token: unknown): Markup => {
  if (typeof token !== 'string') return h`<p class="muted">None.</p>`;
  if (token.split('.').length !== 3) return h`<p class="muted">Opaque: only the server can read it (RFC 6749 §1.4).</p>`;
  try {
    return h`<p class="muted">A JWT. Header:</p>${pretty(decodeProtectedHeader(token))}<p class="muted">Claims:</p>${pretty(decodeJwt(token))}`;
  } catch {
    return h``;
  }
};

/**
 * A small page of the reference server that plays the demo web client: it starts an authorization code flow with
 * PKCE (RFC 6749 §4.1, RFC 7636) and shows what the client got back — the token response, the ID token's and a JWT
 * access token's contents, the introspection (RFC 7662) and userinfo (OpenID Connect Core §5.3) answers. Mounted only
 * with the demo data (no SEED), so a first start ends on a page that explains the tokens rather than a 404.
 */
export const createPlayground = (deps: PlaygroundDeps): Playground => {
  const { server, client } = deps;
  const routes = server.config.routes;
  const redirectUri = `${deps.publicBase}/demo/callback`;
  const again = `${deps.publicBase}/demo`;
  const cookiePath = `${new URL(deps.publicBase).pathname.replace(/\/$/, '')}/demo`;
  const authorizeUrl = (state: string): string => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: redirectUri,
      scope: client.scope,
      state,
      code_challenge: challengeOf(verifierOf(client.secret, state)),
      code_challenge_method: 'S256',
    });
    return `${deps.publicBase}${routes.authorization}?${q.toString()}`;
  };
  // The printed URL's state: fixed per demo client secret, so every worker (and a restart on the same data) knows it.
  const startState = `start-${verifierOf(client.secret, 'start').slice(0, 16)}`;

  const call = (method: string, path: string, headers: Record<string, string>, body?: Record<string, string>): Promise<HttpResponse> =>
    server.handle({
      method,
      path,
      query: '',
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      body: body === undefined ? undefined : form(body),
    });

  const start = (): HttpResponse => {
    const state = b64url(randomBytes(16));
    const cookie = `${cookieName}=${state}; Path=${cookiePath}; HttpOnly; SameSite=Lax; Max-Age=600${deps.secure ? '; Secure' : ''}`;
    return redirect(authorizeUrl(state), 303, { 'set-cookie': cookie });
  };

  const callback = async (req: HttpRequest): Promise<HttpResponse> => {
    const q = new URLSearchParams(req.query);
    const state = q.get('state') ?? '';
    const error = q.get('error');
    if (error !== null) return page(400, 'The sign-in did not finish', h`<p class="error">${error}: ${q.get('error_description') ?? ''}</p><p><a href="${again}">Try again</a></p>`);
    const cookie = cookieOf(req);
    // The flow must be this browser's (its cookie) or the printed start URL's; anything else is someone else's code.
    const known = (cookie !== undefined && state !== '' && sameText(cookie, state)) || sameText(state, startState);
    const code = q.get('code');
    if (!known || code === null) return errorPage(400, 'Unknown sign-in', 'This page only finishes sign-ins started from /demo or from the link the server printed at start.');
    const tokens = await call('POST', routes.token, { authorization: basic(client) }, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifierOf(client.secret, state),
    });
    const tokenBody = parsed(tokens);
    if (tokens.status !== 200 || tokenBody === undefined) return page(400, 'The token request failed', h`${pretty(tokenBody ?? {})}<p><a href="${again}">Start again</a></p>`);
    const access = tokenBody['access_token'];
    const introspection = typeof access === 'string' ? parsed(await call('POST', routes.introspection, { authorization: basic(client) }, { token: access })) : undefined;
    const userinfo = typeof access === 'string' ? parsed(await call('GET', routes.userinfo, { authorization: `Bearer ${access}` })) : undefined;
    const cleared = `${cookieName}=; Path=${cookiePath}; HttpOnly; SameSite=Lax; Max-Age=0`;
    return page(
      200,
      'Signed in: what the client got',
      h`<p>The demo client <code>${client.clientId}</code> redeemed its authorization code (with PKCE) at the token endpoint.</p>
<h2>Token response</h2>${pretty(tokenBody)}
<h2>ID token</h2>${jwtParts(tokenBody['id_token'])}
<h2>Access token</h2>${jwtParts(access)}<p class="muted">Introspection (RFC 7662):</p>${pretty(introspection ?? {})}
<h2>Userinfo</h2>${pretty(userinfo ?? {})}
<p><a href="${again}">Sign in again</a> · <a href="${deps.publicBase}/account">Your account</a></p>`,
      { 'set-cookie': cleared, 'cache-control': 'no-store' },
    );
  };

  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return errorPage(405, 'Method not allowed', 'Use GET.', { allow: 'GET, HEAD' });
    try {
      return req.path === '/demo' ? start() : await callback(req);
    } catch (cause) {
      deps.logger.log('error', 'playground failed', { cause: String(cause) });
      return errorPage(500, 'Something went wrong', 'The playground could not finish; the server log says why.');
    }
  };
  const paths = ['/demo', '/demo/callback'];
  return {
    startUrl: authorizeUrl(startState),
    routes: paths.map((path) => ({ path, methods: ['GET', 'HEAD'], handle })),
    matches: (path) => paths.includes(path),
    handle,
  };
};
