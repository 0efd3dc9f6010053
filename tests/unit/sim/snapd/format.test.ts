import { describe, expect, it } from 'vitest';
import { fill, longPublisher, shortPublisher, tabulate } from '../../../sim/snapd/format.js';

describe('tabulate (Go tabwriter as snap configures it)', () => {
  it('pads every column but the last to its widest cell plus two, with a minimum of five', () => {
    expect(
      tabulate([
        ['Name', 'Version', 'Rev', 'Notes'],
        ['charmed-etcd', '3.5.16', '2', '-'],
      ]),
    ).toBe('Name          Version  Rev  Notes\ncharmed-etcd  3.5.16   2    -\n');
  });

  it('leaves the last cell unpadded', () => {
    expect(tabulate([['a', 'long-last-cell'], ['b', 'x']])).toBe('a    long-last-cell\nb    x\n');
  });
});

describe('fill (snap wraps error messages at 72 columns under "error: ")', () => {
  it('keeps a short message on one line', () => {
    expect(fill('snap "x" not found')).toBe('snap "x" not found');
  });

  it('reflows a paragraph and indents continuation lines by seven spaces', () => {
    const text = fill(
      `snap "charmed-etcd" not found at least at revision 99.\nPlease use 'snap info charmed-etcd' to list available releases.`,
    );
    const lines = text.split('\n');
    expect(lines.length).toBe(2);
    expect(lines[0]?.length).toBeLessThanOrEqual(72);
    expect(lines[1]?.startsWith('       ')).toBe(true);
    expect(text.replace(/\s+/g, ' ')).toBe(
      `snap "charmed-etcd" not found at least at revision 99. Please use 'snap info charmed-etcd' to list available releases.`,
    );
  });
});

describe('publisher marks', () => {
  const canonical = { username: 'canonical', 'display-name': 'Canonical', validation: 'verified' };
  it('uses ** when not on a UTF-8 terminal and ✓ when on one', () => {
    expect(shortPublisher(canonical, false)).toBe('canonical**');
    expect(shortPublisher(canonical, true)).toBe('canonical✓');
    expect(longPublisher(canonical, false)).toBe('Canonical**');
  });

  it('names both display name and username when they differ', () => {
    expect(longPublisher({ username: 'jdoe', 'display-name': 'Jane Doe', validation: 'unproven' }, false)).toBe('Jane Doe (jdoe)');
  });
});
