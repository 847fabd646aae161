/**
 * grantId → ids of the rows of that grant, so revoking a grant touches only its own rows (O(rows of the grant)).
 * A grant with one row (the common case) costs a single map entry holding the id itself, not a set.
 */
export interface GrantIndex {
  readonly add: (grantId: string, id: string) => void;
  readonly remove: (grantId: string, id: string) => void;
  readonly ids: (grantId: string) => readonly string[];
  readonly size: () => number;
}

export const grantIndex = (): GrantIndex => {
  const byGrant = new Map<string, string | string[]>();
  return {
    add: (grantId, id) => {
      const current = byGrant.get(grantId);
      if (current === undefined) byGrant.set(grantId, id);
      else if (typeof current === 'string') {
        if (current !== id) byGrant.set(grantId, [current, id]);
      } else if (!current.includes(id)) current.push(id);
    },
    remove: (grantId, id) => {
      const current = byGrant.get(grantId);
      if (current === undefined) return;
      if (typeof current === 'string') {
        if (current === id) byGrant.delete(grantId);
        return;
      }
      const at = current.indexOf(id);
      if (at >= 0) current.splice(at, 1);
      if (current.length === 1) byGrant.set(grantId, current[0] as string);
      else if (current.length === 0) byGrant.delete(grantId);
    },
    ids: (grantId) => {
      const current = byGrant.get(grantId);
      return current === undefined ? [] : typeof current === 'string' ? [current] : [...current];
    },
    size: () => byGrant.size,
  };
};
