import { mcpExampleApp } from './mcp-server.js';

/**
 * `node dist/main.js`: the MCP example from the environment — `ISSUER` (the authorization server), `RS_CLIENT_ID` and
 * `RS_CLIENT_SECRET` (the client it introspects as), `PORT` (default 3001), `RESOURCE` (default
 * `http://127.0.0.1:$PORT/mcp`). The introspection endpoint is read from the server's RFC 8414 metadata.
 */
const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required (see apps/examples/mcp/README.md)`);
  return value;
};

const issuer = required('ISSUER');
const port = Number(process.env['PORT'] ?? '3001');
const resource = process.env['RESOURCE'] ?? `http://127.0.0.1:${port}/mcp`;
const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as { introspection_endpoint?: unknown };
if (typeof metadata.introspection_endpoint !== 'string') throw new Error(`${issuer} announces no introspection_endpoint`);

mcpExampleApp({
  issuer,
  resource,
  introspection: { endpoint: metadata.introspection_endpoint, clientId: required('RS_CLIENT_ID'), clientSecret: required('RS_CLIENT_SECRET') },
  allowHttp: issuer.startsWith('http://') ? 'loopback' : false,
}).listen(port, '127.0.0.1', () => console.log(`MCP server on ${resource}, authorization server ${issuer}`));
