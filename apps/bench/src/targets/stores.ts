/** The stores a Grantor target can run on. */
import { createMemoryStore, type MemoryStore } from '@grantor/store-memory';

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

export type Stores = Pick<MemoryStore, 'clients' | 'authorizationCodes' | 'accessTokens' | 'refreshTokens' | 'consents' | 'interactions' | 'deviceCodes' | 'replay'>;

export const openStore = async (kind: StoreKind): Promise<Stores> => {
  switch (kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite':
    case 'postgres':
      throw new Error(`${kind}: @grantor/store-sql is not wired into the bench yet`);
  }
};
