import * as TE from 'fp-ts/lib/TaskEither.js';
import { serverError } from '../errors/oauth-error.js';
import { jwtBearerGrant } from '../grants/jwt-bearer/index.js';
import { passwordGrant } from '../grants/password/index.js';
import { registerGrant, type RegisteredGrant } from '../grants/registry.js';
import { tokenExchangeGrant } from '../grants/token-exchange/index.js';
import { signerOf } from './oidc.js';
import type { MoreGrantPorts } from './more-grant-ports.js';
import type { AuthorizationServerPorts } from './ports.js';

/** The server's ports with the optional grants' ports (already part of `AuthorizationServerPorts` once composed). */
type Ports = AuthorizationServerPorts & MoreGrantPorts;

type WithRequired<P, K extends keyof P> = P & { readonly [Q in K]-?: NonNullable<P[Q]> };

/**
 * A grant whose ports are optional members of `AuthorizationServerPorts`: refuses with `server_error` when one is
 * missing (never happens through `createAuthorizationServer`, which checks them at construction).
 */
const needing = <K extends keyof MoreGrantPorts>(
  grant: RegisteredGrant<WithRequired<Ports, K>>,
  names: readonly K[],
): RegisteredGrant<Ports> => ({
  grantType: grant.grantType,
  clients: grant.clients,
  run: (form, client) => (ctx) => {
    const missing = names.find((name) => ctx.ports[name] === undefined);
    return missing === undefined
      ? grant.run(form, client)(ctx as Parameters<ReturnType<typeof grant.run>>[0])
      : TE.left(serverError(`the ${grant.grantType} grant needs ports.${String(missing)}`));
  },
});

/** Token exchange verifies RFC 9068 JWT subject/actor tokens with the server's own signer (its published keys). */
const withServerKeys = (grant: RegisteredGrant<Ports>): RegisteredGrant<Ports> => ({
  ...grant,
  run: (form, client) => (ctx) => grant.run(form, client)({ ...ctx, ports: { ...ctx.ports, signer: signerOf(ctx.config, ctx.ports) } }),
});

/** The grants of the "more grants" issue, for `grantRegistry`: JWT bearer, token exchange, password (legacy). */
export const moreGrants: readonly RegisteredGrant<Ports>[] = [
  registerGrant(jwtBearerGrant),
  withServerKeys(registerGrant(tokenExchangeGrant)),
  needing<'passwords' | 'loginThrottle'>(registerGrant(passwordGrant), ['passwords', 'loginThrottle']),
];
