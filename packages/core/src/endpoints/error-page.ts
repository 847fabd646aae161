import { html, type HtmlResponse } from '../http/http-response.js';
import type { FatalAuthorizeError } from '../errors/oauth-error.js';

const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

const statusOf = (code: FatalAuthorizeError['code']): number =>
  code === 'server_error' ? 500 : code === 'temporarily_unavailable' ? 503 : 400;

/**
 * RFC 6749 §4.1.2.1 / RFC 9700 §4.11: when the client or its redirect URI cannot be trusted, the authorization server
 * informs the resource owner and does not redirect. A plain page: the public description only (never the private
 * detail or a stack), escaped, not cacheable, not framable.
 */
export const authorizeErrorPage = (error: FatalAuthorizeError): HtmlResponse =>
  html(
    statusOf(error.code),
    [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head>',
      '<body>',
      '<h1>Authorization error</h1>',
      `<p>${escapeHtml(error.description)}</p>`,
      `<p>Error code: <code>${escapeHtml(error.code)}</code></p>`,
      '<p>The application that sent you here could not be verified, so you have not been redirected back to it.</p>',
      '</body></html>',
    ].join('\n'),
    { 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'referrer-policy': 'no-referrer' },
  );
