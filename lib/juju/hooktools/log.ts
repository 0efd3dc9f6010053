import { runTool } from './invoke.js';
import type { HookToolRunner } from './runner.js';

export type JujuLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** Linux caps one argv entry at 128 KiB; ops splits juju-log messages at this length. */
export const MAX_LOG_ARGUMENT = 131_071;

/**
 * `juju-log --log-level <LEVEL> -- <message>`, split into several calls only
 * when the message is longer than one argument may be.
 */
export async function jujuLog(runner: HookToolRunner, level: JujuLogLevel, message: string): Promise<void> {
  for (let start = 0; start === 0 || start < message.length; start += MAX_LOG_ARGUMENT) {
    await runTool(runner, 'juju-log', ['--log-level', level, '--', message.slice(start, start + MAX_LOG_ARGUMENT)]);
  }
}
