import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { RegistrationConfig, SoftwareStatementPolicy } from '../config/resources.js';
import { oauthError, type OAuthError } from '../errors/oauth-error.js';
import { looksLikeJws, verifyJws } from '../keys/verify.js';

/**
 * RFC 7591 §2.3 software statements at the registration endpoint: a JWT signed by a party the operator trusts,
 * asserting metadata about the client software. Verified with the configured trusted keys; its claims then take
 * precedence over the plain JSON members of the request (§3.1.1).
 */

/** What registration keeps of a verified statement (echoed unmodified, RFC 7591 §3.2.1). */
export interface SoftwareStatementFacts {
  readonly software_statement: string;
  readonly software_id?: string;
  readonly software_version?: string;
}

/** Client metadata after the statement was applied, and what is kept of the statement. */
export interface StatementOutcome {
  readonly metadata: unknown;
  readonly statement?: SoftwareStatementFacts;
}

/** RFC 7591 §3.2.2: "The software statement presented is invalid." */
const invalidStatement = (description: string, detail: string): OAuthError => oauthError('invalid_software_statement', description, { detail });

/** RFC 7591 §3.2.2: "The software statement presented is not approved for use by this authorization server." */
const unapprovedStatement = (description: string, detail: string): OAuthError => oauthError('unapproved_software_statement', description, { detail });

/** JWT claims that describe the statement itself, not the client (RFC 7519 §4.1): never copied into the metadata. */
const envelopeClaims: readonly string[] = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'];

/** Clock skew tolerated on `exp`, `nbf` and `iat` (seconds). */
const skew = 60;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** RFC 7519 §4.1.4 / §4.1.5: a statement past its `exp`, or before its `nbf` or `iat`, is invalid. */
const timeProblem = (claims: Readonly<Record<string, unknown>>, now: number): string | undefined => {
  const at = (name: string): number | undefined => (typeof claims[name] === 'number' ? (claims[name] as number) : undefined);
  const exp = at('exp');
  const nbf = at('nbf') ?? at('iat');
  if (claims['exp'] !== undefined && exp === undefined) return 'exp is not a number';
  if (exp !== undefined && now >= exp + skew) return 'expired';
  if (nbf !== undefined && now + skew < nbf) return 'not yet valid';
  return undefined;
};

/** RFC 7591 §2.3: the statement's issuer and `software_id` must be among the ones the operator approved (when listed). */
const approval = (policy: SoftwareStatementPolicy, claims: Readonly<Record<string, unknown>>): OAuthError | undefined => {
  const iss = claims['iss'];
  if (policy.issuers !== undefined && !policy.issuers.includes(iss as string)) return unapprovedStatement('The software statement issuer is not approved.', `issuer ${String(iss)}`);
  const softwareId = claims['software_id'];
  if (policy.approvedSoftwareIds !== undefined && (typeof softwareId !== 'string' || !policy.approvedSoftwareIds.includes(softwareId))) {
    return unapprovedStatement('The software is not approved for registration.', `software_id ${String(softwareId)}`);
  }
  return undefined;
};

/**
 * RFC 7591 §2.3 / §3.1.1: verifies a `software_statement` (a JWS signed by one of `policy.trustedKeys`, never `none`
 * or HMAC, with an `iss` claim, within its validity) and merges its claims over the request's JSON members (the
 * statement wins, §3.1.1 "MUST take precedence"). Unsigned, malformed, untrusted or expired: `invalid_software_statement`;
 * an issuer or `software_id` the operator did not approve: `unapproved_software_statement`.
 */
const verifySoftwareStatement = (
  policy: SoftwareStatementPolicy,
  statement: string,
  members: Readonly<Record<string, unknown>>,
  now: number,
): TE.TaskEither<OAuthError, StatementOutcome> => {
  if (!looksLikeJws(statement)) return TE.left(invalidStatement('The software statement is not a signed JWT.', 'not a compact JWS'));
  return pipe(
    verifyJws(statement, policy.trustedKeys),
    TE.mapError((reason) => invalidStatement('The software statement is not signed by a trusted key.', reason)),
    TE.flatMapEither(({ payload }) => {
      if (typeof payload['iss'] !== 'string' || payload['iss'] === '') return E.left(invalidStatement('The software statement has no iss claim.', 'iss missing'));
      const problem = timeProblem(payload, now);
      if (problem !== undefined) return E.left(invalidStatement('The software statement is expired or not yet valid.', problem));
      const refused = approval(policy, payload);
      return refused === undefined ? E.right(payload) : E.left(refused);
    }),
    TE.map((claims) => {
      const asserted = Object.fromEntries(Object.entries(claims).filter(([k]) => !envelopeClaims.includes(k)));
      const { software_statement: _sent, ...plain } = members;
      return {
        metadata: { ...plain, ...asserted },
        statement: {
          software_statement: statement,
          ...(typeof claims['software_id'] === 'string' ? { software_id: claims['software_id'] } : {}),
          ...(typeof claims['software_version'] === 'string' ? { software_version: claims['software_version'] } : {}),
        },
      };
    }),
  );
};

/**
 * RFC 7591 §3.1.1 for one registration or RFC 7592 update request: without a `software_statement` member the JSON
 * is used as sent (unless the `software_statement` mode requires one); with one, it is verified and applied when the
 * server trusts statements, and `unapproved_software_statement` when it trusts none.
 */
export const applySoftwareStatement = (config: RegistrationConfig, input: unknown, now: number): TE.TaskEither<OAuthError, StatementOutcome> => {
  const members = isRecord(input) ? input : undefined;
  const statement = members?.['software_statement'];
  if (members === undefined || statement === undefined) {
    return config.mode === 'software_statement'
      ? TE.left(invalidStatement('A software statement signed by a trusted party is required to register.', 'software_statement missing'))
      : TE.right({ metadata: input });
  }
  if (typeof statement !== 'string') return TE.left(invalidStatement('software_statement must be a JWT string.', 'not a string'));
  const policy = config.softwareStatements;
  if (policy === undefined) return TE.left(unapprovedStatement('This server does not accept software statements.', 'no trusted keys configured'));
  return verifySoftwareStatement(policy, statement, members, now);
};
