import type { Context, Middleware, Next } from 'koa';
import { type AccessTokenInfo, type AuthorizationServer, type HttpRequest, type HttpResponse } from '@grantor/core';
import { bodyText, contentTypeOf } from '@grantor/core/extend';
import {
  bearerHttpRequest,
  bearerOptionsOf,
  defaultBodyLimit,
  metadataResponseFor,
  defaultMountPath,
  internalError,
  payloadTooLarge,
  readOrReconstructBody,
  reconstructBody,
  requestTarget,
  safeHandle,
  streamConsumed,
  toHttpRequest,
  unreadableBody,
  type AdapterOptions,
  type BearerVerifier,
  type ProtectedResource,
  type ResourceBearerOptions,
} from '@grantor/node';

export { protectedResource } from '@grantor/node';
export type { BearerVerifier, ProtectedResource } from '@grantor/node';

declare module 'koa' {
  interface DefaultState {
    /** Set by Grantor's `bearer()` middleware: what the validated access token grants. */
    auth?: AccessTokenInfo;
  }
}

/** `mountPath` is matched against the `ctx.originalUrl`. */
export type GrantorKoaOptions = AdapterOptions;

export type KoaBearerOptions = ResourceBearerOptions;

/** A Grantor middleware, with the bearer-token middleware bound to the same server. */
export type GrantorKoaMiddleware = Middleware & { readonly bearer: (options?: KoaBearerOptions) => Middleware };

/** What a body parser registered earlier left behind (koa-bodyparser: `rawBody` string, `body` value). */
const parsedBody = (ctx: Context): unknown => {
  const request = ctx.request as { rawBody?: unknown; body?: unknown };
  return typeof request.rawBody === 'string' ? request.rawBody : request.body;
};

/** Writes a core response through Koa's own response API, so upstream middleware still sees it. */
export const respond = (ctx: Context, r: HttpResponse): void => {
  ctx.status = r.status;
  for (const [name, value] of Object.entries(r.headers)) ctx.set(name, value);
  if (r._tag === 'Redirect') ctx.set('location', r.location);
  const contentType = contentTypeOf(r);
  if (contentType !== undefined) {
    ctx.set('content-type', contentType);
    ctx.body = bodyText(r);
  } else {
    ctx.body = '';
    ctx.remove('content-type');
  }
};

/** Sets a response, turning a header value Koa refuses into an RFC-shaped 500. */
const safeRespond = (ctx: Context, r: HttpResponse): void => {
  try {
    respond(ctx, r);
  } catch {
    for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
    respond(ctx, internalError());
  }
};

/**
 * Koa middleware serving every path `server.matches` claims under the mount path (no per-route code); everything else
 * goes to `next()`. Reads the raw body itself: mount it before a body parser (if one ran first, the body is rebuilt
 * from `ctx.request.rawBody` / `ctx.request.body`).
 */
export const grantorMiddleware = (server: AuthorizationServer, options: GrantorKoaOptions = {}): GrantorKoaMiddleware => {
  const mountPath = options.mountPath ?? defaultMountPath(server);
  const limit = options.bodyLimit ?? defaultBodyLimit;
  const middleware: Middleware = async (ctx: Context, next: Next) => {
    const url = ctx.originalUrl;
    const target = requestTarget(url, mountPath);
    if (target._tag === 'Outside' || (target._tag === 'Target' && !server.matches(target.path))) return next();
    if (target._tag === 'Invalid') return safeRespond(ctx, target.response);
    try {
      const body = await readOrReconstructBody(ctx.req, () => parsedBody(ctx), limit);
      if (body._tag === 'TooLarge') return safeRespond(ctx, payloadTooLarge(body.limit));
      if (body._tag === 'Unreadable') return safeRespond(ctx, unreadableBody());
      const converted = toHttpRequest(ctx.req, body.body, mountPath, url);
      if (converted._tag === 'Outside') return next();
      if (converted._tag === 'Invalid') return safeRespond(ctx, converted.response);
      safeRespond(ctx, await safeHandle(server, converted.request, options.logger));
    } catch (cause) {
      options.logger?.log('error', 'koa adapter failed', { cause });
      safeRespond(ctx, internalError());
    }
  };
  return Object.assign(middleware, { bearer: (bearerOptions?: KoaBearerOptions) => bearer(server, bearerOptions) });
};

/** The request as the bearer check sees it; the stream is never read here (a form-body token needs a parser before). */
const bearerRequest = (ctx: Context): HttpRequest =>
  bearerHttpRequest(ctx.req, streamConsumed(ctx.req) ? reconstructBody(ctx.get('content-type') || undefined, parsedBody(ctx)) : undefined, ctx.originalUrl);

/**
 * RFC 6750 resource-server middleware: `verifier.bearer` (the in-process server, or `remoteVerifier` for a resource
 * server in another process) validates the access token; on success `ctx.state.auth` holds what it grants, otherwise
 * the core's 400/401/403 (with `WWW-Authenticate`, naming the RFC 9728 metadata with `protectedResource`) is the
 * response.
 */
export const bearer = (verifier: BearerVerifier, options: KoaBearerOptions = {}): Middleware => {
  const checkOptions = bearerOptionsOf(options);
  return async (ctx, next) => {
    const result = await verifier.bearer(bearerRequest(ctx), checkOptions).catch(() => undefined);
    if (result === undefined) return safeRespond(ctx, internalError());
    if (result._tag === 'Rejected') return safeRespond(ctx, result.response);
    ctx.state.auth = result.auth;
    await next();
  };
};

/**
 * RFC 9728 §3: serves the protected resource metadata at `/.well-known/oauth-protected-resource{path}` (register it
 * on the application, it matches `ctx.originalUrl`); every other request goes to `next()`.
 */
export const protectedResourceMetadata = (resource: ProtectedResource): Middleware => async (ctx, next) => {
  const response = metadataResponseFor(resource, ctx.method, ctx.originalUrl);
  if (response === undefined) return next();
  safeRespond(ctx, response);
};
