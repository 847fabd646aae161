// An Express app written against @node-oauth/oauth2-server 5, as its documentation shows it. The drop-in test runs
// this file as it is, and a copy whose only change is the import line below.
import express from 'express';
import OAuth2Server, { Request, Response } from '@node-oauth/oauth2-server';

export const createApp = (model) => {
  const oauth = new OAuth2Server({ model, accessTokenLifetime: 60 * 60, allowBearerTokensInQueryString: true });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());

  const sendError = (res, response, err) => {
    res.set(response.headers);
    const location = response.get('location');
    if (location) return res.redirect(302, location);
    res.status(err.code || 500).json({ error: err.name, error_description: err.message });
  };

  app.post('/oauth/token', async (req, res) => {
    const request = new Request(req);
    const response = new Response(res);
    try {
      const token = await oauth.token(request, response);
      res.locals.oauth = { token };
      res.set(response.headers);
      res.status(response.status).json(response.body);
    } catch (err) {
      sendError(res, response, err);
    }
  });

  // The signed-in user comes from the host's session; here a header stands in for it.
  const authenticateHandler = { handle: (request) => (request.get('x-user') ? { id: request.get('x-user') } : null) };

  app.all('/oauth/authorize', async (req, res) => {
    const request = new Request(req);
    const response = new Response(res);
    try {
      const code = await oauth.authorize(request, response, { authenticateHandler });
      res.locals.oauth = { code };
      res.redirect(302, response.get('location'));
    } catch (err) {
      sendError(res, response, err);
    }
  });

  app.get('/api/me', async (req, res) => {
    const request = new Request(req);
    const response = new Response(res);
    try {
      const token = await oauth.authenticate(request, response);
      res.json({ user: token.user, scope: token.scope, client: token.client.id });
    } catch (err) {
      sendError(res, response, err);
    }
  });

  return app;
};
