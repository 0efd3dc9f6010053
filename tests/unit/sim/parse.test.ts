import { describe, expect, it } from 'vitest';
import { InputError, parseActionParams, parseConfigPairs, parseDuration, parseSecretContent } from '../../sim/parse.js';

describe('parseDuration', () => {
  it('reads ms, s, m, h and bare seconds', () => {
    expect(['500ms', '10s', '5m', '1h', '2', '1.5s'].map(parseDuration)).toEqual([500, 10_000, 300_000, 3_600_000, 2000, 1500]);
  });
  it('refuses anything else', () => {
    expect(() => parseDuration('soon')).toThrow(InputError);
    expect(() => parseDuration('-1s')).toThrow(InputError);
  });
});

describe('parseActionParams (juju run k=v)', () => {
  it('reads values as YAML scalars and nests dotted keys', () => {
    expect(parseActionParams(['n=3', 'flag=false', "s='3'", 'a.b=x', 'a.c=1.5', 'empty='])).toEqual({
      n: 3,
      flag: false,
      s: '3',
      a: { b: 'x', c: 1.5 },
      empty: '',
    });
  });
  it('refuses a pair without =', () => {
    expect(() => parseActionParams(['oops'])).toThrow('expected "key=value", got "oops"');
  });
});

describe('parseConfigPairs', () => {
  const options = {
    s: { type: 'string' as const },
    i: { type: 'int' as const },
    f: { type: 'float' as const },
    b: { type: 'boolean' as const },
    secret: { type: 'secret' as const },
  };
  it('types values per config.yaml', () => {
    expect(parseConfigPairs(options, ['s=x=y', 'i=-4', 'f=0.5', 'b=true', 'secret=secret:d0000000000000000001'])).toEqual({
      s: 'x=y',
      i: -4,
      f: 0.5,
      b: true,
      secret: 'secret:d0000000000000000001',
    });
  });
  it('refuses unknown options and values of the wrong type', () => {
    expect(() => parseConfigPairs(options, ['nope=1'])).toThrow('unknown option "nope"');
    expect(() => parseConfigPairs(options, ['i=1.5'])).toThrow('option "i" expected int, got "1.5"');
    expect(() => parseConfigPairs(options, ['b=maybe'])).toThrow('option "b" expected boolean');
    expect(() => parseConfigPairs(options, ['secret=hunter2'])).toThrow('option "secret" expected secret');
  });
});

describe('parseSecretContent', () => {
  it('needs Juju-style keys and at least one pair', () => {
    expect(parseSecretContent(['password=x', 'user-name=root'])).toEqual({ password: 'x', 'user-name': 'root' });
    expect(() => parseSecretContent([])).toThrow(InputError);
    expect(() => parseSecretContent(['Pw=x'])).toThrow('invalid secret key "Pw"');
  });
});
