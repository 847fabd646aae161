import type { ServerResponse } from 'node:http';
import { type AuthorizationServer, type HttpRequest, type HttpResponse, type Logger } from '@grantor/core';
import { bodyText, contentTypeOf } from '@grantor/core/extend';
import { internalError } from './request.js';

const writeOnce = (res: ServerResponse, r: HttpResponse): void => {
  const body = Buffer.from(bodyText(r), 'utf8');
  res.statusCode = r.status;
  for (const [name, value] of Object.entries(r.headers)) res.setHeader(name, value);
  const contentType = contentTypeOf(r);
  if (contentType !== undefined) res.setHeader('content-type', contentType);
  if (r._tag === 'Redirect') res.setHeader('location', r.location);
  res.setHeader('content-length', body.length);
  res.end(body);
};

/**
 * Writes a core response: status, headers, `content-type` from `contentTypeOf`, `location` for redirects, the body
 * from `bodyText`. A header value Node refuses (e.g. a control character) turns into an RFC-shaped 500 instead of a
 * throw. Never throws.
 */
export const writeHttpResponse = (res: ServerResponse, r: HttpResponse): void => {
  if (res.headersSent || res.writableEnded) {
    if (!res.writableEnded) res.end();
    return;
  }
  try {
    writeOnce(res, r);
  } catch {
    try {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      writeOnce(res, internalError());
    } catch {
      res.destroy();
    }
  }
};

/** Calls `server.handle`, turning a rejection (a broken contract) into an RFC-shaped 500. Never rejects. */
export const safeHandle = async (server: Pick<AuthorizationServer, 'handle'>, request: HttpRequest, logger?: Logger): Promise<HttpResponse> => {
  try {
    return await server.handle(request);
  } catch (cause) {
    logger?.log('error', 'authorization server handler rejected', { cause, path: request.path });
    return internalError();
  }
};
