import type { AdminOperations, HttpRequest, HttpResponse } from '@grantor/core';
import { json } from '@grantor/core/extend';
import type { Pages } from '../pages/router.js';

/**
 * `/healthz` (live: the process answers) and `/readyz` (ready: the store answers and an active signing key is loaded),
 * for orchestrators and load balancers. Both 200 when well; `/readyz` is 503 with what is wrong otherwise. Under the
 * issuer's path like the pages.
 */
export const healthPages = (admin: Pick<AdminOperations, 'keys'>): Pages => {
  const ready = async (): Promise<HttpResponse> => {
    // One store read (the key set) answers both questions: the store is reachable, and keys are there to sign with.
    const keys = await admin.keys.list();
    if (keys._tag === 'Failed') return json(503, { status: 'unavailable', store: 'unreachable' });
    const active = keys.value.filter((k) => k.status === 'active').length;
    return active > 0 ? json(200, { status: 'ok', store: 'ok', activeKeys: active }) : json(503, { status: 'unavailable', store: 'ok', activeKeys: 0 });
  };
  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return { ...json(405, { error: 'invalid_request', error_description: 'Use GET.' }), headers: { allow: 'GET, HEAD', 'cache-control': 'no-store' } };
    return req.path === '/healthz' ? json(200, { status: 'ok' }) : ready();
  };
  const paths = ['/healthz', '/readyz'];
  return {
    routes: paths.map((path) => ({ path, methods: ['GET', 'HEAD'], handle })),
    matches: (path) => paths.includes(path),
    handle,
  };
};
