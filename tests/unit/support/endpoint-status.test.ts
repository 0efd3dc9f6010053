import { describe, expect, it } from 'vitest';
import { parseEndpointStatus } from '../../integration/support/unit-exec.js';

describe('parseEndpointStatus reads the simple output of every etcdctl the store serves', () => {
  it.each([
    ['3.5', 'http://127.1.2.11:2379, 5a33ee9feaa18985, 3.5.30, 20 kB, true, false, 2, 41, 41, '],
    ['3.6', 'http://127.1.2.11:2379, 5a33ee9feaa18985, 3.6.13, 3.6.0, 590 kB, 582 kB, 2%, 8.6 GB, true, false, 2, 8857, 8857, , , false'],
  ])('%s', (_, line) => {
    expect(parseEndpointStatus(`${line}\n`)).toEqual([
      { endpoint: 'http://127.1.2.11:2379', id: '5a33ee9feaa18985', version: line.split(', ')[2], isLeader: true, isLearner: false },
    ]);
  });

  it('refuses a line of another shape', () => {
    expect(() => parseEndpointStatus('Error: context deadline exceeded\n')).toThrow(/unexpected endpoint status line/);
  });
});
