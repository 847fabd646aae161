import type { HttpResponse } from '@grantor/core';
import { json } from '@grantor/core/extend';
import type { UserAdmin, UserResult } from '../people/user-admin.js';
import { badBody, badLimit, endpoint, jsonBody, noContent, optionalJsonBody, pageJson, pageRequest, problem, query, type Endpoint } from './http.js';

/** A user operation's result as a response: 404 for an unknown account, 400 naming the bad field. */
const answerUser = <A>(r: UserResult<A>, ok: (value: A) => HttpResponse): HttpResponse =>
  r._tag === 'Done' ? ok(r.value) : r._tag === 'Missing' ? problem(404, 'not_found', 'No such user.') : problem(400, 'invalid_request', r.description);

/** `/admin/users…`: the reference server's local accounts (`:id` is the subject or the username). */
export const userEndpoints = (users: UserAdmin): readonly Endpoint[] => [
  endpoint('GET', '/admin/users', async (req) => {
    const q = query(req);
    const page = pageRequest(q);
    if (page === undefined) return badLimit();
    const search = q.get('search');
    return json(200, pageJson(await users.list({ ...page, ...(search === null || search === '' ? {} : { search }) }), (u) => u));
  }),
  endpoint('POST', '/admin/users', async (req) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answerUser(await users.create(body), (u) => json(201, u));
  }),
  endpoint('GET', '/admin/users/:id', async (_req, [id = '']) => answerUser(await users.get(id), (u) => json(200, u))),
  endpoint('PATCH', '/admin/users/:id', async (req, [id = '']) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answerUser(await users.update(id, body), (u) => json(200, u));
  }),
  endpoint('DELETE', '/admin/users/:id', async (_req, [id = '']) => answerUser(await users.remove(id), noContent)),
  endpoint('POST', '/admin/users/:id/password', async (req, [id = '']) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answerUser(await users.setPassword(id, body['password']), (u) => json(200, u));
  }),
  endpoint('POST', '/admin/users/:id/disable', async (req, [id = '']) => {
    if (optionalJsonBody(req) === undefined) return badBody();
    return answerUser(await users.setDisabled(id, true), (u) => json(200, u));
  }),
  endpoint('POST', '/admin/users/:id/enable', async (req, [id = '']) => {
    if (optionalJsonBody(req) === undefined) return badBody();
    return answerUser(await users.setDisabled(id, false), (u) => json(200, u));
  }),
];
