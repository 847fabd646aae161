/** Test helpers that need no DOM or Node globals (the core compiles against plain ES2023). */

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => {
  const out: number[] = [];
  for (const part of encodeURIComponent(s).split(/(%[0-9A-F]{2})/)) {
    if (part.startsWith('%') && part.length === 3) out.push(parseInt(part.slice(1), 16));
    else for (const ch of part) out.push(ch.charCodeAt(0));
  }
  return Uint8Array.from(out);
};

/** `application/x-www-form-urlencoded` text of a record (arrays repeat the name). */
export const formEncode = (params: Readonly<Record<string, string | readonly string[]>>): string =>
  Object.entries(params)
    .flatMap(([k, v]) => (typeof v === 'string' ? [v] : v).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
    .join('&');

/** Splits a URL into the part before `?` and its decoded query parameters (last value wins). */
export const splitUrl = (url: string): { readonly base: string; readonly params: Readonly<Record<string, string>> } => {
  const hashAt = url.indexOf('#');
  const noHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const q = noHash.indexOf('?');
  const params: Record<string, string> = {};
  if (q >= 0) {
    for (const pair of noHash.slice(q + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const k = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      params[k] = decodeURIComponent((eq < 0 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' '));
    }
  }
  return { base: q < 0 ? noHash : noHash.slice(0, q), params };
};
