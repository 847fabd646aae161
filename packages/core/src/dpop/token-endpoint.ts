import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Client } from '../domain/client.js';
import type { RefreshTokenRecord } from '../domain/records.js';
import { invalidGrant, oauthError, type OAuthError } from '../errors/oauth-error.js';
import type { HttpRequest } from '../http/http-request.js';
import type { DpopBinding } from './binding.js';
import { dpopHeader, verifyDpopProof, type DpopProofPorts } from './proof.js';

/**
 * RFC 9449 §5: the proof of a token request, checked before anything else (a refused proof spends no client
 * assertion, code or refresh token). No `DPoP` header: `undefined` (tokens stay Bearer). The proof's `htu` must be
 * the token endpoint as discovery advertises it (`baseUrl` + route).
 */
export const tokenRequestProof = (ports: DpopProofPorts, req: HttpRequest, now: number): TE.TaskEither<OAuthError, DpopBinding | undefined> => {
  const header = dpopHeader(req.headers);
  if ('_tag' in header) return TE.left(header);
  if (header.proof === undefined) return TE.right(undefined);
  const url = `${ports.config.baseUrl}${ports.config.routes.token}`;
  return verifyDpopProof(ports, header.proof, { method: req.method, url, now });
};

/**
 * RFC 9449 §5.2 `dpop_bound_access_tokens` (per client) and `config.dpop.required` (server-wide): such token
 * requests must carry a proof.
 */
export const requireProof = (config: { readonly dpop: { readonly required: boolean } }, client: Client, binding: DpopBinding | undefined): E.Either<OAuthError, void> =>
  binding === undefined && (config.dpop.required || client.dpopBoundAccessTokens === true)
    ? E.left(oauthError('invalid_dpop_proof', 'This client must send a DPoP proof.', { detail: `client ${client.clientId} requires DPoP` }))
    : E.right(undefined);

/**
 * RFC 9449 §5: a refresh token bound to a key (issued to a public client with a proof) is refreshed only with a proof
 * by that same key; without a proof or with another key nothing is issued (and nothing is rotated).
 */
export const refreshBindingHolds = (record: RefreshTokenRecord, binding: DpopBinding | undefined): E.Either<OAuthError, void> => {
  if (record.dpopJkt === undefined) return E.right(undefined);
  if (binding === undefined) return E.left(oauthError('invalid_dpop_proof', 'This refresh token is bound to a DPoP key: send a proof.', { detail: 'bound refresh token without proof' }));
  return binding.jkt === record.dpopJkt ? E.right(undefined) : E.left(invalidGrant('The refresh token is bound to another DPoP key.', 'refresh token jkt mismatch'));
};
