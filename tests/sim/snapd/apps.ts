import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { snapMountBase } from './layout.js';
import { commandArgv, currentRevision, readSnapYaml, snapEnvironment } from './snap-meta.js';

/**
 * Runs the snap app `<snap>.<app>` (e.g. `charmed-etcd.etcdctl`) of the current revision, as
 * `snap run` does: same arguments, the caller's environment (so `ETCDCTL_*` work) plus the snap's
 * variables, stdio inherited, signals forwarded. Resolves to the exit code to use; a failure to
 * find the app prints snap's error on stderr and resolves to 1 (46 for an internal error).
 */
export async function runApp(
  root: string,
  snapApp: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stderr: (text: string) => void,
): Promise<number> {
  const dot = snapApp.indexOf('.');
  const snap = dot < 0 ? snapApp : snapApp.slice(0, dot);
  const app = dot < 0 ? snap : snapApp.slice(dot + 1);
  const revision = currentRevision(root, snap);
  if (revision === undefined) {
    const link = path.join(snapMountBase(root, snap), 'current');
    stderr(`error: cannot find current revision for snap ${snap}: readlink ${link}: no such file or directory\n`);
    return 1;
  }
  const meta = readSnapYaml(root, snap, revision);
  const appInfo = meta.apps[app];
  if (!appInfo) {
    stderr(`error: cannot find app "${app}" in "${snap}"\n`);
    return 1;
  }
  const snapEnv = snapEnvironment(root, snap, revision, meta.version);
  const childEnv = { ...env, ...snapEnv };
  const argv = commandArgv(appInfo.command, snapEnv);
  const child = spawn(argv[0] ?? '', [...argv.slice(1), ...args], { env: childEnv, stdio: 'inherit' });
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const sig of signals) process.on(sig, forward);
  try {
    return await new Promise<number>((resolve) => {
      child.once('error', (err) => {
        stderr(`internal error, please report: running "${snapApp}" failed: ${err.message}\n`);
        resolve(46);
      });
      child.once('exit', (code, sig) => resolve(sig ? 128 + (osSignalNumber(sig) ?? 1) : (code ?? 1)));
    });
  } finally {
    for (const sig of signals) process.off(sig, forward);
  }
}

const osSignalNumber = (sig: NodeJS.Signals): number | undefined =>
  (constants.signals as Record<string, number | undefined>)[sig];
