import { type AuthorizationCodeRecord, type AuthorizationCodeStore, type ConsumeOutcome } from '@grantor/core/extend';
import { callModel, hasFunction, type ModelAuthorizationCode, type ModelUser } from '../model.js';
import { dateOf, isObject, sameScope, scopeForModel, scopeFromModel, secondsOf } from '../mapping.js';
import type { Work } from '../work.js';
import { modelClientOf } from './clients.js';
import { fail, fromModel, modelBroken, type ModelDeps } from './shared.js';

/** The value behind a hash Grantor computed in this request (the model is keyed by values). */
export const valueOf = (work: Work, hash: string, what: string): string => {
  const value = work.preimages.get(hash);
  return value ?? fail(modelBroken(`no ${what} value for a hash computed outside this request`));
};

/** The user object for a record's subject: the request's user when it has one, else the host's `userFor(subject)`. */
export const userOf = (deps: ModelDeps, work: Work, subject: string | undefined): ModelUser =>
  work.user ?? (subject === undefined || subject === '' ? {} : deps.userFor(subject));

/** A model code as Grantor's record, keyed by the hash Grantor looked it up with. */
const codeRecord = (deps: ModelDeps, hash: string, code: ModelAuthorizationCode, now: number): AuthorizationCodeRecord => {
  const expiresAt = secondsOf(code.expiresAt);
  if (expiresAt === undefined) return fail(modelBroken('getAuthorizationCode() returned a code whose expiresAt is not a Date'));
  if (!isObject(code.client) || typeof code.client.id !== 'string') return fail(modelBroken('getAuthorizationCode() returned a code without a client'));
  if (!isObject(code.user)) return fail(modelBroken('getAuthorizationCode() returned a code without a user'));
  const challenge = typeof code.codeChallenge === 'string' && code.codeChallenge !== '' ? code.codeChallenge : undefined;
  return {
    codeHash: hash,
    // The model has no grant ids: the code's hash names the grant its tokens belong to.
    grantId: `code:${hash}`,
    clientId: code.client.id,
    redirectUri: typeof code.redirectUri === 'string' ? code.redirectUri : '',
    subject: deps.subject(code.user) ?? '',
    scope: scopeFromModel(code.scope),
    issuedAt: Math.min(Math.floor(now), expiresAt),
    expiresAt,
    ...(challenge === undefined ? {} : { pkce: { challenge, method: code.codeChallengeMethod === 'plain' ? 'plain' : 'S256' } }),
  };
};

/**
 * Authorization codes through `saveAuthorizationCode` / `getAuthorizationCode` / `revokeAuthorizationCode`.
 *
 * WEAKER THAN GRANTOR: the model has no atomic redeem, so single use rests on `revokeAuthorizationCode` (RFC 6749
 * §4.1.2 "MUST NOT be used more than once"): `redeem` reads the code, then revokes it BEFORE any token is issued; only
 * a revoke that returns `true` redeems it. `false` (someone else revoked it first) is a replay (`invalid_grant`); a
 * throw fails the request (503) and issues nothing. The model must make `revokeAuthorizationCode` return `true` for
 * exactly one caller (e.g. `DELETE … RETURNING`, or a row count).
 */
export const modelAuthorizationCodeStore = (deps: ModelDeps): AuthorizationCodeStore => ({
  save: (record) =>
    fromModel('saveAuthorizationCode', async (work) => {
      // RFC 9449 §10: a model code has no place for a DPoP key binding; refusing is safer than an unbound code.
      if (record.dpopJkt !== undefined) return fail(modelBroken('a model cannot keep a code bound to a DPoP key (dpop_jkt): not offered over a model'));
      const value = valueOf(work, record.codeHash, 'authorization code');
      const client = await modelClientOf(deps, work, record.clientId);
      const user = userOf(deps, work, record.subject);
      const scope = scopeForModel(record.scope, deps.version);
      if (hasFunction(deps.model, 'validateScope') && work.scopeValidated !== true) {
        const validated = await callModel(deps.model, 'validateScope', user, client, scope);
        if (!validated || !sameScope(scopeFromModel(validated), record.scope)) return fail(modelBroken(`validateScope() refused or changed the approved scope ${record.scope.join(' ')}`));
      }
      const code = hasFunction(deps.model, 'generateAuthorizationCode') ? await callModel(deps.model, 'generateAuthorizationCode', client, user, scope) : value;
      if (typeof code !== 'string' || code === '') return fail(modelBroken('generateAuthorizationCode() returned no string'));
      if (code !== value) work.codeValues.set(value, code);
      const saved = await callModel(
        deps.model,
        'saveAuthorizationCode',
        {
          authorizationCode: code,
          expiresAt: dateOf(record.expiresAt),
          redirectUri: record.redirectUri,
          scope,
          ...(record.pkce === undefined ? {} : { codeChallenge: record.pkce.challenge, codeChallengeMethod: record.pkce.method }),
        },
        client,
        user,
      );
      if (!saved) return fail(modelBroken('saveAuthorizationCode() returned nothing'));
      work.savedCode = saved;
    }),

  redeem: (codeHash, now) =>
    fromModel('getAuthorizationCode / revokeAuthorizationCode', async (work): Promise<ConsumeOutcome<AuthorizationCodeRecord>> => {
      const value = work.preimages.get(codeHash);
      if (value === undefined) return { _tag: 'NotFound' };
      const code = await callModel(deps.model, 'getAuthorizationCode', value);
      if (!code) return { _tag: 'NotFound' };
      const record = codeRecord(deps, codeHash, code, now);
      // Revoke first (oauth2-server 5 does the same): a code that cannot be revoked is never exchanged.
      const revoked = await callModel(deps.model, 'revokeAuthorizationCode', code);
      if (!revoked) return { _tag: 'AlreadyConsumed', record: { ...record, redeemedAt: Math.floor(now) } };
      work.codes.set(codeHash, code);
      work.user = code.user;
      return { _tag: 'Consumed', record };
    }),
});
