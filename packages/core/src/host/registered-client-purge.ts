import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client } from '../domain/client.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { AdminStore } from '../ports/admin.js';
import type { Clock } from '../ports/runtime.js';

/**
 * Purging dynamically registered clients (RFC 7591): open registration lets anyone create clients, so an operator
 * needs to remove the ones nobody uses. Only clients with a `registration` (registered through the endpoint) are ever
 * touched; an operator's or the seed's clients never are.
 */

/** What `purgeRegistered` removes. */
export interface PurgeRegisteredOptions {
  /** Only clients registered at least this many seconds ago. */
  readonly olderThanSeconds: number;
  /**
   * Only clients with nothing stored for them: no access or refresh token (whatever its status) and no remembered
   * consent. Tokens are kept until the sweeper removes them after they expire, so this means "not used recently".
   */
  readonly unusedOnly?: boolean;
  /** Report what would be purged, delete nothing. */
  readonly dryRun?: boolean;
}

/** The clients purged (or, on a dry run, that would be). */
export interface PurgeReport {
  readonly clientIds: readonly string[];
}

interface RegisteredPurgePorts {
  readonly admin: AdminStore;
  readonly clock: Clock;
}

const pageSize = 200;

/** Every dynamically registered client, page by page (the store's `registered: 'dynamic'` filter). */
const allRegistered = (admin: AdminStore, cursor: string | undefined, acc: readonly Client[]): TE.TaskEither<OAuthError, readonly Client[]> =>
  pipe(
    admin.listClients({ registered: 'dynamic', limit: pageSize, ...(cursor === undefined ? {} : { cursor }) }),
    TE.mapError(fromStoreError),
    TE.flatMap((page) => (page.next === undefined ? TE.right([...acc, ...page.items]) : allRegistered(admin, page.next, [...acc, ...page.items]))),
  );

/** True when nothing is stored for the client: no token of either kind, no consent. */
const unused = (ports: RegisteredPurgePorts, clientId: string, now: number): TE.TaskEither<OAuthError, boolean> =>
  pipe(
    TE.Do,
    TE.bind('tokens', () => ports.admin.listTokens({ clientId, limit: 1, now })),
    TE.bind('consents', () => ports.admin.listConsents({ clientId, limit: 1 })),
    TE.map(({ tokens, consents }) => tokens.items.length === 0 && consents.items.length === 0),
    TE.mapError(fromStoreError),
  );

/**
 * Deletes every dynamically registered client registered at least `olderThanSeconds` ago (and, with `unusedOnly`,
 * with nothing stored for it), each with everything issued to it (the store's `deleteClient`). Returns the ids.
 */
export const purgeRegistered =
  (ports: RegisteredPurgePorts) =>
  (options: PurgeRegisteredOptions): TE.TaskEither<OAuthError, PurgeReport> => {
    if (!Number.isFinite(options.olderThanSeconds) || options.olderThanSeconds < 0) return TE.left(invalidRequest('olderThanSeconds must be a number of seconds, 0 or more.'));
    const now = Math.floor(ports.clock.now());
    const cutoff = now - options.olderThanSeconds;
    return pipe(
      allRegistered(ports.admin, undefined, []),
      TE.map((clients) => clients.filter((c) => c.registration !== undefined && c.registration.registeredAt <= cutoff)),
      TE.flatMap((old) =>
        options.unusedOnly === true
          ? pipe(
              old,
              TE.traverseSeqArray((c) => pipe(unused(ports, c.clientId, now), TE.map((free) => (free ? [c] : [])))),
              TE.map((lists) => lists.flat()),
            )
          : TE.right(old),
      ),
      TE.flatMap((doomed) =>
        options.dryRun === true
          ? TE.right(doomed)
          : pipe(
              doomed,
              TE.traverseSeqArray((c) => pipe(ports.admin.deleteClient(c.clientId), TE.mapError(fromStoreError), TE.map((deleted) => (deleted ? [c] : [])))),
              TE.map((lists) => lists.flat()),
            ),
      ),
      TE.map((purged) => ({ clientIds: purged.map((c) => c.clientId) })),
    );
  };
