import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { etcdBinDir } from '../../support/etcd-binaries.js';
import { EtcdClient } from '../../../src/etcd/client.js';
import type { FetchLike } from '../../../src/etcd/gateway.js';
import {
  clientUrl,
  memberName,
  peerUrl,
  renderEtcdConfig,
  type EtcdConfigInput,
  type EtcdTls,
  type InitialClusterMember,
  type LogRotation,
} from '../../../src/etcd/config.js';

/** One etcd member started for a test from a config rendered by renderEtcdConfig. */
export interface RunningMember {
  readonly name: string;
  readonly ip: string;
  /** Changes when the member's client side switches to or from TLS. */
  clientUrl: string;
  readonly configFile: string;
  readonly logFile: string;
  readonly dataDir: string;
  process: ChildProcess | undefined;
  /** stderr of the process (etcd writes its logs to the log file; stderr catches start-up failures). */
  stderr: string;
  /** What the config is rendered from, but the etcd version (each start renders for its binary, as the charm does). */
  input: Omit<EtcdConfigInput, 'etcdVersion'>;
  /** How the test reaches the member: set to a TLS fetch while its client side is on TLS. */
  fetch?: FetchLike | undefined;
  /** Keys set over the rendered file (tests that provoke etcd only: e.g. a debug log level). */
  readonly overrides: Readonly<Record<string, unknown>>;
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
  readonly logRotation?: LogRotation;
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** TLS from the first start, and how the test then reaches the member. */
  readonly tls?: { readonly config: EtcdTls; readonly fetch: FetchLike } | undefined;
}

const started = new Set<ChildProcess>();

/** Prepares `<root>/<name>/` for `spec` and writes its config for `spec.version`; the member is not started. */
export function prepareMember(spec: MemberSpec): RunningMember {
  const app = spec.app ?? 'etcd';
  const name = memberName(app, spec.unitNumber);
  const dir = path.join(spec.root, name);
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'etcd.log');
  const dataDir = path.join(dir, 'data');
  const member: RunningMember = {
    name,
    ip: spec.ip,
    clientUrl: clientUrl(spec.ip, spec.tls?.config.client !== undefined),
    fetch: spec.tls?.fetch,
    configFile: path.join(dir, 'etcd.conf.yml'),
    logFile,
    dataDir,
    process: undefined,
    stderr: '',
    input: {
      app,
      unitNumber: spec.unitNumber,
      ip: spec.ip,
      dataDir,
      logFile,
      initialCluster: spec.initialCluster,
      initialClusterState: spec.initialClusterState,
      initialClusterToken: 'test-cluster',
      heartbeatIntervalMs: 50,
      electionTimeoutMs: 500,
      quotaBackendBytes: 256 * 1024 * 1024,
      autoCompactionMode: spec.compaction?.mode ?? 'revision',
      autoCompactionRetention: spec.compaction?.retention ?? '1000',
      ...(spec.logRotation === undefined ? {} : { logRotation: spec.logRotation }),
      ...(spec.tls === undefined ? {} : { tls: spec.tls.config }),
    },
    overrides: spec.overrides ?? {},
  };
  writeConfig(member, spec.version);
  return member;
}

/** Writes the member's etcd.conf.yml as the charm renders it for etcd `version` (undefined: version unknown). */
export function writeConfig(member: RunningMember, version: string | undefined): string {
  let text = renderEtcdConfig({ ...member.input, etcdVersion: version });
  if (Object.keys(member.overrides).length > 0) {
    text = yaml.dump({ ...(yaml.load(text) as Record<string, unknown>), ...member.overrides }, { lineWidth: -1 });
  }
  writeFileSync(member.configFile, text);
  return text;
}

export const initialMember = (app: string, unitNumber: number, ip: string, peerTls = false): InitialClusterMember => ({
  name: memberName(app, unitNumber),
  peerUrl: peerUrl(ip, peerTls),
});

