import type { TokenKind, TokenStatus } from '@grantor/core';
import { h } from '../pages/html.js';
import type { ConsoleDeps, ConsoleRoute } from './deps.js';
import { actionButton, consolePage, dataTable, failure, notice, pageSizeOf, pager, sizeSelect, time } from './views.js';

/** Console pages for tokens (filters, 10/25/50/100 per page, revoke), consents (list, forget) and signing keys (list, rotate). */

const kinds: readonly TokenKind[] = ['access_token', 'refresh_token'];
const statuses: readonly TokenStatus[] = ['active', 'expired', 'revoked', 'rotated'];

const done: Readonly<Record<string, string>> = {
  revoked: 'Revoked.',
  forgotten: 'The consent is forgotten; the client asks again next time.',
  rotated: 'The signing keys are rotated: the next key is active, the old one is retired (still published until it is unpublished).',
};

const select = (id: string, label: string, values: readonly string[], current: string) =>
  h`<div><label for="${id}">${label}</label><select id="${id}" name="${id}"><option value="">any</option>${values.map((v) => h`<option value="${v}"${v === current ? h` selected` : ''}>${v}</option>`)}</select></div>`;

const text = (id: string, label: string, value: string) => h`<div><label for="${id}">${label}</label><input id="${id}" name="${id}" value="${value}"></div>`;

