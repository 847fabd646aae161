/**
 * A framework-free HTTP request value. Adapters build it from whatever their framework hands them; the core never
 * sees a socket, a stream or a framework object.
 */
export interface HttpRequest {
  /** Upper-case method, e.g. `GET`. */
  readonly method: string;
  /** Path relative to where Grantor is mounted, always starting with `/`, without the query string. */
  readonly path: string;
  /** The raw query string without the leading `?` (may be empty). */
  readonly query: string;
  /** Header names in lower case. Repeated headers are joined with `, ` as Node does. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw, unparsed body bytes (never the host framework's parsed body). */
  readonly body: Uint8Array | undefined;
  /** Peer address when the adapter knows it (throttling keys). */
  readonly remoteAddress?: string;
}

/** Convenience constructor used by tests and adapters; fills the optional parts. */
export const httpRequest = (r: Partial<HttpRequest> & Pick<HttpRequest, 'method' | 'path'>): HttpRequest => ({
  query: '',
  headers: {},
  body: undefined,
  ...r,
});
