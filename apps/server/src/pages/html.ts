import { html, type HtmlResponse } from '@grantor/core/extend';

/** Escapes a value for HTML text and double-quoted attribute contexts. */
const escapeHtml = (value: unknown): string =>
  String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A piece of markup that is already safe (built from escaped parts). */
export interface Markup {
  readonly __html: string;
}

const raw = (s: string): Markup => ({ __html: s });

/** Tagged template: interpolated values are escaped unless they are `Markup` (or arrays of it). */
export const h = (strings: TemplateStringsArray, ...values: readonly unknown[]): Markup => {
  const render = (v: unknown): string =>
    Array.isArray(v) ? v.map(render).join('') : typeof v === 'object' && v !== null && '__html' in v ? (v as Markup).__html : v === undefined || v === false || v === null ? '' : escapeHtml(v);
  return raw(strings.reduce((acc, s, i) => acc + s + (i < values.length ? render(values[i]) : ''), ''));
};

const style = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.45rem;box-sizing:border-box;font-size:1rem}button{font-size:1rem}
button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem}.error{color:#a40000;border:1px solid #a40000;padding:.5rem}
ul{padding-left:1.2rem}.muted{color:#595959;font-size:.9rem}h2{font-size:1.15rem;margin-top:2rem}
.notice{border:1px solid #1d5f2a;color:#1d5f2a;padding:.5rem}.tag{font-size:.8rem;border:1px solid #595959;padding:0 .3rem;border-radius:.2rem}
.cards{list-style:none;padding:0}.cards>li{border:1px solid #ccc;padding:.6rem;margin:.5rem 0;overflow-wrap:anywhere}
dt{font-weight:600}dd{margin:0 0 .5rem 0;overflow-wrap:anywhere}
fieldset.scopes{border:1px solid #ccc;padding:.4rem .8rem;margin:1rem 0}fieldset.scopes legend{font-weight:600;padding:0 .3rem}
.scopes ul{list-style:none;padding:0;margin:.3rem 0}.scopes li{display:flex;gap:.6rem;align-items:flex-start;margin:.6rem 0;overflow-wrap:anywhere}
.scopes input[type=checkbox]{width:1.3rem;height:1.3rem;margin:.1rem 0 0;flex:none}.scopes label{display:inline;margin:0}.scopes .req{width:1.3rem;text-align:center;flex:none}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}`;

/**
 * The page shell. No JavaScript; a restrictive CSP (no `form-action`: the consent form's redirect leaves the origin).
 */
export const page = (status: number, title: string, body: Markup, headers: Readonly<Record<string, string>> = {}): HtmlResponse =>
  html(
    status,
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>` +
      `<h1>${escapeHtml(title)}</h1>${body.__html}</main></body></html>\n`,
    {
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...headers,
    },
  );

/** An error page (4xx): says what went wrong, offers no form and redirects nowhere. */
export const errorPage = (status: number, title: string, message: string, headers: Readonly<Record<string, string>> = {}): HtmlResponse =>
  page(status, title, h`<p class="error">${message}</p>`, headers);
