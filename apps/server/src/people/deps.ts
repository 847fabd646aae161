import type { AccountTokenStore } from '@grantor/core/extend';
import type { SignupMode } from './env.js';
import type { Mailer } from './mailer.js';
import type { BreachedPasswordCheck } from './passwords.js';

/** What the sign-up, verification and recovery pages need beyond the other pages. */
export interface PeopleDeps {
  readonly signup: SignupMode;
  readonly mailer: Mailer;
  readonly tokens: AccountTokenStore;
  readonly breached?: BreachedPasswordCheck;
  /** The issuer's origin and path: links in mail are absolute on it. */
  readonly publicBase: string;
}
