import type { AdminOperations, HttpRequest, HttpResponse, Logger } from '@grantor/core';
import type { UserDirectory } from '../people/directory.js';
import type { UserAdmin } from '../people/user-admin.js';
import type { ServerThrottles } from '../throttle.js';
import type { AdminSession, AdminSessions } from './auth.js';
import type { Frame } from './views.js';

/** What the console works over: the admin operations and accounts, the password check and limits of the pages. */
export interface ConsoleDeps {
  readonly operations: AdminOperations;
  readonly users: UserAdmin;
  readonly directory: Pick<UserDirectory, 'check'>;
  readonly throttles: ServerThrottles;
  readonly sessions: AdminSessions;
  /** ADMIN_TOKEN (absent: only admin accounts sign in). */
  readonly bootstrapToken?: string;
  readonly issuer: string;
  /** The issuer's path ('' at the origin's root). */
  readonly prefix: string;
  readonly logger: Logger;
}

/** One signed-in request: the frame of its page, its form (POST), and a redirect helper for Post/Redirect/Get. */
export interface Ctx {
  readonly req: HttpRequest;
  readonly frame: Frame;
  readonly form: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly session: AdminSession;
  /** 303 to a console path (`/clients?done=…`). */
  readonly seeOther: (path: string) => HttpResponse;
}

type ConsoleHandler = (ctx: Ctx, params: readonly string[]) => Promise<HttpResponse>;
export interface ConsoleRoute {
  readonly method: 'GET' | 'POST';
  /** Below the console's base, `:x` a path segment. */
  readonly path: string;
  readonly run: ConsoleHandler;
}

