/**
 * Where the root password goes. A 3-unit model whose root password is set
 * through a `system-users` user secret to a distinctive value is scaled
 * 3 -> 4 -> 3 and refreshed 3.5.16 -> 3.5.30 (pause none) under a writer,
 * while every process's argv on the machine is polled for the password.
 * Afterwards the password must appear in no debug-log line, no action
 * output, no databag, no argv, and in no file under the units' directories
 * but ones readable by their owner only; the etcd config file is 0600; a
 * client without credentials, or with a wrong password, is refused.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../src/etcd/client.js';
import { EtcdAuthFailedError } from '../../../src/etcd/errors/auth-failed-error.js';
import { EtcdPermissionDeniedError } from '../../../src/etcd/errors/permission-denied-error.js';
import { unitPaths } from '../../../src/etcd/paths.js';
import { unitRoot, unitRootsOnDisk } from '../../sim/home.js';
import type { StatusJson } from '../../sim/status.js';
import { buildCharmInto, createSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';
import { expectHealthyCluster } from '../charm/expect-cluster.js';
import { clientUrls } from '../support/cluster.js';
import { rootPassword } from '../support/model-state.js';
import { etcdctl } from '../support/unit-exec.js';
import { ContinuousWriter } from '../support/writer.js';
import { readAllBags } from './input-model.js';
import { ArgvWatcher, filesHolding } from './security-scan.js';

const APP = 'charmed-etcd';
/** Distinctive and fresh each run, so a match can only come from this model. */
const PASSWORD = `h14-${randomBytes(12).toString('hex')}-pw`;
const masked = (text: string): string => text.split(PASSWORD).join('<password>');

let work: string;
let m: SimModel;
let watcher: ArgvWatcher | undefined;
/** Every action output and CLI output the operator saw, to scan at the end. */
const outputs: string[] = [];

async function sim(...args: string[]): Promise<string> {
  const r = await m.sim(...args);
  outputs.push(r.stdout, r.stderr);
  if (r.exitCode !== 0) throw new Error(`sim ${args.join(' ')} failed (${r.exitCode}): ${masked(r.stderr)}`);
  return r.stdout;
}

/** Waits for the model to settle and `check` to hold (timers may still queue hooks). */
async function settle(check: (s: StatusJson) => boolean, timeoutMs = 300_000): Promise<StatusJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await m.wait(300);
    const status = await m.status();
    if (check(status)) return status;
    if (Date.now() > deadline) throw new Error(`model did not reach the expected state:\n${JSON.stringify(status, null, 1)}`);
    await sleep(1000);
  }
}

const allActive = (s: StatusJson): boolean => s.application.status === 'active' && Object.values(s.units).every((u) => u['workload-status'] === 'active');

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'security-it-'));
  const charm = await buildCharmInto(path.join(work, 'charm'));
  m = await createSimModel({ units: 0, charmDir: charm, updateStatusInterval: '24h' });
  const from = (await sim('publish', charm, '--workload', '3.5.16', '--charm-version', '3.5/1.0.0')).trim();
  await sim('deploy', '--revision', from, '-n', '3');
  await settle(allActive);
  // In-process CLI: the password travels over the controller socket, never on an argv of ours.
  const uri = (await sim('add-secret', 'etcd-admin', `root=${PASSWORD}`)).trim();
  await sim('grant-secret', 'etcd-admin', APP);
  watcher = new ArgvWatcher(PASSWORD);
  await sim('config', `system-users=${uri}`);
  await settle(allActive);
}, 600_000);

