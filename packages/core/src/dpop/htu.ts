/**
 * RFC 9449 §4.3 check 9: `htu` is compared with the request's URI "without query and fragment parts", after the
 * syntax-based normalisation of RFC 3986 §6.2.2 and the scheme-based one of §6.2.3: scheme and host are
 * case-insensitive, a default port is the same as none, an empty path is `/`. Parsed by hand (the core compiles
 * without the WHATWG `URL` global). `undefined` for anything that is not an absolute http(s) URI.
 */
export const normalizeHtu = (uri: string): string | undefined => {
  const m = /^(https?):\/\/([^/?#@\s]+)([^?#\s]*)(?:\?[^#\s]*)?(?:#\S*)?$/i.exec(uri);
  if (m === null) return undefined;
  const scheme = (m[1] ?? '').toLowerCase();
  const authority = (m[2] ?? '').toLowerCase();
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  const host = authority.endsWith(defaultPort) ? authority.slice(0, -defaultPort.length) : authority;
  const path = m[3] === undefined || m[3] === '' ? '/' : m[3];
  return `${scheme}://${host}${path}`;
};

/** True when the proof's `htu` names the same resource as `expected` (both normalised). */
export const sameHtu = (htu: unknown, expected: string): boolean => {
  if (typeof htu !== 'string') return false;
  const a = normalizeHtu(htu);
  return a !== undefined && a === normalizeHtu(expected);
};
