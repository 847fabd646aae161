import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessTokenInfo, AuthorizationServer, HttpRequest } from '@grantor/core';
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
  writeHttpResponse,
  type AdapterOptions,
  type BearerVerifier,
  type ProtectedResource,
  type ResourceBearerOptions,
} from '@grantor/node';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by Grantor's `bearer()` middleware: what the validated access token grants. */
      auth?: AccessTokenInfo;
    }
  }
}

export { encodeForm, reconstructBody, streamConsumed, protectedResource } from '@grantor/node';
export type { BearerVerifier, ProtectedResource } from '@grantor/node';

/** `mountPath` is matched against the `req.originalUrl`. */
export type GrantorRouterOptions = AdapterOptions;

export type ExpressBearerOptions = ResourceBearerOptions;

/** A Grantor middleware, with the bearer-token middleware bound to the same server. */
export type GrantorMiddleware = RequestHandler & { readonly bearer: (options?: ExpressBearerOptions) => RequestHandler };

/**
 * Express middleware serving every path `server.matches` claims under the mount path (any route the core has, with
 * no per-route code); everything else goes to `next()`. Reads the raw body itself: mount it before `express.json()` /
 * `express.urlencoded()` (if those ran first, the body is rebuilt from `req.body`, see `reconstructBody`).
 */
export const grantorRouter = (server: AuthorizationServer, options: GrantorRouterOptions = {}): GrantorMiddleware => {
  const mountPath = options.mountPath ?? defaultMountPath(server);
  const limit = options.bodyLimit ?? defaultBodyLimit;
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const url = req.originalUrl ?? req.url;
    const target = requestTarget(url, mountPath);
    if (target._tag === 'Outside' || (target._tag === 'Target' && !server.matches(target.path))) return next();
    if (target._tag === 'Invalid') return writeHttpResponse(res, target.response);
    void (async () => {
      const body = await readOrReconstructBody(req, () => (req as { body?: unknown }).body, limit);
      if (body._tag === 'TooLarge') return writeHttpResponse(res, payloadTooLarge(body.limit));
      if (body._tag === 'Unreadable') return writeHttpResponse(res, unreadableBody());
      const converted = toHttpRequest(req, body.body, mountPath, url);
      if (converted._tag !== 'Request') return converted._tag === 'Invalid' ? writeHttpResponse(res, converted.response) : next();
      writeHttpResponse(res, await safeHandle(server, converted.request, options.logger));
    })().catch((cause: unknown) => {
      options.logger?.log('error', 'express adapter failed', { cause });
      writeHttpResponse(res, internalError());
    });
  };
  return Object.assign(middleware, { bearer: (bearerOptions?: ExpressBearerOptions) => bearer(server, bearerOptions) });
};

/**
 * The request as the bearer check sees it. The stream is never read here (the route behind still needs it): a
 * form-body token (RFC 6750 §2.2) is only seen when `express.urlencoded()` ran before.
 */
const bearerRequest = (req: Request): HttpRequest =>
  bearerHttpRequest(req, streamConsumed(req) ? reconstructBody(req.headers['content-type'], (req as { body?: unknown }).body) : undefined, req.originalUrl ?? req.url);

/**
 * RFC 6750 resource-server middleware: `verifier.bearer` (the in-process server, or `remoteVerifier` for a resource
 * server in another process) validates the access token; on success `req.auth` holds what it grants, otherwise the
 * core's 400/401/403 (with `WWW-Authenticate`, naming the RFC 9728 metadata with `protectedResource`) is sent as is.
 */
export const bearer = (verifier: BearerVerifier, options: ExpressBearerOptions = {}): RequestHandler => {
  const checkOptions = bearerOptionsOf(options);
  return (req, res, next) => {
    verifier
      .bearer(bearerRequest(req), checkOptions)
      .then((result) => {
        if (result._tag === 'Rejected') return writeHttpResponse(res, result.response);
        req.auth = result.auth;
        next();
      })
      .catch(() => writeHttpResponse(res, internalError()));
  };
};

/**
 * RFC 9728 §3: serves the protected resource metadata at `/.well-known/oauth-protected-resource{path}` (mount it at
 * the application root, it matches `req.originalUrl`); every other request goes to `next()`.
 */
export const protectedResourceMetadata = (resource: ProtectedResource): RequestHandler => (req, res, next) => {
  const response = metadataResponseFor(resource, req.method, req.originalUrl ?? req.url);
  if (response === undefined) return next();
  writeHttpResponse(res, response);
};
