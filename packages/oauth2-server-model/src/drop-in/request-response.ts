/**
 * `Request` and `Response`: the framework-neutral wrappers of `@node-oauth/oauth2-server` 5 (same constructors and
 * methods), written for this package.
 */
import { InvalidArgumentError } from './errors.js';

type Headers = Record<string, string | string[] | undefined>;

const lowerCased = (headers: Readonly<Record<string, unknown>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
};

/** `type/subtype` of a media type, lower case, without parameters. */
const mediaType = (value: string | undefined): string => (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** A request: `headers` (names lower-cased), `method`, `query`, `body`; any other member of the input is kept. */
export class Request {
  body: Record<string, unknown>;
  headers: Record<string, string>;
  method: string;
  query: Record<string, unknown>;
  [key: string]: unknown;

  constructor(options: { headers?: Headers; method?: string; query?: Record<string, unknown>; body?: unknown; [key: string]: unknown } = {}) {
    const { headers, method, query, body, ...others } = options;
    if (!headers) throw new InvalidArgumentError('Missing parameter: `headers`');
    if (!method) throw new InvalidArgumentError('Missing parameter: `method`');
    if (!query) throw new InvalidArgumentError('Missing parameter: `query`');
    this.body = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    this.headers = lowerCased(headers);
    this.method = method;
    this.query = query;
    for (const [key, value] of Object.entries(others)) if (this[key] === undefined) this[key] = value;
  }

  /** A header, case-insensitively. */
  get(field: string): string | undefined {
    return this.headers[field.toLowerCase()];
  }

  /** The first of `types` the content type matches (`application/x-www-form-urlencoded`, `json`, `*\/json`…), else false. */
  is(...types: (string | string[])[]): string | false {
    const actual = mediaType(this.headers['content-type']);
    if (actual === '') return false;
    const [type, subtype] = actual.split('/');
    for (const wanted of types.flat()) {
      const w = wanted.toLowerCase();
      if (w === actual || w === subtype || (w.startsWith('*/') && w.slice(2) === subtype) || (w.endsWith('/*') && w.slice(0, -2) === type)) return wanted;
      if (w === 'urlencoded' && subtype === 'x-www-form-urlencoded') return wanted;
    }
    return false;
  }
}

/** A response the handlers fill: `status` (200), `headers` (lower-cased names), `body`. */
export class Response {
  body: Record<string, unknown>;
  headers: Record<string, string>;
  status: number;
  [key: string]: unknown;

  constructor(options: { headers?: Headers; body?: unknown; [key: string]: unknown } = {}) {
    const { headers = {}, body = {}, ...others } = options;
    this.status = 200;
    this.body = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    this.headers = lowerCased(headers);
    for (const [key, value] of Object.entries(others)) if (this[key] === undefined) this[key] = value;
  }

  get(field: string): string | undefined {
    return this.headers[field.toLowerCase()];
  }

  set(field: string, value: string): void {
    this.headers[field.toLowerCase()] = value;
  }

  /** A 302 redirect to `url`. */
  redirect(url: string): void {
    this.set('Location', url);
    this.status = 302;
  }
}
