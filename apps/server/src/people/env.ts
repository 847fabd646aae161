/**
 * The people settings of the reference server's environment: SIGNUP, MAIL_OUTBOX, SMTP_URL, MAIL_FROM,
 * ID_TOKEN_CLAIMS, BREACHED_PASSWORD_CHECK. A bad value is an `Error` naming the variable.
 */
export type SignupMode = 'open' | 'invite' | 'off';

/** Where mail goes: files in a folder (development, tests), an SMTP server (production), or the log. */
export type MailTarget = { readonly kind: 'outbox'; readonly dir: string } | { readonly kind: 'smtp'; readonly url: string } | { readonly kind: 'log' };

export interface PeopleEnv {
  readonly signup: SignupMode;
  readonly mail: MailTarget;
  /** RFC 5322 `From` of every message. */
  readonly mailFrom?: string;
  /** ID tokens carry the claims of the granted profile/email scopes (`scope`, default) or only the protocol's (`minimal`). */
  readonly idTokenClaims: 'scope' | 'minimal';
  /** `hibp`: new passwords are checked against the Have I Been Pwned range API (k-anonymity); `off` (default). */
  readonly breachedPasswordCheck: 'off' | 'hibp';
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

const oneOf = <T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T => {
  const v = (nonEmpty(value) ?? fallback).toLowerCase();
  if (!allowed.includes(v as T)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return v as T;
};

export const readPeopleEnv = (env: Readonly<Record<string, string | undefined>>): PeopleEnv => {
  const outbox = nonEmpty(env['MAIL_OUTBOX']);
  const smtp = nonEmpty(env['SMTP_URL']);
  if (smtp !== undefined && !/^smtps?:\/\//i.test(smtp)) throw new Error('SMTP_URL must be an smtp:// or smtps:// URL');
  const from = nonEmpty(env['MAIL_FROM']);
  return {
    signup: oneOf('SIGNUP', env['SIGNUP'], ['open', 'invite', 'off'], 'off'),
    // MAIL_OUTBOX wins: with it set, no message leaves the machine.
    mail: outbox !== undefined ? { kind: 'outbox', dir: outbox } : smtp !== undefined ? { kind: 'smtp', url: smtp } : { kind: 'log' },
    ...(from === undefined ? {} : { mailFrom: from }),
    idTokenClaims: oneOf('ID_TOKEN_CLAIMS', env['ID_TOKEN_CLAIMS'], ['scope', 'minimal'], 'scope'),
    breachedPasswordCheck: oneOf('BREACHED_PASSWORD_CHECK', env['BREACHED_PASSWORD_CHECK'], ['off', 'hibp'], 'off'),
  };
};
