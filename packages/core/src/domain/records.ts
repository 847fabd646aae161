/**
 * The records the stores keep. All times are epoch seconds. Bearer values (codes, tokens, device codes) are never
 * stored: only their SHA-256 hashes (`*Hash`, base64url) are.
 */

/** PKCE (RFC 7636) binding of an authorization request. */
export interface PkceChallenge {
  readonly challenge: string;
  readonly method: 'S256' | 'plain';
}

/** An authorization code and what it was issued for (RFC 6749 §4.1.2). */
export interface AuthorizationCodeRecord {
  readonly codeHash: string;
  /** The grant this code starts; tokens issued from the code carry it, so a replay can revoke them. */
  readonly grantId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly subject: string;
  readonly scope: readonly string[];
  readonly pkce?: PkceChallenge;
  readonly nonce?: string;
  readonly authTime?: number;
  readonly acr?: string;
  /** RFC 8707 resources requested at the authorization endpoint: the audiences the code's tokens may have. */
  readonly resource?: readonly string[];
  /** RFC 9449 §10: the DPoP key (RFC 7638 thumbprint) the code is bound to; redeemed only with a proof by that key. */
  readonly dpopJkt?: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Set once, atomically, by the first redemption. */
  readonly redeemedAt?: number;
}

/** An access token. For opaque tokens `id` is the token's SHA-256; for JWT access tokens it is the `jti`. */
export interface AccessTokenRecord {
  readonly id: string;
  readonly format: 'opaque' | 'jwt';
  readonly clientId: string;
  readonly subject?: string;
  readonly scope: readonly string[];
  readonly grantId?: string;
  readonly audience?: readonly string[];
  readonly authTime?: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revokedAt?: number;
  /** When the token was last accepted (bearer check, introspection), as the coalesced usage writes recorded it. */
  readonly lastUsedAt?: number;
  /** Extra claims from token hooks, echoed by introspection. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/**
 * A refresh token in a family (RFC 9700 §4.14.2). Every token of one authorization shares `grantId` (the family);
 * rotation marks the presented token `rotatedAt` and inserts its successor in one atomic step.
 */
export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly grantId: string;
  readonly clientId: string;
  readonly subject: string;
  readonly scope: readonly string[];
  /** Scope of the original grant: a refresh may narrow `scope` but never exceed this. */
  readonly grantedScope: readonly string[];
  /** RFC 8707 resources of the original grant: a refresh may name one of them (never another) as the audience. */
  readonly resource?: readonly string[];
  readonly nonce?: string;
  readonly authTime?: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly rotatedAt?: number;
  /** Hash of the token that replaced this one. */
  readonly successorHash?: string;
  readonly revokedAt?: number;
  /** RFC 9449 §5: the DPoP key (RFC 7638 thumbprint) a public client's refresh token is bound to. */
  readonly dpopJkt?: string;
}

/** A remembered consent: `subject` granted `clientId` these scopes (union of all approvals). */
export interface ConsentRecord {
  readonly subject: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly grantedAt: number;
}

/**
 * A pending authorization request handed to the host application for login and consent. Created by the
 * authorization endpoint, finished (once, atomically) by the host with a subject and granted scopes, or a denial.
 */
export interface InteractionRecord {
  readonly id: string;
  readonly kind: 'authorization_code' | 'device_code';
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: readonly string[];
  readonly state?: string;
  readonly pkce?: PkceChallenge;
  readonly nonce?: string;
  /** OpenID Connect `prompt` values (none, login, consent, select_account). */
  readonly prompt: readonly string[];
  readonly maxAge?: number;
  readonly loginHint?: string;
  readonly uiLocales?: string;
  readonly claims?: string;
  /** RFC 8707 `resource` values of the request (registered resources). */
  readonly resource?: readonly string[];
  /** RFC 9449 §10 `dpop_jkt`: the DPoP key the authorization code will be bound to. */
  readonly dpopJkt?: string;
  readonly responseMode: 'query';
  /** For `device_code` interactions: the device authorization this interaction approves. */
  readonly userCodeHash?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly finishedAt?: number;
}

/** RFC 8628 device authorization state. */
export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'consumed';

export interface DeviceCodeRecord {
  readonly deviceCodeHash: string;
  /** Hash of the normalised user code (upper case, no separators). */
  readonly userCodeHash: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  /** RFC 8707 resources of the device authorization request: the audiences its tokens may have. */
  readonly resource?: readonly string[];
  readonly status: DeviceCodeStatus;
  readonly subject?: string;
  readonly grantedScope?: readonly string[];
  readonly authTime?: number;
  readonly grantId: string;
  /** Current polling interval in seconds (raised by 5 on every `slow_down`, RFC 8628 §3.5). */
  readonly interval: number;
  readonly lastPolledAt?: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
}
