import type { RegistryStore, ResourceServer, ScopeDefinition } from '@grantor/core';
import type { SqlContext } from '../context.js';
import type { NewRow, Row } from '../schema.js';

/** Code-point order on every dialect (PostgreSQL's default collation would not give it). */
const byCodePoint = <A>(key: (a: A) => string) => (a: A, b: A): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

const duplicateKey = (e: unknown): boolean => (e as { errno?: unknown } | null)?.errno === 1062;

const scopeFromRow = (r: Row<'grantor_scopes'>): ScopeDefinition => ({
  name: r.name,
  ...(r.description === null ? {} : { description: r.description }),
  optional: Number(r.optional) === 1,
});

const scopeRow = (s: ScopeDefinition): NewRow<'grantor_scopes'> => ({ name: s.name, description: s.description ?? null, optional: s.optional ? 1 : 0 });

const resourceFromRow = (r: Row<'grantor_resources'>): ResourceServer => ({
  identifier: r.identifier,
  scopes: r.scope === '' ? [] : r.scope.split(' '),
  clientIds: JSON.parse(r.client_ids) as string[],
  ...(r.access_token_format === 'opaque' || r.access_token_format === 'jwt' ? { accessTokenFormat: r.access_token_format } : {}),
  ...(r.access_token_lifetime === null ? {} : { accessTokenLifetime: Number(r.access_token_lifetime) }),
});

const resourceRow = (r: ResourceServer): NewRow<'grantor_resources'> => ({
  identifier: r.identifier,
  scope: r.scopes.join(' '),
  access_token_format: r.accessTokenFormat ?? null,
  access_token_lifetime: r.accessTokenLifetime ?? null,
  client_ids: JSON.stringify(r.clientIds),
});

/**
 * The scope and resource registry on SQL (`grantor_scopes`, `grantor_resources`, migration `0012_registry`). `add*`
 * is one insert that a duplicate key turns into `false` (PostgreSQL and SQLite: `on conflict do nothing`; MySQL: the
 * duplicate-key error, never `insert ignore`, which would also hide truncation); `replace*` one update.
 */
export const sqlRegistryStore = ({ db, dialect, run }: SqlContext): RegistryStore => {
  const insert = async <T extends 'grantor_scopes' | 'grantor_resources'>(table: T, row: NewRow<T>, key: 'name' | 'identifier'): Promise<boolean> => {
    const q = db.insertInto(table).values(row as never);
    if (dialect === 'mysql') {
      try {
        await q.execute();
        return true;
      } catch (e) {
        if (duplicateKey(e)) return false;
        throw e;
      }
    }
    const r = await q.onConflict((oc) => oc.column(key as never).doNothing()).executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  };
  return {
    listScopes: () => run('registry.listScopes', async () => (await db.selectFrom('grantor_scopes').selectAll().execute()).map(scopeFromRow).sort(byCodePoint((s) => s.name))),
    addScope: (s) => run('registry.addScope', () => insert('grantor_scopes', scopeRow(s), 'name')),
    replaceScope: (s) =>
      run('registry.replaceScope', async () => {
        const { name: _name, ...rest } = scopeRow(s);
        const r = await db.updateTable('grantor_scopes').set(rest).where('name', '=', s.name).executeTakeFirst();
        return r.numUpdatedRows > 0n || (dialect === 'mysql' && (await db.selectFrom('grantor_scopes').select('name').where('name', '=', s.name).executeTakeFirst()) !== undefined);
      }),
    removeScope: (name) =>
      run('registry.removeScope', async () => (await db.deleteFrom('grantor_scopes').where('name', '=', name).executeTakeFirst()).numDeletedRows > 0n),
    listResources: () => run('registry.listResources', async () => (await db.selectFrom('grantor_resources').selectAll().execute()).map(resourceFromRow).sort(byCodePoint((r) => r.identifier))),
    addResource: (r) => run('registry.addResource', () => insert('grantor_resources', resourceRow(r), 'identifier')),
    replaceResource: (r) =>
      run('registry.replaceResource', async () => {
        const { identifier: _id, ...rest } = resourceRow(r);
        const u = await db.updateTable('grantor_resources').set(rest).where('identifier', '=', r.identifier).executeTakeFirst();
        return u.numUpdatedRows > 0n || (dialect === 'mysql' && (await db.selectFrom('grantor_resources').select('identifier').where('identifier', '=', r.identifier).executeTakeFirst()) !== undefined);
      }),
    removeResource: (identifier) =>
      run('registry.removeResource', async () => (await db.deleteFrom('grantor_resources').where('identifier', '=', identifier).executeTakeFirst()).numDeletedRows > 0n),
  };
};
