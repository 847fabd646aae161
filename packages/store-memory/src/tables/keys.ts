import * as O from 'fp-ts/lib/Option.js';
import type { KeyStore } from '@grantor/core';
import type { KeySet } from '@grantor/core/extend';
import { atomically } from '../compact.js';

const freezeKeySet = (set: KeySet): KeySet =>
  Object.freeze({ keys: Object.freeze(set.keys.map((k) => Object.freeze({ ...k, publicJwk: Object.freeze({ ...k.publicJwk }), privateJwk: Object.freeze({ ...k.privateJwk }) }))) });

/**
 * The signing key set (`KeyStore`), held as a frozen copy. Keys live as long as the process: after a restart the core
 * generates new ones, and tokens signed before no longer verify.
 */
export const keyTable = (): { readonly port: KeyStore; readonly size: () => number } => {
  let current: KeySet | undefined;
  return {
    port: {
      load: () => atomically(() => O.fromNullable(current)),
      save: (keys) =>
        atomically(() => {
          current = freezeKeySet(keys);
        }),
    },
    size: () => current?.keys.length ?? 0,
  };
};
