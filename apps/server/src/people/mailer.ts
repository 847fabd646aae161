import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@grantor/core';
import { createTransport } from 'nodemailer';
import type { MailTarget } from './env.js';

/** One plain-text message to one person (ASCII only: links stay verbatim, on one line, in any reader). */
interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/**
 * The mailer port of the pages. `send` resolves once the message is accepted: written to the outbox, queued for the
 * SMTP server (delivery happens in the background, so the answer of a page takes as long whatever it mailed), or
 * logged. It never rejects: failures are logged.
 */
export interface Mailer {
  readonly send: (message: MailMessage) => Promise<void>;
  readonly close: () => void;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC (`Thu, 03 Dec 2026 13:38:55 +0000`). */
const rfc5322Date = (d: Date): string =>
  `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;

/** Keeps header values to one line of printable ASCII (no header injection through a name or an address). */
const headerValue = (v: string): string => v.replace(/[^\x20-\x7e]/g, '?');

/**
 * An RFC 5322 message (CRLF lines, `text/plain; charset=us-ascii`, 7bit): headers From, To, Subject, Date,
 * Message-ID, MIME-Version. Body lines stay under RFC 5322 §2.1.1's 998-character limit.
 */
export const composeMessage = (from: string, message: MailMessage, now: Date = new Date()): string => {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  const body = message.text.replace(/[^\x20-\x7e\n\t]/g, '?').replace(/\r?\n/g, '\r\n');
  return [
    `From: ${headerValue(from)}`,
    `To: ${headerValue(message.to)}`,
    `Subject: ${headerValue(message.subject)}`,
    `Date: ${rfc5322Date(now)}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${headerValue(domain)}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    '',
    body,
    '',
  ].join('\r\n');
};

/** The envelope sender of `From` (`Name <a@b>` or `a@b`). */
const addressOf = (from: string): string => /<([^>]+)>/.exec(from)?.[1] ?? from.trim();

/**
 * MAIL_OUTBOX: every message becomes one `.eml` file in `dir` (written under a temporary name, then renamed, so a
 * reader never sees half a message) and nothing is sent anywhere else. SMTP_URL: nodemailer's SMTP transport (`?pool=true` in the URL pools connections).
 * Neither: the message is logged (development only: the log then holds live links).
 */
export const createMailer = (target: MailTarget, from: string, logger: Logger): Mailer => {
  if (target.kind === 'outbox') {
    mkdirSync(target.dir, { recursive: true });
    let n = 0;
    return {
      send: async (message) => {
        n += 1;
        const name = `${Date.now()}-${String(n).padStart(6, '0')}-${randomBytes(4).toString('hex')}.eml`;
        const tmp = join(target.dir, `.${name}.tmp`);
        try {
          await writeFile(tmp, composeMessage(from, message), { mode: 0o600 });
          await rename(tmp, join(target.dir, name));
          logger.log('info', 'mail written to the outbox', { file: name, subject: message.subject });
        } catch (cause) {
          logger.log('error', 'mail: could not write to the outbox', { dir: target.dir, cause: String(cause) });
        }
      },
      close: () => undefined,
    };
  }
  if (target.kind === 'smtp') {
    const transport = createTransport(target.url);
    return {
      send: async (message) => {
        const raw = composeMessage(from, message);
        // Queued, not awaited: the page answers in the same time whether or not it mailed someone.
        transport.sendMail({ envelope: { from: addressOf(from), to: [message.to] }, raw }).then(
          () => logger.log('info', 'mail sent', { subject: message.subject }),
          (cause: unknown) => logger.log('error', 'mail: SMTP delivery failed', { subject: message.subject, cause: String(cause) }),
        );
      },
      close: () => transport.close(),
    };
  }
  return {
    send: async (message) => {
      logger.log('warn', 'mail (no MAIL_OUTBOX or SMTP_URL: logged, not sent)', { to: message.to, subject: message.subject, text: message.text });
    },
    close: () => undefined,
  };
};
