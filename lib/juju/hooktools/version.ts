import { runTool } from './invoke.js';
import type { HookToolRunner } from './runner.js';

/** `application-version-set -- <version>`: the workload version shown by `juju status`. */
export async function applicationVersionSet(runner: HookToolRunner, version: string): Promise<void> {
  await runTool(runner, 'application-version-set', ['--', version]);
}
