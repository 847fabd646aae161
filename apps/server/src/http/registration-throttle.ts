import type { AuthorizationServer, HttpRequest, HttpResponse } from '@grantor/core';
import { oauthError, renderError } from '@grantor/core/extend';
import { attempt, byAddress, type ServerThrottles } from '../throttle.js';

/**
 * RFC 7591 §5 ("the authorization server SHOULD ... rate-limit" open registration, as an abuse control) and RFC 6585 §4:
 * every POST to the registration endpoint is counted per client address BEFORE it is handled (successful ones too:
 * the limit is on registrations, not on failures); past REGISTRATION_RATE per hour the answer is 429 with
 * `Retry-After` and an RFC 6749 §5.2-shaped JSON body, and nothing is registered. Loopback addresses are exempt unless
 * THROTTLE_LOOPBACK=1 (as every per-address limit). RFC 7592 management (GET/PUT/DELETE) is not counted.
 */
export const withRegistrationThrottle = (server: AuthorizationServer, throttles: ServerThrottles): AuthorizationServer => {
  const limit = throttles.registration;
  if (limit === undefined || server.config.registration.mode === 'closed') return server;
  const path = server.config.routes.registration;
  const guard =
    (handle: (req: HttpRequest) => Promise<HttpResponse>) =>
    async (req: HttpRequest): Promise<HttpResponse> => {
      if (req.method !== 'POST' || req.path !== path) return handle(req);
      const counted = await attempt(byAddress(throttles, limit.perAddress, req.remoteAddress));
      if (counted.verdict._tag === 'Allowed') return handle(req);
      const wait = counted.verdict.retryAfterSeconds;
      return renderError(oauthError('too_many_requests', `Too many client registrations from this address. Retry after ${wait} seconds.`, { detail: 'registration throttled', headers: { 'retry-after': String(wait) } }));
    };
  return {
    ...server,
    routes: server.routes.map((r) => (r.path === path ? { ...r, handle: guard(r.handle) } : r)),
    handle: guard(server.handle),
  };
};
