import type { AuthorizationServer, HttpResponse } from '@grantor/core';

/** The outcome of a response: the `error` of a JSON error body or of an error redirect, `ok` for success. */
export const outcomeOf = (res: HttpResponse): string => {
  if (res._tag === 'Json' && typeof res.body === 'object' && res.body !== null && typeof (res.body as { error?: unknown }).error === 'string') {
    return (res.body as { error: string }).error.slice(0, 40);
  }
  if (res._tag === 'Redirect') {
    const q = res.location.indexOf('?');
    const error = q < 0 ? null : new URLSearchParams(res.location.slice(q + 1)).get('error');
    if (error !== null) return error.slice(0, 40);
  }
  return res.status < 400 ? 'ok' : 'error';
};

/**
 * The route's path template a request path falls under (`/admin/clients/:id`), or `unmatched`: what logs, metrics and
 * span names use, so their labels stay few whatever the paths.
 */
export const endpointResolver = (server: Pick<AuthorizationServer, 'routes'>): ((path: string) => string) => {
  const templates = server.routes.map((r) => ({ path: r.path, pattern: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}$`) }));
  return (path) => templates.find((t) => t.pattern.test(path))?.path ?? 'unmatched';
};
