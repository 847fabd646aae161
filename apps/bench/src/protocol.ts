/**
 * The parent ↔ target-process protocol (over the IPC channel). A target process starts its server on an ephemeral
 * port of 127.0.0.1, pre-issues what its scenario needs, then sends one `ready` message.
 */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly port: number;
  /**
   * Pre-issued single-use credentials are `${prefix}${i}` for i in [0, count): the parent rebuilds the values, so
   * nothing large crosses the IPC channel.
   */
  readonly codes?: { readonly prefix: string; readonly count: number };
  readonly refreshTokens?: { readonly prefix: string; readonly count: number };
}

interface FailedMessage {
  readonly type: 'failed';
  readonly error: string;
}

export type TargetMessage = ReadyMessage | FailedMessage;

/** The one confidential client every scenario uses. */
export const CLIENT_ID = 'bench-client';
export const CLIENT_SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const REDIRECT_URI = 'https://client.example/cb';
export const SCOPE = 'api';
/** PKCE verifier shared by every pre-issued code (RFC 7636 §4.1: 43..128 unreserved characters). */
export const CODE_VERIFIER = 'bench-verifier-0123456789abcdefghijklmnopqrstuvwxyz';
export const TOKEN_PATH = '/token';
export const PROTECTED_PATH = '/api/me';
/** The fixed JSON the floors and protected routes answer. */
export const FIXED_BODY = { ok: true, sub: 'bench' } as const;

export const basicAuth = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** Sends the ready message and keeps the process alive until the parent kills it. */
export const announce = (msg: TargetMessage): void => {
  if (process.send === undefined) {
    console.log(JSON.stringify(msg));
    return;
  }
  process.send(msg);
};

/** Reports a startup failure to the parent and exits. */
export const fail = (e: unknown): void => {
  const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  announce({ type: 'failed', error });
  setTimeout(() => process.exit(1), 100);
};
