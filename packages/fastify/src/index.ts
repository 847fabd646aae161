import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { type AccessTokenInfo, type AuthorizationServer, type BearerOptions, type HttpRequest, type HttpResponse, type Logger } from '@grantor/core';
import { bodyText, contentTypeOf, json, noStore } from '@grantor/core/extend';
import {
  bearerHttpRequest,
  defaultBodyLimit,
  defaultMountPath,
  internalError,
  normaliseMountPath,
  payloadTooLarge,
  readRawBody,
  reconstructBody,
  safeHandle,
  streamConsumed,
  toHttpRequest,
  unreadableBody,
} from '@grantor/node';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by Grantor's bearer preHandler: what the validated access token grants. */
    auth?: AccessTokenInfo;
  }
  interface FastifyInstance {
    /** RFC 6750 preHandler bound to the registered Grantor server (sets `request.auth`). */
    grantorBearer: (options?: BearerOptions) => preHandlerAsyncHookHandler;
  }
}

export interface GrantorFastifyOptions {
  readonly server: AuthorizationServer;
  /** Public path prefix of the routes (default: the path of `server.config.baseUrl`). Do not also pass `prefix`. */
  readonly mountPath?: string;
  /** Maximum request body in bytes (default 64 KiB); larger → 413 RFC JSON. */
  readonly bodyLimit?: number;
  /** Receives adapter faults (a rejected `handle`, which the core promises never happens). */
  readonly logger?: Logger;
}

const headerProblem = (name: string, value: string): boolean => {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return false;
  } catch {
    return true;
  }
};

/** Sends a core response through Fastify's reply (hooks such as `onSend` still run). */
export const sendHttpResponse = (reply: FastifyReply, r: HttpResponse): FastifyReply => {
  const contentType = contentTypeOf(r);
  const headers: Record<string, string> = {
    ...r.headers,
    ...(r._tag === 'Redirect' ? { location: r.location } : {}),
    ...(contentType === undefined ? {} : { 'content-type': contentType }),
  };
  if (Object.entries(headers).some(([name, value]) => headerProblem(name, value))) return sendHttpResponse(reply, internalError());
  reply.code(r.status).headers(headers);
  return contentType !== undefined ? reply.send(bodyText(r)) : reply.send();
};

/** Fastify's own errors in Grantor's context, as RFC 6749 §5.2-shaped JSON. */
const fastifyErrorResponse = (error: FastifyError, limit: number): HttpResponse => {
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return payloadTooLarge(limit);
  if (status >= 500 || status < 400) return internalError();
  return json(status, { error: 'invalid_request', error_description: 'The request could not be read.' }, { ...noStore, connection: 'close' });
};

/**
 * Fastify's `frameworkErrors` option (pass it to `Fastify({ frameworkErrors: grantorFrameworkErrors })`): errors
 * Fastify raises before any route or plugin runs, such as a request target that is not valid percent-encoding
 * (`FST_ERR_BAD_URL`, e.g. `/%zz`), answered as RFC 6749 §5.2-shaped JSON like every other Grantor error instead
 * of Fastify's own body. A plugin cannot set this option; the application passes it when it creates Fastify.
 */
export const grantorFrameworkErrors = (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void sendHttpResponse(reply, json(status, { error: 'invalid_request', error_description: 'The request target could not be read.' }, { ...noStore, connection: 'close' }));
};

/** Errors Fastify raises before reading the body over the content type: the core judges the request itself. */
const coreJudgesContentType = new Set(['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE']);

/** The raw body: what Grantor's raw parsers produced, else read from the stream (methods Fastify does not parse). */
const requestBody = async (request: FastifyRequest, limit: number) => {
  if (Buffer.isBuffer(request.body)) return { _tag: 'Body' as const, body: request.body.length === 0 ? undefined : new Uint8Array(request.body) };
  if (!streamConsumed(request.raw)) return readRawBody(request.raw, limit);
  return { _tag: 'Body' as const, body: undefined };
};

const dispatch = async (server: AuthorizationServer, request: FastifyRequest, reply: FastifyReply, mountPath: string, limit: number, logger?: Logger) => {
  const body = await requestBody(request, limit);
  if (body._tag === 'TooLarge') return sendHttpResponse(reply, payloadTooLarge(body.limit));
  if (body._tag === 'Unreadable') return sendHttpResponse(reply, unreadableBody());
  const converted = toHttpRequest(request.raw, body.body, mountPath, request.raw.url ?? request.url);
  if (converted._tag === 'Invalid') return sendHttpResponse(reply, converted.response);
  if (converted._tag === 'Outside') return sendHttpResponse(reply, internalError());
  return sendHttpResponse(reply, await safeHandle(server, converted.request, logger));
};

/** The request as the bearer check sees it: the body only as the host's parsers left it. */
const bearerRequest = (request: FastifyRequest): HttpRequest =>
  bearerHttpRequest(request.raw, reconstructBody(request.headers['content-type'], request.body), request.raw.url ?? request.url);

/**
 * RFC 6750 preHandler: `server.bearer` validates the access token; on success `request.auth` holds what it grants,
 * otherwise the core's 400/401/403 (with `WWW-Authenticate`) is sent as is.
 */
export const bearer = (server: AuthorizationServer, options: BearerOptions = {}): preHandlerAsyncHookHandler =>
  async function grantorBearer(request, reply) {
    const result = await server.bearer(bearerRequest(request), options).catch(() => undefined);
    if (result === undefined) return sendHttpResponse(reply, internalError());
    if (result._tag === 'Rejected') return sendHttpResponse(reply, result.response);
    request.auth = result.auth;
  };

const routesPlugin = (options: GrantorFastifyOptions, mountPath: string, limit: number): FastifyPluginAsync =>
  async (child: FastifyInstance) => {
    const { server, logger } = options;
    child.removeAllContentTypeParsers();
    const raw = (_request: FastifyRequest, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body);
    child.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: limit }, raw);
    child.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, raw);
    child.setErrorHandler(async (error: FastifyError, request, reply) => {
      if (error.code !== undefined && coreJudgesContentType.has(error.code) && !streamConsumed(request.raw)) {
        return dispatch(server, request, reply, mountPath, limit, logger);
      }
      return sendHttpResponse(reply, fastifyErrorResponse(error, limit));
    });
    for (const route of server.routes) {
      child.route({
        method: [...child.supportedMethods],
        url: `${mountPath}${route.path}`,
        bodyLimit: limit,
        exposeHeadRoute: false,
        handler: (request, reply) => dispatch(server, request, reply, mountPath, limit, logger),
      });
    }
  };

/**
 * The Grantor Fastify plugin: one route per `server.routes` entry (every method, so a wrong method is the core's
 * 405), in an encapsulated context with its own raw body parsers (the host's parsers are neither needed nor
 * disturbed) and an error handler answering Fastify's own 4xx in RFC shape. Decorates `fastify.grantorBearer`.
 */
export const grantorFastify = fp<GrantorFastifyOptions>(
  async (fastify, options) => {
    const mountPath = options.mountPath === undefined ? defaultMountPath(options.server) : normaliseMountPath(options.mountPath);
    const limit = options.bodyLimit ?? defaultBodyLimit;
    if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', undefined);
    fastify.decorate('grantorBearer', (bearerOptions?: BearerOptions) => bearer(options.server, bearerOptions));
    await fastify.register(routesPlugin(options, mountPath, limit));
  },
  { name: '@grantor/fastify', fastify: '5.x' },
);


