import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizationServer, Logger } from '@grantor/core';
import { defaultBodyLimit, defaultMountPath, internalError, notFound, payloadTooLarge, readRawBody, requestTarget, toHttpRequest, unreadableBody } from './request.js';
import { safeHandle, writeHttpResponse } from './response.js';

/** The options every adapter takes (each adds its own). */
export interface AdapterOptions {
  /** Public path prefix of the routes (default: the path of `server.config.baseUrl`), matched against the request URL. */
  readonly mountPath?: string;
  /** Maximum request body in bytes (default 64 KiB); larger → 413 RFC JSON. */
  readonly bodyLimit?: number;
  /** Receives adapter faults (a rejected `handle`, which the core promises never happens). */
  readonly logger?: Logger;
}

export interface NodeHandlerOptions extends AdapterOptions {
  /** Requests outside Grantor's routes (default: RFC-shaped 404). */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * A request listener for `http.createServer`: reads the raw body (bounded), converts, dispatches to `server.handle`
 * and writes the response. The returned promise settles when the response is written; it never rejects.
 */
export const createNodeHandler = (server: AuthorizationServer, options: NodeHandlerOptions = {}) => {
  const mountPath = options.mountPath ?? defaultMountPath(server);
  const limit = options.bodyLimit ?? defaultBodyLimit;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const target = requestTarget(req.url ?? '/', mountPath);
      if (target._tag === 'Invalid') return writeHttpResponse(res, target.response);
      const ours = target._tag === 'Target' && server.matches(target.path);
      if (!ours && options.fallback !== undefined) return options.fallback(req, res);
      if (target._tag === 'Outside') return writeHttpResponse(res, notFound());
      const raw = await readRawBody(req, limit);
      if (raw._tag === 'TooLarge') return writeHttpResponse(res, payloadTooLarge(raw.limit));
      if (raw._tag === 'Unreadable') return writeHttpResponse(res, unreadableBody());
      const converted = toHttpRequest(req, raw.body, mountPath);
      if (converted._tag === 'Invalid') return writeHttpResponse(res, converted.response);
      if (converted._tag === 'Outside') return writeHttpResponse(res, notFound());
      writeHttpResponse(res, await safeHandle(server, converted.request, options.logger));
    } catch (cause) {
      options.logger?.log('error', 'node handler failed', { cause });
      writeHttpResponse(res, internalError());
    }
  };
};
