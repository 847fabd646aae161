import { type HttpRequest, type HttpResponse } from '@grantor/core';
import { bodyText, contentTypeOf } from '@grantor/core/extend';

/** The headers whose values the suite compares (RFC 6749 §5.1, RFC 6750 §3, RFC 9110 §15.5.6). */
export const comparedHeaders = ['cache-control', 'pragma', 'www-authenticate', 'location', 'allow', 'content-type'] as const;

/** A response reduced to what clients rely on: status, the compared headers and the (parsed) body. */
export interface Observed {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | null>>;
  readonly body: unknown;
}

const parseBody = (contentType: string | null | undefined, text: string): unknown => {
  if (contentType?.startsWith('application/json') === true) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return { unparsable: text };
    }
  }
  return text;
};

export const observeFetch = async (res: Response): Promise<Observed> => observeText(res, await res.text());

/** `observeFetch` for a response whose body was already read. */
export const observeText = (res: Response, text: string): Observed => {
  const headers = Object.fromEntries(comparedHeaders.map((h) => [h, res.headers.get(h)]));
  return { status: res.status, headers, body: parseBody(headers['content-type'], text) };
};

/** What an ideal adapter would put on the wire for a core response. */
export const observeCore = (r: HttpResponse): Observed => {
  const all: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v])),
    'content-type': contentTypeOf(r),
    ...(r._tag === 'Redirect' ? { location: r.location } : {}),
  };
  const headers = Object.fromEntries(comparedHeaders.map((h) => [h, all[h] ?? null]));
  return { status: r.status, headers, body: parseBody(headers['content-type'], bodyText(r)) };
};

/** A request the suite sends both over HTTP and straight to `server.handle`. */
export interface Probe {
  readonly method: string;
  /** Route path, relative to the server's base URL. */
  readonly path: string;
  readonly query?: string;
  /** Lower-case names. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

const bytes = (body: Uint8Array | string | undefined): Uint8Array | undefined =>
  body === undefined ? undefined : typeof body === 'string' ? new TextEncoder().encode(body) : body;

const probeUrl = (baseUrl: string, p: Probe): string => `${baseUrl}${p.path}${p.query === undefined || p.query === '' ? '' : `?${p.query}`}`;

export const sendProbe = (baseUrl: string, p: Probe): Promise<Response> => {
  const body = bytes(p.body);
  return fetch(probeUrl(baseUrl, p), {
    method: p.method,
    headers: { ...p.headers },
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
    ...(body === undefined ? {} : { body: body as NonNullable<RequestInit['body']> }),
  });
};

/** The `HttpRequest` an adapter should build for a probe (headers as sent; fetch's own extras do not matter to the core). */
export const probeRequest = (p: Probe): HttpRequest => {
  const body = bytes(p.body);
  return {
    method: p.method,
    path: p.path,
    query: p.query ?? '',
    headers: { ...(body === undefined ? {} : { 'content-length': String(body.byteLength) }), ...p.headers },
    body: body === undefined || body.byteLength === 0 ? undefined : body,
  };
};

export const form = (params: Readonly<Record<string, string>> | readonly (readonly [string, string])[]): string =>
  new URLSearchParams(Array.isArray(params) ? (params as [string, string][]) : Object.entries(params as Record<string, string>)).toString();

export const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' } as const;

export const basic = (id: string, secret: string): string =>
  `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;

/** RFC 7636 §4.2 S256 challenge of a verifier. */
export const s256 = async (verifier: string): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  let s = '';
  for (const b of digest) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** The error body shape of RFC 6749 §5.2 / RFC 6750 §3: `error` string, optional string `error_description`/`error_uri`. */
export const isRfcErrorBody = (body: unknown): boolean => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return (
    typeof b['error'] === 'string' &&
    /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/.test(b['error']) &&
    (b['error_description'] === undefined || typeof b['error_description'] === 'string') &&
    (b['error_uri'] === undefined || typeof b['error_uri'] === 'string')
  );
};
