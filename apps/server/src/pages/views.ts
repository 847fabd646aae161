import type { HtmlResponse } from '@grantor/core/extend';
import { h, page, type Markup } from './html.js';
import { scopeField, type ConsentScope } from './scopes.js';


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
  /** The requested scopes with their descriptions; the optional ones get a checkbox. */
  readonly scopes: readonly ConsentScope[];
  readonly username: string;
  /** Where the answer goes (the redirect URI's host), so the person sees who receives it. */
  readonly redirectHost?: string;
  readonly hidden?: Readonly<Record<string, string>>;
}

const scopeLine = (s: ConsentScope): Markup => h`<code>${s.name}</code>${s.description === undefined ? '' : h` — ${s.description}`}`;

/**
 * One requested scope: an optional one is a ticked checkbox with its label (unticking leaves it out of the grant),
 * a required one plain text marked required.
 */
const scopeItem = (s: ConsentScope, i: number): Markup =>
  s.optional
    ? h`<li><input type="checkbox" id="${scopeField(i)}" name="${scopeField(i)}" value="on" checked><label for="${scopeField(i)}">${scopeLine(s)}</label></li>`
    : h`<li><span class="req" aria-hidden="true">✓</span><span>${scopeLine(s)} <span class="muted">(required)</span></span></li>`;

/**
 * The consent form (OpenID Connect Core §3.1.2.4): who asks (the client's name and id) and where the answer goes, each
 * requested scope with the registry's description, checkboxes to leave out the optional ones, approve / deny.
 */
export const consentPage = (v: ConsentView, headers: Readonly<Record<string, string>> = {}): HtmlResponse =>
  page(
    200,
    'Authorize access',
    h`<p>Signed in as <strong>${v.username}</strong>.</p>
<p><strong>${v.clientName}</strong> <span class="muted">(${v.clientId})</span> asks for access to your account.</p>
${v.redirectHost === undefined ? '' : h`<p>If you approve, you will be sent to <strong>${v.redirectHost}</strong>.</p>`}
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">${hiddenFields(v.hidden)}
<fieldset class="scopes"><legend>It asks to use</legend>
<ul>${v.scopes.length === 0 ? h`<li><span>Basic access (no specific scope)</span></li>` : v.scopes.map(scopeItem)}</ul>
${v.scopes.some((s) => s.optional) ? h`<p class="muted">Untick what you do not want to share. The application gets only what stays ticked.</p>` : ''}
</fieldset>
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
