import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuthorizationServer, HttpResponse } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { conformanceSeed } from '@grantor/testkit';
import type { ModelAuthorizationCode, ModelRefreshToken, NewToken, OAuth2ServerModel } from './model.js';
import { createModelAuthorizationServer } from './store.js';
import { memoryModel } from './test/memory-model.js';
import { basic, bodyOf, codeFor, seedClients, seedUsers, tokenRequest } from './test/fixture.js';

/**
 * Property: whatever the model answers — `revokeAuthorizationCode` / `revokeToken` returning false, throwing before or
 * after removing the record, `saveToken` or the lookups throwing — (1) a code yields tokens at most once, and only in a
 * request whose `revokeAuthorizationCode` succeeded for it; (2) a refresh request whose `revokeToken` did not succeed
 * yields no tokens and saves none. Requests run one after another or as concurrent duplicates.
 */
type Fault = 'ok' | 'false' | 'throw' | 'throw-after';

interface Call {
  readonly name: string;
  readonly subject?: string;
  readonly outcome: 'true' | 'false' | 'throw' | 'value';
}

const faulty = (base: OAuth2ServerModel, plan: readonly Fault[]) => {
  const log: Call[] = [];
  let next = 0;
  const draw = (): Fault => plan[next++ % plan.length] ?? 'ok';
  const call = async <A extends unknown[]>(name: keyof OAuth2ServerModel, args: A): Promise<unknown> => {
    const fn = base[name] as unknown as (...a: A) => Promise<unknown>;
    return fn.apply(base, args);
  };
  const revoker =
    (name: 'revokeAuthorizationCode' | 'revokeToken', subjectOf: (record: never) => string) =>
    async (record: never): Promise<boolean> => {
      const fault = draw();
      const subject = subjectOf(record);
      if (fault === 'false') return (log.push({ name, subject, outcome: 'false' }), false);
      if (fault === 'throw') throw (log.push({ name, subject, outcome: 'throw' }), new Error(`${name} failed`));
      const removed = (await call(name, [record])) === true;
      if (fault === 'throw-after') throw (log.push({ name, subject, outcome: 'throw' }), new Error(`${name} failed after removing`));
      log.push({ name, subject, outcome: removed ? 'true' : 'false' });
      return removed;
    };
  const mayThrow =
    (name: 'getAuthorizationCode' | 'getRefreshToken' | 'saveToken', subjectOf: (...args: never[]) => string | undefined) =>
    async (...args: never[]): Promise<unknown> => {
      const fault = draw();
      const subject = subjectOf(...args);
      if (fault === 'throw') throw (log.push({ name, ...(subject === undefined ? {} : { subject }), outcome: 'throw' }), new Error(`${name} failed`));
      const value = await call(name, args);
      log.push({ name, ...(subject === undefined ? {} : { subject }), outcome: 'value' });
      return value;
    };
  const model: OAuth2ServerModel = {
    ...base,
    getClient: (id: string, secret: string | null) => call('getClient', [id, secret]) as never,
    revokeAuthorizationCode: revoker('revokeAuthorizationCode', (c: ModelAuthorizationCode) => c.authorizationCode) as never,
    revokeToken: revoker('revokeToken', (t: ModelRefreshToken) => t.refreshToken) as never,
    getAuthorizationCode: mayThrow('getAuthorizationCode', (code: string) => code) as never,
    getRefreshToken: mayThrow('getRefreshToken', (token: string) => token) as never,
    saveToken: mayThrow('saveToken', (token: NewToken) => token.authorizationCode) as never,
  };
  return { model, log };
};

type Command =
  | { readonly kind: 'authorize' }
  | { readonly kind: 'exchange'; readonly code: number; readonly concurrent: boolean }
  | { readonly kind: 'refresh'; readonly token: number; readonly concurrent: boolean };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.constant<Command>({ kind: 'authorize' }),
  fc.record({ kind: fc.constant('exchange' as const), code: fc.nat(5), concurrent: fc.boolean() }),
  fc.record({ kind: fc.constant('refresh' as const), token: fc.nat(5), concurrent: fc.boolean() }),
);

