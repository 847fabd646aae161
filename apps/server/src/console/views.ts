import type { HttpResponse } from '@grantor/core';
import { html } from '@grantor/core/extend';
import { h, type Markup } from '../pages/html.js';

/**
 * The admin console's page shell and building blocks: server-rendered HTML, no JavaScript, the pages' CSP. Tables
 * become stacked cards under 40rem (each cell labelled), so every page works 390 px wide; every action is a form
 * button, reachable with Tab and pressed with Enter or Space, with a visible focus ring.
 */

const style = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4;line-height:1.4}
header{background:#1f2a44;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header a{color:#fff}header .brand{font-weight:700;margin-right:auto;text-decoration:none}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.2rem .9rem}
nav a[aria-current]{font-weight:700;text-decoration-thickness:3px}
main{max-width:72rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.4rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
a{color:#1d4ed8}:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
label{display:block;margin:.6rem 0 .2rem;font-weight:600}input,select{font:inherit;padding:.4rem;border:1px solid #888;border-radius:4px;width:100%;max-width:24rem;background:#fff}
input[type=checkbox]{width:auto}fieldset{border:1px solid #ccc;border-radius:4px;margin:.6rem 0;padding:.4rem .8rem}fieldset label{display:inline-flex;gap:.3rem;font-weight:400;margin:.2rem 1rem .2rem 0}
button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid #1f2a44;background:#1f2a44;color:#fff;cursor:pointer;min-height:2.2rem}
button.secondary{background:#fff;color:#1f2a44}button.danger{background:#a40000;border-color:#a40000}
form.inline{display:inline-block;margin:.15rem .3rem .15rem 0}
.filters{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:end;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.4rem .8rem .8rem;margin-bottom:1rem}
.filters label{margin-top:.4rem}.filters input,.filters select{width:12rem}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin-bottom:1rem}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #ddd}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e4e4e4;vertical-align:top}
th{background:#eceef3;font-size:.9rem}td code,.mono{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.pager{display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:center;margin:.8rem 0}
.notice{border:1px solid #0a7a2f;background:#eefbf1;padding:.6rem 1rem;border-radius:6px}.error{border:1px solid #a40000;background:#fff1f1;color:#7a0000;padding:.6rem 1rem;border-radius:6px}
.secret{font-family:ui-monospace,monospace;font-size:1rem;background:#fffbe6;border:1px dashed #b58900;padding:.5rem;word-break:break-all;display:block}
.badge{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.8rem;background:#e5e7eb}.badge.bad{background:#fde2e2}.badge.good{background:#dcfce7}
.muted{color:#555;font-size:.9rem}.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.4rem;z-index:2}
@media (max-width:40rem){table,thead,tbody,tr,td{display:block}thead{position:absolute;left:-9999px}tr{border-bottom:2px solid #ccc;padding:.3rem 0}
td{border:0;padding:.15rem .6rem;display:grid;grid-template-columns:6.5rem minmax(0,1fr);gap:.6rem;align-items:baseline}
td::before{content:attr(data-label);font-size:.75rem;font-weight:700;color:#555;text-transform:uppercase}
.filters>div{flex:1 1 9rem}.filters input,.filters select{width:100%}}`;

const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // Not `no-referrer`: with it browsers send `Origin: null` on the console's own form posts, which the origin check refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export type Section = 'clients' | 'scopes' | 'resources' | 'tokens' | 'users' | 'consents' | 'keys';
const sections: readonly (readonly [Section, string])[] = [
  ['clients', 'Clients'],
  ['scopes', 'Scopes'],
  ['resources', 'Resources'],
  ['tokens', 'Tokens'],
  ['users', 'Users'],
  ['consents', 'Consents'],
  ['keys', 'Keys'],
];

/** What every signed-in page needs to draw its header: where the console is, the CSRF token, who is signed in. */
export interface Frame {
  readonly base: string;
  readonly csrf: string;
  readonly who: string;
}

const shell = (status: number, title: string, top: Markup, body: Markup, headers: Readonly<Record<string, string>>): HttpResponse =>
  html(
    status,
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      h`<title>${title} · Grantor admin</title>`.__html +
      `<style>${style}</style></head><body><a class="skip" href="#main">Skip to content</a>${top.__html}<main id="main">${h`<h1>${title}</h1>`.__html}${body.__html}</main></body></html>\n`,
    { ...securityHeaders, ...headers },
  );

/** A signed-in page: header with the sections and a sign-out button. */
export const consolePage = (frame: Frame, current: Section | undefined, title: string, body: Markup, status = 200, headers: Readonly<Record<string, string>> = {}): HttpResponse =>
  shell(
    status,
    title,
    h`<header><a class="brand" href="${frame.base}/clients">Grantor admin</a><nav aria-label="Sections"><ul>${sections.map(
      ([s, label]) => h`<li><a href="${frame.base}/${s}"${current === s ? h` aria-current="page"` : ''}>${label}</a></li>`,
    )}</ul></nav><form class="inline" method="post" action="${frame.base}/logout">${csrfField(frame)}<button class="secondary" type="submit">Sign out</button></form></header>`,
    h`<p class="muted">Signed in as ${frame.who}.</p>${body}`,
    headers,
  );

/** A page outside the session (the login form, errors before sign-in). */
export const plainPage = (status: number, title: string, body: Markup, headers: Readonly<Record<string, string>> = {}): HttpResponse =>
  shell(status, title, h`<header><span class="brand">Grantor admin</span></header>`, body, headers);

export const csrfField = (frame: Pick<Frame, 'csrf'>): Markup => h`<input type="hidden" name="csrf" value="${frame.csrf}">`;

/** A one-button form posting to `action` (with the CSRF token and hidden fields). */
export const actionButton = (frame: Frame, action: string, label: string, options: { readonly fields?: Readonly<Record<string, string>>; readonly kind?: 'danger' | 'secondary'; readonly title?: string } = {}): Markup =>
  h`<form class="inline" method="post" action="${action}">${csrfField(frame)}${Object.entries(options.fields ?? {}).map(([k, v]) => h`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit"${options.kind === undefined ? '' : h` class="${options.kind}"`}${options.title === undefined ? '' : h` aria-label="${options.title}"`}>${label}</button></form>`;

/** A table with labelled cells (the labels head the stacked cards on narrow screens). */
export const dataTable = (caption: string, headers: readonly string[], rows: readonly (readonly (Markup | string)[])[], empty: string): Markup =>
  rows.length === 0
    ? h`<p class="card">${empty}</p>`
    : h`<table><caption class="skip">${caption}</caption><thead><tr>${headers.map((x) => h`<th scope="col">${x}</th>`)}</tr></thead><tbody>${rows.map(
        (r) => h`<tr>${r.map((cell, i) => h`<td data-label="${headers[i] ?? ''}"><div>${cell}</div></td>`)}</tr>`,
      )}</tbody></table>`;

const pageSizes = [10, 25, 50, 100] as const;

/** The page size of a list page: one of 10/25/50/100, default 25. */
export const pageSizeOf = (value: string | undefined): number => {
  const n = Number(value);
  return (pageSizes as readonly number[]).includes(n) ? n : 25;
};

/** "Next page" keeps the filters and size; "First page" drops the cursor. */
export const pager = (path: string, params: Readonly<Record<string, string | undefined>>, next: string | undefined, hasCursor: boolean): Markup => {
  const query = (extra: Readonly<Record<string, string>>) => {
    const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    const s = q.toString();
    return s === '' ? path : `${path}?${s}`;
  };
  return h`<nav class="pager" aria-label="Pages">${hasCursor ? h`<a href="${query({})}">First page</a>` : ''}${next === undefined ? h`<span class="muted">End of the list.</span>` : h`<a href="${query({ cursor: next })}" rel="next">Next page</a>`}</nav>`;
};

/** The page-size select of a filter form. */
export const sizeSelect = (limit: number): Markup =>
  h`<div><label for="limit">Per page</label><select id="limit" name="limit">${pageSizes.map((n) => h`<option value="${n}"${n === limit ? h` selected` : ''}>${n}</option>`)}</select></div>`;

export const time = (t: number | undefined): string => (t === undefined ? '' : new Date(t * 1000).toISOString().replace('.000Z', 'Z').replace('T', ' '));

export const notice = (text: string | undefined): Markup => (text === undefined ? h`` : h`<p class="notice" role="status">${text}</p>`);
export const failure = (text: string | undefined): Markup => (text === undefined ? h`` : h`<p class="error" role="alert">${text}</p>`);
