import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { etcdBinDir } from '../../support/etcd-binaries.js';
import { EtcdClient } from '../../../src/etcd/client.js';
import { clientUrl, memberName, peerUrl, renderEtcdConfig, type InitialClusterMember } from '../../../src/etcd/config.js';

/** One etcd member started for a test from a config rendered by renderEtcdConfig. */
export interface RunningMember {
  readonly name: string;
  readonly ip: string;
  readonly clientUrl: string;
  readonly configFile: string;
  readonly logFile: string;
  readonly dataDir: string;
  process: ChildProcess | undefined;
  /** stderr of the process (etcd writes its logs to the log file; stderr catches start-up failures). */
  stderr: string;
}

export interface MemberSpec {
  readonly version: string;
  readonly root: string;
  readonly app?: string;
  readonly unitNumber: number;
  readonly ip: string;
  readonly initialCluster: readonly InitialClusterMember[];
  readonly initialClusterState: 'new' | 'existing';
  readonly compaction?: { readonly mode: 'periodic' | 'revision'; readonly retention: string };
}

const started = new Set<ChildProcess>();

/** Renders a config for `spec` into `<root>/<name>/etcd.conf.yml` and returns the member (not started). */
export function prepareMember(spec: MemberSpec): RunningMember {
  const app = spec.app ?? 'etcd';
  const name = memberName(app, spec.unitNumber);
  const dir = path.join(spec.root, name);
  mkdirSync(dir, { recursive: true });
  const member: RunningMember = {
    name,
    ip: spec.ip,
    clientUrl: clientUrl(spec.ip),
    configFile: path.join(dir, 'etcd.conf.yml'),
    logFile: path.join(dir, 'etcd.log'),
    dataDir: path.join(dir, 'data'),
    process: undefined,
    stderr: '',
  };
  writeFileSync(
    member.configFile,
    renderEtcdConfig({
      app,
      unitNumber: spec.unitNumber,
      ip: spec.ip,
      dataDir: member.dataDir,
      logFile: member.logFile,
      initialCluster: spec.initialCluster,
      initialClusterState: spec.initialClusterState,
      initialClusterToken: 'test-cluster',
      heartbeatIntervalMs: 50,
      electionTimeoutMs: 500,
      quotaBackendBytes: 256 * 1024 * 1024,
      autoCompactionMode: spec.compaction?.mode ?? 'revision',
      autoCompactionRetention: spec.compaction?.retention ?? '1000',
    }),
  );
  return member;
}

export const initialMember = (app: string, unitNumber: number, ip: string): InitialClusterMember => ({
  name: memberName(app, unitNumber),
  peerUrl: peerUrl(ip),
});

/** Starts (or restarts) `member` with etcd `version`: `etcdBinDir(version)/etcd --config-file <file>`. */
export function startMember(member: RunningMember, version: string): ChildProcess {
  const child = spawn(path.join(etcdBinDir(version), 'etcd'), ['--config-file', member.configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  member.stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    member.stderr += chunk.toString();
  });
  started.add(child);
  child.on('exit', () => started.delete(child));
  member.process = child;
  return child;
}

/** Stops `member` (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
export async function stopMember(member: RunningMember): Promise<void> {
  const child = member.process;
  member.process = undefined;
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Kills every etcd this module started in this process (for afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Resolves once `check` returns without throwing, or rejects with its last error after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Waits until the member answers `/health` with true. */
export async function waitHealthy(member: RunningMember): Promise<void> {
  const client = new EtcdClient({ endpoints: [member.clientUrl], timeoutMs: 1000 });
  await eventually(async () => {
    if (member.process === undefined || member.process.exitCode !== null) {
      throw new Error(`etcd ${member.name} exited: ${member.stderr.slice(-500)}`);
    }
    const h = await client.health(member.clientUrl);
    if (!h.health) throw new Error(`${member.name} not healthy: ${h.reason}`);
  });
}

/** The fields etcd logged in its "starting an etcd server" line: what it actually took from the config file. */
export function startupSettings(member: RunningMember): Record<string, unknown> {
  const lines = readFileSync(member.logFile, 'utf8').split('\n');
  const line = lines.reverse().find((l) => l.includes('"msg":"starting an etcd server"'));
  if (line === undefined) throw new Error(`no start-up line in ${member.logFile}`);
  return JSON.parse(line) as Record<string, unknown>;
}
