import type { HtmlResponse } from '@grantor/core/extend';
import { h, page, type Markup } from './html.js';
import { scopeDescription } from './scopes.js';


export interface LoginView {
  readonly action: string;
  readonly csrf: string;
  readonly clientName: string;
  readonly error?: string;
  readonly username?: string;
  /** Extra hidden fields (e.g. the device flow's user code). */
  readonly hidden?: Readonly<Record<string, string>>;
  /** Links under the form: create an account, recover a forgotten password. */
  readonly links?: { readonly signup?: string; readonly forgot?: string };
}

const hiddenFields = (fields: Readonly<Record<string, string>> = {}): Markup[] =>
  Object.entries(fields).map(([name, value]) => h`<input type="hidden" name="${name}" value="${value}">`);

/** The login form: username, password, CSRF token and one submit button. */
export const loginPage = (v: LoginView, status = 200, headers: Readonly<Record<string, string>> = {}): HtmlResponse =>
  page(
    status,
    'Sign in',
    h`<p>Sign in to continue to <strong>${v.clientName}</strong>.</p>
${v.error === undefined ? '' : h`<p class="error" role="alert">${v.error}</p>`}
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">${hiddenFields(v.hidden)}
<label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required value="${v.username ?? ''}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
${v.links?.forgot === undefined ? '' : h`<p><a href="${v.links.forgot}">Forgot your password?</a></p>`}
${v.links?.signup === undefined ? '' : h`<p>New here? <a href="${v.links.signup}">Create account</a></p>`}`,
    headers,
  );

export interface ConsentView {
  readonly action: string;
  readonly csrf: string;
  readonly clientName: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly username: string;
  /** Where the answer goes (the redirect URI's host), so the person sees who receives it. */
  readonly redirectHost?: string;
  readonly hidden?: Readonly<Record<string, string>>;
}

/** The consent form: the client, the requested scopes, where the answer goes, and approve / deny buttons. */
export const consentPage = (v: ConsentView, headers: Readonly<Record<string, string>> = {}): HtmlResponse =>
  page(
    200,
    'Authorize access',
    h`<p>Signed in as <strong>${v.username}</strong>.</p>
<p><strong>${v.clientName}</strong> <span class="muted">(${v.clientId})</span> asks for:</p>
<ul>${v.scope.length === 0 ? h`<li>Basic access (no specific scope)</li>` : v.scope.map((s) => h`<li><code>${s}</code>${scopeDescription({}, s) === undefined ? '' : h` — ${scopeDescription({}, s)}`}</li>`)}</ul>
${v.redirectHost === undefined ? '' : h`<p>If you approve, you will be sent to <strong>${v.redirectHost}</strong>.</p>`}
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">${hiddenFields(v.hidden)}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
    headers,
  );

export interface DeviceEntryView {
  readonly action: string;
  readonly csrf: string;
  readonly userCode?: string;
  readonly error?: string;
}

/** RFC 8628 §3.3 verification page: the user types the code shown on the device. */
export const deviceEntryPage = (v: DeviceEntryView, status = 200, headers: Readonly<Record<string, string>> = {}): HtmlResponse =>
  page(
    status,
    'Connect a device',
    h`<p>Enter the code shown on your device.</p>
${v.error === undefined ? '' : h`<p class="error" role="alert">${v.error}</p>`}
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">
<label for="user_code">Code</label><input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required value="${v.userCode ?? ''}">
<button type="submit">Continue</button>
</form>`,
    headers,
  );

/** The end of the device flow: no form, nothing more to do in the browser. */
export const deviceDonePage = (approved: boolean, clientName: string, headers: Readonly<Record<string, string>> = {}): HtmlResponse =>
  page(
    200,
    approved ? 'Device connected' : 'Request denied',
    approved
      ? h`<p>You approved <strong>${clientName}</strong>. You can return to your device now; it will continue on its own.</p>`
      : h`<p>You denied access to <strong>${clientName}</strong>. You can close this page.</p>`,
    headers,
  );