const faultArb = fc.constantFrom<Fault>('ok', 'ok', 'ok', 'false', 'throw', 'throw-after');

const confidential = basic(conformanceSeed.confidential.clientId, conformanceSeed.confidential.secret);
const verifier = 'q'.repeat(43);

const run = async (server: AuthorizationServer, params: Record<string, string>, concurrent: boolean): Promise<readonly HttpResponse[]> => {
  const once = () => server.handle(tokenRequest(server, params, confidential));
  return concurrent ? Promise.all([once(), once()]) : [await once()];
};

describe('single use through a model that fails in every way it can', () => {
  it('a code is never accepted after revokeAuthorizationCode succeeded; a failed revokeToken never yields tokens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 14 }), fc.array(faultArb, { minLength: 1, maxLength: 20 }), async (commands, plan) => {
        const base = memoryModel(seedClients(), seedUsers());
        const { model, log } = faulty(base.model, plan);
        const server = createModelAuthorizationServer({ issuer: 'http://127.0.0.1/oauth', scopesSupported: ['offline_access', 'read'] }, model, {
          runtime: nodeRuntime({ logger: { log: () => undefined } }),
        });
        const codes: string[] = [];
        const refreshTokens: string[] = [];
        const acceptedCodes = new Map<string, number>();
        for (const command of commands) {
          const start = log.length;
          if (command.kind === 'authorize') {
            codes.push(await codeFor(server, conformanceSeed.confidential, 'offline_access read', verifier));
            continue;
          }
          if (command.kind === 'exchange') {
            const code = codes[command.code % Math.max(codes.length, 1)] ?? 'no-code';
            const params = { grant_type: 'authorization_code', code, redirect_uri: conformanceSeed.confidential.redirectUri, code_verifier: verifier };
            const responses = await run(server, params, command.concurrent);
            const window = log.slice(start);
            const revoked = window.filter((c) => c.name === 'revokeAuthorizationCode' && c.subject === code && c.outcome === 'true').length;
            const saved = window.filter((c) => c.name === 'saveToken' && c.outcome === 'value').length;
            const ok = responses.filter((r) => r.status === 200);
            expect(revoked).toBeLessThanOrEqual(1);
            expect(saved).toBeLessThanOrEqual(revoked);
            expect(ok.length).toBeLessThanOrEqual(saved);
            acceptedCodes.set(code, (acceptedCodes.get(code) ?? 0) + ok.length);
            expect(acceptedCodes.get(code)).toBeLessThanOrEqual(1);
            for (const r of ok) {
              expect(base.accessTokens.has(String(bodyOf(r)['access_token']))).toBe(true);
              refreshTokens.push(String(bodyOf(r)['refresh_token']));
            }
            continue;
          }
          const token = refreshTokens[command.token % Math.max(refreshTokens.length, 1)] ?? 'no-token';
          const responses = await run(server, { grant_type: 'refresh_token', refresh_token: token }, command.concurrent);
          const window = log.slice(start);
          const revokedPresented = window.filter((c) => c.name === 'revokeToken' && c.subject === token && c.outcome === 'true').length;
          const saved = window.filter((c) => c.name === 'saveToken' && c.outcome === 'value').length;
          const ok = responses.filter((r) => r.status === 200);
          expect(revokedPresented).toBeLessThanOrEqual(1);
          expect(saved).toBeLessThanOrEqual(revokedPresented);
          expect(ok.length).toBeLessThanOrEqual(saved);
          for (const r of ok) {
            expect(base.accessTokens.has(String(bodyOf(r)['access_token']))).toBe(true);
            refreshTokens.push(String(bodyOf(r)['refresh_token']));
          }
        }
        // Nothing outside the log: every token the model holds was saved by a request whose revoke succeeded.
        expect(base.accessTokens.size).toBe(log.filter((c) => c.name === 'saveToken' && c.outcome === 'value').length);
      }),
      { numRuns: 150 },
    );
  });
});
