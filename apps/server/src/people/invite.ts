import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Logger } from '@grantor/core';
import { createCore } from '../core-bridge.js';
import { readEnv } from '../env.js';
import { issueAccountToken } from './account-tokens.js';
import { normalizeEmail } from './directory.js';
import { createMailer } from './mailer.js';

/**
 * `node apps/server/dist/main.js invite <email>` (SIGNUP=invite): mails `<email>` a sign-up link that works once,
 * for a week, for that address only, and prints the link. Needs a persistent store (DATA_DIR or DATABASE_URL).
 */
export const inviteCommand = async (vars: Readonly<Record<string, string | undefined>>, args: readonly string[], logger: Logger, print: (line: string) => void): Promise<void> => {
  const env = readEnv(vars);
  const typed = (args[0] ?? '').trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(typed)) throw new Error('usage: main.js invite <email address>');
  if (env.store.kind === 'memory') throw new Error('invite needs a persistent store: set DATA_DIR or DATABASE_URL');
  if (env.people.signup !== 'invite') print(`note: SIGNUP is ${env.people.signup}, not invite`);
  const core = await createCore({ env, scopes: ['openid'], clients: [], claims: () => ({ claims: () => TE.right(O.none) }), idTokenClaims: false, logger, prefix: '' });
  const mailer = createMailer(env.people.mail, env.people.mailFrom ?? `Grantor <no-reply@${new URL(env.issuer).hostname}>`, logger);
  try {
    const email = normalizeEmail(typed);
    const token = await issueAccountToken(core.accountTokens, 'invite', '', email, Date.now() / 1000);
    const base = `${new URL(env.issuer).origin}${new URL(env.issuer).pathname.replace(/\/+$/, '')}`;
    const link = `${base}/signup?${new URLSearchParams({ invite: token, email: typed }).toString()}`;
    await mailer.send({ to: typed, subject: 'You are invited', text: `Hello,\n\nyou are invited to create an account. Open this link (it works once, for 7 days):\n\n${link}\n` });
    print(link);
  } finally {
    mailer.close();
    await core.close();
  }
};
