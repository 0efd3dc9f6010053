import { describe, expect, it } from 'vitest';
import { UNIT_NAME, unitNumber } from '../../../../lib/juju/index.js';

describe('unitNumber', () => {
  it.each([
    ['etcd/0', 0],
    ['etcd/12', 12],
    ['my-app2/7', 7],
  ])('%s is unit %i', (name, n) => {
    expect(UNIT_NAME.test(name)).toBe(true);
    expect(unitNumber(name)).toBe(n);
  });

  it.each(['etcd', 'etcd/', 'etcd/01', 'etcd/x', 'Etcd/1', '/3'])('%s is no unit name: -1', (name) => {
    expect(UNIT_NAME.test(name)).toBe(false);
    expect(unitNumber(name)).toBe(-1);
  });
});
