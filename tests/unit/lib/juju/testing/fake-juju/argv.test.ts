import { describe, expect, it } from 'vitest';
import { UsageError, parseArgv } from '../../../../../../lib/juju/testing/fake-juju/argv.js';
import type { FlagSpec } from '../../../../../../lib/juju/testing/fake-juju/argv.js';
import { session, testModel } from '../fixtures.js';

const specs: FlagSpec[] = [
  { names: ['r', 'relation'], kind: 'string' },
  { names: ['app'], kind: 'bool' },
  { names: ['a', 'all'], kind: 'bool' },
  { names: ['format'], kind: 'string' },
];
const parse = (...args: string[]) => parseArgv(specs, args);
const value = (args: string[], name: string) => parse(...args).flags.get(name)?.value;

describe('parseArgv (juju/gnuflag rules)', () => {
  it('takes --flag value and --flag=value', () => {
    expect(value(['--format', 'json'], 'format')).toBe('json');
    expect(value(['--format=json'], 'format')).toBe('json');
  });

  it('treats boolean flags as valueless, but accepts =true/=False', () => {
    const p = parse('--app', 'key');
    expect(p.flags.get('app')?.value).toBe(true);
    expect(p.positionals).toEqual(['key']);
    expect(value(['--app=False'], 'app')).toBe(false);
    expect(value(['--app=1'], 'app')).toBe(true);
    expect(() => parse('--app=maybe')).toThrow('invalid boolean value "maybe" for option --app');
  });

  it('takes -r 3 and -r3, but -r=3 keeps the = in the value', () => {
    expect(value(['-r', '3'], 'relation')).toBe('3');
    expect(value(['-r3'], 'relation')).toBe('3');
    expect(value(['-r=3'], 'relation')).toBe('=3');
    expect(value(['--relation', 'db:3'], 'relation')).toBe('db:3');
    expect(parse('-r3').flags.get('relation')?.spelled).toBe('-r');
  });

  it('lets flags appear among positionals, and -- end the flags', () => {
    const p = parse('key', '--app', 'unit/0', '--', '--format', '-r');
    expect(p.positionals).toEqual(['key', 'unit/0', '--format', '-r']);
    expect(p.flags.get('app')?.value).toBe(true);
    expect(p.flags.has('format')).toBe(false);
  });

  it('keeps a lone - as a positional', () => {
    expect(parse('-', 'pg/0').positionals).toEqual(['-', 'pg/0']);
  });

  it('stacks one-letter booleans and lets a value flag take the rest', () => {
    const p = parse('-ar7');
    expect(p.flags.get('all')?.value).toBe(true);
    expect(p.flags.get('relation')?.value).toBe('7');
  });

  it('reports -h and --help', () => {
    expect(parse('-h').help).toBe(true);
    expect(parse('x', '--help').help).toBe(true);
  });

  it('refuses unknown options and missing values with Juju\'s words', () => {
    expect(() => parse('--foo')).toThrow(new UsageError('option provided but not defined: --foo'));
    expect(() => parse('-x')).toThrow('option provided but not defined: -x');
    expect(() => parse('--format')).toThrow('option needs an argument: --format');
  });
});

describe('argv errors through a hook session', () => {
  it('prints ERROR on stderr with exit 2 and empty stdout for an unknown option', () => {
    const r = session(testModel()).call('relation-ids', ['--foo']);
    expect(r).toEqual({ stdout: '', stderr: 'ERROR option provided but not defined: --foo\n', exitCode: 2 });
  });

  it('prints usage on stdout and exits 0 for --help, doing nothing', () => {
    const model = testModel();
    const r = session(model).call('status-set', ['--help', 'active']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: status-set');
    expect(model.units['demo/0']!.workloadStatus.status).toBe('unknown');
  });

  it('refuses --format on tools without output (exit 2)', () => {
    const r = session(testModel()).call('status-set', ['--format=json', 'active']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('ERROR option provided but not defined: --format\n');
  });

  it('accepts a deprecated --format on relation-set with a notice on stderr', () => {
    const r = session(testModel(), { JUJU_RELATION_ID: 'db:1' }).call('relation-set', ['--format=json', 'a=b']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('--format flag deprecated for command "relation-set"\n');
  });

  it('refuses an unknown format, and smart on yaml-only tools', () => {
    expect(session(testModel()).call('config-get', ['--format', 'xml']).stderr).toBe(
      'ERROR invalid value "xml" for option --format: unknown format "xml"\n',
    );
    expect(session(testModel()).call('goal-state', ['--format=smart']).exitCode).toBe(2);
  });

  it('words extra positionals as juju/cmd does', () => {
    expect(session(testModel()).call('is-leader', ['a', 'b']).stderr).toBe('ERROR unrecognized args: ["a" "b"]\n');
  });
});
