/**
 * Fault injection, bad data and bad input, on one 3-unit model of the real
 * charm with real etcd and a continuous writer: malformed peer data (the
 * refresh library's `refresh-v-three` bags, `etcd-peers` health records and
 * app bag), invalid config values, invalid action parameters and actions on
 * the wrong unit, and a charm whose refresh_versions.toml lacks this machine's
 * architecture. Each case checks what an operator sees (a status naming the
 * unit, key or option), that hooks keep exiting 0, that nothing unsafe
 * happened (no etcd restarted, no member removed, no snap refreshed, no
 * config rewritten), and that the model recovers once the input is fixed.
 * Cases run in order on the one model; the last two expose charm bugs and
 * may leave the cluster damaged.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCharms } from '../../sim/charm-store.js';
import type { StatusJson } from '../../sim/status.js';
import type { SimModel } from '../../sim/testing.js';
import { expectHealthyCluster } from '../charm/expect-cluster.js';
import { useCharmModel } from '../support/charm-model.js';
import { clientUrls, jujuLeader } from '../support/cluster.js';
import { peerUnitBag, rootPassword } from '../support/model-state.js';
import { ContinuousWriter } from '../support/writer.js';
import type { ClusterSnapshot, Endpoint } from './input-model.js';
import { charmLogSince, expectCalm, hooksSince, readAllBags, snapshotCluster, writeBag } from './input-model.js';

/** update-status only when a case asks for it, so each case knows which hooks ran. */
const model = useCharmModel({ units: 3, updateStatusInterval: '24h' });
const UNITS = ['charmed-etcd/0', 'charmed-etcd/1', 'charmed-etcd/2'] as const;
const REFRESH_KEYS = {
  installed: 'installed_snap_revision',
  gate: 'next_unit_allowed_to_refresh_if_this_units_snap_revision_and_databag_are_up_to_date',
  started: 'refresh_started_if_this_units_databag_is_up_to_date',
  lastRefresh: 'last_refresh_to_up_to_date_charm_code_version',
} as const;

const now = (): string => new Date().toISOString();

