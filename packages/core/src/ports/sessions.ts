import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../errors/store-error.js';
import type { HttpRequest } from '../http/http-request.js';

/** More about an accepted logout request (OpenID Connect RP-Initiated Logout 1.0 §2). */
interface EndSessionContext {
  /** The logout request itself (cookies included), so the host can find its own session. */
  readonly request: HttpRequest;
  /** `sid` of the `id_token_hint`, when the ID token carried one. */
  readonly sessionId?: string;
}

/**
 * The host's login sessions. The core cannot see them (how users log in is the host's business): the end-session
 * endpoint calls `endSession` once the logout request is valid, before it answers, so the host can clear its session
 * store. `subject` is the `sub` of a valid `id_token_hint` (absent without one: the host then uses its own session
 * cookie); `clientId` is the client asking (`client_id`, or the hint's audience). Clearing a cookie needs a
 * `Set-Cookie` header on the response, which the host's adapter adds around the route.
 */
export interface SessionPort {
  readonly endSession: (subject: string | undefined, clientId: string | undefined, context: EndSessionContext) => TaskEither<StoreError, void>;
}
