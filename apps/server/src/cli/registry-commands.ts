import { resourceView, scopeView, type ResourceServer, type ScopeDefinition } from '@grantor/core';
import { many, one, table, type Args } from './args.js';
import { report, usageError, type Command } from './report.js';

/**
 * `grantor scope …` and `grantor resource …`: the scope registry (what the consent page says, which scopes a person
 * may deselect) and the RFC 8707 resource registry. A running server on the same database sees a change at its
 * next request.
 */

const scopeText = (s: ScopeDefinition): string => table(['NAME', 'OPTIONAL', 'DESCRIPTION'], [[s.name, s.optional ? 'yes' : 'no', s.description ?? '']]);
const resourceText = (r: ResourceServer): string =>
  table(['IDENTIFIER', 'SCOPE', 'FORMAT', 'LIFETIME', 'INTROSPECTORS'], [[r.identifier, r.scopes.join(' '), r.accessTokenFormat ?? '', r.accessTokenLifetime === undefined ? '' : `${r.accessTokenLifetime}s`, r.clientIds.join(' ')]]);

/** The scope members the options set: `--description` ('' removes it), `--optional` / `--required`. */
const scopeChanges = (args: Args): Record<string, unknown> | string => {
  if (args.flags.has('optional') && args.flags.has('required')) return 'give --optional or --required, not both';
  const description = one(args, 'description');
  return {
    ...(description === undefined ? {} : { description }),
    ...(args.flags.has('optional') ? { optional: true } : args.flags.has('required') ? { optional: false } : {}),
  };
};

/** The resource members the options set: `--scope`, `--format opaque|jwt|default`, `--lifetime S|default`, `--introspector ID`. */
const resourceChanges = (args: Args): Record<string, unknown> | string => {
  const format = one(args, 'format');
  const lifetime = one(args, 'lifetime');
  if (lifetime !== undefined && lifetime !== 'default' && !/^\d{1,9}$/.test(lifetime)) return '--lifetime must be seconds (or default)';
  const scope = many(args, 'scope');
  const introspectors = many(args, 'introspector');
  return {
    ...(scope === undefined ? {} : { scope: scope.join(' ') }),
    ...(format === undefined ? {} : { access_token_format: format === 'default' ? null : format }),
    ...(lifetime === undefined ? {} : { access_token_lifetime: lifetime === 'default' ? null : Number(lifetime) }),
    ...(introspectors === undefined ? {} : { introspection_client_ids: introspectors }),
  };
};

export const scopeCommands: Readonly<Record<string, Command>> = {
  list: async (ops, args, io) =>
    report(await ops.scopes.list(), args, io, (items) => ({
      json: { items: items.map(scopeView) },
      text: table(['NAME', 'OPTIONAL', 'DESCRIPTION'], items.map((s) => [s.name, s.optional ? 'yes' : 'no', s.description ?? ''])),
    })),
  add: async (ops, args, io) => {
    const name = args.positional[0];
    const changes = scopeChanges(args);
    if (name === undefined) return usageError(io, 'scope add <name> [--description D] [--optional]');
    if (typeof changes === 'string') return usageError(io, changes);
    return report(await ops.scopes.create({ name, ...changes }), args, io, (s) => ({ json: scopeView(s), text: scopeText(s) }));
  },
  update: async (ops, args, io) => {
    const name = args.positional[0];
    const changes = scopeChanges(args);
    if (name === undefined) return usageError(io, 'scope update <name> [--description D] [--optional|--required]');
    if (typeof changes === 'string') return usageError(io, changes);
    return report(await ops.scopes.update(name, changes), args, io, (s) => ({ json: scopeView(s), text: scopeText(s) }));
  },
  remove: async (ops, args, io) => {
    const name = args.positional[0];
    if (name === undefined) return usageError(io, 'scope remove <name>');
    return report(await ops.scopes.remove(name), args, io, () => ({ json: { removed: name }, text: `${name} removed` }));
  },
};

export const resourceCommands: Readonly<Record<string, Command>> = {
  list: async (ops, args, io) =>
    report(await ops.resources.list(), args, io, (items) => ({
      json: { items: items.map(resourceView) },
      text: table(
        ['IDENTIFIER', 'SCOPE', 'FORMAT', 'LIFETIME', 'INTROSPECTORS'],
        items.map((r) => [r.identifier, r.scopes.join(' '), r.accessTokenFormat ?? '', r.accessTokenLifetime === undefined ? '' : `${r.accessTokenLifetime}s`, r.clientIds.join(' ')]),
      ),
    })),
  add: async (ops, args, io) => {
    const identifier = args.positional[0];
    const changes = resourceChanges(args);
    if (identifier === undefined) return usageError(io, 'resource add <identifier> [--scope "a b"] [--format opaque|jwt] [--lifetime S] [--introspector CLIENT_ID]');
    if (typeof changes === 'string') return usageError(io, changes);
    return report(await ops.resources.create({ identifier, ...changes }), args, io, (r) => ({ json: resourceView(r), text: resourceText(r) }));
  },
  update: async (ops, args, io) => {
    const identifier = args.positional[0];
    const changes = resourceChanges(args);
    if (identifier === undefined) return usageError(io, 'resource update <identifier> [--scope "a b"] [--format opaque|jwt|default] [--lifetime S|default] [--introspector CLIENT_ID]');
    if (typeof changes === 'string') return usageError(io, changes);
    return report(await ops.resources.update(identifier, changes), args, io, (r) => ({ json: resourceView(r), text: resourceText(r) }));
  },
  remove: async (ops, args, io) => {
    const identifier = args.positional[0];
    if (identifier === undefined) return usageError(io, 'resource remove <identifier>');
    return report(await ops.resources.remove(identifier), args, io, () => ({ json: { removed: identifier }, text: `${identifier} removed` }));
  },
};
