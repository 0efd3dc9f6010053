import { describe, expect, test } from 'vitest';
import { runRefresh, type RefreshCallbacks, type RefreshIO } from '../../../../lib/refresh/adapter.js';
import { serializeHistory } from '../../../../lib/refresh/history.js';
import type { LogLevel, RefreshEvent } from '../../../../lib/refresh/types.js';
import { hook, jujuCharm, NEW, OLD, originalBag, spec, unitBag } from './support/fixtures.js';

const DIR = '/var/lib/juju/agents/unit-charmed-etcd-2/charm';
const TOML = `charm = "${NEW.charm}"\ncharm_major = 1\nworkload = "${NEW.workload}"\n[snap]\nname = "charmed-etcd"\n[snap.revisions]\nx86_64 = "${NEW.snap}"\n`;

interface Fake {
  io: RefreshIO;
  callbacks: RefreshCallbacks;
  files: Map<string, { content: string; mtime: number }>;
  calls: string[];
  logs: { level: LogLevel; message: string }[];
  unitWrites: Record<string, string>[];
  appWrites: Record<string, string>[];
}

const fake = (options: { snap?: string | null; refreshFails?: boolean; initialized?: boolean; withJujuCharm?: boolean } = {}): Fake => {
  const files = new Map<string, { content: string; mtime: number }>();
  const calls: string[] = [];
  const logs: Fake['logs'] = [];
  const unitWrites: Record<string, string>[] = [];
  const appWrites: Record<string, string>[] = [];
  if (options.withJujuCharm !== false) files.set(`${DIR}/.juju-charm`, { content: `${jujuCharm(NEW)}\n`, mtime: 2000.2 });
  files.set(`${DIR}/refresh_versions.toml`, { content: TOML, mtime: 2000.2 });
  files.set(`${DIR}/.charm_refresh_v3/machines_last_two_refreshes_to_up_to_date_charm_code_version.json`, {
    content: serializeHistory({
      last: { charm_revision: jujuCharm(OLD), time_of_refresh: 1000.2 },
      secondToLast: null,
    }),
    mtime: 1000,
  });
  if (options.initialized !== false) files.set(`${DIR}/.charm_refresh_v3/machines_peer_relation_initialized`, { content: '', mtime: 1000 });
  let snap = options.snap === undefined ? OLD.snap : options.snap;
  const units = {
    'charmed-etcd/2': unitBag({ n: 2, snap: OLD.snap }, OLD, 1000),
    // Unit 1 already ran upgrade-charm to the new code.
    'charmed-etcd/1': unitBag({ n: 1, snap: OLD.snap }, NEW, 2000),
  };
  const io: RefreshIO = {
    appName: 'charmed-etcd',
    unitName: 'charmed-etcd/2',
    charmDir: DIR,
    architecture: 'x86_64',
    isLeader: async () => true,
    readPeerData: async () => ({ units, app: originalBag(OLD) }),
    writeUnitData: async (changes) => void unitWrites.push({ ...changes }),
    writeAppData: async (changes) => void appWrites.push({ ...changes }),
    pauseAfterUnitRefresh: async () => 'first',
    plannedUnits: async () => {
      calls.push('goal-state');
      return 2;
    },
    readFile: async (file) => files.get(file)?.content,
    writeFile: async (file, content) => void files.set(file, { content, mtime: 3000 }),
    deleteFile: async (file) => void files.delete(file),
    fileMtime: async (file) => files.get(file)?.mtime,
    makeDirectory: async () => undefined,
    setApplicationVersion: async (version) => void calls.push(`application-version-set ${version}`),
    log: (level, message) => void logs.push({ level, message }),
    now: () => 2100,
  };
  const callbacks: RefreshCallbacks = {
    installedSnapRevision: async () => {
      calls.push('installed');
      return snap;
    },
    runPreRefreshChecks: async () => {
      calls.push('prechecks');
      return { ok: true };
    },
    refreshSnap: async ({ revision, install }) => {
      calls.push(`refresh ${revision}${install ? ' install' : ''}`);
      if (options.refreshFails) throw new Error('snap refresh failed: store unreachable');
      snap = revision;
      return snap;
    },
    checkHealthForGate: async () => {
      calls.push('health');
      return { healthy: true };
    },
    isWorkloadRunning: async () => true,
  };
  return { io, callbacks, files, calls, logs, unitWrites, appWrites };
};