export const listRoutes = (deps: ConsoleDeps): readonly ConsoleRoute[] => {
  const ops = deps.operations;
  return [
    {
      method: 'GET',
      path: '/tokens',
      run: async (ctx) => {
        const q = ctx.query;
        const limit = pageSizeOf(q.get('limit') ?? undefined);
        const clientId = q.get('client_id') ?? '';
        const subject = q.get('subject') ?? '';
        const kind = kinds.find((k) => k === q.get('kind')) ?? '';
        const status = statuses.find((s) => s === q.get('status')) ?? '';
        const cursor = q.get('cursor') ?? undefined;
        const listed = await ops.tokens.list({
          limit,
          ...(clientId === '' ? {} : { clientId }),
          ...(subject === '' ? {} : { subject }),
          ...(kind === '' ? {} : { kind }),
          ...(status === '' ? {} : { status }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        if (listed._tag === 'Failed') return consolePage(ctx.frame, 'tokens', 'Tokens', failure(listed.error.description), 503);
        const rows = listed.value.items.map((t) => [
          t.kind === 'access_token' ? 'access' : 'refresh',
          h`<code title="${t.id}">${t.id.slice(0, 10)}…</code>`,
          h`<code>${t.clientId}</code>`,
          t.subject === undefined ? h`<span class="muted">(client)</span>` : h`<code>${t.subject}</code>`,
          t.scope.join(' '),
          h`<span class="badge${t.status === 'active' ? ' good' : t.status === 'revoked' ? ' bad' : ''}">${t.status}</span>`,
          time(t.issuedAt),
          time(t.expiresAt),
          t.lastUsedAt === undefined ? h`<span class="muted">never</span>` : time(t.lastUsedAt),
          t.status === 'active' ? actionButton(ctx.frame, `${ctx.frame.base}/tokens/revoke`, 'Revoke', { kind: 'danger', fields: { kind: t.kind, id: t.id }, title: `Revoke ${t.kind} ${t.id.slice(0, 8)}` }) : '',
        ]);
        const filters = { client_id: clientId, subject, kind, status, limit: String(limit) };
        return consolePage(
          ctx.frame,
          'tokens',
          'Tokens',
          h`${notice(done[q.get('done') ?? ''])}<form method="get" action="${ctx.frame.base}/tokens" class="filters" role="search" aria-label="Filter tokens">
${text('client_id', 'Client ID', clientId)}${text('subject', 'Subject', subject)}${select('kind', 'Kind', kinds, kind)}${select('status', 'Status', statuses, status)}${sizeSelect(limit)}
<div><button type="submit">Filter</button></div></form>
${dataTable('Tokens', ['Kind', 'ID', 'Client', 'Subject', 'Scope', 'Status', 'Issued', 'Expires', 'Last used', 'Actions'], rows, 'No tokens match.')}
${pager(`${ctx.frame.base}/tokens`, filters, listed.value.next, cursor !== undefined)}
${clientId === '' && subject === '' ? '' : h`<h2>Revoke in bulk</h2><p class="muted">Every token, whatever its kind or status, of:</p>${actionButton(ctx.frame, `${ctx.frame.base}/tokens/revoke`, `Revoke every token of ${[clientId === '' ? '' : `client ${clientId}`, subject === '' ? '' : `subject ${subject}`].filter(Boolean).join(' and ')}`, { kind: 'danger', fields: { client_id: clientId, subject } })}`}`,
        );
      },
    },
    {
      method: 'POST',
      path: '/tokens/revoke',
      run: async (ctx) => {
        const { kind, id, client_id: clientId = '', subject = '' } = ctx.form;
        const back = `/tokens?${new URLSearchParams({ ...(clientId === '' ? {} : { client_id: clientId }), ...(subject === '' ? {} : { subject }), done: 'revoked' })}`;
        if (id !== undefined && id !== '') {
          const k = kinds.find((x) => x === kind);
          if (k === undefined) return consolePage(ctx.frame, 'tokens', 'Tokens', failure('Unknown token kind.'), 400);
          const r = await ops.tokens.revoke(k, id);
          return r._tag === 'Failed' ? consolePage(ctx.frame, 'tokens', 'Tokens', failure(r.error.description), 404) : ctx.seeOther('/tokens?done=revoked');
        }
        if (clientId === '' && subject === '') return consolePage(ctx.frame, 'tokens', 'Tokens', failure('Nothing to revoke: give a client or a subject.'), 400);
        const owner = clientId !== '' ? { clientId, ...(subject === '' ? {} : { subject }) } : { subject };
        const r = await ops.tokens.revokeOf(owner);
        return r._tag === 'Failed' ? consolePage(ctx.frame, 'tokens', 'Tokens', failure(r.error.description), 400) : ctx.seeOther(back);
      },
    },
    {
      method: 'GET',
      path: '/consents',
      run: async (ctx) => {
        const q = ctx.query;
        const limit = pageSizeOf(q.get('limit') ?? undefined);
        const clientId = q.get('client_id') ?? '';
        const subject = q.get('subject') ?? '';
        const cursor = q.get('cursor') ?? undefined;
        const listed = await ops.consents.list({ limit, ...(clientId === '' ? {} : { clientId }), ...(subject === '' ? {} : { subject }), ...(cursor === undefined ? {} : { cursor }) });
        if (listed._tag === 'Failed') return consolePage(ctx.frame, 'consents', 'Consents', failure(listed.error.description), 503);
        const rows = listed.value.items.map((c) => [
          h`<code>${c.subject}</code>`,
          h`<code>${c.clientId}</code>`,
          c.scope.join(' '),
          time(c.grantedAt),
          actionButton(ctx.frame, `${ctx.frame.base}/consents/revoke`, 'Forget', { kind: 'danger', fields: { client_id: c.clientId, subject: c.subject }, title: `Forget the consent of ${c.subject} to ${c.clientId}` }),
        ]);
        return consolePage(
          ctx.frame,
          'consents',
          'Consents',
          h`${notice(done[q.get('done') ?? ''])}<form method="get" action="${ctx.frame.base}/consents" class="filters" role="search" aria-label="Filter consents">
${text('client_id', 'Client ID', clientId)}${text('subject', 'Subject', subject)}${sizeSelect(limit)}<div><button type="submit">Filter</button></div></form>
${dataTable('Consents', ['Subject', 'Client', 'Scope', 'Granted', 'Actions'], rows, 'No consents match.')}
${pager(`${ctx.frame.base}/consents`, { client_id: clientId, subject, limit: String(limit) }, listed.value.next, cursor !== undefined)}`,
        );
      },
    },
    {
      method: 'POST',
      path: '/consents/revoke',
      run: async (ctx) => {
        const { client_id: clientId = '', subject = '' } = ctx.form;
        if (clientId === '' || subject === '') return consolePage(ctx.frame, 'consents', 'Consents', failure('Give the client and the subject.'), 400);
        const r = await ops.consents.revoke({ clientId, subject });
        return r._tag === 'Failed' ? consolePage(ctx.frame, 'consents', 'Consents', failure(r.error.description), 400) : ctx.seeOther('/consents?done=forgotten');
      },
    },
    {
      method: 'GET',
      path: '/keys',
      run: async (ctx) => {
        const listed = await ops.keys.list();
        if (listed._tag === 'Failed') return consolePage(ctx.frame, 'keys', 'Signing keys', failure(listed.error.description), 503);
        const rows = listed.value.map((k) => [
          h`<code>${k.kid}</code>`,
          k.alg,
          h`<span class="badge${k.status === 'active' ? ' good' : ''}">${k.status}</span>`,
          time(k.createdAt),
          time(k.retiredAt),
        ]);
        return consolePage(
          ctx.frame,
          'keys',
          'Signing keys',
          h`${notice(done[ctx.query.get('done') ?? ''])}${dataTable('Signing keys', ['Key ID', 'Algorithm', 'Status', 'Created', 'Retired'], rows, 'No keys.')}
<h2>Rotate</h2><p>The next key becomes active, the active one retired (still published, so tokens it signed keep verifying).</p>${actionButton(ctx.frame, `${ctx.frame.base}/keys/rotate`, 'Rotate signing keys')}`,
        );
      },
    },
    {
      method: 'POST',
      path: '/keys/rotate',
      run: async (ctx) => {
        const r = await ops.keys.rotate();
        return r._tag === 'Failed' ? consolePage(ctx.frame, 'keys', 'Signing keys', failure(r.error.description), 400) : ctx.seeOther('/keys?done=rotated');
      },
    },
  ];
};
