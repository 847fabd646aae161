import { describe, expect, it } from 'vitest';
import { decodeServerConfig, type ServerConfigInput } from './config.js';

describe('decodeServerConfig', () => {
  it('fills every default from the issuer alone', () => {
    const c = decodeServerConfig({ issuer: 'https://as.example.test' });
    expect(c).toEqual({
      issuer: 'https://as.example.test',
      baseUrl: 'https://as.example.test',
      routes: {
        authorization: '/authorize',
        token: '/token',
        introspection: '/introspect',
        revocation: '/revoke',
        userinfo: '/userinfo',
        jwks: '/jwks',
        deviceAuthorization: '/device_authorization',
        endSession: '/end_session',
        registration: '/connect/register',
        pushedAuthorization: '/par',
      },
      interactionUrl: '/interaction/{id}',
      scopesSupported: ['openid', 'profile', 'email', 'offline_access'],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      lifetimes: { accessToken: 3600, refreshToken: 1209600, authorizationCode: 60, idToken: 3600, deviceCode: 600, interaction: 600 },
      pkce: { requiredFor: 'all', allowPlain: false },
      profile: 'default',
      refreshTokens: { reuseGraceSeconds: { public: 10, confidential: 0 } },
      accessTokenFormat: 'opaque',
      deviceFlow: { verificationUri: 'https://as.example.test/device', interval: 5, userCode: { length: 8, charset: 'consonants' } },
      assertions: { maxLifetimeSeconds: 300, clockSkewSeconds: 30 },
      resources: [],
      registration: { mode: 'closed', initialAccessTokenHashes: [] },
      par: { required: false, requestUriLifetime: 60 },
      requestObjects: { required: false, signingAlgs: ['ES256', 'PS256', 'RS256', 'EdDSA'], maxLifetimeSeconds: 3600 },
      dpop: { signingAlgs: ['ES256', 'RS256', 'PS256', 'EdDSA'], proofMaxAgeSeconds: 300, required: false, nonceRotationSeconds: 300 },
    });
  });

  it('keeps given values and merges partial sections', () => {
    const c = decodeServerConfig({
      issuer: 'https://as.example.test/tenant/',
      baseUrl: 'https://as.example.test/oauth/',
      routes: { token: '/oauth2/token' },
      lifetimes: { accessToken: 60 },
      pkce: { requiredFor: 'all' },
      refreshTokens: { reuseGraceSeconds: 10 },
      accessTokenFormat: 'jwt',
      grantTypes: ['client_credentials'],
      deviceFlow: { userCode: { charset: 'numeric' } },
    });
    expect(c.issuer).toBe('https://as.example.test/tenant/');
    expect(c.baseUrl).toBe('https://as.example.test/oauth');
    expect(c.routes.token).toBe('/oauth2/token');
    expect(c.routes.authorization).toBe('/authorize');
    expect(c.lifetimes).toMatchObject({ accessToken: 60, refreshToken: 1209600 });
    expect(c.pkce).toEqual({ requiredFor: 'all', allowPlain: false });
    expect(c.refreshTokens.reuseGraceSeconds).toEqual({ public: 10, confidential: 10 });
    expect(decodeServerConfig({ issuer: 'https://a.test', refreshTokens: { reuseGraceSeconds: { confidential: 3 } } }).refreshTokens.reuseGraceSeconds).toEqual({ public: 10, confidential: 3 });
    expect(c.accessTokenFormat).toBe('jwt');
    expect(c.grantTypes).toEqual(['client_credentials']);
    expect(c.deviceFlow).toEqual({ verificationUri: 'https://as.example.test/tenant/device', interval: 5, userCode: { length: 8, charset: 'numeric' } });
  });

  const bad: readonly [string, unknown][] = [
    ['issuer', { issuer: 'as.example.test' }],
    ['issuer', { issuer: 'https://as.example.test?x=1' }],
    ['issuer', { issuer: 'https://as.example.test#f' }],
    ['issuer', { issuer: 'ftp://as.example.test' }],
    ['issuer', {}],
    ['baseUrl', { issuer: 'https://a.test', baseUrl: '/relative' }],
    ['routes.token', { issuer: 'https://a.test', routes: { token: 'token' } }],
    ['routes', { issuer: 'https://a.test', routes: { token: '/authorize' } }],
    ['lifetimes.accessToken', { issuer: 'https://a.test', lifetimes: { accessToken: -1 } }],
    ['lifetimes.code', { issuer: 'https://a.test', lifetimes: 5 }],
    ['pkce.requiredFor', { issuer: 'https://a.test', pkce: { requiredFor: 'none' } }],
    ['pkce.allowPlain', { issuer: 'https://a.test', pkce: { allowPlain: 'yes' } }],
    ['refreshTokens.reuseGraceSeconds', { issuer: 'https://a.test', refreshTokens: { reuseGraceSeconds: 1.5 } }],
    ['accessTokenFormat', { issuer: 'https://a.test', accessTokenFormat: 'paseto' }],
    ['grantTypes', { issuer: 'https://a.test', grantTypes: 'client_credentials' }],
    ['scopesSupported', { issuer: 'https://a.test', scopesSupported: ['a b'] }],
    ['deviceFlow.verificationUri', { issuer: 'https://a.test', deviceFlow: { verificationUri: '/device' } }],
    ['deviceFlow.userCode.charset', { issuer: 'https://a.test', deviceFlow: { userCode: { charset: 'emoji' } } }],
    ['assertions.maxLifetimeSeconds', { issuer: 'https://a.test', assertions: { maxLifetimeSeconds: 0 } }],
    ['interactionUrl', { issuer: 'https://a.test', interactionUrl: '/login' }],
  ];
  it.each(bad)('throws a TypeError naming %s', (field, input) => {
    const field0 = field === 'lifetimes.code' ? 'lifetimes' : field;
    expect(() => decodeServerConfig(input as ServerConfigInput)).toThrow(TypeError);
    expect(() => decodeServerConfig(input as ServerConfigInput)).toThrow(field0);
  });
});