afterAll(async () => {
  watcher?.stop();
  await m?.destroy();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the root password from a system-users secret', () => {
  it('is the password etcd takes', async () => {
    expect(rootPassword(m)).toBe(PASSWORD);
    const client = new EtcdClient({ endpoints: clientUrls(await m.status()), credentials: { user: 'root', password: PASSWORD } });
    expect(await client.memberList()).toHaveLength(3);
  });

  it('survives a scale 3 -> 4 -> 3', async () => {
    await sim('add-unit');
    await settle((s) => Object.keys(s.units).length === 4 && allActive(s));
    await expectHealthyCluster(m, 4);
    await sim('remove-unit', `${APP}/3`);
    await settle((s) => Object.keys(s.units).length === 3 && allActive(s));
    await expectHealthyCluster(m, 3);
  });

  it('survives a refresh 3.5.16 -> 3.5.30 (pause none) with no write lost', async () => {
    const to = (await sim('publish', path.join(work, 'charm'), '--workload', '3.5.30', '--charm-version', '3.5/1.1.0')).trim();
    outputs.push((await m.sim('run', `${APP}/leader`, 'health', '--format', 'json')).stdout);
    const pre = await sim('run', `${APP}/leader`, 'pre-refresh-check', '--format', 'json');
    expect(JSON.parse(pre)).toMatchObject({ status: 'completed' });
    await sim('run', `${APP}/leader`, 'pre-refresh-check');
    await sim('config', 'pause-after-unit-refresh=none');
    await settle(allActive);
    const endpoints = clientUrls(await m.status());
    const writer = ContinuousWriter.start({ endpoints, password: PASSWORD, ratePerSecond: 20 });
    try {
      await writer.waitForMore(10);
      await sim('refresh', '--revision', to);
      const done = await settle((s) => allActive(s) && Object.values(s.units).every((u) => u['etcd-version'] === '3.5.30'));
      expect(Object.values(done.units).map((u) => u['snap-revision'])).toEqual(['3', '3', '3']);
      await writer.waitForMore(10);
    } finally {
      await writer.stop();
    }
    const verdict = await writer.verify(endpoints);
    expect(verdict.lost).toEqual([]);
    outputs.push((await m.sim('run', `${APP}/leader`, 'health', '--format', 'json')).stdout);
    outputs.push((await m.sim('run', `${APP}/1`, 'health')).stdout);
  });

  it('appears on no argv of any process while all of that ran', () => {
    const { scans, found } = watcher!.stop();
    watcher = undefined;
    expect(scans).toBeGreaterThan(100);
    expect(found, 'processes with the password on their argv').toEqual([]);
  });

  it('appears in no debug-log line and no action or CLI output', async () => {
    const log = await m.sim('debug-log');
    expect(log.stdout.split('\n').length).toBeGreaterThan(100);
    expect(log.stdout.includes(PASSWORD)).toBe(false);
    expect(readFileSync(m.home.debugLog, 'utf8').includes(PASSWORD)).toBe(false);
    expect(readFileSync(m.home.hookLog, 'utf8').includes(PASSWORD)).toBe(false);
    expect(outputs.filter((o) => o.includes(PASSWORD)).map(masked)).toEqual([]);
    expect(outputs.some((o) => o.includes('Charm is ready for refresh'))).toBe(true);
  });

  it('appears in no databag of either peer relation, as any unit reads them', async () => {
    const status = await m.status();
    for (const unit of Object.keys(status.units)) {
      const bags = await readAllBags(m, unit);
      expect(bags.length).toBeGreaterThanOrEqual(8);
      const leaks = bags.filter((b) => JSON.stringify(b.data).includes(PASSWORD)).map((b) => `${b.endpoint} ${b.owner}`);
      expect(leaks, `bags read by ${unit}`).toEqual([]);
    }
  });

  it('is held only in files its owner alone can read; the etcd config file is 0600', async () => {
    const status = await m.status();
    const holders = filesHolding(m.home.unitsDir, PASSWORD);
    // For the report: which files hold it (paths only).
    console.log(`files holding the root password: ${JSON.stringify(holders.map((h) => `${path.relative(m.home.unitsDir, h.file)} ${h.mode.toString(8)}`))}`);
    for (const h of holders) {
      expect(h.mode & 0o077, `${h.file} mode ${h.mode.toString(8)}`).toBe(0);
      expect(h.uid, `${h.file} owner`).toBe(process.getuid?.());
    }
    for (const unit of Object.keys(status.units)) {
      const configFile = unitPaths(unitRoot(m.home, unit)).configFile;
      expect((statSync(configFile).mode & 0o777).toString(8), configFile).toBe('600');
    }
    expect(unitRootsOnDisk(m.home).length).toBeGreaterThanOrEqual(3);
  });

  it('is required: a client without credentials or with a wrong password is refused', async () => {
    const endpoints = clientUrls(await m.status());
    for (const endpoint of endpoints) {
      const anonymous = new EtcdClient({ endpoints: [endpoint] });
      await expect(anonymous.put('security/anonymous', 'x')).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
      await expect(anonymous.range('security/')).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
      const wrong = new EtcdClient({ endpoints: [endpoint], credentials: { user: 'root', password: `${PASSWORD}-wrong` } });
      await expect(wrong.put('security/wrong', 'x')).rejects.toBeInstanceOf(EtcdAuthFailedError);
    }
    const r = await etcdctl(m, `${APP}/0`, endpoints, ['put', 'security/etcdctl', 'x']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/user name is empty|permission denied/);
  });
});
