import type { Grant } from '../grant.js';
import { clientCredentialsParams, type ClientCredentialsParams } from './codec.js';
import { handleClientCredentials, type ClientCredentialsPorts } from './handler.js';

export { type ClientCredentialsParams } from './codec.js';
export { type ClientCredentialsPorts } from './handler.js';

/** RFC 6749 §4.4 client credentials grant: confidential clients only. */
export const clientCredentialsGrant: Grant<ClientCredentialsPorts, ClientCredentialsParams, 'client_credentials'> = {
  grantType: 'client_credentials',
  params: clientCredentialsParams,
  clients: 'confidential',
  ports: [],
  handle: handleClientCredentials,
};
