/**
 * The person at the authorization server's pages, driven over HTTP without JavaScript (as the reference server's own
 * end-to-end tests do): a cookie jar, redirects followed on the server's origin, HTML forms read with regular
 * expressions and submitted.
 */
interface Page {
  readonly url: string;
  readonly status: number;
  readonly location: string | null;
  readonly body: string;
}

interface Form {
  readonly action: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly inputs: readonly string[];
  readonly buttons: readonly { readonly name?: string; readonly value?: string }[];
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  const raw = m === null ? undefined : (m[1] ?? m[2] ?? m[3] ?? '');
  return raw?.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? '');
};

const formsOf = (page: Page): Form[] =>
  [...page.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)]
    .filter((m) => (attr(m[1] ?? '', 'method') ?? 'get').toLowerCase() === 'post')
    .map((m) => {
      const inner = m[2] ?? '';
      const fields: Record<string, string> = {};
      const inputs: string[] = [];
      for (const i of inner.matchAll(/<input\b[^>]*>/gi)) {
        const name = attr(i[0], 'name');
        if (name === undefined) continue;
        inputs.push(name);
        const value = attr(i[0], 'value');
        if (value !== undefined) fields[name] = value;
      }
      const buttons = [...inner.matchAll(/<button\b[^>]*>/gi)].map((b) => {
        const name = attr(b[0], 'name');
        const value = attr(b[0], 'value');
        return { ...(name === undefined ? {} : { name }), ...(value === undefined ? {} : { value }) };
      });
      return { action: new URL(attr(m[1] ?? '', 'action') ?? '', page.url).toString(), fields, inputs, buttons };
    });

/**
 * Follows an authorization URL through the login form (`username`, `password`) and the consent form (the `decision`
 * button `approve`) to the redirect leaving the server's origin, which it returns (the client's callback).
 */
export const signInAndConsent = async (authorizationUrl: string, user: { readonly username: string; readonly password: string }): Promise<URL> => {
  const origin = new URL(authorizationUrl).origin;
  const jar = new Map<string, string>();
  const request = async (url: string, body?: URLSearchParams, hops = 0): Promise<Page> => {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size > 0) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = res.headers.get('location');
    const page = { url, status: res.status, location, body: await res.text() };
    if (location === null || res.status < 300 || res.status >= 400 || hops > 20) return page;
    const next = new URL(location, url);
    return next.origin === origin ? request(next.toString(), undefined, hops + 1) : page;
  };
  let page = await request(authorizationUrl);
  for (let step = 0; step < 4 && page.location === null; step++) {
    const forms = formsOf(page);
    const login = forms.find((f) => f.inputs.includes('password'));
    const consent = forms.find((f) => f.buttons.some((b) => b.name === 'decision' && b.value === 'approve'));
    if (login !== undefined) page = await request(login.action, new URLSearchParams({ ...login.fields, username: user.username, password: user.password }));
    else if (consent !== undefined) page = await request(consent.action, new URLSearchParams({ ...consent.fields, decision: 'approve' }));
    else throw new Error(`no login or consent form at ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
  }
  if (page.location === null) throw new Error(`no redirect to the client from ${page.url} (${page.status})`);
  return new URL(page.location, page.url);
};
