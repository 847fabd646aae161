import type { Client } from '../domain/client.js';
import { optional } from '../domain/optional.js';

/**
 * A registered client as RFC 7591 §2 client metadata (the members Grantor keeps), for an operator or a registration
 * response: never a secret (only hashes are kept); `client_secret_expires_at` (RFC 7591 §3.2.1) is the latest expiry
 * of the current secrets, 0 when one never expires. `disabled` is Grantor's own member; a client registered through the
 * RFC 7591 endpoint has `registered_dynamically: true` and its `client_id_issued_at`.
 */
export const clientMetadataView = (c: Client): Readonly<Record<string, unknown>> => {
  const expiries = c.secretHashes.map((s) => s.expiresAt ?? 0);
  return {
    client_id: c.clientId,
    ...optional('client_name', c.clientName),
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    grant_types: c.grantTypes,
    response_types: c.responseTypes,
    scope: c.scope.join(' '),
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    ...optional('jwks', c.jwks),
    ...optional('jwks_uri', c.jwksUri),
    ...optional('access_token_format', c.accessTokenFormat),
    ...optional('allowed_cors_origins', c.allowedCorsOrigins),
    ...(expiries.length === 0 ? {} : { client_secret_expires_at: expiries.includes(0) ? 0 : Math.max(...expiries) }),
    disabled: c.disabled === true,
    ...(c.registration === undefined ? {} : { registered_dynamically: true, client_id_issued_at: c.registration.registeredAt }),
  };
};
