import type { HtmlResponse } from '@grantor/core/extend';
import { minPasswordLength } from '../people/passwords.js';
import { h, page, type Markup } from './html.js';

/** The pages of sign-up, email verification and recovery (no JavaScript, CSRF token in every form). */

type Headers = Readonly<Record<string, string>>;

const error = (message: string | undefined): Markup | string => (message === undefined ? '' : h`<p class="error" role="alert" id="form-error" tabindex="-1">${message}</p>`);

const hidden = (fields: Readonly<Record<string, string | undefined>>): Markup[] =>
  Object.entries(fields).flatMap(([name, value]) => (value === undefined ? [] : [h`<input type="hidden" name="${name}" value="${value}">`]));

const continueLink = (href: string | undefined, text = 'Continue signing in'): Markup | string => (href === undefined ? '' : h`<p><a href="${href}">${text}</a></p>`);

export interface SignupView {
  readonly action: string;
  readonly csrf: string;
  readonly interaction?: string;
  readonly invite?: string;
  readonly email?: string;
  readonly name?: string;
  readonly error?: string;
  readonly signIn?: string;
}

/** Sign-up: email, password (SP 800-63B: length only), optional name. */
export const signupPage = (v: SignupView, status = 200, headers: Headers = {}): HtmlResponse =>
  page(
    status,
    'Create account',
    h`${error(v.error)}
<form method="post" action="${v.action}">
${hidden({ csrf: v.csrf, interaction: v.interaction, invite: v.invite })}
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="email" required value="${v.email ?? ''}"${v.invite === undefined ? '' : h` readonly`}>
<label for="name">Name <span class="muted">(optional)</span></label><input id="name" name="name" type="text" autocomplete="name" value="${v.name ?? ''}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minPasswordLength}" aria-describedby="password-hint">
<p class="muted" id="password-hint">At least ${minPasswordLength} characters. A long phrase is best.</p>
<button type="submit">Create account</button>
</form>
${v.signIn === undefined ? '' : h`<p><a href="${v.signIn}">Already have an account? Sign in</a></p>`}`,
    headers,
  );

/**
 * After sign-up (new or taken address alike) and after asking for another link: the same bytes every time, so
 * nothing tells a new address from a taken one (no user enumeration).
 */
export const checkInboxPage = (headers: Headers = {}): HtmlResponse =>
  page(
    200,
    'Check your email',
    h`<p>We sent a message to the address you gave. Follow the link in it to confirm your email address, then sign in.</p>
<p class="muted">No message? Check your spam folder, or wait a minute and try again.</p>`,
    headers,
  );

/** The login gate: the password was right but the address is not confirmed. */
export const unverifiedPage = (v: { readonly action: string; readonly csrf: string; readonly resend: string; readonly email: string }, headers: Headers = {}): HtmlResponse =>
  page(
    403,
    'Confirm your email address',
    h`<p class="error" role="alert">Your email address <strong>${v.email}</strong> is not confirmed yet, so you cannot sign in. Follow the link in the message we sent you, then sign in again.</p>
<form method="post" action="${v.action}">
${hidden({ csrf: v.csrf, resend: v.resend })}
<button type="submit">Send the link again</button>
</form>`,
    headers,
  );

/** After following a verification link. */
export const verifiedPage = (ok: boolean, back: string | undefined): HtmlResponse =>
  ok
    ? page(200, 'Email address confirmed', h`<p>Thank you: your email address is confirmed. You can sign in now.</p>${continueLink(back)}`)
    : page(400, 'Link not valid', h`<p class="error">This link is not valid: it was already used, has expired, or was changed. Sign in to get a new one.</p>${continueLink(back, 'Back to sign in')}`);

/** Recovery, step 1: the address. */
export const forgotPage = (v: { readonly action: string; readonly csrf: string; readonly interaction?: string; readonly error?: string; readonly email?: string }, status = 200, headers: Headers = {}): HtmlResponse =>
  page(
    status,
    'Reset your password',
    h`<p>Enter the email address of your account. We will send you a link to choose a new password.</p>
${error(v.error)}
<form method="post" action="${v.action}">
${hidden({ csrf: v.csrf, interaction: v.interaction })}
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="email" required value="${v.email ?? ''}">
<button type="submit">Send reset link</button>
</form>`,
    headers,
  );

/** Recovery, step 2: the same bytes for known and unknown addresses. */
export const resetSentPage = (headers: Headers = {}): HtmlResponse =>
  page(
    200,
    'Check your email',
    h`<p>If an account uses that address, we sent it a link to reset the password. The link works once and for one hour.</p>`,
    headers,
  );

/** Recovery, step 3: the new password (the token rides in the form, not consumed until it is sent). */
export const resetPage = (v: { readonly action: string; readonly csrf: string; readonly token: string; readonly interaction?: string; readonly error?: string }, status = 200, headers: Headers = {}): HtmlResponse =>
  page(
    status,
    'Choose a new password',
    h`${error(v.error)}
<form method="post" action="${v.action}">
${hidden({ csrf: v.csrf, token: v.token, interaction: v.interaction })}
<label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minPasswordLength}" aria-describedby="password-hint">
<p class="muted" id="password-hint">At least ${minPasswordLength} characters.</p>
<button type="submit">Set password</button>
</form>`,
    headers,
  );

export const resetDonePage = (ok: boolean, back: string | undefined): HtmlResponse =>
  ok
    ? page(200, 'Password changed', h`<p>Your password is changed. Sign in with the new one.</p>${continueLink(back)}`)
    : page(400, 'Link not valid', h`<p class="error">This reset link is not valid: it was already used, has expired, or was changed. Ask for a new one.</p>${continueLink(back, 'Back to sign in')}`);
