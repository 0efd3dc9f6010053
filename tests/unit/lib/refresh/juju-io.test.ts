import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../../lib/juju/log.js';
import { parseJujuContext } from '../../../../lib/juju/context.js';
import { Model } from '../../../../lib/juju/model.js';
import type { RefreshIO } from '../../../../lib/refresh/adapter.js';
import { createJujuRefreshIO } from '../../../../lib/refresh/juju-io.js';
import { Context, createState } from '../../../../lib/juju/testing/index.js';
import type { RunResult } from '../../../../lib/juju/testing/index.js';

const quiet = (): void => undefined;
const silent: Logger = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

/** Runs `use` with the SDK-bound refresh IO inside one hook of unit 0 (two peers in refresh-v-three). */
async function inHook(
  use: (io: RefreshIO, model: Model) => Promise<void>,
  options: { config?: Record<string, string>; charmFiles?: Record<string, { content: string; mtimeMs: number }>; leader?: boolean } = {},
): Promise<RunResult> {
  const ctx = new Context({ unitId: 0 });
  const refresh = ctx.peerRelation({
    endpoint: 'refresh-v-three',
    localAppData: { original_workload_version: '"3.5.16"' },
    localUnitData: { installed_snap_revision: '"2"' },
    peersData: { 1: { installed_snap_revision: '"2"' }, 2: { installed_snap_revision: '"3"' } },
  });
  const peers = ctx.peerRelation({ endpoint: 'etcd-peers' });
  const state = createState({
    leader: options.leader ?? true,
    relations: [refresh, peers],
    config: options.config ?? {},
    plannedUnits: 3,
    charmFiles: options.charmFiles ?? {},
  });
  return ctx.run(ctx.on.updateStatus(), state, async (host) => {
    const model = new Model(parseJujuContext(host.env), host.tools);
    const io = createJujuRefreshIO({ model, tools: host.tools, log: silent, architecture: 'x86_64', now: () => 1_700_000_000_000 });
    await use(io, model);
    await model.flush();
    return 0;
  });
}

const calls = (out: RunResult, tool: string) => out.toolCalls.filter((c) => c.tool === tool);

describe('RefreshIO on the SDK', () => {
  it('reads every refresh-v-three bag once per hook, this unit first', async () => {
    let seen: unknown;
    const out = await inHook(async (io) => {
      seen = await io.readPeerData();
      await io.readPeerData();
    });
    expect(out.exitCode).toBe(0);
    expect(seen).toMatchObject({
      units: {
        'charmed-etcd/0': { installed_snap_revision: '"2"' },
        'charmed-etcd/1': { installed_snap_revision: '"2"' },
        'charmed-etcd/2': { installed_snap_revision: '"3"' },
      },
      app: { original_workload_version: '"3.5.16"' },
    });
    expect(Object.keys((seen as { units: object }).units)[0]).toBe('charmed-etcd/0');
    expect(calls(out, 'relation-get')).toHaveLength(4);
    expect(calls(out, 'relation-list')).toHaveLength(1);
  });

  it('stages its writes in the same databag the charm writes, sent with one relation-set at flush', async () => {
    const out = await inHook(async (io, model) => {
      await io.readPeerData();
      await io.writeUnitData({ installed_snap_revision: '"3"', next_unit_allowed_to_refresh_if_this_units_snap_revision_and_databag_are_up_to_date: 'true' });
      const relation = await model.relation('refresh-v-three');
      expect(await relation!.localUnitData.get('installed_snap_revision')).toBe('"3"');
      await io.writeUnitData({ installed_snap_revision: '' });
      await io.writeAppData({ original_workload_version: '"3.5.30"' });
    });
    const sets = calls(out, 'relation-set');
    expect(sets).toHaveLength(2);
    const rel = out.state.relations.find((r) => r.endpoint === 'refresh-v-three');
    expect(rel?.kind === 'peer' ? rel.localUnitData['installed_snap_revision'] : 'x').toBeUndefined();
    expect(rel?.kind === 'peer' ? rel.localUnitData['next_unit_allowed_to_refresh_if_this_units_snap_revision_and_databag_are_up_to_date'] : '').toBe('true');
    expect(rel?.kind === 'peer' ? rel.localAppData['original_workload_version'] : '').toBe('"3.5.30"');
  });

  it('gives planned units from goal-state, the raw pause config, and the clock in seconds', async () => {
    await inHook(async (io) => {
      expect(await io.plannedUnits()).toBe(3);
      expect(await io.pauseAfterUnitRefresh()).toBe('none');
      expect(io.now()).toBe(1_700_000_000);
      expect(io.charmDir).toMatch(/juju-harness-charm-/);
    }, { config: { 'pause-after-unit-refresh': 'none' } });
  });

  it('sends application-version-set only when the version changes', async () => {
    let files: Record<string, { content: string; mtimeMs: number }> = {};
    const first = await inHook(async (io) => {
      await io.setApplicationVersion('3.5.16');
    });
    expect(first.exitCode).toBe(0);
    expect(calls(first, 'application-version-set')).toHaveLength(1);
    expect(first.state.workloadVersion).toBe('3.5.16');
    files = { ...first.state.charmFiles };
    const again = await inHook(async (io) => io.setApplicationVersion('3.5.16'), { charmFiles: files });
    expect(calls(again, 'application-version-set')).toHaveLength(0);
    const changed = await inHook(async (io) => io.setApplicationVersion('3.5.30'), { charmFiles: files });
    expect(calls(changed, 'application-version-set')).toHaveLength(1);
  });

  it('reports no peer data before the relation exists', async () => {
    const ctx = new Context({ unitId: 0 });
    const out = await ctx.run(ctx.on.install(), createState({}), async (host) => {
      const model = new Model(parseJujuContext(host.env), host.tools);
      const io = createJujuRefreshIO({ model, tools: host.tools, log: silent, architecture: 'x86_64', now: () => 0 });
      expect(await io.readPeerData()).toBeNull();
      return 0;
    });
    expect(out.exitCode).toBe(0);
  });
});
