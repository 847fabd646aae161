import * as O from 'fp-ts/lib/Option.js';
import type { RefreshTokenRecord, RefreshTokenStore } from '@grantor/core/extend';
import { atomically, decodeOptionalTime, decodeTime, defined, encodeOptionalTime, encodeTime, isExpired, type Interner, type Time } from '../compact.js';
import { grantIndex } from '../grant-index.js';
import type { RevokedGrants } from './revoked-grants.js';
import { deleteMatching, sweepMap, type Revocable, type Table } from './table.js';

/** One refresh token, compactly (see `access-tokens.ts`); the token hash is the map key, subjects are interned. */
interface Row {
  grantId: string;
  clientId: string;
  subject: string;
  scope: readonly string[];
  grantedScope: readonly string[];
  /** RFC 8707 resources of the grant, when it named any. */
  resource: readonly string[] | undefined;
  /** OIDC `nonce` and `auth_time`, only for tokens that have them. */
  oidc: { readonly nonce: string | undefined; readonly authTime: Time | undefined } | undefined;
  issuedAt: Time;
  expiresAt: Time;
  rotatedAt: Time | undefined;
  successorHash: string | undefined;
  revokedAt: Time | undefined;
  /** RFC 9449 §5: the DPoP key a public client's token is bound to. */
  dpopJkt: string | undefined;
}

const toRow = (r: RefreshTokenRecord, intern: Interner): Row => ({
  grantId: r.grantId,
  clientId: intern.string(r.clientId),
  subject: intern.subject(r.subject),
  scope: intern.list(r.scope),
  grantedScope: intern.list(r.grantedScope),
  resource: r.resource === undefined ? undefined : intern.list(r.resource),
  oidc: r.nonce === undefined && r.authTime === undefined ? undefined : { nonce: r.nonce, authTime: encodeOptionalTime(r.authTime) },
  issuedAt: encodeTime(r.issuedAt),
  expiresAt: encodeTime(r.expiresAt),
  rotatedAt: encodeOptionalTime(r.rotatedAt),
  successorHash: r.successorHash,
  revokedAt: encodeOptionalTime(r.revokedAt),
  dpopJkt: r.dpopJkt,
});

const fromRow = (tokenHash: string, row: Row): RefreshTokenRecord =>
  defined<RefreshTokenRecord>({
    tokenHash,
    grantId: row.grantId,
    clientId: row.clientId,
    subject: row.subject,
    scope: row.scope,
    grantedScope: row.grantedScope,
    resource: row.resource,
    nonce: row.oidc?.nonce,
    authTime: decodeOptionalTime(row.oidc?.authTime),
    issuedAt: decodeTime(row.issuedAt),
    expiresAt: decodeTime(row.expiresAt),
    rotatedAt: decodeOptionalTime(row.rotatedAt),
    successorHash: row.successorHash,
    revokedAt: decodeOptionalTime(row.revokedAt),
    dpopJkt: row.dpopJkt,
  });

export const refreshTokenTable = (intern: Interner, revokedGrants: RevokedGrants): Table<RefreshTokenStore> & Revocable<RefreshTokenRecord> => {
  const rows = new Map<string, Row>();
  const families = grantIndex();

  const insert = (record: RefreshTokenRecord): void => {
    const previous = rows.get(record.tokenHash);
    if (previous !== undefined) families.remove(previous.grantId, record.tokenHash);
    const row = toRow(record, intern);
    // a revocation of the family judged before this save or rotation (a replay racing issuance) revokes it too
    row.revokedAt ??= revokedGrants.revokedAt(record.grantId);
    rows.set(record.tokenHash, row);
    families.add(record.grantId, record.tokenHash);
  };

  return {
    port: {
      save: (record) => atomically(() => insert(record)),
      find: (tokenHash) => atomically(() => O.fromNullable(rows.has(tokenHash) ? fromRow(tokenHash, rows.get(tokenHash) as Row) : undefined)),
      /**
       * RFC 9700 §4.14.2 refresh-token rotation: the check (neither rotated nor revoked), the marking of the
       * presented token and the insertion of its successor happen in one synchronous step.
       */
      rotate: (tokenHash, successor, now) =>
        atomically(() => {
          const row = rows.get(tokenHash);
          if (row === undefined) return { _tag: 'NotFound' as const };
          const previous = fromRow(tokenHash, row);
          if (row.rotatedAt !== undefined || row.revokedAt !== undefined) return { _tag: 'NotActive' as const, previous };
          row.rotatedAt = encodeTime(now);
          row.successorHash = successor.tokenHash;
          insert(successor);
          return { _tag: 'Rotated' as const, previous };
        }),
      revokeGrant: (grantId, now) =>
        atomically(() => {
          revokedGrants.record(grantId, now);
          const at = encodeTime(now);
          for (const tokenHash of families.ids(grantId)) {
            const row = rows.get(tokenHash);
            if (row !== undefined && row.revokedAt === undefined) row.revokedAt = at;
          }
        }),
    },
    sweep: (now, budget) => sweepMap(rows, (row) => isExpired(row.expiresAt, now), budget, (tokenHash, row) => families.remove(row.grantId, tokenHash)),
    size: () => rows.size,
    scan: () => [...rows].map(([hash, row]) => fromRow(hash, row)),
    deleteWhere: (match) => deleteMatching(rows, (hash, row) => match(fromRow(hash, row)), (hash, row) => families.remove(row.grantId, hash)),
    revokeWhere: (match, now) => {
      let n = 0;
      for (const [hash, row] of rows) {
        if (row.revokedAt === undefined && match(fromRow(hash, row))) {
          row.revokedAt = encodeTime(now);
          n++;
        }
      }
      return n;
    },
  };
};
