import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { giveConfigToDaemon, prepareDaemonDirs } from './daemon-dirs.js';
import path from 'node:path';
import type { MemberStatus } from './client-types.js';
import { EtcdError } from './errors/etcd-error.js';
import type { EtcdConfigInput } from './config.js';
import { renderEtcdConfig } from './config.js';
import type { EtcdApi } from './api.js';
import type { UnitPaths } from './paths.js';

/** Thin effects on the unit's files and the local member. */

/**
 * Writes etcd.conf.yml (snap_daemon's, mode 0600) when its content differs
 * from the file's, after making sure the directories etcd writes to are
 * snap_daemon's (this runs before every start). Resolves true when it wrote.
 * @throws TypeError from rendering when the member is missing from `initialCluster`.
 */
export async function writeConfigIfChanged(paths: UnitPaths, input: EtcdConfigInput): Promise<boolean> {
  const content = renderEtcdConfig(input);
  await prepareDaemonDirs(paths);
  let current: string | undefined;
  try {
    current = await readFile(paths.configFile, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) return false;
  await mkdir(path.dirname(paths.configFile), { recursive: true });
  await writeFile(paths.configFile, content, { mode: 0o600 });
  await giveConfigToDaemon(paths.configFile);
  return true;
}

/** Whether etcd has ever run with this data directory (`member/` exists). */
export async function hasMemberData(paths: UnitPaths): Promise<boolean> {
  try {
    return (await stat(paths.memberDir)).isDirectory();
  } catch {
    return false;
  }
}

/** Removes etcd's `member/` directory: data of a membership that is over. */
export async function wipeMemberData(paths: UnitPaths): Promise<void> {
  await rm(paths.memberDir, { recursive: true, force: true });
}

/**
 * Polls the member at `endpoint` until it answers with a raft leader (a
 * learner counts once it knows the leader), or `timeoutMs` passes.
 * Resolves with its last status, or undefined when it never answered.
 */
export async function waitUntilReady(
  client: EtcdApi,
  endpoint: string,
  clock: { now(): number; sleep(ms: number): Promise<void> },
  timeoutMs = 30_000,
): Promise<MemberStatus | undefined> {
  const deadline = clock.now() + timeoutMs;
  let last: MemberStatus | undefined;
  for (;;) {
    try {
      last = await client.status(endpoint);
      if (last.leaderId !== undefined) return last;
    } catch (error) {
      if (!(error instanceof EtcdError)) throw error;
    }
    if (clock.now() >= deadline) return last;
    await clock.sleep(500);
  }
}
