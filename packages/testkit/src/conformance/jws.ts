/**
 * Compact JWS for the suite's client and grant assertions, with WebCrypto only (RFC 7515 §3.1, RFC 7518 §3.2 HS256
 * and §3.4 ES256 — WebCrypto's ECDSA signature is already the JWS `r || s` form). An implementation independent of
 * the core's `jose`, so the suite checks interoperability rather than one library against itself.
 */

const b64url = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** An EC P-256 private key as a JWK (RFC 7518 §6.2). */
export interface EcPrivateJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly d: string;
}

export type JwsKey =
  | { readonly alg: 'ES256'; readonly privateJwk: EcPrivateJwk; readonly kid: string }
  | { readonly alg: 'HS256'; readonly secret: string };

/** Signs `payload` as a compact JWS with `key` (header `{ alg, typ: 'JWT', kid? }`). */
export const signJws = async (payload: Readonly<Record<string, unknown>>, key: JwsKey): Promise<string> => {
  const header = key.alg === 'ES256' ? { alg: 'ES256', typ: 'JWT', kid: key.kid } : { alg: 'HS256', typ: 'JWT' };
  const input = `${b64url(utf8(JSON.stringify(header)))}.${b64url(utf8(JSON.stringify(payload)))}`;
  const data = utf8(input);
  const signature =
    key.alg === 'ES256'
      ? await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          await crypto.subtle.importKey('jwk', { ...key.privateJwk }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']),
          data,
        )
      : await crypto.subtle.sign('HMAC', await crypto.subtle.importKey('raw', utf8(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), data);
  return `${input}.${b64url(new Uint8Array(signature))}`;
};

let counter = 0;

/**
 * The claims of an RFC 7523 assertion: `iss`, `sub`, `aud`, `iat`, `exp` (60 s), a fresh `jti`. For client
 * authentication (§2.2, §3) `sub` is the client id; for the JWT bearer grant (§2.1) the user.
 */
export const assertionClaims = (iss: string, sub: string, aud: string): Readonly<Record<string, unknown>> => {
  const now = Math.floor(Date.now() / 1000);
  counter += 1;
  return { iss, sub, aud, iat: now, exp: now + 60, jti: `conformance-${now}-${counter}-${crypto.randomUUID()}` };
};
