import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../errors/store-error.js';
import type { Client } from '../domain/client.js';
import type { AccessTokenRecord, ConsentRecord, RefreshTokenRecord } from '../domain/records.js';

/**
 * The operator's view of a store: listing, bulk revocation and deletion, for an admin API, a CLI or a console. Not
 * used on any protocol path. Lists are pages in a stable order with an opaque `cursor` (the store's own format:
 * pass back `next` as given); a cursor the store does not understand starts from the beginning.
 */

/** One page of a list; `next` is absent on the last page. */
export interface Page<A> {
  readonly items: readonly A[];
  readonly next?: string;
}

/** Paging of every list: at most `limit` items after `cursor`. */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface ClientQuery extends PageRequest {
  /** A substring of the `client_id` or `client_name` (case-sensitive). */
  readonly search?: string;
  /** Only disabled (`true`) or only enabled (`false`) clients. */
  readonly disabled?: boolean;
  /**
   * Only clients registered through the RFC 7591 endpoint (`dynamic`: those with a `registration`) or only the others
   * (`static`: created by an operator or the seed).
   */
  readonly registered?: 'dynamic' | 'static';
}

/** Which token table an entry comes from. */
export type TokenKind = 'access_token' | 'refresh_token';

/**
 * Where a token is in its life at an instant: `revoked` (RFC 7009), `rotated` (a refresh token replaced by its
 * successor, RFC 9700 §4.14.2), `expired`, else `active`.
 */
export type TokenStatus = 'active' | 'expired' | 'revoked' | 'rotated';

export interface TokenQuery extends PageRequest {
  readonly clientId?: string;
  readonly subject?: string;
  readonly grantId?: string;
  readonly kind?: TokenKind;
  readonly status?: TokenStatus;
  /** The instant `status` is judged at (epoch seconds). */
  readonly now: number;
}

/** A stored token as the store keeps it (hashes only, never a bearer value). */
export type TokenEntry =
  | { readonly kind: 'access_token'; readonly record: AccessTokenRecord }
  | { readonly kind: 'refresh_token'; readonly record: RefreshTokenRecord };

export interface ConsentQuery extends PageRequest {
  readonly subject?: string;
  readonly clientId?: string;
}

/** Active tokens by kind (the operator's gauge). */
export interface ActiveTokenCounts {
  readonly accessTokens: number;
  readonly refreshTokens: number;
}

/** Whose tokens or consents a bulk operation touches: a client's, a subject's, or one subject's at one client. */
export type OwnerFilter =
  | { readonly clientId: string; readonly subject?: string }
  | { readonly subject: string; readonly clientId?: string };

/** The store side of the operator's operations. Every method is one call; bulk ones report how many rows changed. */
export interface AdminStore {
  /** Clients ordered by `client_id`. */
  readonly listClients: (query: ClientQuery) => TaskEither<StoreError, Page<Client>>;
  /**
   * Deletes a client and everything issued to it (codes, access and refresh tokens, consents, pending interactions
   * and device authorizations, its `client_secret_jwt` key) atomically; `false` when there was no such client.
   */
  readonly deleteClient: (clientId: string) => TaskEither<StoreError, boolean>;
  /** Access tokens, then refresh tokens, each ordered by id (hash or `jti`). */
  readonly listTokens: (query: TokenQuery) => TaskEither<StoreError, Page<TokenEntry>>;
  /** Marks every unrevoked access and refresh token of the owner revoked at `now`; returns how many. */
  readonly revokeTokens: (owner: OwnerFilter, now: number) => TaskEither<StoreError, number>;
  /** How many access and refresh tokens are active at `now` (neither revoked, rotated nor expired): one count per table. */
  readonly countActiveTokens: (now: number) => TaskEither<StoreError, ActiveTokenCounts>;
  /** Remembered consents ordered by subject, then client. */
  readonly listConsents: (query: ConsentQuery) => TaskEither<StoreError, Page<ConsentRecord>>;
  /** Forgets every consent of the owner; returns how many. */
  readonly revokeConsents: (owner: OwnerFilter) => TaskEither<StoreError, number>;
}
