/**
 * `sim inject-fault` on a small shell charm whose config-changed writes its
 * peer databag and then runs `snap version`: each fault fires once, in a hook
 * only, and a hook it breaks counts as failed as Juju counts it: its relation
 * data is discarded and it is retried with back-off (unscaled here, so the
 * error window is observable).
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState } from '../../sim/controller/state.js';
import type { SimModel } from '../../sim/testing.js';
import { useSimModel } from '../../sim/testing.js';
import { until } from '../support/cluster.js';
import { simExec } from '../support/unit-exec.js';

const UNIT = 'snappy/0';

const DISPATCH = `#!/bin/sh
set -e
case "$JUJU_DISPATCH_PATH" in
  hooks/config-changed)
    marker=$(config-get marker)
    for rid in $(relation-ids peers); do relation-set -r "$rid" marker="$marker"; done
    snap version >/dev/null
    status-set active "marker $marker"
    ;;
esac
`;

function writeCharm(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'metadata.yaml'), 'name: snappy\nsummary: runs snap in a hook\npeers:\n  peers:\n    interface: snappy_peers\n');
  writeFileSync(path.join(dir, 'config.yaml'), 'options:\n  marker:\n    type: string\n    default: none\n');
  writeFileSync(path.join(dir, 'actions.yaml'), '{}\n');
  writeFileSync(path.join(dir, 'dispatch'), DISPATCH);
  chmodSync(path.join(dir, 'dispatch'), 0o755);
  return dir;
}

const model = useSimModel({ units: 1, local: true, retryScale: 1, charmDir: writeCharm(path.join(mkdtempSync(path.join(tmpdir(), 'snappy-')), 'charm')) });

/** The unit's committed `marker` in its peer databag (undefined before any commit). */
function committedMarker(m: SimModel): string | undefined {
  const relation = loadState(m.home)?.model.relations.find((r) => r.ends[0]?.endpoint === 'peers');
  return relation?.unitData[UNIT]?.['marker'];
}

async function expectOk(m: SimModel, ...args: string[]): Promise<string> {
  const r = await m.sim(...args);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

/** Sets `marker`, waits for the unit to show the hook error, and checks nothing was committed meanwhile. */
async function breakConfigChanged(m: SimModel, marker: string, before: string | undefined): Promise<void> {
  await expectOk(m, 'config', `marker=${marker}`);
  const unit = await until('the unit in error', async () => {
    const u = (await m.status()).units[UNIT];
    return u?.['workload-status'] === 'error' ? u : undefined;
  }, 30_000, 100);
  expect(unit.message).toBe('hook failed: "config-changed"');
  expect(committedMarker(m)).toBe(before);
  // The automatic retry (5 s later) runs the whole hook again; now it commits.
  await m.wait(60);
  expect((await m.status()).units[UNIT]).toMatchObject({ 'workload-status': 'active', message: `marker ${marker}`, 'agent-status': 'idle' });
  expect(committedMarker(m)).toBe(marker);
}

const faultLines = (m: SimModel) => m.debugLog(UNIT).filter((l) => l.logger === 'sim.inject-fault').map((l) => l.message);

describe('sim inject-fault', () => {
  it('kill-hook: SIGKILLs the hook after the snap command; Juju counts it failed, discards its writes and retries', async () => {
    const m = model();
    await m.wait(60);
    expect(committedMarker(m)).toBe('none');
    expect(await expectOk(m, 'inject-fault', UNIT, '--on', 'snap version', '--when', 'after', '--do', 'kill-hook')).toBe(
      `${UNIT}: armed kill-hook after "snap version" (fires once, in a hook or action)\n`,
    );
    await breakConfigChanged(m, 'alpha', 'none');
    const attempts = m.hookRecords().filter((r) => r.event === 'config-changed').slice(-2);
    expect(attempts.map((r) => r.exitCode)).toEqual([1, 0]);
    expect(faultLines(m)).toEqual(['armed: kill-hook after "snap version"', 'fired: kill-hook after "snap version" in config-changed']);
    expect(m.debugLog(UNIT).map((l) => l.message)).toContain('"config-changed" hook killed by SIGKILL');
  });

  it('fail: the snap command exits 1 with a snapd-like error before acting', async () => {
    const m = model();
    await expectOk(m, 'inject-fault', UNIT, '--on', 'snap version', '--do', 'fail');
    await breakConfigChanged(m, 'beta', 'alpha');
    const stderr = m.debugLog(UNIT).filter((l) => l.logger === `unit.${UNIT}.config-changed` && l.level === 'WARNING').map((l) => l.message);
    // snap reflows its message over several lines; the charm's stderr lands in the debug log.
    expect(stderr.join(' ').replace(/\s+/g, ' ')).toContain('error: cannot perform the following tasks: - Run "snap version" (simulated failure injected by sim inject-fault)');
  });

  it('fail-hook: the command succeeds, the hook fails at its end', async () => {
    const m = model();
    await expectOk(m, 'inject-fault', UNIT, '--on', 'snap version', '--when', 'after', '--do', 'fail-hook');
    await breakConfigChanged(m, 'gamma', 'beta');
  });

  it('fires in hooks only, stays armed until then, and can be cleared', async () => {
    const m = model();
    await expectOk(m, 'inject-fault', UNIT, '--on', 'snap version', '--do', 'fail');
    const outside = await simExec(m, UNIT, ['snap', 'version']);
    expect(outside.exitCode, outside.stderr).toBe(0);
    expect(await expectOk(m, 'inject-fault', UNIT, '--clear')).toBe(`${UNIT}: dropped the unfired fault fail before "snap version"\n${UNIT}: no fault armed\n`);
    await expectOk(m, 'config', 'marker=delta');
    await m.wait(60);
    expect(committedMarker(m)).toBe('delta');
  });

  it('refuses bad input', async () => {
    const m = model();
    expect(await m.sim('inject-fault', UNIT, '--on', 'refresh', '--do', 'fail')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('--on must be "snap <command>') });
    expect(await m.sim('inject-fault', UNIT, '--on', 'snap stop', '--do', 'explode')).toMatchObject({ exitCode: 2 });
    expect(await m.sim('inject-fault', UNIT, '--on', 'snap stop')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('usage: sim inject-fault') });
    expect(await m.sim('inject-fault', 'snappy/7', '--on', 'snap stop', '--do', 'fail')).toMatchObject({ exitCode: 2, stderr: 'ERROR unit "snappy/7" not found\n' });
  });
});
