/**
 * The reference server's dynamic client registration settings (RFC 7591): REGISTRATION, REGISTRATION_TOKEN,
 * REGISTRATION_TRUSTED_JWKS, REGISTRATION_SOFTWARE_IDS, REGISTRATION_RATE.
 */

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** Software statements (RFC 7591 §2.3): the public keys trusted to sign them and, optionally, the approved software. */
interface TrustedStatements {
  readonly trustedKeys: { readonly keys: readonly (Readonly<Record<string, unknown>> & { readonly kty: string })[] };
  readonly approvedSoftwareIds?: readonly string[];
}

export interface RegistrationEnv {
  /**
   * REGISTRATION: `closed` (default), `open` (anyone), `token` (an initial access token, REGISTRATION_TOKEN, sent as
   * `Authorization: Bearer`) or `software_statement` (a software statement signed by a key of REGISTRATION_TRUSTED_JWKS).
   */
  readonly mode: 'closed' | 'open' | 'token' | 'software_statement';
  /** REGISTRATION_TOKEN (token mode). */
  readonly token?: string;
  /** REGISTRATION_TRUSTED_JWKS (+ REGISTRATION_SOFTWARE_IDS): required in software_statement mode, optional otherwise. */
  readonly statements?: TrustedStatements;
  /** REGISTRATION_RATE: registrations allowed per client address per hour (default 20; 0 turns the limit off). */
  readonly perAddressPerHour: number;
}

const modes = ['closed', 'open', 'token', 'software_statement'] as const;

/** REGISTRATION_TRUSTED_JWKS: a JWK Set (JSON) of public keys; a private member (`d`) is refused. */
const parseTrustedJwks = (text: string): TrustedStatements['trustedKeys'] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('REGISTRATION_TRUSTED_JWKS must be a JWK Set as JSON ({"keys":[...]})');
  }
  const keys = typeof parsed === 'object' && parsed !== null ? (parsed as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string')) {
    throw new Error('REGISTRATION_TRUSTED_JWKS must be a JWK Set with at least one key ({"keys":[{"kty":...}]})');
  }
  if (keys.some((k) => (k as { d?: unknown }).d !== undefined)) throw new Error('REGISTRATION_TRUSTED_JWKS must hold public keys only (a key has a private "d" member)');
  return { keys: keys as TrustedStatements['trustedKeys']['keys'] };
};

/** Reads the registration settings; a bad value throws an Error naming the variable. */
export const readRegistrationEnv = (env: Readonly<Record<string, string | undefined>>): RegistrationEnv => {
  const modeText = (nonEmpty(env['REGISTRATION']) ?? 'closed').toLowerCase();
  const mode = modes.find((m) => m === modeText);
  if (mode === undefined) throw new Error(`REGISTRATION must be closed, open, token or software_statement, got ${JSON.stringify(modeText)}`);
  const token = nonEmpty(env['REGISTRATION_TOKEN']);
  if (mode === 'token' && (token === undefined || token.length < 16)) {
    throw new Error('REGISTRATION=token needs REGISTRATION_TOKEN (the initial access token, at least 16 characters)');
  }
  const jwksText = nonEmpty(env['REGISTRATION_TRUSTED_JWKS']);
  if (mode === 'software_statement' && jwksText === undefined) throw new Error('REGISTRATION=software_statement needs REGISTRATION_TRUSTED_JWKS (the public keys that sign software statements)');
  const softwareIds = nonEmpty(env['REGISTRATION_SOFTWARE_IDS'])?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const statements: TrustedStatements | undefined =
    jwksText === undefined ? undefined : { trustedKeys: parseTrustedJwks(jwksText), ...(softwareIds === undefined ? {} : { approvedSoftwareIds: softwareIds }) };
  const rateText = nonEmpty(env['REGISTRATION_RATE']) ?? '20';
  if (!/^\d{1,6}$/.test(rateText)) throw new Error(`REGISTRATION_RATE must be a whole number of registrations per address per hour, got ${JSON.stringify(rateText)}`);
  return {
    mode,
    ...(mode === 'token' && token !== undefined ? { token } : {}),
    ...(statements === undefined ? {} : { statements }),
    perAddressPerHour: Number(rateText),
  };
};
