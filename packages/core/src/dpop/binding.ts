/**
 * RFC 9449 §6: what a verified DPoP proof binds tokens to — the RFC 7638 SHA-256 thumbprint of the proof's public
 * key (`jkt`, base64url). Access tokens carry it as `cnf.jkt` (§6.1); refresh tokens of public clients keep it (§5).
 */
export interface DpopBinding {
  readonly jkt: string;
}

/** RFC 9449 §6.1: the confirmation claim of a bound access token. */
export const confirmationOf = (binding: DpopBinding): { readonly cnf: { readonly jkt: string } } => ({ cnf: { jkt: binding.jkt } });

/** The `cnf.jkt` of a token's claims (`extra` of an access-token record), when it is DPoP-bound. */
export const boundJkt = (claims: Readonly<Record<string, unknown>> | undefined): string | undefined => {
  const cnf = claims?.['cnf'];
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as Readonly<Record<string, unknown>>)['jkt'];
  return typeof jkt === 'string' ? jkt : undefined;
};
