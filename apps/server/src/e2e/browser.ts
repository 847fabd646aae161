/**
 * A tiny scripted browser for the end-to-end tests: a cookie jar (Path honoured), manual redirects, and HTML forms
 * read with regular expressions (the pages are server-rendered and simple). No JavaScript, like the acceptance suite.
 */
export interface Page {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export interface Form {
  readonly action: string;
  readonly method: string;
  readonly fields: Readonly<Record<string, string>>;
  /** name=value of each submit button. */
  readonly buttons: readonly { readonly name?: string; readonly value?: string }[];
  readonly inputs: readonly { readonly name: string; readonly type: string }[];
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m === null ? undefined : decodeEntities(m[1] ?? m[2] ?? m[3] ?? '');
};

const decodeEntities = (s: string): string =>
  s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? '');

/** Every `<form>` of a page, with its hidden/pre-filled fields and submit buttons. */
export const formsOf = (page: Page): Form[] => {
  const out: Form[] = [];
  for (const m of page.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = m[1] ?? '';
    const inner = m[2] ?? '';
    const fields: Record<string, string> = {};
    const inputs: { name: string; type: string }[] = [];
    for (const i of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(i[0], 'name');
      if (name === undefined) continue;
      inputs.push({ name, type: (attr(i[0], 'type') ?? 'text').toLowerCase() });
      const value = attr(i[0], 'value');
      if (value !== undefined) fields[name] = value;
    }
    const buttons = [...inner.matchAll(/<button\b[^>]*>/gi)]
      .filter((b) => (attr(b[0], 'type') ?? 'submit').toLowerCase() === 'submit')
      .map((b) => {
        const name = attr(b[0], 'name');
        const value = attr(b[0], 'value');
        return { ...(name === undefined ? {} : { name }), ...(value === undefined ? {} : { value }) };
      });
    out.push({ action: new URL(attr(open, 'action') ?? '', page.url).toString(), method: (attr(open, 'method') ?? 'get').toLowerCase(), fields, buttons, inputs });
  }
  return out;
};

interface Cookie {
  readonly name: string;
  readonly value: string;
  readonly path: string;
  readonly origin: string;
}

export interface Browser {
  /** GET `url`, following redirects while they stay on `stayOn` origins (others are returned unfollowed). */
  readonly get: (url: string) => Promise<Page>;
  /** Submits a form (POST urlencoded) with overrides and an optional submit button, following redirects likewise. */
  readonly submit: (form: Form, values?: Readonly<Record<string, string>>, button?: { readonly name?: string; readonly value?: string }) => Promise<Page>;
  readonly cookies: () => readonly Cookie[];
  /** Sets a cookie for `origin` (e.g. the same session presented to a second instance of the server). */
  readonly setCookie: (origin: string, name: string, value: string) => void;
}

/** `stayOn`: origins whose redirects are followed (the server); a redirect elsewhere (the client) is returned as is. */
export const createBrowser = (stayOn: readonly string[]): Browser => {
  const jar: Cookie[] = [];
  const store = (url: URL, headers: Headers): void => {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const pathAttr = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='));
      const path = pathAttr?.slice(5) ?? '/';
      const maxAge = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('max-age='));
      const i = jar.findIndex((c) => c.name === name && c.path === path && c.origin === url.origin);
      if (i >= 0) jar.splice(i, 1);
      if (maxAge !== undefined && Number(maxAge.slice(8)) <= 0) continue;
      jar.push({ name, value, path, origin: url.origin });
    }
  };
  const cookieHeader = (url: URL): string =>
    jar.filter((c) => c.origin === url.origin && url.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');

  const request = async (url: string, init: { method: string; body?: string }, hops = 0): Promise<Page> => {
    const u = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = cookieHeader(u);
    if (cookie !== '') headers['cookie'] = cookie;
    if (init.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(u, { method: init.method, headers, redirect: 'manual', ...(init.body === undefined ? {} : { body: init.body }) });
    store(u, res.headers);
    const body = await res.text();
    const location = res.headers.get('location');
    if ((res.status === 302 || res.status === 303 || res.status === 301 || res.status === 307) && location !== null && hops < 20) {
      const next = new URL(location, u);
      if (stayOn.includes(next.origin)) return request(next.toString(), { method: 'GET' }, hops + 1);
    }
    return { url: u.toString(), status: res.status, headers: res.headers, body };
  };

  return {
    get: (url) => request(url, { method: 'GET' }),
    submit: (form, values = {}, button) => {
      const params = new URLSearchParams({ ...form.fields, ...values });
      if (button?.name !== undefined) params.set(button.name, button.value ?? '');
      return form.method === 'post' ? request(form.action, { method: 'POST', body: params.toString() }) : request(`${form.action}?${params}`, { method: 'GET' });
    },
    cookies: () => [...jar],
    setCookie: (origin, name, value) => {
      const i = jar.findIndex((c) => c.name === name && c.path === '/' && c.origin === origin);
      if (i >= 0) jar.splice(i, 1);
      jar.push({ name, value, path: '/', origin });
    },
  };
};
