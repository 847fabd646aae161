import { describe, expect, it } from 'vitest';
import { protectedResourceMetadata, protectedResourceMetadataResponse, protectedResourceMetadataUrl } from './protected-resource-metadata.js';

describe('protectedResourceMetadataUrl (RFC 9728 §3.1)', () => {
  it('inserts the well-known suffix between the host and the path', () => {
    expect(protectedResourceMetadataUrl('https://api.example/mcp')).toBe('https://api.example/.well-known/oauth-protected-resource/mcp');
    expect(protectedResourceMetadataUrl('https://api.example:8443/a/b/')).toBe('https://api.example:8443/.well-known/oauth-protected-resource/a/b');
    expect(protectedResourceMetadataUrl('https://api.example/')).toBe('https://api.example/.well-known/oauth-protected-resource');
    expect(protectedResourceMetadataUrl('https://api.example')).toBe('https://api.example/.well-known/oauth-protected-resource');
    expect(protectedResourceMetadataUrl('https://api.example/r?tenant=1')).toBe('https://api.example/.well-known/oauth-protected-resource/r?tenant=1');
  });

  it('accepts http for loopback hosts only, and refuses fragments and relative references', () => {
    expect(protectedResourceMetadataUrl('http://127.0.0.1:3000/mcp')).toBe('http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp');
    expect(protectedResourceMetadataUrl('http://[::1]:3000/')).toBe('http://[::1]:3000/.well-known/oauth-protected-resource');
    expect(protectedResourceMetadataUrl('http://api.example/mcp')).toMatchObject({ _tag: 'InvalidResource' });
    expect(protectedResourceMetadataUrl('https://api.example/mcp#x')).toMatchObject({ _tag: 'InvalidResource' });
    expect(protectedResourceMetadataUrl('/mcp')).toMatchObject({ _tag: 'InvalidResource' });
  });
});

describe('protectedResourceMetadata (RFC 9728 §2)', () => {
  it('describes the resource; DPoP members only when DPoP is offered or required', () => {
    const plain = protectedResourceMetadata({ resource: 'https://api.example/mcp', authorizationServers: ['https://as.example'] });
    expect(plain).toMatchObject({ path: '/.well-known/oauth-protected-resource/mcp' });
    if ('_tag' in plain) throw new Error(plain.reason);
    expect(plain.document).toEqual({ resource: 'https://api.example/mcp', authorization_servers: ['https://as.example'], bearer_methods_supported: ['header'] });
    const dpop = protectedResourceMetadata({ resource: 'https://api.example/', authorizationServers: ['https://as.example'], dpopSigningAlgs: ['ES256'], dpopBoundAccessTokensRequired: true });
    if ('_tag' in dpop) throw new Error(dpop.reason);
    expect(dpop.document).toMatchObject({ dpop_signing_alg_values_supported: ['ES256'], dpop_bound_access_tokens_required: true });
    expect(protectedResourceMetadata({ resource: 'https://api.example/', authorizationServers: [] })).toMatchObject({ _tag: 'InvalidResource' });
  });

  it('answers GET and HEAD, 405 otherwise', () => {
    const m = protectedResourceMetadata({ resource: 'https://api.example/', authorizationServers: ['https://as.example'] });
    if ('_tag' in m) throw new Error(m.reason);
    expect(protectedResourceMetadataResponse(m, 'GET')).toMatchObject({ status: 200, body: m.document });
    expect(protectedResourceMetadataResponse(m, 'DELETE')).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
  });
});
