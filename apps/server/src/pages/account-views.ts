import type { HtmlResponse } from '@grantor/core/extend';
import { minPasswordLength } from '../people/passwords.js';
import { h, page, type Markup } from './html.js';
import { scopeDescription } from './scopes.js';

/** The account page of a signed-in person (no JavaScript; every form carries the session's CSRF token). */

type Headers = Readonly<Record<string, string>>;

export interface GrantedApp {
  readonly clientId: string;
  readonly clientName: string;
  readonly scope: readonly string[];
  readonly grantedAt: number;
}

interface SessionRow {
  readonly handle: string;
  readonly current: boolean;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly userAgent?: string;
}

export interface AccountView {
  readonly base: string;
  readonly csrf: string;
  readonly username: string;
  readonly name?: string;
  readonly email?: string;
  readonly emailVerified: boolean;
  /** The person's remembered consents. */
  readonly apps: readonly GrantedApp[];
  readonly sessions: readonly SessionRow[];
  readonly descriptions: Readonly<Record<string, string>>;
  readonly notice?: string;
  readonly error?: string;
}

const when = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

const csrfField = (csrf: string): Markup => h`<input type="hidden" name="csrf" value="${csrf}">`;

/** A short name for a browser from its `User-Agent` (what a person recognises), else the whole string. */
const browserName = (ua: string | undefined): string => {
  if (ua === undefined) return 'Unknown browser';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : undefined;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : undefined;
  return browser === undefined ? ua.slice(0, 60) : `${browser}${os === undefined ? '' : ` on ${os}`}`;
};

const apps = (v: AccountView): Markup =>
  v.apps.length === 0
    ? h`<p class="muted">You have not allowed any application yet.</p>`
    : h`<ul class="cards">${v.apps.map(
        (a) => h`<li><strong>${a.clientName}</strong> <span class="muted">(${a.clientId}), allowed ${when(a.grantedAt)}</span>
<ul>${a.scope.map((s) => h`<li><code>${s}</code>${scopeDescription(v.descriptions, s) === undefined ? '' : h` — ${scopeDescription(v.descriptions, s)}`}</li>`)}</ul>
<form method="post" action="${v.base}/revoke">${csrfField(v.csrf)}<input type="hidden" name="client_id" value="${a.clientId}">
<button type="submit" aria-label="Revoke access of ${a.clientName}">Revoke access</button></form></li>`,
      )}</ul>`;

const sessions = (v: AccountView): Markup =>
  h`<ul class="cards">${v.sessions.map(
    (s) => h`<li><strong>${browserName(s.userAgent)}</strong>${s.current ? h` <span class="tag">this browser</span>` : ''}
<br><span class="muted">signed in ${when(s.createdAt)}, last active ${when(s.lastSeenAt)}</span>
${s.current ? '' : h`<form method="post" action="${v.base}/sessions/end">${csrfField(v.csrf)}<input type="hidden" name="session" value="${s.handle}"><button type="submit">Sign out this session</button></form>`}</li>`,
  )}</ul>
<form method="post" action="${v.base}/sessions/end-all">${csrfField(v.csrf)}<button type="submit">Sign out everywhere</button></form>`;

/** GET /account: profile, password, email, granted apps, sessions. */
export const accountPage = (v: AccountView, headers: Headers = {}): HtmlResponse =>
  page(
    v.error === undefined ? 200 : 400,
    'Your account',
    h`${v.notice === undefined ? '' : h`<p class="notice" role="status">${v.notice}</p>`}${v.error === undefined ? '' : h`<p class="error" role="alert" id="form-error" tabindex="-1">${v.error}</p>`}
<section aria-labelledby="profile"><h2 id="profile">Profile</h2>
<dl><dt>Username</dt><dd>${v.username}</dd>${v.name === undefined ? '' : h`<dt>Name</dt><dd>${v.name}</dd>`}
<dt>Email address</dt><dd>${v.email ?? 'none'}${v.email === undefined ? '' : v.emailVerified ? h` <span class="tag">confirmed</span>` : h` <span class="tag">not confirmed</span>`}</dd></dl></section>
<section aria-labelledby="password-heading"><h2 id="password-heading">Change password</h2>
<form method="post" action="${v.base}/password">${csrfField(v.csrf)}
<label for="current-password">Current password</label><input id="current-password" name="current_password" type="password" autocomplete="current-password" required>
<label for="new-password">New password</label><input id="new-password" name="new_password" type="password" autocomplete="new-password" required minlength="${minPasswordLength}" aria-describedby="new-password-hint">
<p class="muted" id="new-password-hint">At least ${minPasswordLength} characters. Your other sessions are signed out.</p>
<button type="submit">Change password</button></form></section>
<section aria-labelledby="email-heading"><h2 id="email-heading">Change email address</h2>
<form method="post" action="${v.base}/email">${csrfField(v.csrf)}
<label for="new-email">New email address</label><input id="new-email" name="email" type="email" autocomplete="email" required>
<label for="email-password">Current password</label><input id="email-password" name="current_password" type="password" autocomplete="current-password" required>
<p class="muted">We send a link to the new address; it becomes your address when you follow it.</p>
<button type="submit">Send confirmation link</button></form></section>
<section aria-labelledby="apps-heading"><h2 id="apps-heading">Applications you allowed</h2>${apps(v)}</section>
<section aria-labelledby="sessions-heading"><h2 id="sessions-heading">Where you are signed in</h2>${sessions(v)}</section>
<form method="post" action="${v.base}/logout">${csrfField(v.csrf)}<button type="submit">Sign out</button></form>`,
    headers,
  );

/** After following an email-change link. */
export const emailChangedPage = (ok: boolean, account: string): HtmlResponse =>
  ok
    ? page(200, 'Email address changed', h`<p>Your new email address is confirmed and is now the address of your account.</p><p><a href="${account}">Back to your account</a></p>`)
    : page(400, 'Link not valid', h`<p class="error">This link is not valid: it was already used, has expired, or was changed.</p><p><a href="${account}">Back to your account</a></p>`);
