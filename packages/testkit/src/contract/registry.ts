/** Contract: the operator's scope and resource registry (`RegistryStore`), when provided. */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import type { ResourceServer, ScopeDefinition } from '@grantor/core';
import { ok, uniqueId, type ContractContext } from './harness.js';

const scope = (o: Partial<ScopeDefinition> = {}): ScopeDefinition => ({ name: uniqueId('scope'), optional: false, ...o });

const resource = (o: Partial<ResourceServer> = {}): ResourceServer => ({
  identifier: `https://${uniqueId('api').toLowerCase().replace(/[^a-z0-9-]/g, 'x')}.example.test/v1`,
  scopes: [],
  clientIds: [],
  ...o,
});

/** Scope tokens (RFC 6749 §3.3) with a unique prefix, including characters a store could mangle (`!`, `~`, case). */
const scopeTail = fc.stringMatching(/^[\x21\x23-\x5B\x5D-\x7E]{1,20}$/);

export const registryContract = ({ store, numRuns }: ContractContext): void => {
  describe('RegistryStore', () => {
    it('scopes: add, then list returns them exactly (description and optional kept, absent stays absent)', async ({ skip }) => {
      const registry = store().registry;
      if (registry === undefined) return skip('this store provides no RegistryStore');
      const described = scope({ description: 'Read your calendar — Zoë’s “events”', optional: true });
      const bare = scope();
      expect(await ok(registry.addScope(described))).toBe(true);
      expect(await ok(registry.addScope(bare))).toBe(true);
      const listed = await ok(registry.listScopes());
      expect(listed.find((s) => s.name === described.name)).toEqual(described);
      expect(listed.find((s) => s.name === bare.name)).toEqual(bare);
    });

    it('scopes: add never overwrites (false, the first stays); replace changes only an existing one; remove reports', async ({ skip }) => {
      const registry = store().registry;
      if (registry === undefined) return skip('this store provides no RegistryStore');
      const first = scope({ description: 'first' });
      expect(await ok(registry.addScope(first))).toBe(true);
      expect(await ok(registry.addScope({ ...first, description: 'second', optional: true }))).toBe(false);
      expect((await ok(registry.listScopes())).find((s) => s.name === first.name)).toEqual(first);
      const changed: ScopeDefinition = { name: first.name, optional: true };
      expect(await ok(registry.replaceScope(changed))).toBe(true);
      expect(await ok(registry.replaceScope(changed))).toBe(true);
      expect((await ok(registry.listScopes())).find((s) => s.name === first.name)).toEqual(changed);
      const missing = scope();
      expect(await ok(registry.replaceScope(missing))).toBe(false);
      expect((await ok(registry.listScopes())).some((s) => s.name === missing.name)).toBe(false);
      expect(await ok(registry.removeScope(first.name))).toBe(true);
      expect(await ok(registry.removeScope(first.name))).toBe(false);
      expect((await ok(registry.listScopes())).some((s) => s.name === first.name)).toBe(false);
    });

    it('scopes: names are case-sensitive and listed in code-point order', async ({ skip }) => {
      const registry = store().registry;
      if (registry === undefined) return skip('this store provides no RegistryStore');
      const base = uniqueId('case');
      const names = [`${base}:B`, `${base}:a`, `${base}:A`];
      for (const name of names) expect(await ok(registry.addScope(scope({ name })))).toBe(true);
      const listed = (await ok(registry.listScopes())).map((s) => s.name).filter((n) => n.startsWith(base));
      expect(listed).toEqual([`${base}:A`, `${base}:B`, `${base}:a`]);
    });

    it('property: any scope token round-trips', async ({ skip }) => {
      const registry = store().registry;
      if (registry === undefined) return skip('this store provides no RegistryStore');
      await fc.assert(
        fc.asyncProperty(scopeTail, fc.option(fc.string({ maxLength: 200 }), { nil: undefined }), fc.boolean(), async (tail, description, optional) => {
          const s: ScopeDefinition = { name: `${uniqueId('p')}${tail}`, optional, ...(description === undefined || description === '' ? {} : { description }) };
          await ok(registry.addScope(s));
          expect((await ok(registry.listScopes())).find((x) => x.name === s.name)).toEqual(s);
        }),
        { numRuns },
      );
    });

    it('resources: add, list, replace (optional members set and cleared), remove', async ({ skip }) => {
      const registry = store().registry;
      if (registry === undefined) return skip('this store provides no RegistryStore');
      const full = resource({ scopes: ['api:read', 'api:write'], clientIds: ['rs-1', 'rs-2'], accessTokenFormat: 'jwt', accessTokenLifetime: 300 });
      const bare = resource();
      expect(await ok(registry.addResource(full))).toBe(true);
      expect(await ok(registry.addResource(bare))).toBe(true);
      expect(await ok(registry.addResource({ ...full, scopes: [] }))).toBe(false);
      const listed = await ok(registry.listResources());
      expect(listed.find((r) => r.identifier === full.identifier)).toEqual(full);
      expect(listed.find((r) => r.identifier === bare.identifier)).toEqual(bare);
      const cleared: ResourceServer = { identifier: full.identifier, scopes: ['api:read'], clientIds: [] };
      expect(await ok(registry.replaceResource(cleared))).toBe(true);
      expect((await ok(registry.listResources())).find((r) => r.identifier === full.identifier)).toEqual(cleared);
      expect(await ok(registry.replaceResource(resource()))).toBe(false);
      expect(await ok(registry.removeResource(full.identifier))).toBe(true);
      expect(await ok(registry.removeResource(full.identifier))).toBe(false);
      expect((await ok(registry.listResources())).some((r) => r.identifier === full.identifier)).toBe(false);
    });

    it('resources: listed in identifier order; an identifier differing only in case is another resource', async ({ skip }) => {
      const registry = store().registry;
      if (registry === undefined) return skip('this store provides no RegistryStore');
      const base = `https://${uniqueId('order').toLowerCase().replace(/[^a-z0-9-]/g, 'x')}.example.test/`;
      const ids = [`${base}b`, `${base}B`, `${base}a`];
      for (const identifier of ids) expect(await ok(registry.addResource(resource({ identifier })))).toBe(true);
      const listed = (await ok(registry.listResources())).map((r) => r.identifier).filter((i) => i.startsWith(base));
      expect(listed).toEqual([`${base}B`, `${base}a`, `${base}b`]);
    });

    it('concurrent adds of one scope: exactly one wins', async ({ skip }) => {
      const registry = store().registry;
      if (registry === undefined) return skip('this store provides no RegistryStore');
      const name = uniqueId('race');
      const results = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => ok(registry.addScope({ name, description: `d${i}`, optional: false }))));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await ok(registry.listScopes())).filter((s) => s.name === name)).toHaveLength(1);
    });
  });
};
