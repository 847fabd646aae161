import { clientMetadataView, type Client, type OwnerFilter, type TokenKind, type TokenStatus } from '@grantor/core';
import { signingAlgs, type SigningAlg } from '@grantor/core/extend';
import { many, one, table, type Args } from './args.js';
import { report, usageError, type Command } from './report.js';
import { resourceCommands, scopeCommands } from './registry-commands.js';

/** The `grantor` sub-commands over the operator's operations: each prints a table (people) or JSON (`--json`). */

const clientText = (c: Readonly<Record<string, unknown>>): string =>
  Object.entries(c)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');

const withSecret = (r: { readonly client: Client; readonly clientSecret?: string }) => {
  const view = { ...clientMetadataView(r.client), ...(r.clientSecret === undefined ? {} : { client_secret: r.clientSecret }) };
  return { json: view, text: `${clientText(view)}${r.clientSecret === undefined ? '' : '\n(the client_secret is shown only now)'}` };
};

/** Metadata from the options: `--metadata '{…}'` (RFC 7591 JSON) overlaid by the specific options. */
const metadataOf = (args: Args): Record<string, unknown> | string => {
  let base: Record<string, unknown> = {};
  const raw = one(args, 'metadata');
  if (raw !== undefined) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return '--metadata must be a JSON object';
      base = parsed as Record<string, unknown>;
    } catch {
      return '--metadata is not valid JSON';
    }
  }
  const set = (key: string, value: unknown) => {
    if (value !== undefined) base[key] = value;
  };
  set('client_id', one(args, 'id'));
  set('client_name', one(args, 'name'));
  set('grant_types', many(args, 'grant'));
  set('redirect_uris', many(args, 'redirect-uri'));
  set('token_endpoint_auth_method', one(args, 'auth-method'));
  const scope = many(args, 'scope');
  set('scope', scope?.join(' '));
  const grants = base['grant_types'];
  // A client without the authorization_code grant has no response types (RFC 7591 §2.1).
  if (Array.isArray(grants) && !grants.includes('authorization_code') && base['response_types'] === undefined) base['response_types'] = [];
  return base;
};

const idArg = (args: Args): string | undefined => args.positional[0];

