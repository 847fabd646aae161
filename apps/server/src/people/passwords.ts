import { createHash } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/**
 * Passwords (NIST SP 800-63B §5.1.1.2, memorized secrets): compared after Unicode NFKC normalisation, at least 8
 * and at most 256 characters (code points), any characters (no composition rules), not the account's own email
 * address, optionally not a known-breached one. Hashed with argon2id (`@node-rs/argon2` defaults: m=19 MiB, t=2).
 */
export const minPasswordLength = 8;
const maxPasswordLength = 256;

const normalize = (password: string): string => password.normalize('NFKC');

export const hashPassword = (password: string): Promise<string> => argon2Hash(normalize(password));

/** False for a wrong password or a malformed hash (never throws). */
export const verifyPassword = async (hash: string, password: string): Promise<boolean> => {
  try {
    return await argon2Verify(hash, normalize(password));
  } catch {
    return false;
  }
};

/** A hash no password matches, checked for unknown usernames so both paths cost one argon2 computation. */
export const dummyHash = (): Promise<string> => argon2Hash('not-a-password-of-anyone');

/**
 * A breached-password check (SP 800-63B §5.1.1.2: "passwords obtained from previous breach corpuses"). The port of
 * the pages; `off` by default. It fails open: an unreachable service does not block sign-ups.
 */
export interface BreachedPasswordCheck {
  readonly isBreached: (password: string) => Promise<boolean>;
}

/**
 * Have I Been Pwned's range API (k-anonymity: only the first 5 hex characters of the SHA-1 leave the server).
 * 3 s timeout; any failure answers "not breached".
 */
export const hibpCheck = (fetchImpl: typeof fetch = fetch): BreachedPasswordCheck => ({
  isBreached: async (password) => {
    const sha1 = createHash('sha1').update(normalize(password)).digest('hex').toUpperCase();
    try {
      const res = await fetchImpl(`https://api.pwnedpasswords.com/range/${sha1.slice(0, 5)}`, { signal: AbortSignal.timeout(3000), headers: { 'add-padding': 'true' } });
      if (!res.ok) return false;
      const suffix = sha1.slice(5);
      return (await res.text()).split(/\r?\n/).some((line) => {
        const [s, count] = line.split(':');
        return s === suffix && Number(count) > 0;
      });
    } catch {
      return false;
    }
  },
});

/** Why a new password is refused, in words for the form; undefined when it is acceptable. */
export const passwordProblem = async (password: string, email: string | undefined, breached: BreachedPasswordCheck | undefined): Promise<string | undefined> => {
  const length = [...normalize(password)].length;
  if (length < minPasswordLength) return `Use at least ${minPasswordLength} characters.`;
  if (length > maxPasswordLength) return `Use at most ${maxPasswordLength} characters.`;
  if (email !== undefined && normalize(password).toLowerCase() === email.toLowerCase()) return 'Do not use your email address as your password.';
  if (breached !== undefined && (await breached.isBreached(password))) {
    return 'This password appears in a list of leaked passwords. Choose another one.';
  }
  return undefined;
};
