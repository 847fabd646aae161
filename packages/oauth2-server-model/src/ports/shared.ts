import * as TE from 'fp-ts/lib/TaskEither.js';
import { type Clock, type Logger, type SecretHasher, type StoreError } from '@grantor/core';
import { storeError, type ClientAuthMethod } from '@grantor/core/extend';
import type { ModelClient, ModelUser, OAuth2ServerModel } from '../model.js';
import { currentWork, type Work } from '../work.js';
import type { RefreshFamilies } from './families.js';

/** The adapter's settings, defaults applied (see `ModelAdapterOptions` for what each means). */
export interface ModelDeps {
  readonly model: OAuth2ServerModel;
  readonly version: 4 | 5;
  /** The real hasher (SHA-256) behind the adapter's `secrets` port. */
  readonly hasher: SecretHasher;
  readonly subject: (user: ModelUser) => string | undefined;
  readonly userFor: (subject: string) => ModelUser;
  readonly requireClientAuthentication: Readonly<Record<string, boolean>>;
  readonly tokenEndpointAuthMethod: (client: ModelClient) => ClientAuthMethod;
  readonly allowExtendedTokenAttributes: boolean;
  readonly families: RefreshFamilies | undefined;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** A model fault. Thrown errors and rejections are transient (`temporarily_unavailable`, retry): usually the database. */
export const modelFault = (what: string, cause: unknown): StoreError => storeError(`model ${what} failed`, { transient: true, cause });

/** A model result that breaks the specification (a permanent `server_error`). */
export const modelBroken = (detail: string): StoreError => storeError(`model: ${detail}`);

/** A port called outside a request the wrapper started. */
const outsideWork = (): StoreError =>
  storeError('@grantor/oauth2-server-model: a port was called outside a request; serve the server returned by store.wrap(server)');

/** Marks a failure the adapter already turned into a `StoreError` (so `fromModel` passes it through). */
export class StoreFailure extends Error {
  constructor(readonly error: StoreError) {
    super(error.detail);
  }
}

export const fail = (error: StoreError): never => {
  throw new StoreFailure(error);
};

/**
 * Runs model work inside the current unit of work: `StoreFailure`s keep their error, any other throw is a model
 * fault. Never rejects.
 */
export const fromModel = <A>(what: string, run: (work: Work) => Promise<A>): TE.TaskEither<StoreError, A> =>
  TE.tryCatch(
    async () => {
      const work = currentWork();
      if (work === undefined) return fail(outsideWork());
      return run(work);
    },
    (cause) => (cause instanceof StoreFailure ? cause.error : modelFault(what, cause)),
  );
