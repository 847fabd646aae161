import type { HttpRequest } from '@grantor/core';

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Reads an `application/x-www-form-urlencoded` body (the pages' forms). Anything else, or a malformed body, gives
 * an empty form (the page then reports the missing field). The first value of a repeated field wins.
 */
export const readForm = (req: HttpRequest): Readonly<Record<string, string>> => {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || req.body === undefined) return {};
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(decoder.decode(req.body))) if (!(k in out)) out[k] = v;
  return out;
};

/** One query parameter (first value), or undefined. */
export const queryParam = (req: HttpRequest, name: string): string | undefined => {
  const v = new URLSearchParams(req.query).get(name);
  return v === null ? undefined : v;
};