const clientCommands: Readonly<Record<string, Command>> = {
  create: async (ops, args, io) => {
    const metadata = metadataOf(args);
    if (typeof metadata === 'string') return usageError(io, metadata);
    return report(await ops.clients.create(metadata), args, io, withSecret);
  },
  list: async (ops, args, io) => {
    const limit = Number(one(args, 'limit') ?? '100');
    const search = one(args, 'search');
    const cursor = one(args, 'cursor');
    const disabled = args.flags.has('disabled') ? true : args.flags.has('enabled') ? false : undefined;
    const registered = one(args, 'registered');
    if (registered !== undefined && registered !== 'dynamic' && registered !== 'static') return usageError(io, '--registered must be dynamic or static');
    return report(
      await ops.clients.list({
        limit,
        ...(search === undefined ? {} : { search }),
        ...(cursor === undefined ? {} : { cursor }),
        ...(disabled === undefined ? {} : { disabled }),
        ...(registered === undefined ? {} : { registered }),
      }),
      args,
      io,
      (page) => ({
        json: { items: page.items.map(clientMetadataView), ...(page.next === undefined ? {} : { next_cursor: page.next }) },
        text:
          table(
            ['CLIENT_ID', 'NAME', 'AUTH', 'GRANTS', 'SCOPE', 'DISABLED', 'REGISTERED'],
            page.items.map((c) => [
              c.clientId,
              c.clientName ?? '',
              c.tokenEndpointAuthMethod,
              c.grantTypes.join(','),
              c.scope.join(' '),
              c.disabled === true ? 'yes' : '',
              c.registration === undefined ? '' : time(c.registration.registeredAt),
            ]),
          ) + (page.next === undefined ? '' : `\n(more: --cursor ${page.next})`),
      }),
    );
  },
  'purge-registered': async (ops, args, io) => {
    const older = durationSeconds(one(args, 'older-than'));
    if (older === undefined) return usageError(io, 'client purge-registered --older-than 30d|12h|90m|3600 [--unused] [--dry-run]');
    const dryRun = args.flags.has('dry-run');
    return report(await ops.clients.purgeRegistered({ olderThanSeconds: older, unusedOnly: args.flags.has('unused'), dryRun }), args, io, (r) => ({
      json: { purged: r.clientIds, dry_run: dryRun },
      text: r.clientIds.length === 0 ? 'nothing to purge' : `${r.clientIds.join('\n')}\n${r.clientIds.length} client(s) ${dryRun ? 'would be purged (dry run)' : 'purged'}`,
    }));
  },
  show: async (ops, args, io) => {
    const id = idArg(args);
    if (id === undefined) return usageError(io, 'client show <client_id>');
    return report(await ops.clients.get(id), args, io, (c) => ({ json: clientMetadataView(c), text: clientText(clientMetadataView(c)) }));
  },
  update: async (ops, args, io) => {
    const id = idArg(args);
    if (id === undefined) return usageError(io, 'client update <client_id> [--name] [--scope] [--grant] [--redirect-uri] [--metadata JSON]');
    const metadata = metadataOf(args);
    if (typeof metadata === 'string') return usageError(io, metadata);
    return report(await ops.clients.update(id, metadata), args, io, withSecret);
  },
  disable: async (ops, args, io) => {
    const id = idArg(args);
    if (id === undefined) return usageError(io, 'client disable <client_id>');
    return report(await ops.clients.setDisabled(id, true), args, io, (c) => ({ json: clientMetadataView(c), text: `${c.clientId} disabled (its tokens are revoked)` }));
  },
  enable: async (ops, args, io) => {
    const id = idArg(args);
    if (id === undefined) return usageError(io, 'client enable <client_id>');
    return report(await ops.clients.setDisabled(id, false), args, io, (c) => ({ json: clientMetadataView(c), text: `${c.clientId} enabled` }));
  },
  delete: async (ops, args, io) => {
    const id = idArg(args);
    if (id === undefined) return usageError(io, 'client delete <client_id>');
    return report(await ops.clients.remove(id), args, io, () => ({ json: { deleted: id }, text: `${id} deleted with its tokens and consents` }));
  },
  'rotate-secret': async (ops, args, io) => {
    const id = idArg(args);
    if (id === undefined) return usageError(io, 'client rotate-secret <client_id> [--overlap SECONDS]');
    const overlap = Number(one(args, 'overlap') ?? '0');
    return report(await ops.clients.rotateSecret(id, { overlapSeconds: overlap }), args, io, (r) => ({
      json: { client_id: r.clientId, client_secret: r.clientSecret, ...(r.previousExpiresAt === undefined ? {} : { previous_secret_expires_at: r.previousExpiresAt }) },
      text: `client_id: ${r.clientId}\nclient_secret: ${r.clientSecret}\n(shown only now${r.previousExpiresAt === undefined ? '; the old secret no longer works' : `; the old secret works until ${new Date(r.previousExpiresAt * 1000).toISOString()}`})`,
    }));
  },
  'rotate-key': async (ops, args, io) => {
    const id = idArg(args);
    const alg = one(args, 'alg') ?? 'ES256';
    if (id === undefined) return usageError(io, 'client rotate-key <client_id> [--alg ES256|RS256|PS256|EdDSA] [--keep]');
    if (!signingAlgs.includes(alg as SigningAlg)) return usageError(io, `--alg must be one of ${signingAlgs.join(', ')}`);
    return report(await ops.clients.generateKeyPair(id, { alg: alg as SigningAlg, replace: !args.flags.has('keep') }), args, io, (r) => ({
      json: { client_id: r.clientId, kid: r.kid, private_jwk: r.privateJwk, public_jwk: r.publicJwk },
      text: `kid: ${r.kid}\nprivate JWK (shown only now; give it to the client):\n${JSON.stringify(r.privateJwk)}`,
    }));
  },
};

const kinds: readonly TokenKind[] = ['access_token', 'refresh_token'];
const statuses: readonly TokenStatus[] = ['active', 'expired', 'revoked', 'rotated'];
const time = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

