/**
 * Peer: oidc-provider 9 mounted on Express, client_credentials enabled, one confidential client, opaque access
 * tokens (no resource indicators, so the token is opaque), the provider's default in-memory adapter.
 */
import express from 'express';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { CLIENT_ID, CLIENT_SECRET, SCOPE, TOKEN_PATH, announce, fail } from '../protocol.js';
import { exitOnSignal, listen } from './listen.js';

const main = async (): Promise<void> => {
  exitOnSignal();
  const provider = new Provider('http://127.0.0.1', {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: SCOPE,
    }],
    scopes: [SCOPE],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    routes: { token: TOKEN_PATH },
  });
  const app = express();
  app.use(provider.callback());
  const port = await listen(createServer(app));
  announce({ type: 'ready', port });
};

main().catch(fail);