/**
 * Starts (or restarts) `member` with etcd `version`: renders its config for
 * `version` (or for `options.configFor` when given: another version, or
 * undefined for an unknown one), then `etcdBinDir(version)/etcd --config-file <file>`.
 */
export function startMember(member: RunningMember, version: string, options: { readonly configFor?: string | undefined } = {}): ChildProcess {
  writeConfig(member, 'configFor' in options ? options.configFor : version);
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
  const client = new EtcdClient({ endpoints: [member.clientUrl], timeoutMs: 1000, fetch: member.fetch });
  await eventually(async () => {
    if (member.process === undefined || member.process.exitCode !== null) {
      throw new Error(`etcd ${member.name} exited: ${member.stderr.slice(-500)}`);
    }
    const h = await client.health(member.clientUrl);
    if (!h.health) throw new Error(`${member.name} not healthy: ${h.reason}`);
  });
}

/** Resolves when `child` has exited, with its exit code and signal; rejects if it still runs after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`etcd pid ${child.pid} still runs after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** etcd's JSON log lines in the member's (live) log file; other lines are skipped. */
export function logEntries(member: RunningMember): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(member.logFile, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The fields etcd logged in its "starting an etcd server" line: what it actually took from the config file. */
export function startupSettings(member: RunningMember): Record<string, unknown> {
  const lines = readFileSync(member.logFile, 'utf8').split('\n');
  const line = lines.reverse().find((l) => l.includes('"msg":"starting an etcd server"'));
  if (line === undefined) throw new Error(`no start-up line in ${member.logFile}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** `/version` as etcd sends it: 3.6+ add `storage`, the member's storage (schema) version. */
export interface RawVersion {
  readonly etcdserver: string;
  readonly etcdcluster: string;
  readonly storage?: string;
}

export async function rawVersion(member: RunningMember): Promise<RawVersion> {
  const response = await fetch(`${member.clientUrl}/version`, { signal: AbortSignal.timeout(5000) });
  return (await response.json()) as RawVersion;
}

/** Waits until every one of `members` reports cluster version `cluster` (etcd's leader moves it every few seconds). */
export async function waitClusterVersion(members: readonly RunningMember[], cluster: string, timeoutMs = 60_000): Promise<RawVersion[]> {
  return eventually(async () => {
    const seen = await Promise.all(members.map(rawVersion));
    if (!seen.every((v) => v.etcdcluster === cluster)) throw new Error(`cluster versions ${seen.map((v) => v.etcdcluster).join(', ')}, want ${cluster}`);
    return seen;
  }, timeoutMs);
}

/** Stops `member` and starts it again with etcd `version` (config re-rendered for it), until healthy. */
export async function restartAs(member: RunningMember, version: string): Promise<void> {
  await stopMember(member);
  startMember(member, version);
  await waitHealthy(member);
}

/** How etcd ended a start that was expected to fail: exit code and the entries it logged at level error or worse. */
export interface FailedStart {
  readonly code: number | null;
  readonly errors: readonly Record<string, unknown>[];
  /** The fatal or panic entry that ended it (its `msg`, and `error` or `panic` when given). */
  readonly last: { readonly msg: string; readonly error: string | undefined } | undefined;
}

/** Stops `member`, starts etcd `version` on its data, and waits for that etcd to exit. */
export async function failedStart(member: RunningMember, version: string): Promise<FailedStart> {
  await stopMember(member);
  const before = logEntries(member).length;
  const exit = await waitForExit(startMember(member, version));
  member.process = undefined;
  const errors = logEntries(member)
    .slice(before)
    .filter((e) => e['level'] === 'error' || e['level'] === 'fatal' || e['level'] === 'panic');
  const end = [...errors].reverse().find((e) => e['level'] === 'fatal' || e['level'] === 'panic');
  const detail = end?.['error'] ?? end?.['panic'];
  return {
    code: exit.code,
    errors,
    last: end === undefined ? undefined : { msg: String(end['msg']), error: detail === undefined ? undefined : String(detail) },
  };
}
