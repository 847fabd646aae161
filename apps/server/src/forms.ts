import { type HttpRequest } from '@grantor/core';
import { hasControlCharacter, readFormBody } from '@grantor/core/extend';

/**
 * The fields of a page's form POST, parsed by the core (`application/x-www-form-urlencoded` only; a repeated field,
 * bad encoding or another content type gives an empty form, and the page then reports the missing field).
 */
export const readForm = (req: HttpRequest): Readonly<Record<string, string>> => {
  const form = readFormBody(req);
  return form._tag === 'Right' ? form.right : {};
};

/** One query parameter (first value), or undefined; a value holding a control character (RFC 6749 Appendix A) counts as absent. */
export const queryParam = (req: HttpRequest, name: string): string | undefined => {
  const v = new URLSearchParams(req.query).get(name);
  return v === null || hasControlCharacter(v) ? undefined : v;
};