const run = (f: Fake, event: RefreshEvent = hook('upgrade-charm')) => runRefresh({ io: f.io, callbacks: f.callbacks, spec, event });

describe('runRefresh', () => {
  test('upgrade-charm on the highest unit: checks, refreshes, gates, and writes everything once', async () => {
    const f = fake();
    const result = await run(f);
    expect(f.calls).toEqual(['installed', 'prechecks', 'refresh 13', 'health', 'application-version-set 3.5.30']);
    expect(f.unitWrites).toHaveLength(1);
    expect(f.unitWrites[0]).toMatchObject({
      installed_snap_revision: '"13"',
      refresh_started_if_this_units_databag_is_up_to_date: 'true',
    });
    expect(f.files.has(`${DIR}/.charm_refresh_v3/machines_refresh_started`)).toBe(true);
    expect(f.files.get(`${DIR}/.charm_refresh_v3/machines_installed_workload_version`)?.content).toBe('3.5.30');
    const history = JSON.parse(f.files.get(`${DIR}/.charm_refresh_v3/machines_last_two_refreshes_to_up_to_date_charm_code_version.json`)!.content);
    expect(history.second_to_last_refresh_to_up_to_date_charm_code_version.charm_revision).toBe(jujuCharm(OLD));
    // Each log line once, in order, although decide ran four times.
    const messages = f.logs.map((l) => l.message);
    expect(new Set(messages).size).toBe(messages.length);
    expect(messages.some((m) => m.startsWith('Automatic checks succeeded'))).toBe(true);
    expect(result.inProgress).toBe(true);
    expect(result.peerRelationReady).toBe(true);
    expect(result.nextUnitAllowedToRefresh).toBe(true);
    expect(result.appStatus?.message).toBe(
      'Refreshing. Check units >=2 are healthy & run `resume-refresh` on unit 1. To rollback, `juju refresh --revision 143`',
    );
    expect(f.appWrites).toEqual([]);
  });

  test('a throwing snap refresh: the revision is re-read, the failure reported, the started marker kept', async () => {
    const f = fake({ refreshFails: true });
    const result = await run(f);
    expect(f.calls.slice(0, 4)).toEqual(['installed', 'prechecks', 'refresh 13', 'installed']);
    expect(result.decision.snapRefreshFailed).toBe(true);
    expect(f.logs.some((l) => l.level === 'error' && l.message.includes('store unreachable'))).toBe(true);
    expect(f.files.has(`${DIR}/.charm_refresh_v3/machines_refresh_started`)).toBe(true);
  });

  test('goal-state is read only until the relation is initialized; the new unit installs the pinned snap', async () => {
    const f = fake({ snap: null, initialized: false });
    await run(f, hook('refresh-v-three-relation-joined'));
    expect(f.calls).toContain('goal-state');
    expect(f.calls).toContain('refresh 13 install');
    expect(f.files.has(`${DIR}/.charm_refresh_v3/machines_peer_relation_initialized`)).toBe(true);
    const again = fake();
    await run(again, hook('update-status'));
    expect(again.calls).not.toContain('goal-state');
  });

  test('a missing .juju-charm is a blocked status and no writes', async () => {
    const f = fake({ withJujuCharm: false });
    const result = await run(f);
    expect(result.decision.outcome).toBe('charm-versions-invalid');
    expect(result.unitStatusHigh).toEqual({ name: 'blocked', message: '.juju-charm missing from the charm directory' });
    expect(f.unitWrites).toEqual([]);
  });

  test('action outcomes come back for the charm to report', async () => {
    const f = fake();
    const result = await run(f, { kind: 'action', name: 'pre-refresh-check', params: {} });
    expect(result.action).toEqual({ status: 'failed', message: 'Refresh already in progress', results: {}, log: [] });
  });
});
