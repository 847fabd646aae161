import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Outbound HTTP requests to URLs a client or a request names (`jwks_uri`, client ID metadata documents): the
 * server-side request forgery (SSRF) defences that draft-ietf-oauth-client-id-metadata-document-02 §8.6 asks of an
 * authorization server fetching URLs others control (RFC 7591 §5 names the same risk for client metadata URLs).
 * Every host name is resolved here, every address is checked, and the connection goes to the address that was
 * checked (the socket's `lookup` is this module's), so a DNS answer cannot change between the check and the
 * connection (no rebinding window). The same checks apply to every redirect.
 */

/** Resolves a host name to its IP addresses (default: the system resolver, every address). */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

/** Options of {@link outboundFetcher}. */
export interface OutboundFetchOptions {
  /** Whole-request deadline (resolution, connection, redirects, body), in milliseconds. Default 3000. */
  readonly timeoutMs?: number;
  /** Largest accepted body, in bytes. Default 65536 (64 KiB). */
  readonly maxBytes?: number;
  /**
   * Plain `http:` URLs: `false` (default, HTTPS only); `'loopback'` (only hosts named `localhost`, `127.x.x.x` or
   * `[::1]`, and loopback addresses become reachable, over http or https; nothing else private; for tests and local
   * development); `true` (http to any host that passes the address check; never in production).
   */
  readonly allowHttp?: boolean | 'loopback';
  /**
   * Reach private, loopback, link-local, unique-local, CGNAT and other non-public addresses (default `false`). Only
   * for a deployment whose clients are inside its own network.
   */
  readonly allowPrivateAddresses?: boolean;
  /** Redirects followed per request (same scheme only, never `https:` → `http:`). Default 3; 0 refuses every redirect. */
  readonly maxRedirects?: number;
  /** How host names are resolved (tests inject one); the addresses it returns are the ones connected to. */
  readonly resolve?: HostResolver;
}

/** A response with status 200: its final URL, headers (lower-case names) and body. */
export interface OutboundResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

/**
 * Why a request failed. `refused`: the URL or an address it resolved to is not allowed (nothing was sent); `status`:
 * the server answered something other than 200 (the body is not read); `too-large`, `redirects`: limits; `timeout`,
 * `network`: the connection. `transient` is true for a timeout, a network failure, a 5xx and a 429.
 */
export interface OutboundFailure {
  readonly reason: 'refused' | 'status' | 'too-large' | 'redirects' | 'timeout' | 'network';
  readonly detail: string;
  readonly transient: boolean;
  readonly status?: number;
}

export type OutboundResult = { readonly _tag: 'Left'; readonly left: OutboundFailure } | { readonly _tag: 'Right'; readonly right: OutboundResponse };

/**
 * What one outbound request sends: `accept` is its `Accept` header; a `POST` (an RFC 7662 introspection call) carries
 * `body` with `headers` (e.g. `content-type`, `authorization`) and never follows a redirect (the body and the
 * credentials would go to another URL).
 */
export interface OutboundInit {
  readonly accept?: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** One outbound request (GET unless `init.method` says POST): never throws or rejects. */
export type OutboundFetch = (url: string, init?: OutboundInit) => Promise<OutboundResult>;

const fail = (reason: OutboundFailure['reason'], detail: string, transient: boolean, status?: number): OutboundResult => ({
  _tag: 'Left',
  left: status === undefined ? { reason, detail, transient } : { reason, detail, transient, status },
});

/** Which non-public addresses a policy admits. */
type AddressPolicy = 'public' | 'public+loopback' | 'any';

/**
 * Whether a connection to `address` is allowed: only globally routable unicast addresses (ipaddr.js `range()` is
 * `unicast`), after unwrapping IPv4-mapped IPv6 (`::ffff:10.0.0.1` is judged as `10.0.0.1`). Refused: private
 * (RFC 1918), loopback, link-local (169.254/16 and fe80::/10: cloud metadata services), unique-local (fc00::/7),
 * CGNAT (100.64/10), multicast, broadcast, unspecified, reserved, documentation, 6to4, Teredo, NAT64 and the other
 * special-purpose ranges (RFC 6890). `'public+loopback'` admits loopback too; `'any'` admits everything.
 */
export const addressAllowed = (address: string, policy: AddressPolicy = 'public'): boolean => {
  if (policy === 'any') return ipaddr.isValid(address);
  if (!ipaddr.isValid(address)) return false;
  const range = ipaddr.process(address).range();
  return range === 'unicast' || (policy === 'public+loopback' && range === 'loopback');
};

const loopbackHostname = (hostname: string): boolean => hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);

/** The host of a URL as an IP literal (IPv6 without brackets), or `undefined` for a name. */
const ipLiteral = (hostname: string): string | undefined => {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : undefined;
};

const defaultResolver: HostResolver = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

const refusedAddressCode = 'GRANTOR_REFUSED_ADDRESS';

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null;

/**
 * An outbound fetcher with the SSRF defences of draft-ietf-oauth-client-id-metadata-document-02 §8.6: `https:` only (unless `allowHttp`), no credentials in
 * URLs, host names resolved through `resolve` and refused when ANY address is not public (unless allowed), IP
 * literals checked before anything is sent, the connection made to the checked addresses only, every redirect
 * checked the same way (same scheme, at most `maxRedirects`), a whole-request deadline and a body size limit.
 */
