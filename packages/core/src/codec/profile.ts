/**
 * `profile: 'fapi2'`: the FAPI 2.0 Security Profile (§5.3.2, requirements for authorization servers) as one setting.
 * The settings the profile fixes are filled in when absent; one set to a contradicting value is a startup error
 * naming the setting. What the profile changes at request time (client authentication by `private_key_jwt` only,
 * `redirect_uri` required in a push, the code lifetime cap) reads `config.profile`.
 */

type Input = Readonly<Record<string, unknown>>;

const isRecord = (u: unknown): u is Input => typeof u === 'object' && u !== null && !Array.isArray(u);
const section = (input: Input, name: string): Input => {
  const value = input[name];
  return isRecord(value) ? value : {};
};

const contradiction = (field: string, expected: string, requirement: string, value: unknown): never => {
  throw new TypeError(`Invalid server config: ${field} must be ${expected} under profile 'fapi2' (FAPI 2.0 Security Profile ${requirement}; got ${JSON.stringify(value)})`);
};

/** FAPI 2.0 Security Profile §5.3.2.1: an authorization code lives at most 60 seconds. */
export const fapi2MaxCodeLifetime = 60;

/**
 * The configuration input with the profile applied (§5.3.2.1, §5.3.2.2): PAR required, PKCE for every client
 * without `plain`, DPoP-bound access tokens required, code lifetime at most 60 s, no password grant, and no
 * refresh-token reuse grace (confidential clients' refresh tokens are not rotated under the profile, §5.3.2.1 (9),
 * see the refresh grant). Without a profile (or `default`) the input is returned as it is; another value is refused.
 */
export const applyProfile = (input: Input): Input => {
  const profile = input['profile'];
  if (profile === undefined || profile === 'default') return input;
  if (profile !== 'fapi2') throw new TypeError(`Invalid server config: profile must be one of default, fapi2 (got ${JSON.stringify(profile)})`);
  const par = section(input, 'par');
  const pkce = section(input, 'pkce');
  const dpop = section(input, 'dpop');
  const lifetimes = section(input, 'lifetimes');
  const refresh = section(input, 'refreshTokens');
  if (par['required'] !== undefined && par['required'] !== true) contradiction('par.required', 'true', '§5.3.2.2 (pushed authorization requests only)', par['required']);
  if (pkce['requiredFor'] !== undefined && pkce['requiredFor'] !== 'all') contradiction('pkce.requiredFor', "'all'", '§5.3.2.2 (PKCE for every client)', pkce['requiredFor']);
  if (pkce['allowPlain'] !== undefined && pkce['allowPlain'] !== false) contradiction('pkce.allowPlain', 'false', '§5.3.2.2 (S256 only)', pkce['allowPlain']);
  if (dpop['required'] !== undefined && dpop['required'] !== true) contradiction('dpop.required', 'true', '§5.3.2.1 (sender-constrained access tokens)', dpop['required']);
  const codeLifetime = lifetimes['authorizationCode'];
  if (codeLifetime !== undefined && !(typeof codeLifetime === 'number' && codeLifetime <= fapi2MaxCodeLifetime)) {
    contradiction('lifetimes.authorizationCode', `at most ${fapi2MaxCodeLifetime}`, '§5.3.2.1 (codes live at most 60 seconds)', codeLifetime);
  }
  const grace = refresh['reuseGraceSeconds'];
  const graces = isRecord(grace) ? [grace['public'], grace['confidential']] : [grace];
  if (graces.some((g) => g !== undefined && g !== 0)) contradiction('refreshTokens.reuseGraceSeconds', '0', '§5.3.2.1 (9): refresh tokens are not rotated under the profile, so no reuse grace applies', grace);
  const grants = input['grantTypes'];
  if (Array.isArray(grants) && grants.includes('password')) contradiction('grantTypes', 'without password', '§5.3.2.1 (no resource owner password credentials grant)', grants);
  return {
    ...input,
    par: { ...par, required: true },
    pkce: { ...pkce, requiredFor: 'all', allowPlain: false },
    dpop: { ...dpop, required: true },
    lifetimes: { ...lifetimes, authorizationCode: codeLifetime ?? fapi2MaxCodeLifetime },
    refreshTokens: { ...refresh, reuseGraceSeconds: 0 },
  };
};
