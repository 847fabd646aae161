/**
 * Redirect URI comparison at the authorization endpoint: exact string matching (RFC 9700 §2.1, OAuth 2.1 §2.3.1),
 * with the one exception RFC 8252 §7.3 makes for native apps on the loopback interface.
 */

/** `http` on a loopback IP literal (RFC 8252 §7.3): host, optional port, then the rest (path and query). */
const loopbackIp = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?([/?][^#]*)?$/;

interface LoopbackParts {
  readonly host: string;
  readonly rest: string;
}

const loopbackParts = (uri: string): LoopbackParts | undefined => {
  const m = loopbackIp.exec(uri);
  if (m === null) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { host: m[1] ?? '', rest: m[3] ?? '' };
};

/**
 * RFC 8252 §7.3: "The authorization server MUST allow any port to be specified at the time of the request for
 * loopback IP redirect URIs". A registered `http://127.0.0.1/cb` or `http://[::1]:1234/cb` therefore matches the same
 * IP literal with any port (or none) and the identical path and query. Everything else — `https`, private-use schemes
 * (§7.1), and `http://localhost` (§8.3: NOT RECOMMENDED; Grantor compares it exactly, port included) — is an exact
 * string match.
 */
export const redirectUriMatches = (registered: string, requested: string): boolean => {
  if (registered === requested) return true;
  const r = loopbackParts(registered);
  const q = r === undefined ? undefined : loopbackParts(requested);
  return r !== undefined && q !== undefined && r.host === q.host && r.rest === q.rest;
};

/** Whether `requested` matches one of the client's registered redirect URIs (`redirectUriMatches`). */
export const isRegisteredRedirectUri = (registered: readonly string[], requested: string): boolean => registered.some((r) => redirectUriMatches(r, requested));
