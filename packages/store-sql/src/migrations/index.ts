import { m0001Initial } from './0001-initial.js';
import { m0002ClientSecretJwt } from './0002-client-secret-jwt.js';
import { m0003RevokedGrants } from './0003-revoked-grants.js';
import { m0004PushedRequests } from './0004-pushed-requests.js';
import { m0005ResourceIndicators } from './0005-resource-indicators.js';
import { m0006Dpop } from './0006-dpop.js';
import { m0007Users } from './0007-users.js';
import { m0008LoginSessions } from './0008-login-sessions.js';
import { m0009UserAdmin } from './0009-user-admin.js';
import { m0010DpopJkt } from './0010-dpop-jkt.js';
import { m0011DeviceResource } from './0011-device-resource.js';
import { m0012Registry } from './0012-registry.js';
import { m0013TokenLastUsed } from './0013-token-last-used.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/** Every migration the package ships, in order. Append only. */
export const migrations: readonly Migration[] = [m0001Initial, m0002ClientSecretJwt, m0003RevokedGrants, m0004PushedRequests, m0005ResourceIndicators, m0006Dpop, m0007Users, m0008LoginSessions, m0009UserAdmin, m0010DpopJkt, m0011DeviceResource, m0012Registry, m0013TokenLastUsed];
