/**
 * Peer: @node-oauth/oauth2-server 5 on Express, with an in-memory model holding one client_credentials client;
 * opaque tokens (the library's default random generator) kept in a Map. The model checks the client secret the way
 * Grantor does (SHA-256, constant-time compare) so both sides pay for it.
 */
import express from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import OAuth2Server from '@node-oauth/oauth2-server';
import { CLIENT_ID, CLIENT_SECRET, FIXED_BODY, PROTECTED_PATH, SCOPE, TOKEN_PATH, announce, fail } from '../protocol.js';
import { exitOnSignal, listen } from './listen.js';

const sha256 = (v: string): Buffer => createHash('sha256').update(v).digest();

const main = async (): Promise<void> => {
  exitOnSignal();
  const secretHash = sha256(CLIENT_SECRET);
  const client: OAuth2Server.Client = { id: CLIENT_ID, grants: ['client_credentials'], accessTokenLifetime: 3600 };
  const tokens = new Map<string, OAuth2Server.Token>();
  const model: OAuth2Server.ClientCredentialsModel = {
    getClient: async (clientId, clientSecret) =>
      clientId === CLIENT_ID && typeof clientSecret === 'string' && timingSafeEqual(sha256(clientSecret), secretHash) ? client : null,
    getUserFromClient: async () => ({ id: CLIENT_ID }),
    validateScope: async (_user, _client, scope) => (scope ?? []).every((s) => s === SCOPE) ? (scope ?? []) : false,
    saveToken: async (token, c, user) => {
      const saved = { ...token, client: c, user };
      tokens.set(token.accessToken, saved);
      return saved;
    },
    getAccessToken: async (accessToken) => tokens.get(accessToken) ?? null,
  };
  const oauth = new OAuth2Server({ model });

  const app = express();
  app.post(TOKEN_PATH, express.urlencoded({ extended: false }), async (req, res) => {
    try {
      const response = new OAuth2Server.Response(res);
      await oauth.token(new OAuth2Server.Request(req), response);
      res.status(response.status ?? 200).set(response.headers ?? {}).json(response.body);
    } catch (e) {
      const err = e as { code?: number; name?: string; message?: string };
      res.status(err.code ?? 500).json({ error: err.name ?? 'server_error', error_description: err.message });
    }
  });
  app.get(PROTECTED_PATH, async (req, res) => {
    try {
      await oauth.authenticate(new OAuth2Server.Request(req), new OAuth2Server.Response(res));
      res.json(FIXED_BODY);
    } catch (e) {
      res.status((e as { code?: number }).code ?? 401).json({ error: 'invalid_token' });
    }
  });
  const port = await listen(createServer(app));
  announce({ type: 'ready', port });
};

main().catch(fail);
