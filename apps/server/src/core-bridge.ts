import type { AuthorizationServer, Client, Logger, UserClaimsSource } from '@grantor/core';
import type { ServerEnv } from './env.js';

/**
 * The one place that knows how to build the core and its stores. Kept apart so the rest of the server depends only
 * on the `AuthorizationServer` contract.
 */
export interface CoreInput {
  readonly env: ServerEnv;
  readonly scopes: readonly string[];
  readonly clients: readonly Client[];
  readonly claims: UserClaimsSource;
  readonly logger: Logger;
  /** Path prefix of the pages (the issuer's path). */
  readonly prefix: string;
}

export interface Core {
  readonly server: AuthorizationServer;
  readonly close: () => Promise<void>;
}

type Loose = Record<string, unknown>;
const load = async (name: string): Promise<Loose | undefined> => {
  try {
    return (await import(name)) as Loose;
  } catch {
    return undefined;
  }
};

export const createCore = async (input: CoreInput): Promise<Core> => {
  const core = await load('@grantor/core');
  if (typeof core?.['createAuthorizationServer'] !== 'function') throw new Error('@grantor/core does not export createAuthorizationServer yet');
  throw new Error(`core composition not wired yet (${input.env.issuer})`);
};
