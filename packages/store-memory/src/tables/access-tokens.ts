import * as O from 'fp-ts/lib/Option.js';
import type { AccessTokenRecord, AccessTokenStore, TokenUsageStore } from '@grantor/core/extend';
import { atomically, decodeOptionalTime, decodeTime, defined, encodeOptionalTime, encodeTime, isExpired, type Interner, type Time } from '../compact.js';
import { grantIndex } from '../grant-index.js';
import type { RevokedGrants } from './revoked-grants.js';
import { deleteMatching, sweepMap, type Revocable, type Table } from './table.js';

/** The members most opaque tokens do not have, kept apart so the common row stays small. */
interface Rare {
  readonly jwt: boolean;
  readonly audience: readonly string[] | undefined;
  readonly authTime: Time | undefined;
  readonly extra: Readonly<Record<string, unknown>> | undefined;
}

/**
 * One access token, compactly: the id is the map key (not repeated here), lists, client ids and subjects are
 * interned, times are small integers, and the rare members (JWT format, audience, auth time, extra claims) sit in
 * one optional object. Every row is built by `toRow` with the same members in the same order, so all rows share one
 * hidden class and keep their members in-object.
 */
interface Row {
  clientId: string;
  subject: string | undefined;
  scope: readonly string[];
  grantId: string | undefined;
  issuedAt: Time;
  expiresAt: Time;
  revokedAt: Time | undefined;
  rare: Rare | undefined;
}

const toRare = (r: AccessTokenRecord, intern: Interner): Rare | undefined =>
  r.format === 'opaque' && r.audience === undefined && r.authTime === undefined && r.extra === undefined
    ? undefined
    : {
        jwt: r.format === 'jwt',
        audience: r.audience === undefined ? undefined : intern.list(r.audience),
        authTime: encodeOptionalTime(r.authTime),
        extra: r.extra,
      };

const toRow = (r: AccessTokenRecord, intern: Interner): Row => ({
  clientId: intern.string(r.clientId),
  subject: r.subject === undefined ? undefined : intern.subject(r.subject),
  scope: intern.list(r.scope),
  grantId: r.grantId,
  issuedAt: encodeTime(r.issuedAt),
  expiresAt: encodeTime(r.expiresAt),
  revokedAt: encodeOptionalTime(r.revokedAt),
  rare: toRare(r, intern),
});

const fromRow = (id: string, row: Row, lastUsed: Time | undefined): AccessTokenRecord =>
  defined<AccessTokenRecord>({
    id,
    format: row.rare?.jwt === true ? 'jwt' : 'opaque',
    clientId: row.clientId,
    subject: row.subject,
    scope: row.scope,
    grantId: row.grantId,
    audience: row.rare?.audience,
    authTime: decodeOptionalTime(row.rare?.authTime),
    issuedAt: decodeTime(row.issuedAt),
    expiresAt: decodeTime(row.expiresAt),
    revokedAt: decodeOptionalTime(row.revokedAt),
    lastUsedAt: decodeOptionalTime(lastUsed),
    extra: row.rare?.extra,
  });

export const accessTokenTable = (
  intern: Interner,
  revokedGrants: RevokedGrants,
): Table<AccessTokenStore> & Revocable<AccessTokenRecord> & { readonly usage: TokenUsageStore } => {
  const rows = new Map<string, Row>();
  const grants = grantIndex();
  // Last use per token, apart from the rows: only used tokens pay for it (it leaves with its row).
  const lastUsed = new Map<string, Time>();
  const read = (id: string, row: Row): AccessTokenRecord => fromRow(id, row, lastUsed.get(id));
  const unindex = (id: string, row: Row): void => {
    lastUsed.delete(id);
    if (row.grantId !== undefined) grants.remove(row.grantId, id);
  };

  const forget = (id: string, row: Row): void => {
    rows.delete(id);
    unindex(id, row);
  };

  return {
    port: {
      save: (record) =>
        atomically(() => {
          const previous = rows.get(record.id);
          if (previous !== undefined) forget(record.id, previous);
          const row = toRow(record, intern);
          // a revocation of the grant judged before this save (a replay racing issuance) revokes this token too
          row.revokedAt ??= revokedGrants.revokedAt(record.grantId);
          rows.set(record.id, row);
          if (record.lastUsedAt !== undefined) lastUsed.set(record.id, encodeTime(record.lastUsedAt));
          if (record.grantId !== undefined) grants.add(record.grantId, record.id);
        }),
      find: (id) => atomically(() => O.fromNullable(rows.has(id) ? read(id, rows.get(id) as Row) : undefined)),
      revoke: (id, now) =>
        atomically(() => {
          const row = rows.get(id);
          if (row !== undefined && row.revokedAt === undefined) row.revokedAt = encodeTime(now);
        }),
      revokeGrant: (grantId, now) =>
        atomically(() => {
          revokedGrants.record(grantId, now);
          const at = encodeTime(now);
          for (const id of grants.ids(grantId)) {
            const row = rows.get(id);
            if (row !== undefined && row.revokedAt === undefined) row.revokedAt = at;
          }
        }),
    },
    /** Uses move `lastUsedAt` forward only; unknown ids are ignored. */
    usage: {
      recordUses: (uses) =>
        atomically(() => {
          let changed = 0;
          for (const use of uses) {
            if (!rows.has(use.id)) continue;
            const previous = lastUsed.get(use.id);
            if (previous !== undefined && decodeTime(previous) >= use.at) continue;
            lastUsed.set(use.id, encodeTime(use.at));
            changed++;
          }
          return changed;
        }),
    },
    sweep: (now, budget) => sweepMap(rows, (row) => isExpired(row.expiresAt, now), budget, unindex),
    size: () => rows.size,
    scan: () => [...rows].map(([id, row]) => read(id, row)),
    deleteWhere: (match) => deleteMatching(rows, (id, row) => match(read(id, row)), unindex),
    revokeWhere: (match, now) => {
      let n = 0;
      for (const [id, row] of rows) {
        if (row.revokedAt === undefined && match(read(id, row))) {
          row.revokedAt = encodeTime(now);
          n++;
        }
      }
      return n;
    },
  };
};
