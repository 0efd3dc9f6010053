import { describe, expect, it } from 'vitest';
import { isNotLeaderError, NotLeaderError } from '../../../../lib/juju/errors/not-leader-error.js';
import { isRelationNotFoundError } from '../../../../lib/juju/errors/relation-not-found-error.js';
import { isSecretNotFoundError } from '../../../../lib/juju/errors/secret-not-found-error.js';
import { translateHookToolError } from '../../../../lib/juju/errors/translate.js';
import { isUsageError } from '../../../../lib/juju/errors/usage-error.js';
import { HookToolError, isHookToolError } from '../../../../lib/juju/hooktools/runner.js';

const raw = (tool: string, exitCode: number, stderr: string) => new HookToolError(tool, ['x'], exitCode, stderr);

describe('translateHookToolError', () => {
  it.each([
    ['relation-get', 2, 'ERROR invalid value "db:99" for option -r: relation not found', isRelationNotFoundError],
    ['network-get', 1, 'ERROR relation not found', isRelationNotFoundError],
    ['secret-get', 1, 'ERROR secret "x" not found', isSecretNotFoundError],
    ['relation-set', 1, 'ERROR cannot write relation settings', isNotLeaderError],
    ['status-set', 1, 'ERROR this unit is not the leader', isNotLeaderError],
    ['relation-get', 1, 'ERROR permission denied', isNotLeaderError],
    ['secret-add', 1, 'ERROR this unit is not the leader', isNotLeaderError],
    ['config-get', 2, 'ERROR option provided but not defined: --foo', isUsageError],
  ] as const)('%s exit %i "%s"', (tool, code, stderr, guard) => {
    const error = translateHookToolError(raw(tool, code, stderr));
    expect(guard(error)).toBe(true);
    // Still a HookToolError, carrying the original as cause.
    expect(isHookToolError(error)).toBe(true);
    expect(error).toMatchObject({ tool, exitCode: code, stderr });
    expect((error as Error).cause).toBeInstanceOf(HookToolError);
  });

  it('leaves unknown runtime failures as plain HookToolError', () => {
    const error = translateHookToolError(raw('is-leader', 1, 'ERROR leadership status unknown'));
    expect(error.constructor).toBe(HookToolError);
  });

  it('translates subclasses that are not yet typed (a harness error, say)', () => {
    class HarnessError extends HookToolError {}
    const error = translateHookToolError(new HarnessError('relation-get', [], 1, 'ERROR permission denied'));
    expect(isNotLeaderError(error)).toBe(true);
  });

  it('does not translate twice', () => {
    const once = translateHookToolError(raw('relation-set', 1, 'ERROR cannot write relation settings'));
    expect(translateHookToolError(once)).toBe(once);
    expect(once).toBeInstanceOf(NotLeaderError);
  });
});