async function sim(m: SimModel, ...args: string[]): Promise<string> {
  const r = await m.sim(...args);
  if (r.exitCode !== 0) throw new Error(`sim ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** Everything a bad input must not change is as it was in `before`. */
async function expectUnchanged(m: SimModel, before: ClusterSnapshot): Promise<void> {
  const after = await snapshotCluster(m, UNITS);
  expect(after.members, 'etcd members').toEqual(before.members);
  expect(after.pids, 'etcd daemon pids').toEqual(before.pids);
  expect(after.etcdStarts, 'etcd starts').toEqual(before.etcdStarts);
  expect(after.snapRevisions, 'snap revisions').toEqual(before.snapRevisions);
  expect(after.configFiles, 'rendered etcd.conf.yml').toEqual(before.configFiles);
}

/** The model back to normal: every unit and the application active with no message. */
async function expectRecovered(m: SimModel): Promise<StatusJson> {
  const status = await m.status();
  expect(status.application).toMatchObject({ status: 'active', message: '' });
  for (const unit of UNITS) expect(status.units[unit], unit).toMatchObject({ 'workload-status': 'active', message: '', 'agent-status': 'idle' });
  return status;
}

/** Writes bad values into a unit's bag, lets the model settle, and returns the status the operator sees. */
async function inject(m: SimModel, unit: string, endpoint: Endpoint, values: Record<string, string>, app = false): Promise<StatusJson> {
  await writeBag(m, unit, endpoint, values, { app });
  await m.wait(300);
  return m.status();
}

/** Runs update-status on `units` (their own next hook republishes their bags) and waits. */
async function republish(m: SimModel, ...units: string[]): Promise<void> {
  await sim(m, 'update-status', ...units);
  await m.wait(300);
}

interface ActionJson {
  readonly status: 'completed' | 'failed';
  readonly message?: string;
  readonly results: Record<string, unknown>;
}

describe('bad data and bad input', () => {
  let writer: ContinuousWriter | undefined;
  let baseline: ClusterSnapshot;
  let work: string | undefined;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'input-faults-'));
  });
  afterAll(async () => {
    await writer?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('deploys 3 healthy units and starts a writer', async () => {
    const m = model();
    await m.wait(300);
    await expectHealthyCluster(m, 3);
    writer = ContinuousWriter.start({ endpoints: clientUrls(await m.status()), password: rootPassword(m), ratePerSecond: 20 });
    await writer.waitForMore(20);
    baseline = await snapshotCluster(m, UNITS);
  });

  describe('malformed refresh-v-three data from unit 2', () => {
    const cases: ReadonlyArray<{ name: string; values: Record<string, string> }> = [
      {
        name: 'bad JSON in every key',
        values: { [REFRESH_KEYS.installed]: 'not json', [REFRESH_KEYS.gate]: '{', [REFRESH_KEYS.started]: 'tru', [REFRESH_KEYS.lastRefresh]: '{"charm_revision":' },
      },
      {
        name: 'wrong types in every key',
        values: {
          [REFRESH_KEYS.installed]: '2',
          [REFRESH_KEYS.gate]: '"yes"',
          [REFRESH_KEYS.started]: '1',
          [REFRESH_KEYS.lastRefresh]: '{"charm_revision":5,"time_of_refresh":"soon"}',
        },
      },
    ];
    for (const c of cases) {
      it(`${c.name}: blocked naming unit 2, each key logged, nothing refreshed or restarted, recovers`, async () => {
        const m = model();
        const since = now();
        const status = await inject(m, 'charmed-etcd/2', 'refresh-v-three', c.values);
        expect(status.application).toMatchObject({ status: 'blocked', message: 'Refresh data of unit 2 is invalid. See `juju debug-log`' });
        for (const reader of ['charmed-etcd/0', 'charmed-etcd/1']) {
          const warning = charmLogSince(m, since, 'WARNING').find((l) => l.unit === reader && l.message.includes('Ignoring invalid refresh data from unit charmed-etcd/2'));
          expect(warning, `${reader} logs the invalid data`).toBeDefined();
          for (const key of Object.keys(c.values)) expect(warning!.message).toContain(`${key}: invalid value`);
        }
        await expectCalm(m, since);
        await expectUnchanged(m, baseline);

        await republish(m, 'charmed-etcd/2');
        await expectRecovered(m);
        await expectCalm(m, since);
        await expectUnchanged(m, baseline);
      });
    }

    it('an unknown snap revision: the status names unit 2, no unit refreshes, recovers', async () => {
      const m = model();
      const since = now();
      const status = await inject(m, 'charmed-etcd/2', 'refresh-v-three', { [REFRESH_KEYS.installed]: '"999"' });
      // Another unit's revision is how a refresh in progress shows: the charm waits on unit 2 and refreshes nothing.
      expect(status.application.status).not.toBe('active');
      expect(status.application.message).toMatch(/\bunit 2\b/);
      const pre = JSON.parse((await m.sim('run', `charmed-etcd/leader`, 'pre-refresh-check', '--format', 'json')).stdout) as ActionJson;
      expect(pre).toMatchObject({ status: 'failed', message: 'Refresh already in progress' });
      await expectCalm(m, since);
      await expectUnchanged(m, baseline);

      await republish(m, 'charmed-etcd/2');
      await expectRecovered(m);
      await expectUnchanged(m, baseline);
    });
  });

  // One unit at a time: a unit's own next hook republishes its record, and writing into
  // one unit's bag wakes every other unit.
  for (const [unit, health, error] of [
    ['charmed-etcd/2', 'not json at all', 'health record is not JSON'],
    ['charmed-etcd/1', '{"healthy":true}', 'malformed health record: version'],
  ] as const) {
    it(`a malformed health record from ${unit} (${error}): blocked naming it, a warning, no hook fails, recovers`, async () => {
      const m = model();
      const since = now();
      const status = await inject(m, unit, 'etcd-peers', { health });
      expect(status.application).toMatchObject({ status: 'blocked', message: `malformed health record from ${unit}` });
      for (const u of UNITS) expect(status.units[u], u).toMatchObject({ 'workload-status': 'active', 'agent-status': 'idle' });
      expect(charmLogSince(m, since, 'WARNING').some((l) => l.message.includes(`${unit} published a malformed health record: ${error}`))).toBe(true);
      await expectCalm(m, since);
      await expectUnchanged(m, baseline);

      await republish(m, unit);
      await expectRecovered(m);
      await expectUnchanged(m, baseline);
    });
  }

  describe('invalid config', () => {
    it('a value of the wrong type is refused by Juju itself: no hook runs', async () => {
      const m = model();
      const since = now();
      for (const [pair, option] of [
        ['heartbeat-interval=abc', 'heartbeat-interval'],
        ['election-timeout=1.5', 'election-timeout'],
        ['system-users=root:hunter2', 'system-users'],
        ['no-such-option=1', 'no-such-option'],
      ] as const) {
        const r = await m.sim('config', pair);
        expect(r.exitCode, pair).toBe(2);
        expect(r.stderr).toContain(`"${option}"`);
      }
      await m.wait(60);
      expect(hooksSince(m, since)).toEqual([]);
    });

    const rounds: ReadonlyArray<{ set: string[]; expected: string[] }> = [
      {
        set: ['heartbeat-interval=5', 'quota-backend-bytes=lots', 'auto-compaction-mode=sometimes'],
        expected: [
          'heartbeat-interval must be between 10 and 5000 ms, got 5',
          'quota-backend-bytes must be "auto" or a size in bytes',
          'auto-compaction-mode must be "periodic" or "revision", got "sometimes"',
        ],
      },
      {
        set: ['heartbeat-interval=200', 'election-timeout=1500', 'quota-backend-bytes=1KiB', 'auto-compaction-retention=0m'],
        expected: [
          'election-timeout must be at least 10 × heartbeat-interval (2000 ms), got 1500',
          'quota-backend-bytes must be between 100 MiB (104857600) and 8 GiB (8589934592), got 1024',
          'auto-compaction-retention must not be zero',
        ],
      },
      {
        set: ['election-timeout=60000', 'quota-backend-bytes=9GiB', 'auto-compaction-mode=revision', 'auto-compaction-retention=1h'],
        expected: [
          'election-timeout must be at most 50000 ms, got 60000',
          'quota-backend-bytes must be between 100 MiB (104857600) and 8 GiB (8589934592), got 9663676416',
          'auto-compaction-retention must be a revision count such as "1000" when auto-compaction-mode is revision',
        ],
      },
    ];
    /** The defaults, set explicitly: each round sets every option at once (one config-changed). */
    const DEFAULTS = ['heartbeat-interval=100', 'election-timeout=1000', 'quota-backend-bytes=auto', 'auto-compaction-mode=periodic', 'auto-compaction-retention=1h'];
    const withDefaults = (set: readonly string[]): string[] => [...DEFAULTS.filter((d) => !set.some((s) => s.split('=')[0] === d.split('=')[0])), ...set];

    for (const round of rounds) {
      it(`out of range or unknown (${round.set.join(' ')}): every unit blocked naming each option, nothing restarted`, async () => {
        const m = model();
        const since = now();
        await sim(m, 'config', ...withDefaults(round.set));
        await m.wait(300);
        const status = await m.status();
        for (const unit of UNITS) {
          const u = status.units[unit]!;
          expect(u['workload-status'], unit).toBe('blocked');
          for (const text of round.expected) expect(u.message, unit).toContain(text);
        }
        expect(status.application.status).toBe('blocked');
        for (const text of round.expected) expect(status.application.message).toContain(text);
        expect(charmLogSince(m, since, 'WARNING').some((l) => l.message.includes('keeping the running config'))).toBe(true);
        await expectCalm(m, since);
        await expectUnchanged(m, baseline);
      });
    }

    it('back to the defaults: unblocked, still nothing restarted', async () => {
      const m = model();
      await sim(m, 'config', ...DEFAULTS);
      await m.wait(300);
      await expectRecovered(m);
      await expectUnchanged(m, baseline);
    });

    it('pause-after-unit-refresh with an unknown value acts as "all": blocked with its text, nothing restarted', async () => {
      const m = model();
      const since = now();
      await sim(m, 'config', 'pause-after-unit-refresh=sometimes');
      await m.wait(300);
      const status = await m.status();
      expect(status.application).toMatchObject({ status: 'blocked', message: 'pause-after-unit-refresh config must be set to "all", "first", or "none"' });
      const pre = JSON.parse((await m.sim('run', 'charmed-etcd/leader', 'pre-refresh-check', '--format', 'json')).stdout) as ActionJson;
      expect(pre.status).toBe('completed');
      expect(String(pre.results['result'])).toContain('The refresh will pause for your manual confirmation after each unit refreshes');
      await expectCalm(m, since);
      await expectUnchanged(m, baseline);
      await sim(m, 'config', '--reset', 'pause-after-unit-refresh');
      await m.wait(300);
      await expectRecovered(m);
    });

    it('system-users naming a missing secret, an ungranted one, one without `root`: blocked, the password unchanged', async () => {
      const m = model();
      const password = rootPassword(m);
      const leader = jujuLeader(await m.status());
      const missing = 'secret:d0000000000000000999';
      const ungranted = (await sim(m, 'add-secret', 'not-granted', 'root=never-used-1')).trim();
      const noRoot = (await sim(m, 'add-secret', 'no-root-key', 'admin=never-used-2')).trim();
      await sim(m, 'grant-secret', 'no-root-key', 'charmed-etcd');
      const cases = [
        { uri: missing, message: 'Cannot access configured secret, check permissions', log: `cannot read the system-users secret ${missing}` },
        { uri: ungranted, message: 'Cannot access configured secret, check permissions', log: `cannot read the system-users secret ${ungranted}` },
        { uri: noRoot, message: "system-users secret has no 'root' key", log: `the system-users secret ${noRoot} has no "root" key` },
      ];
      for (const c of cases) {
        const since = now();
        await sim(m, 'config', `system-users=${c.uri}`);
        await m.wait(300);
        const status = await m.status();
        expect(status.units[leader], c.uri).toMatchObject({ 'workload-status': 'blocked', message: c.message });
        expect(status.application, c.uri).toMatchObject({ status: 'blocked', message: c.message });
        expect(charmLogSince(m, since, 'WARNING').some((l) => l.unit === leader && l.message.includes(c.log)), c.log).toBe(true);
        expect(rootPassword(m)).toBe(password);
        await expectCalm(m, since);
        await expectUnchanged(m, baseline);
      }
      await sim(m, 'config', '--reset', 'system-users');
      await m.wait(300);
      await expectRecovered(m);
      expect(rootPassword(m)).toBe(password);
      await writer!.waitForMore(10);
    });
  });

  it('actions: unknown or mistyped params are refused before they run; actions on the wrong unit fail clearly', async () => {
    const m = model();
    const since = now();
    const actionsBefore = m.hookRecords().filter((r) => r.kind === 'action').length;
    const refused: ReadonlyArray<{ args: string[]; text: string }> = [
      { args: ['charmed-etcd/2', 'force-refresh-start', 'check-compatibility=maybe'], text: 'check-compatibility : Invalid type. Expected: boolean, given: string' },
      { args: ['charmed-etcd/2', 'force-refresh-start', 'run-pre-refresh-checks=0'], text: 'run-pre-refresh-checks : Invalid type. Expected: boolean, given: integer' },
      { args: ['charmed-etcd/1', 'resume-refresh', 'check-health-of-refreshed-units=nope'], text: 'Expected: boolean, given: string' },
      { args: ['charmed-etcd/0', 'health', 'verbose=true'], text: 'Additional property verbose is not allowed' },
      { args: ['charmed-etcd/0', 'pre-refresh-check', 'force=true'], text: 'Additional property force is not allowed' },
      { args: ['charmed-etcd/0', 'no-such-action'], text: 'action "no-such-action" not defined' },
      { args: ['charmed-etcd/7', 'health'], text: 'unit "charmed-etcd/7" not found' },
    ];
    for (const r of refused) {
      const out = await m.sim('run', ...r.args);
      expect(out.exitCode, r.args.join(' ')).toBe(2);
      expect(out.stderr).toContain(r.text);
    }
    expect(m.hookRecords().filter((r) => r.kind === 'action')).toHaveLength(actionsBefore);

    const wrongUnit: ReadonlyArray<{ args: string[]; message: string }> = [
      { args: ['charmed-etcd/0', 'force-refresh-start', 'check-compatibility=false'], message: 'Must run action on unit 2' },
      { args: ['charmed-etcd/1', 'pre-refresh-check'], message: 'Must run action on leader unit. (e.g. `juju run charmed-etcd/leader pre-refresh-check`)' },
      { args: ['charmed-etcd/1', 'resume-refresh'], message: 'No refresh in progress' },
      { args: ['charmed-etcd/2', 'force-refresh-start', 'run-pre-refresh-checks=false'], message: 'No refresh in progress' },
    ];
    for (const w of wrongUnit) {
      const out = await m.sim('run', ...w.args, '--format', 'json');
      expect(out.exitCode, w.args.join(' ')).toBe(1);
      expect(JSON.parse(out.stdout), w.args.join(' ')).toMatchObject({ status: 'failed', message: w.message });
    }
    await m.wait(60);
    await expectCalm(m, since);
    await expectUnchanged(m, baseline);
    await expectRecovered(m);
  });

  it('a charm whose refresh_versions.toml lacks this machine\'s architecture: blocked, nothing stopped; refreshing back recovers', async () => {
    const m = model();
    const original = (await m.status()).application['charm-revision'];
    const published = listCharms(m.home).find((c) => c.kind === 'store' && c.revision === original);
    expect(published).toBeDefined();
    const copy = path.join(work!, 'charm-without-x86_64');
    cpSync(path.join(m.home.charmStoreDir, published!.dir), copy, { recursive: true });
    const tomlFile = path.join(copy, 'refresh_versions.toml');
    const toml = parseToml(readFileSync(tomlFile, 'utf8')) as { snap: { revisions: Record<string, string> } };
    const architecture = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
    toml.snap.revisions = Object.fromEntries(Object.entries(toml.snap.revisions).filter(([arch]) => arch !== architecture));
    toml.snap.revisions['riscv64'] ??= '1';
    writeFileSync(tomlFile, `${stringifyToml(toml)}\n`);

    const since = now();
    // `juju refresh --path`: the local charm is used as it is (a store publish would re-pin every architecture).
    await sim(m, 'refresh', '--path', copy);
    await m.wait(300);
    const message = `Snap revision missing for architecture '${architecture}' in refresh_versions.toml`;
    const status = await m.status();
    for (const unit of UNITS) expect(status.units[unit], unit).toMatchObject({ 'workload-status': 'blocked', message, 'agent-status': 'idle' });
    for (const unit of UNITS) expect(charmLogSince(m, since, 'ERROR').some((l) => l.unit === unit && l.message === message), unit).toBe(true);
    await expectCalm(m, since);
    await expectUnchanged(m, baseline);
    // The operator reading `juju status` sees the application blocked too, not active.
    expect(status.application, 'application status while every unit is blocked').toMatchObject({ status: 'blocked', message });

    await sim(m, 'refresh', '--revision', String(original));
    await m.wait(300);
    await expectRecovered(m);
    await expectUnchanged(m, baseline);
  });

  it('the writer lost nothing through all of the above', async () => {
    const m = model();
    await writer!.waitForMore(20);
    const report = await writer!.stop();
    const verdict = await writer!.verify(clientUrls(await m.status()));
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(verdict.lost).toEqual([]);
    expect(verdict.endpoints).toHaveLength(3);
  });

  describe('malformed etcd-peers data that would be unsafe to act on', () => {
    it('a malformed cluster_state in the app bag: no re-bootstrap, cluster_members kept, the leader\'s config untouched', async () => {
      const m = model();
      const leader = jujuLeader(await m.status());
      const before = await snapshotCluster(m, UNITS);
      const since = now();
      try {
        const status = await inject(m, leader, 'etcd-peers', { cluster_state: 'bogus', learning_member: 'zz-not-hex' }, true);
        for (const unit of UNITS.filter((u) => u !== leader)) {
          expect(status.units[unit]?.['workload-status'], unit).not.toBe('error');
        }
        // The leader's own next hook must not take the bad value for "no cluster yet".
        await republish(m, leader);
        const bootstrapped = charmLogSince(m, since, 'INFO').filter((l) => l.message.includes('bootstrapping a new etcd cluster'));
        expect(bootstrapped.map((l) => `${l.unit}: ${l.message}`), 'bootstrap on a running cluster').toEqual([]);
        const members = (await readAllBags(m, leader)).find((b) => b.endpoint === 'etcd-peers' && b.owner === 'app')?.data['cluster_members'] ?? '';
        expect(members.split(',').length, `cluster_members after the leader's hook: ${members}`).toBe(3);
        await expectCalm(m, since);
        await expectUnchanged(m, before);
      } finally {
        // The leader's next hook rewrites the bag from etcd's member list, before the next case.
        await republish(m, leader);
      }
    });

    it('a malformed private_ip from unit 2: the leader\'s update-status removes no member', async () => {
      const m = model();
      const before = await snapshotCluster(m, UNITS);
      const since = now();
      await inject(m, 'charmed-etcd/2', 'etcd-peers', { private_ip: 'not-an-address' });
      expect(peerUnitBag(m, 'charmed-etcd/2')['private_ip']).toBe('not-an-address');
      // update-status is when the leader removes members no unit claims.
      await republish(m, jujuLeader(await m.status()));
      const removals = charmLogSince(m, since, 'INFO').filter((l) => l.message.startsWith('removing member'));
      expect(removals.map((l) => `${l.unit}: ${l.message}`), 'members removed').toEqual([]);
      const after = await snapshotCluster(m, UNITS);
      expect(after.members).toEqual(before.members);
      await expectCalm(m, since);
    });
  });
});
