import { describe, expect, it } from 'vitest';
import { readRegistrationEnv } from './registration-env.js';

const jwks = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k' }] });

describe('registration environment', () => {
  it('defaults to closed with 20 registrations per address per hour', () => {
    expect(readRegistrationEnv({})).toEqual({ mode: 'closed', perAddressPerHour: 20 });
  });

  it('reads software_statement mode with trusted keys and approved software ids', () => {
    expect(readRegistrationEnv({ REGISTRATION: 'software_statement', REGISTRATION_TRUSTED_JWKS: jwks, REGISTRATION_SOFTWARE_IDS: 'a, b', REGISTRATION_RATE: '0' })).toEqual({
      mode: 'software_statement',
      statements: { trustedKeys: JSON.parse(jwks) as unknown, approvedSoftwareIds: ['a', 'b'] },
      perAddressPerHour: 0,
    });
  });

  it.each([
    [{ REGISTRATION: 'maybe' }, /REGISTRATION must be/],
    [{ REGISTRATION: 'token' }, /REGISTRATION_TOKEN/],
    [{ REGISTRATION: 'software_statement' }, /REGISTRATION_TRUSTED_JWKS/],
    [{ REGISTRATION: 'open', REGISTRATION_TRUSTED_JWKS: '{' }, /JWK Set as JSON/],
    [{ REGISTRATION: 'open', REGISTRATION_TRUSTED_JWKS: '{"keys":[]}' }, /at least one key/],
    [{ REGISTRATION: 'open', REGISTRATION_TRUSTED_JWKS: '{"keys":[{"kty":"EC","d":"secret"}]}' }, /public keys only/],
    [{ REGISTRATION_RATE: 'lots' }, /REGISTRATION_RATE/],
  ])('refuses %j', (env, message) => {
    expect(() => readRegistrationEnv(env)).toThrow(message);
  });
});