export const outboundFetcher = (options: OutboundFetchOptions = {}): OutboundFetch => {
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const allowHttp = options.allowHttp ?? false;
  const maxRedirects = options.maxRedirects ?? 3;
  const resolve = options.resolve ?? defaultResolver;
  const policy: AddressPolicy = options.allowPrivateAddresses === true ? 'any' : allowHttp === 'loopback' ? 'public+loopback' : 'public';

  /** The URL policy: scheme, credentials, and an IP-literal host's address. A string says why it is refused. */
  const checkUrl = (raw: string): URL | string => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return `${raw.slice(0, 200)} is not an absolute URL`;
    }
    if (url.username !== '' || url.password !== '') return `${url.origin} must not carry credentials`;
    const literal = ipLiteral(url.hostname);
    if (literal !== undefined && !addressAllowed(literal, policy)) return `${url.hostname} is not a public address`;
    const httpAllowed = allowHttp === true || (allowHttp === 'loopback' && loopbackHostname(url.hostname));
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed)) return `${url.origin}${url.pathname} is not https (allowHttp: ${String(allowHttp)})`;
    return url;
  };

  /** The socket's resolver: every address of the name must pass; the connection uses exactly these addresses. */
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !addressAllowed(a, policy));
        if (addresses.length === 0 || refused !== undefined) {
          const error = Object.assign(new Error(`${hostname} resolves to ${refused ?? 'no address'}, which is not a public address`), { code: refusedAddressCode });
          callback(error, '', 4);
          return;
        }
        const family = (a: string): number => (ipaddr.parse(a).kind() === 'ipv6' ? 6 : 4);
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? addresses.filter((a) => family(a) === lookupOptions.family) : addresses;
        if (lookupOptions.all === true) callback(null, wanted.map((address) => ({ address, family: family(address) })));
        else callback(null, wanted[0] ?? '', family(wanted[0] ?? addresses[0] ?? ''));
      },
      (cause: unknown) => callback(Object.assign(new Error(`${hostname} could not be resolved: ${String(cause)}`), { code: 'ENOTFOUND' }), '', 4),
    );
  };

  const once = (url: URL, init: OutboundInit, signal: AbortSignal): Promise<IncomingMessage> =>
    new Promise((resolveResponse, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
      const headers = {
        ...init.headers,
        accept: init.accept ?? 'application/json',
        'user-agent': 'grantor',
        ...(body === undefined ? {} : { 'content-length': String(body.byteLength) }),
      };
      const req = send(url, { method: init.method ?? 'GET', headers, lookup, signal, agent: false }, resolveResponse);
      req.on('error', reject);
      req.end(body);
    });

  const readBody = (response: IncomingMessage): Promise<Uint8Array | undefined> =>
    new Promise((resolveBody, reject) => {
      if (Number(response.headers['content-length'] ?? '0') > maxBytes) {
        resolveBody(undefined);
        response.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > maxBytes) {
          resolveBody(undefined);
          response.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolveBody(new Uint8Array(Buffer.concat(chunks))));
      response.on('error', reject);
      response.on('aborted', () => reject(new Error('the response was cut short')));
    });

  return async (raw, init = {}) => {
    const first = checkUrl(raw);
    if (typeof first === 'string') return fail('refused', first, false);
    const signal = AbortSignal.timeout(timeoutMs);
    let url = first;
    try {
      for (let hop = 0; ; hop++) {
        const response = await once(url, init, signal);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (status >= 300 && status < 400 && location !== undefined) {
          response.destroy();
          if (init.method === 'POST') return fail('redirects', `${raw}: a POST is not redirected (to ${location.slice(0, 200)})`, false);
          if (hop >= maxRedirects) return fail('redirects', `${raw}: more than ${maxRedirects} redirects`, false);
          const next = checkUrl(new URL(location, url).href);
          if (typeof next === 'string') return fail('refused', `${raw} redirects to a refused URL: ${next}`, false);
          if (next.protocol !== url.protocol) return fail('refused', `${raw} redirects to another scheme (${next.protocol})`, false);
          url = next;
          continue;
        }
        if (status !== 200) {
          response.destroy();
          return fail('status', `${raw} answered ${status}`, status >= 500 || status === 429, status);
        }
        const body = await readBody(response);
        if (body === undefined) return fail('too-large', `${raw}: the body is larger than ${maxBytes} bytes`, false);
        const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
        return { _tag: 'Right', right: { url: url.href, status, headers, body } };
      }
    } catch (cause) {
      if (isRecord(cause) && cause['code'] === refusedAddressCode) return fail('refused', `${raw}: ${String(cause['message'])}`, false);
      if (signal.aborted || (isRecord(cause) && (cause['name'] === 'AbortError' || cause['name'] === 'TimeoutError'))) return fail('timeout', `${raw} timed out after ${timeoutMs} ms`, true);
      return fail('network', `${raw} could not be fetched: ${String(cause)}`, true);
    }
  };
};
