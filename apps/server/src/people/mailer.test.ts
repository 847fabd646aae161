import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '@grantor/core';
import { composeMessage, createMailer } from './mailer.js';

const silent: Logger = { log: () => undefined };

describe('mailer', () => {
  it('composes an RFC 5322 message: CRLF lines, the headers a reader needs, a long link kept verbatim on one line', () => {
    const link = `http://127.0.0.1:54321/verify-email?token=${'A'.repeat(43)}&interaction=${'b'.repeat(43)}`;
    const raw = composeMessage('Grantor <no-reply@example.test>', { to: 'Zoë <z@example.test>', subject: 'Confirm\r\nBcc: x@evil.test', text: `Hi é,\n\n${link}\n` }, new Date(Date.UTC(2026, 11, 3, 13, 38, 55)));
    const cut = raw.indexOf('\r\n\r\n');
    const head = raw.slice(0, cut);
    const body = raw.slice(cut + 4);
    expect(head).toContain('From: Grantor <no-reply@example.test>\r\n');
    expect(head).toContain('To: Zo? <z@example.test>\r\n');
    expect(head).toContain('Date: Thu, 03 Dec 2026 13:38:55 +0000\r\n');
    expect(head).toMatch(/^Message-ID: <[0-9a-f]{24}@example\.test>$/m);
    expect(head).toContain('Content-Transfer-Encoding: 7bit');
    // No header injection: the CR LF of the subject became part of one line.
    expect(head.split('\r\n').filter((l) => l.startsWith('Bcc'))).toEqual([]);
    expect(body.split('\r\n')).toContain(link);
    expect(body).toContain('Hi ?,');
  });

  it('MAIL_OUTBOX: one .eml file per message, nothing else left in the folder', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'grantor-mail-')), 'nested');
    const mailer = createMailer({ kind: 'outbox', dir }, 'a@example.test', silent);
    await mailer.send({ to: 'one@example.test', subject: 'One', text: 'first' });
    await mailer.send({ to: 'two@example.test', subject: 'Two', text: 'second' });
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toMatch(/^To: one@example\.test\r$/m);
    expect(readFileSync(join(dir, files[1]!), 'utf8')).toContain('\r\n\r\nsecond');
  });
});
