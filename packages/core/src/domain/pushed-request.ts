/**
 * RFC 9126 §2: a pushed authorization request, kept until the authorization endpoint uses it (once) or it expires.
 * Only the SHA-256 of the `request_uri`'s random part is stored, like every other bearer value.
 */
export interface PushedRequestRecord {
  /** SHA-256 (base64url) of the random reference inside the `request_uri`. */
  readonly requestUriHash: string;
  /** The client that pushed it (RFC 9126 §4: the request_uri is bound to this client). */
  readonly clientId: string;
  /** The authorization request parameters as pushed, each name with its values (client credentials left out). */
  readonly params: Readonly<Record<string, readonly string[]>>;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Set once, atomically, by the authorization request that uses it. */
  readonly usedAt?: number;
}
