/**
 * One hook's view of a fake model: `call(tool, args, stdin)` answers exactly as
 * the hook tool would (stdout, `ERROR …` on stderr, exit 0/1/2), and
 * `finish(exitCode)` commits the pending changes when the hook succeeded.
 *
 * "Now" effects (status, workload version, logs, action results/logs/failure,
 * leader-set, consumer pinning) change the model at once; "Txn" effects
 * (relation data, state, ports, secret changes) wait for `finish(0)`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, parseArgv, usageText } from './argv.js';
import type { FlagSpec } from './argv.js';
import { commitPending, emptyCommit } from './commit.js';
import type { CommitResult } from './commit.js';
import { appOfUnit } from './model.js';
import type { FakeModel } from './model.js';
import { formatOutput } from './output.js';
import type { OutputFormat } from './output.js';
import { ToolFailure, emptyPending } from './scope.js';
import type { FileAccess, HookScope } from './scope.js';
import { TOOLS } from './tools/index.js';

export type { CommitResult, RelationBagChange } from './commit.js';
export type { FileAccess } from './scope.js';

export interface SessionOptions {
  /** The unit running the hook (`app/0`); it must be in `model.units`. */
  readonly unit: string;
  /** The hook's environment (JUJU_RELATION_ID, JUJU_REMOTE_UNIT, JUJU_ACTION_NAME, JUJU_STORAGE_ID, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Clock for timestamps; defaults to the wall clock. */
  readonly now?: () => Date;
  /** Where relative `-o` and `#file` paths resolve; defaults to JUJU_CHARM_DIR, then the process cwd. */
  readonly cwd?: string;
  /** File access for `-o`, `--file` and `#file`; defaults to node:fs. */
  readonly files?: FileAccess;
}

/** What a hook tool process would have produced. */
export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface HookSession {
  readonly unit: string;
  /** True after `finish`; later calls fail as Juju's closed hook server would. */
  readonly finished: boolean;
  /** Runs one tool synchronously against the model and this hook's pending changes. Never throws. */
  call(tool: string, args: readonly string[], stdin?: string): ToolResult;
  /**
   * Ends the hook: exit 0 commits pending changes into the model; anything else drops them.
   * Throws if called twice.
   */
  finish(exitCode: number): CommitResult;
}

const nodeFiles: FileAccess = {
  readFile: (p) => readFileSync(p, 'utf8'),
  writeFile: (p, content) => writeFileSync(p, content),
};

const FORMAT_FLAGS: readonly FlagSpec[] = [
  { names: ['format'], kind: 'string' },
  { names: ['o', 'output'], kind: 'string' },
];

/**
 * Opens a hook session for `options.unit` over `model`. The model is changed in
 * place (Now effects at once, Txn effects at `finish(0)`); remote data, config and
 * leadership are read from a snapshot taken here.
 * Throws if the unit is not in the model.
 */
export const openHookSession = (model: FakeModel, options: SessionOptions): HookSession => {
  const unit = model.units[options.unit];
  if (!unit) throw new Error(`unit ${options.unit} is not in the model`);
  const { env } = options;
  const clock = options.now ?? (() => new Date());
  const cwd = options.cwd ?? env['JUJU_CHARM_DIR'] ?? process.cwd();
  const relationIdText = env['JUJU_RELATION_ID'];
  const relationTail = relationIdText?.slice(relationIdText.lastIndexOf(':') + 1);
  const scope: HookScope = {
    model,
    snapshot: structuredClone(model),
    unitName: options.unit,
    appName: appOfUnit(options.unit),
    env,
    pending: emptyPending(),
    isLeader: unit.leader,
    relationId: relationTail && /^\d+$/.test(relationTail) ? Number(relationTail) : undefined,
    remoteUnit: env['JUJU_REMOTE_UNIT'] || undefined,
    remoteApp: env['JUJU_REMOTE_APP'] || undefined,
    now: () => clock().toISOString(),
    files: options.files ?? nodeFiles,
    resolvePath: (p) => path.resolve(cwd, p),
  };
  let finished = false;

  const call = (tool: string, args: readonly string[], stdin?: string): ToolResult => {
    if (finished) return { stdout: '', stderr: 'ERROR hook context is no longer available\n', exitCode: 1 };
    const def = TOOLS.get(tool);
    if (!def) return { stdout: '', stderr: `${tool}: command not found\n`, exitCode: 127 };
    const specs = [...def.flags, ...(def.output ? FORMAT_FLAGS : def.deprecatedFormat ? FORMAT_FLAGS.slice(0, 1) : [])];
    const stderr: string[] = [];
    try {
      const parsed = parseArgv(specs, args);
      if (parsed.help) return { stdout: usageText(tool, def.synopsis, def.purpose, specs), stderr: '', exitCode: 0 };
      let format: OutputFormat | undefined;
      if (def.output) {
        const requested = parsed.flags.get('format');
        const value = typeof requested?.value === 'string' ? requested.value : def.output.default;
        if (!(def.output.formats as readonly string[]).includes(value)) {
          throw new UsageError(`invalid value ${JSON.stringify(value)} for option ${requested?.spelled ?? '--format'}: unknown format ${JSON.stringify(value)}`);
        }
        format = value as OutputFormat;
      } else if (parsed.flags.has('format')) {
        stderr.push(`--format flag deprecated for command ${JSON.stringify(tool)}`);
      }
      const value = def.run({
        scope,
        flags: parsed.flags,
        args: parsed.positionals,
        stdin,
        warn: (line) => stderr.push(line),
      });
      let stdout = '';
      if (format !== undefined) stdout = formatOutput(format, value);
      else if (value !== undefined) stdout = `${String(value)}\n`;
      const outFile = parsed.flags.get('output')?.value;
      if (typeof outFile === 'string' && format !== undefined) {
        scope.files.writeFile(scope.resolvePath(outFile), stdout);
        stdout = '';
      }
      return { stdout, stderr: stderr.map((l) => `${l}\n`).join(''), exitCode: 0 };
    } catch (error) {
      const exitCode = error instanceof UsageError ? 2 : 1;
      const message = error instanceof UsageError || error instanceof ToolFailure ? error.message : `internal error: ${(error as Error).message}`;
      return { stdout: '', stderr: `${stderr.map((l) => `${l}\n`).join('')}ERROR ${message}\n`, exitCode };
    }
  };

  const finish = (exitCode: number): CommitResult => {
    if (finished) throw new Error('hook session already finished');
    finished = true;
    return exitCode === 0 ? commitPending(scope) : emptyCommit(false);
  };

  return {
    unit: options.unit,
    get finished() {
      return finished;
    },
    call,
    finish,
  };
};
