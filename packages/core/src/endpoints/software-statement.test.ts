import { describe, expect, it } from 'vitest';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import type { HttpResponse } from '../http/http-response.js';
import { httpRequest } from '../http/http-request.js';
import type { PublicJwk } from '../domain/client.js';
import type { RegistrationConfig } from '../config/resources.js';
import { memoryClients, testClock, testConfig, testLogger, testRandom, testSecrets } from '../test/fake-ports.js';
import { utf8 } from '../test/http-helpers.js';
import { registrationRoute } from './registration.js';

const now = 1_800_000_000;
const trusted = await generateKeyPair('ES256');
const stranger = await generateKeyPair('ES256');
const trustedJwk = { ...(await exportJWK(trusted.publicKey)), kid: 'statements-1', alg: 'ES256' } as PublicJwk;

const statement = (claims: Record<string, unknown>, key = trusted.privateKey, kid = 'statements-1') =>
  new SignJWT({ iss: 'https://software.example.test', software_id: 'sw-1', ...claims }).setProtectedHeader({ alg: 'ES256', kid }).setIssuedAt(now).sign(key);

const setup = (registration: Partial<RegistrationConfig>) => {
  const clients = memoryClients([]);
  const route = registrationRoute({
    config: testConfig({ scopesSupported: ['openid', 'api:read'], grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'], registration }),
    clients,
    registeredClients: { remove: (id) => TE.fromIO(() => clients.all.delete(id)), listRegistered: () => TE.right([...clients.all.values()]) },
    clock: testClock(now),
    random: testRandom(),
    secrets: testSecrets,
    logger: testLogger(),
    authMethods: ['client_secret_basic', 'none'],
  });
  const send = (method: string, body: unknown, headers: Record<string, string> = {}, query = ''): Promise<HttpResponse> =>
    route.handle(httpRequest({ method, path: '/connect/register', query, headers: { 'content-type': 'application/json', ...headers }, body: utf8(JSON.stringify(body)) }));
  return { clients, send };
};

const bodyOf = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const policy = { softwareStatements: { trustedKeys: { keys: [trustedJwk] } } };
const plain = { client_name: 'Plain', redirect_uris: ['https://plain.example.test/cb'], token_endpoint_auth_method: 'client_secret_basic' };

describe('software statements at the registration endpoint (RFC 7591 §2.3, §3.1.1)', () => {
  it('a statement signed by a trusted key registers the client; its claims win over the JSON members and it is echoed unmodified', async () => {
    const { clients, send } = setup({ mode: 'software_statement', ...policy });
    const jwt = await statement({ client_name: 'Signed App', redirect_uris: ['https://signed.example.test/cb'], software_version: '2.1' });
    const r = await send('POST', { ...plain, software_statement: jwt });
    expect(r.status).toBe(201);
    const body = bodyOf(r);
    expect(body).toMatchObject({ client_name: 'Signed App', redirect_uris: ['https://signed.example.test/cb'], software_statement: jwt, software_id: 'sw-1', software_version: '2.1' });
    expect(body).not.toHaveProperty('iss');
    expect(clients.all.get(body['client_id'] as string)?.redirectUris).toEqual(['https://signed.example.test/cb']);
    const auth = { authorization: `Bearer ${String(body['registration_access_token'])}` };
    const read = await send('GET', undefined, auth, `client_id=${String(body['client_id'])}`);
    expect(bodyOf(read)['software_statement']).toBe(jwt);
  });

  it('software_statement mode refuses a registration without a statement', async () => {
    const r = await setup({ mode: 'software_statement', ...policy }).send('POST', plain);
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_software_statement' } });
  });

  it.each([
    ['unsigned (alg none)', async () => new UnsecuredJWT({ iss: 'x', client_name: 'Evil' }).encode()],
    ['signed by an untrusted key', async () => statement({}, stranger.privateKey)],
    ['signed by an untrusted key claiming a trusted kid', async () => statement({}, stranger.privateKey, 'statements-1')],
    ['not a JWT', async () => 'hello'],
    ['expired', async () => statement({ exp: now - 3600 })],
    ['issued in the future', async () => new SignJWT({ iss: 'i' }).setProtectedHeader({ alg: 'ES256', kid: 'statements-1' }).setIssuedAt(now + 3600).sign(trusted.privateKey)],
    ['without iss', async () => new SignJWT({ software_id: 'sw-1' }).setProtectedHeader({ alg: 'ES256', kid: 'statements-1' }).sign(trusted.privateKey)],
  ])('a statement %s is invalid_software_statement and registers nothing', async (_, make) => {
    const { clients, send } = setup({ mode: 'open', ...policy });
    const r = await send('POST', { ...plain, software_statement: await make() });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_software_statement' } });
    expect(clients.all.size).toBe(0);
  });

  it('a software_id or issuer the operator did not approve is unapproved_software_statement', async () => {
    const ids = setup({ mode: 'software_statement', softwareStatements: { ...policy.softwareStatements, approvedSoftwareIds: ['sw-2'] } });
    expect(await ids.send('POST', { ...plain, software_statement: await statement({}) })).toMatchObject({ status: 400, body: { error: 'unapproved_software_statement' } });
    expect((await ids.send('POST', { ...plain, software_statement: await statement({ software_id: 'sw-2' }) })).status).toBe(201);
    const issuers = setup({ mode: 'software_statement', softwareStatements: { ...policy.softwareStatements, issuers: ['https://other.example.test'] } });
    expect(await issuers.send('POST', { ...plain, software_statement: await statement({}) })).toMatchObject({ status: 400, body: { error: 'unapproved_software_statement' } });
  });

  it('a server that trusts no statement keys refuses one as unapproved; open mode without one still registers', async () => {
    const { send } = setup({ mode: 'open' });
    expect(await send('POST', { ...plain, software_statement: await statement({}) })).toMatchObject({ status: 400, body: { error: 'unapproved_software_statement' } });
    expect((await send('POST', plain)).status).toBe(201);
  });

  it('the statement is checked again on update (RFC 7592 §2.2) and its claims still win', async () => {
    const { send } = setup({ mode: 'software_statement', ...policy });
    const jwt = await statement({ client_name: 'Signed App', redirect_uris: ['https://signed.example.test/cb'] });
    const created = bodyOf(await send('POST', { ...plain, software_statement: jwt }));
    const query = `client_id=${String(created['client_id'])}`;
    const auth = { authorization: `Bearer ${String(created['registration_access_token'])}` };
    const refused = await send('PUT', { ...plain, client_id: created['client_id'] }, auth, query);
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_software_statement' } });
    const updated = await send('PUT', { ...plain, client_id: created['client_id'], client_name: 'Renamed', software_statement: jwt }, auth, query);
    expect(updated).toMatchObject({ status: 200, body: { client_name: 'Signed App', software_statement: jwt } });
  });
});
