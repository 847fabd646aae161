import { html, type HtmlResponse } from '../http/http-response.js';
import type { FatalAuthorizeError, OAuthError } from '../errors/oauth-error.js';

const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

const statusOf = (code: FatalAuthorizeError['code']): number =>
  code === 'server_error' ? 500 : code === 'temporarily_unavailable' ? 503 : 400;

const securityHeaders = { 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'referrer-policy': 'no-referrer' };

/** A plain, escaped HTML error page: the public description only, never a private detail or a stack. */
export const errorPage = (status: number, code: string, description: string, explanation: string): HtmlResponse =>
  html(
    status,
    [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head>',
      '<body>',
      '<h1>Authorization error</h1>',
      `<p>${escapeHtml(description)}</p>`,
      `<p>Error code: <code>${escapeHtml(code)}</code></p>`,
      `<p>${escapeHtml(explanation)}</p>`,
      '</body></html>',
    ].join('\n'),
    securityHeaders,
  );

/**
 * RFC 6749 §4.1.2.1 / RFC 9700 §4.11: when the client or its redirect URI cannot be trusted, the authorization server
 * informs the resource owner and does not redirect. Not cacheable, not framable.
 */
export const authorizeErrorPage = (error: FatalAuthorizeError): HtmlResponse =>
  errorPage(
    statusOf(error.code),
    error.code,
    error.description,
    'The application that sent you here could not be verified, so you have not been redirected back to it.',
  );

/** An interaction that cannot be completed (unknown, finished or expired): shown to the user, nothing is redirected. */
export const interactionErrorPage = (error: OAuthError): HtmlResponse =>
  errorPage(
    error.code === 'server_error' ? 500 : error.code === 'temporarily_unavailable' ? 503 : 400,
    error.code,
    error.description,
    'Go back to the application and start again.',
  );
