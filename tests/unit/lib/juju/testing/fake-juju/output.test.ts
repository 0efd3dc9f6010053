import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatOutput } from '../../../../../../lib/juju/testing/fake-juju/output.js';
import { ok, session, testModel } from '../fixtures.js';

describe('formatOutput', () => {
  it('smart: raw strings, True/False, one string per line, nothing for null, YAML otherwise', () => {
    expect(formatOutput('smart', 'hello')).toBe('hello\n');
    expect(formatOutput('smart', true)).toBe('True\n');
    expect(formatOutput('smart', false)).toBe('False\n');
    expect(formatOutput('smart', ['a', 'b'])).toBe('a\nb\n');
    expect(formatOutput('smart', [])).toBe('');
    expect(formatOutput('smart', null)).toBe('');
    expect(formatOutput('smart', { b: '2', a: 1 })).toBe('a: 1\nb: \'2\'\n');
  });

  it('json: one line with sorted keys and a newline; null for a missing value', () => {
    expect(formatOutput('json', { b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}\n');
    expect(formatOutput('json', null)).toBe('null\n');
    expect(formatOutput('json', true)).toBe('true\n');
  });

  it('yaml: sorted keys', () => {
    expect(formatOutput('yaml', { b: 'x', a: 'z' })).toBe('a: z\nb: x\n');
  });
});

describe('-o/--output', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the output to the file instead of stdout', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fake-juju-out-'));
    const target = path.join(dir, 'out.json');
    expect(ok(session(testModel()), 'is-leader', ['--format=json', '-o', target])).toBe('');
    expect(readFileSync(target, 'utf8')).toBe('true\n');
  });
});
