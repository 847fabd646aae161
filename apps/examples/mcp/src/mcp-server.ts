import type { IncomingMessage } from 'node:http';
import express, { type Express, type Request } from 'express';
import type { AccessTokenInfo } from '@grantor/core';
import { bearer, protectedResource, protectedResourceMetadata } from '@grantor/express';
import { remoteVerifier, type IntrospectionOptions } from '@grantor/node';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** The scope an MCP client needs for this server's tools (announced in the RFC 9728 metadata). */
export const toolsScope = 'mcp:tools';

/** Options of {@link mcpExampleApp}. */
export interface McpExampleOptions {
  /** The authorization server's issuer identifier (RFC 8414 §2), e.g. the reference server's `ISSUER`. */
  readonly issuer: string;
  /** This MCP server's URL: its RFC 8707 resource identifier (the audience its tokens must carry), e.g. `https://mcp.example/mcp`. */
  readonly resource: string;
  /** How this server introspects tokens (RFC 7662): as a client listed in the resource's `introspection_client_ids`. */
  readonly introspection: IntrospectionOptions;
  /** `'loopback'` to reach an authorization server on `http://127.0.0.1` (development and tests). */
  readonly allowHttp?: boolean | 'loopback';
}

/**
 * The MCP server of one request: a `whoami` tool that answers with what the presented access token grants (the
 * subject the user signed in as, the client, the scopes, the audience), so a caller sees Grantor's decision.
 */
const mcpServerFor = (auth: AccessTokenInfo): McpServer => {
  const server = new McpServer({ name: 'grantor-mcp-example', version: '0.1.0' });
  server.registerTool('whoami', { title: 'Who am I', description: 'What the access token of this call grants: subject, client, scopes, audience.' }, () => ({
    content: [
      {
        type: 'text',
        text: JSON.stringify({ subject: auth.subject ?? null, client_id: auth.clientId, scope: auth.scope, audience: auth.audience ?? [], expires_at: auth.expiresAt }),
      },
    ],
  }));
  return server;
};

/** A JSON-RPC error body without a request id (the MCP Streamable HTTP transport's shape for transport-level refusals). */
const jsonRpcError = (message: string) => ({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

/**
 * An Express app serving an MCP server (Streamable HTTP transport, stateless: one server and transport per POST) at
 * the path of `resource`, guarded the way the MCP authorization specification asks of a protected resource:
 * - RFC 9728 §3: the protected resource metadata at `/.well-known/oauth-protected-resource{path}` (the resource, its
 *   authorization server, `mcp:tools`);
 * - RFC 6750 / RFC 9728 §5.1: every request needs an access token; without one (or with a bad one) the answer is 401
 *   with `WWW-Authenticate: Bearer resource_metadata="…"`, where an MCP client starts its discovery;
 * - RFC 8707: the token's audience must be this resource (a token for another API is refused), checked by
 *   `remoteVerifier` over RFC 7662 introspection at the authorization server (this server runs in its own process).
 */
export const mcpExampleApp = (options: McpExampleOptions): Express => {
  const resource = protectedResource({
    resource: options.resource,
    authorizationServers: [options.issuer],
    scopesSupported: [toolsScope],
    resourceName: 'Grantor MCP example',
  });
  const verifier = remoteVerifier({
    issuer: options.issuer,
    resource: options.resource,
    introspection: options.introspection,
    ...(options.allowHttp === undefined ? {} : { allowHttp: options.allowHttp }),
  });
  const guard = bearer(verifier, { protectedResource: resource, requiredScopes: [toolsScope] });
  const path = new URL(options.resource).pathname;
  const app = express();
  app.use(protectedResourceMetadata(resource));
  app.post(path, guard, express.json({ limit: '1mb' }), (req: Request, res) => {
    const auth = req.auth;
    if (auth === undefined) return void res.status(401).json(jsonRpcError('Unauthorized'));
    const server = mcpServerFor(auth);
    const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    const incoming: IncomingMessage = req;
    server
      .connect(transport)
      .then(() => transport.handleRequest(incoming, res, req.body))
      .catch(() => {
        if (!res.headersSent) res.status(500).json(jsonRpcError('Internal server error'));
      });
  });
  // Stateless: no server-initiated stream (GET) and no session to end (DELETE), for a caller with a valid token.
  app.all(path, guard, (_req, res) => void res.status(405).set('allow', 'POST').json(jsonRpcError('Method not allowed.')));
  return app;
};
