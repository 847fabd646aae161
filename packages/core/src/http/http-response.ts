/** Response headers, names in lower case. */
export type HttpHeaders = Readonly<Record<string, string>>;

/** A JSON body; adapters serialise `body` with `JSON.stringify` and set `content-type: application/json`. */
export interface JsonResponse {
  readonly _tag: 'Json';
  readonly status: number;
  readonly headers: HttpHeaders;
  readonly body: unknown;
}

/** A redirect (302 or 303) to an absolute or origin-relative `location`. */
export interface RedirectResponse {
  readonly _tag: 'Redirect';
  readonly status: 302 | 303;
  readonly headers: HttpHeaders;
  readonly location: string;
}

/** A server-rendered HTML page (`content-type: text/html; charset=utf-8`). */
export interface HtmlResponse {
  readonly _tag: 'Html';
  readonly status: number;
  readonly headers: HttpHeaders;
  readonly html: string;
}

/** A response with no body (e.g. 200 from revocation, 204). */
export interface EmptyResponse {
  readonly _tag: 'Empty';
  readonly status: number;
  readonly headers: HttpHeaders;
}

/**
 * A text body with its own media type, written as is (e.g. an RFC 9701 `application/token-introspection+jwt` JWT).
 * Adapters set `content-type: contentType` and write `text` as UTF-8.
 */
export interface TextResponse {
  readonly _tag: 'Text';
  readonly status: number;
  readonly headers: HttpHeaders;
  readonly contentType: string;
  readonly text: string;
}

export type HttpResponse = JsonResponse | RedirectResponse | HtmlResponse | EmptyResponse | TextResponse;

/** RFC 6749 §5.1: token responses and their errors must not be cached. */
export const noStore: HttpHeaders = Object.freeze({ 'cache-control': 'no-store', pragma: 'no-cache' });

export const json = (status: number, body: unknown, headers: HttpHeaders = noStore): JsonResponse =>
  ({ _tag: 'Json', status, headers, body });

export const redirect = (location: string, status: 302 | 303 = 302, headers: HttpHeaders = {}): RedirectResponse =>
  ({ _tag: 'Redirect', status, location, headers: { 'cache-control': 'no-store', ...headers } });

export const html = (status: number, page: string, headers: HttpHeaders = {}): HtmlResponse =>
  ({ _tag: 'Html', status, html: page, headers: { 'cache-control': 'no-store', ...headers } });

export const empty = (status: number, headers: HttpHeaders = noStore): EmptyResponse => ({ _tag: 'Empty', status, headers });

export const text = (status: number, body: string, contentType: string, headers: HttpHeaders = noStore): TextResponse =>
  ({ _tag: 'Text', status, headers, contentType, text: body });

/** The content type an adapter writes for a response. */
export const contentTypeOf = (r: HttpResponse): string | undefined =>
  r._tag === 'Json' ? 'application/json; charset=utf-8' : r._tag === 'Html' ? 'text/html; charset=utf-8' : r._tag === 'Text' ? r.contentType : undefined;

/** Serialises a response body to a string (adapters call this once). */
export const bodyText = (r: HttpResponse): string =>
  r._tag === 'Json' ? JSON.stringify(r.body) : r._tag === 'Html' ? r.html : r._tag === 'Text' ? r.text : '';
