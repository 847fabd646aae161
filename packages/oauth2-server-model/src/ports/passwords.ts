import * as O from 'fp-ts/lib/Option.js';
import type { PasswordVerifier } from '@grantor/core';
import { callModel } from '../model.js';
import { modelClientOf } from './clients.js';
import { fail, fromModel, modelBroken, type ModelDeps } from './shared.js';

/**
 * The password grant's `PasswordVerifier` (RFC 6749 §4.3): `getUser(username, password, client)`. The model checks
 * the password as it always did; Grantor throttles attempts first (`loginThrottle`). The subject is the user's
 * (`options.subject`), else the username.
 */
export const modelPasswordVerifier = (deps: ModelDeps): PasswordVerifier => ({
  verify: (username, password) =>
    fromModel('getUser', async (work) => {
      const clientId = work.facts.client?.clientId;
      if (clientId === undefined) return fail(modelBroken('a password request without a client'));
      const client = await modelClientOf(deps, work, clientId);
      const user = await callModel(deps.model, 'getUser', username, password, client);
      if (!user) return O.none;
      if (typeof user !== 'object') return fail(modelBroken('getUser() returned something that is not an object'));
      work.user = user;
      return O.some({ subject: deps.subject(user) ?? username });
    }),
});
