import { describe, expect, it } from 'vitest';
import { median, rowOf, type Sample } from './stats.js';
import { ratiosTo } from './table.js';
import { catalog, select } from './catalog.js';

const sample = (reqPerSec: number, p99: number, peakRss: number, serverCpu = 1): Sample => ({ reqPerSec, p50: 1, p99, peakRss, serverCpu, requests: reqPerSec, non2xx: 0, errors: 0 });

describe('median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('rows and ratios', () => {
  const floorTarget = catalog.find((t) => t.name === 'fastify floor POST form')!;
  const grantorTarget = catalog.find((t) => t.name === 'fastify grantor client_credentials')!;

  it('takes the median of each figure over the rounds and sums the failures', () => {
    const row = rowOf(floorTarget, [sample(100, 10, 50), { ...sample(300, 30, 70), non2xx: 2 }, sample(200, 20, 60)]);
    expect(row).toMatchObject({ reqPerSec: 200, p99: 20, peakRss: 60, non2xx: 2 });
  });

  it('divides by the floor, also per server CPU-second', () => {
    const floor = rowOf(floorTarget, [sample(1000, 10, 100, 0.5)]);
    const grantor = rowOf(grantorTarget, [sample(500, 20, 150, 1)]);
    const q = ratiosTo(grantor, floor);
    expect(q.reqPerSec).toBe(0.5);
    expect(q.reqPerCpuSec).toBe(0.25);
    expect(q.p99).toBe(2);
    expect(q.peakRss).toBe(1.5);
  });
});

describe('catalog', () => {
  it('compares every target with a floor of the same framework that is in the catalog', () => {
    for (const t of catalog) {
      const floor = catalog.find((f) => f.name === t.floor);
      expect(floor?.kind, t.name).toBe('floor');
      expect(floor?.framework, t.name).toBe(t.framework);
    }
  });

  it('keeps the floors of the selected targets', () => {
    expect(select(['koa grantor bearer']).map((t) => t.name)).toEqual(['koa floor GET', 'koa grantor bearer']);
  });
});