const tokenCommands: Readonly<Record<string, Command>> = {
  list: async (ops, args, io) => {
    const kind = one(args, 'kind');
    const status = one(args, 'status');
    if (kind !== undefined && !kinds.includes(kind as TokenKind)) return usageError(io, `--kind must be one of ${kinds.join(', ')}`);
    if (status !== undefined && !statuses.includes(status as TokenStatus)) return usageError(io, `--status must be one of ${statuses.join(', ')}`);
    const filter = Object.fromEntries(
      [
        ['clientId', one(args, 'client')],
        ['subject', one(args, 'subject')],
        ['grantId', one(args, 'grant')],
        ['kind', kind],
        ['status', status],
        ['cursor', one(args, 'cursor')],
      ].filter((e) => e[1] !== undefined),
    );
    return report(await ops.tokens.list({ limit: Number(one(args, 'limit') ?? '100'), ...filter }), args, io, (page) => ({
      json: { items: page.items, ...(page.next === undefined ? {} : { next_cursor: page.next }) },
      text:
        table(
          ['KIND', 'ID', 'CLIENT', 'SUBJECT', 'SCOPE', 'STATUS', 'EXPIRES', 'LAST USED'],
          page.items.map((t) => [t.kind === 'access_token' ? 'access' : 'refresh', t.id, t.clientId, t.subject ?? '', t.scope.join(' '), t.status, time(t.expiresAt), t.lastUsedAt === undefined ? '-' : time(t.lastUsedAt)]),
        ) + (page.next === undefined ? '' : `\n(more: --cursor ${page.next})`),
    }));
  },
  revoke: async (ops, args, io) => {
    const id = one(args, 'id');
    const grant = one(args, 'grant');
    if (id !== undefined) {
      const kind = one(args, 'kind') ?? 'access_token';
      if (!kinds.includes(kind as TokenKind)) return usageError(io, `--kind must be one of ${kinds.join(', ')}`);
      return report(await ops.tokens.revoke(kind as TokenKind, id), args, io, () => ({ json: { revoked: 'token' }, text: 'revoked' }));
    }
    if (grant !== undefined) return report(await ops.tokens.revokeGrant(grant), args, io, () => ({ json: { revoked: 'grant' }, text: 'grant revoked' }));
    const clientId = one(args, 'client');
    const subject = one(args, 'subject');
    const owner: OwnerFilter | undefined =
      clientId !== undefined ? { clientId, ...(subject === undefined ? {} : { subject }) } : subject !== undefined ? { subject } : undefined;
    if (owner === undefined) return usageError(io, 'token revoke --id ID [--kind K] | --grant GRANT_ID | --client CLIENT_ID | --subject SUB');
    return report(await ops.tokens.revokeOf(owner), args, io, (n) => ({ json: { revoked: n }, text: `${n} token(s) revoked` }));
  },
};

const keyCommands: Readonly<Record<string, Command>> = {
  list: async (ops, args, io) =>
    report(await ops.keys.list(), args, io, (keys) => ({
      json: { keys },
      text: table(['KID', 'ALG', 'STATUS', 'CREATED', 'RETIRED'], keys.map((k) => [k.kid, k.alg, k.status, time(k.createdAt), k.retiredAt === undefined ? '' : time(k.retiredAt)])),
    })),
  rotate: async (ops, args, io) =>
    report(await ops.keys.rotate(), args, io, (keys) => ({
      json: { keys },
      text: `rotated; active: ${keys.filter((k) => k.status === 'active').map((k) => `${k.alg} ${k.kid}`).join(', ')} (a running server picks it up within a minute, or at once on SIGHUP)`,
    })),
  retire: async (ops, args, io) => {
    const kid = args.positional[0];
    if (kid === undefined) return usageError(io, 'keys retire <kid> [--unpublish]');
    return report(await ops.keys.retire(kid, { unpublish: args.flags.has('unpublish') }), args, io, () => ({ json: { retired: kid }, text: `${kid} retired` }));
  },
};

export const groups: Readonly<Record<string, Readonly<Record<string, Command>>>> = { client: clientCommands, scope: scopeCommands, resource: resourceCommands, token: tokenCommands, keys: keyCommands };

export const switches: readonly string[] = ['json', 'disabled', 'enabled', 'keep', 'unpublish', 'help', 'unused', 'dry-run', 'optional', 'required'];

/** `30d`, `12h`, `90m`, `45s` or plain seconds, as whole seconds; `undefined` when malformed. */
const durationSeconds = (text: string | undefined): number | undefined => {
  const m = text === undefined ? null : /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (m === null) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
};
