import type { IncomingMessage } from 'node:http';
import { type AuthorizationServer, type HttpRequest, type HttpResponse } from '@grantor/core';
import { json, noStore } from '@grantor/core/extend';

/** Default limit on request bodies: 64 KiB (OAuth requests are small; RFC 6749 sets no limit). */
export const defaultBodyLimit = 64 * 1024;

/** An RFC 6749 §5.2-shaped error body with a status outside the token endpoint's vocabulary. */
const httpError = (status: number, description: string, headers: Readonly<Record<string, string>> = {}): HttpResponse =>
  json(status, { error: 'invalid_request', error_description: description }, { ...noStore, ...headers });

/** 413: the body is larger than `limit` bytes. The connection is closed (the rest of the body is not read). */
export const payloadTooLarge = (limit: number): HttpResponse =>
  httpError(413, `The request body exceeds the limit of ${limit} bytes.`, { connection: 'close' });

/** 400: the request target cannot be decoded (invalid percent-encoding). */
export const badRequestTarget = (): HttpResponse => httpError(400, 'The request path is not validly percent-encoded.');

/** 400: the request body could not be read completely (the client aborted or the stream failed). */
export const unreadableBody = (): HttpResponse => httpError(400, 'The request body could not be read.');

/** 500 in RFC shape, for the (contract-breaking) case of a rejected or throwing handler. */
export const internalError = (): HttpResponse =>
  json(500, { error: 'server_error', error_description: 'The authorization server encountered an unexpected condition.' });

/** 404 in RFC shape, for paths outside the mount path. */
export const notFound = (): HttpResponse =>
  json(404, { error: 'invalid_request', error_description: 'No endpoint at this path.' });

export type RawBodyResult =
  | { readonly _tag: 'Body'; readonly body: Uint8Array | undefined }
  | { readonly _tag: 'TooLarge'; readonly limit: number }
  | { readonly _tag: 'Unreadable' };

/**
 * Reads the raw request body, at most `limitBytes`. A declared `content-length` above the limit is refused before
 * reading; a stream growing past it is abandoned (the rest is discarded). No bytes at all → `body: undefined`.
 * Never rejects.
 */
export const readRawBody = (req: IncomingMessage, limitBytes: number = defaultBodyLimit): Promise<RawBodyResult> =>
  new Promise((resolve) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limitBytes) {
      req.resume();
      resolve({ _tag: 'TooLarge', limit: limitBytes });
      return;
    }
    if (req.readableEnded) {
      resolve({ _tag: 'Body', body: undefined });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: RawBodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buf.length;
      if (size > limitBytes) {
        settle({ _tag: 'TooLarge', limit: limitBytes });
        req.resume();
        return;
      }
      chunks.push(buf);
    };
    const onEnd = (): void => settle({ _tag: 'Body', body: size === 0 ? undefined : new Uint8Array(Buffer.concat(chunks, size)) });
    const onError = (): void => settle({ _tag: 'Unreadable' });
    const onClose = (): void => {
      if (!req.readableEnded) settle({ _tag: 'Unreadable' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });

/** The mount path from the server's `baseUrl` (`https://as.example/oauth/` → `/oauth`; a root URL → ``). */
export const defaultMountPath = (server: Pick<AuthorizationServer, 'config'>): string => {
  try {
    return normaliseMountPath(new URL(server.config.baseUrl).pathname);
  } catch {
    return '';
  }
};

/** `/oauth/` → `/oauth`, `/` → ``, `oauth` → `/oauth`. */
export const normaliseMountPath = (mountPath: string): string => {
  const withSlash = mountPath.startsWith('/') ? mountPath : `/${mountPath}`;
  return withSlash.replace(/\/+$/, '');
};

export type RequestTarget =
  /** `path` is relative to the mount path and percent-decoded; `query` is raw, without `?`. */
  | { readonly _tag: 'Target'; readonly path: string; readonly query: string }
  /** The path is not under the mount path: not Grantor's request. */
  | { readonly _tag: 'Outside' }
  /** The path is under the mount path but not validly percent-encoded. */
  | { readonly _tag: 'Invalid'; readonly response: HttpResponse };

const safeDecode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/**
 * Splits a request target (origin-form `/p?q`, or absolute-form) into the path relative to `mountPath` and the raw
 * query. Never throws.
 */
export const requestTarget = (url: string, mountPath: string): RequestTarget => {
  let target = url;
  if (!target.startsWith('/')) {
    try {
      const parsed = new URL(target);
      target = `${parsed.pathname}${parsed.search}`;
    } catch {
      return { _tag: 'Outside' };
    }
  }
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const query = q >= 0 ? target.slice(q + 1) : '';
  const mount = normaliseMountPath(mountPath);
  const rawMount = encodeURI(mount);
  const underMount = (p: string, m: string) => m === '' || p === m || p.startsWith(`${m}/`);
  const decoded = safeDecode(rawPath);
  if (decoded === undefined) {
    return underMount(rawPath, rawMount) ? { _tag: 'Invalid', response: badRequestTarget() } : { _tag: 'Outside' };
  }
  if (!underMount(decoded, mount)) return { _tag: 'Outside' };
  const rest = decoded.slice(mount.length);
  return { _tag: 'Target', path: rest === '' ? '/' : rest, query };
};

/**
 * Request headers, names in lower case. Every repeated header is joined with `, ` (`; ` for `cookie`), including the
 * ones Node's `req.headers` keeps only once (`authorization`, `content-type`…), so a duplicate is visible to the core.
 */
export const requestHeaders = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  const distinct = req.headersDistinct as Record<string, string[] | undefined> | undefined;
  if (distinct !== undefined) {
    for (const [name, values] of Object.entries(distinct)) {
      if (values !== undefined) out[name] = values.join(name === 'cookie' ? '; ' : ', ');
    }
    return out;
  }
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
};

export type RequestConversion =
  | { readonly _tag: 'Request'; readonly request: HttpRequest }
  | { readonly _tag: 'Outside' }
  | { readonly _tag: 'Invalid'; readonly response: HttpResponse };

/**
 * Builds the core's `HttpRequest` from a Node request and its raw body. `url` defaults to `req.url`; pass the
 * original URL when a framework rewrote `req.url`. Never throws.
 */
export const toHttpRequest = (
  req: IncomingMessage,
  rawBody: Uint8Array | undefined,
  mountPath: string,
  url: string = req.url ?? '/',
): RequestConversion => {
  const target = requestTarget(url, mountPath);
  if (target._tag !== 'Target') return target;
  const remoteAddress = req.socket?.remoteAddress;
  return {
    _tag: 'Request',
    request: {
      method: (req.method ?? 'GET').toUpperCase(),
      path: target.path,
      query: target.query,
      headers: requestHeaders(req),
      body: rawBody,
      ...(remoteAddress === undefined ? {} : { remoteAddress }),
    },
  };
};

/**
 * The request a resource server's bearer check sees (RFC 6750 §2): method, raw query, headers and whatever body the
 * caller has. The path is informational only, so a path that is not validly percent-encoded never hides the token.
 */
export const bearerHttpRequest = (req: IncomingMessage, body: Uint8Array | undefined, url: string = req.url ?? '/'): HttpRequest => {
  const target = requestTarget(url, '');
  const q = url.indexOf('?');
  const remoteAddress = req.socket?.remoteAddress;
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: target._tag === 'Target' ? target.path : '/',
    query: q >= 0 ? url.slice(q + 1).split('#')[0] ?? '' : '',
    headers: requestHeaders(req),
    body,
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  };
};
