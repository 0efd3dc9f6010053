/**
 * The CLI verbs. Each takes the model's home, its arguments and an output sink,
 * and resolves with the exit code, so tests can call them in-process too.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import yaml from 'js-yaml';
import { ensureSnapStore, listCharms, publishCharm } from '../charm-store.js';
import { describeFault, makeFault } from '../controller/faults.js';
import type { InjectedFault } from '../controller/faults.js';
import type { ActionOutcome } from '../controller/state.js';
import { formatLogLine, readLog } from '../debug-log.js';
import type { SimHome } from '../home.js';
import { InputError, parseActionParams, parseDuration, parseSecretContent } from '../parse.js';
import { addSnapRevision, killDaemon, listRevisions, readStore } from '../snapd/index.js';
import { formatStatus } from '../status.js';
import type { StatusJson } from '../status.js';
import { send } from './controller-process.js';
import { destroyModel } from './destroy.js';
import { waitForModel } from './wait.js';
import { intArg, needPositionals, parse, sourceOf } from './args.js';
import type { Verb } from './args.js';
import { MODEL_VERBS } from './model-verbs.js';

export type { Io, Verb } from './args.js';

const removeUnit: Verb = async (home, args, io) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 1, Infinity, 'remove-unit UNIT...');
  const reply = await send(home, { type: 'remove-unit', units: positionals });
  for (const unit of reply['units'] as string[]) io.out(`removing unit ${unit}\n`);
  return 0;
};

const config: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { reset: { type: 'string', multiple: true }, app: { type: 'string' } });
  const set = positionals.filter((p) => p.includes('='));
  const keys = positionals.filter((p) => !p.includes('='));
  if (set.length > 0 && keys.length > 0) throw new InputError('give either KEY ... or KEY=VALUE ..., not both');
  const reply = await send(home, { type: 'config', set, reset: values.reset ?? [], ...(values.app === undefined ? {} : { app: values.app }) });
  if (set.length > 0 || (values.reset ?? []).length > 0) return 0;
  const current = reply['config'] as Record<string, unknown>;
  if (keys.length === 0) {
    io.out(yaml.dump(current, { sortKeys: true, lineWidth: -1 }));
    return 0;
  }
  for (const key of keys) {
    if (!(key in current)) throw new InputError(`unknown option ${JSON.stringify(key)}`);
    const value = current[key];
    io.out(`${value === null ? '' : String(value)}\n`);
  }
  return 0;
};

const run: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { format: { type: 'string' } });
  needPositionals(positionals, 2, Infinity, 'run UNIT|APP/leader ACTION [k=v ...] [--format json]');
  const [target, action, ...pairs] = positionals as [string, string, ...string[]];
  const format = values.format ?? 'yaml';
  if (!['yaml', 'json'].includes(format)) throw new InputError(`unknown format ${JSON.stringify(format)}`);
  const reply = await send(home, { type: 'run', target, action, params: parseActionParams(pairs) });
  const outcome = reply['outcome'] as ActionOutcome;
  if (format === 'json') {
    io.out(`${JSON.stringify({ id: outcome.id, unit: outcome.unit, status: outcome.status, message: outcome.message, results: outcome.results, log: outcome.logs })}\n`);
  } else {
    for (const line of outcome.logs) io.err(`${line}\n`);
    const { 'return-code': _rc, stdout, stderr, ...rest } = outcome.results;
    if (Object.keys(rest).length > 0) io.out(yaml.dump(rest, { sortKeys: true, lineWidth: -1 }));
    if (typeof stdout === 'string' && stdout !== '') io.out(stdout);
    if (typeof stderr === 'string' && stderr !== '') io.err(stderr);
  }
  if (outcome.status === 'failed') {
    io.err(`ERROR action ${JSON.stringify(action)} (id ${outcome.id}) on ${outcome.unit} failed: ${outcome.message}\n`);
    return 1;
  }
  return 0;
};

const publish: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { workload: { type: 'string' }, 'charm-version': { type: 'string' } });
  needPositionals(positionals, 0, 1, 'publish [DIR] [--workload V] [--charm-version V]');
  const meta = publishCharm(home, {
    ...(positionals[0] === undefined ? {} : { dir: positionals[0] }),
    ...(values.workload === undefined ? {} : { workload: values.workload }),
    ...(values['charm-version'] === undefined ? {} : { charmVersion: values['charm-version'] }),
  });
  io.out(`${meta.revision}\n`);
  return 0;
};

const snapStore: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { format: { type: 'string' }, channel: { type: 'string' } });
  if (positionals[0] === 'add') {
    // Any snap, from its unpacked tree (meta/snap.yaml): a test charm's workload as much as etcd.
    needPositionals(positionals, 2, 2, 'snap-store add SNAP_DIR [--channel C]');
    const rev = addSnapRevision(ensureSnapStore(home), path.resolve(positionals[1] as string), values.channel);
    io.out(`${rev.revision}\n`);
    return 0;
  }
  needPositionals(positionals, 0, 0, 'snap-store [--format json] | snap-store add SNAP_DIR [--channel C]');
  const revisions = listRevisions(readStore(ensureSnapStore(home)));
  if (values.format === 'json') {
    io.out(`${JSON.stringify({ snap: 'charmed-etcd', revisions, charms: listCharms(home) })}\n`);
    return 0;
  }
  io.out(`Revision  Version  Channel        Notes\n`);
  for (const r of revisions) io.out(`${r.revision.padEnd(10)}${r.version.padEnd(9)}${r.channel.padEnd(15)}${r.broken ? 'broken: daemon fails to start' : ''}\n`.replace(/ +\n$/, '\n'));
  return 0;
};

const refresh: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { revision: { type: 'string' }, path: { type: 'string' } });
  needPositionals(positionals, 0, 1, 'refresh [APP] --revision R | --path DIR');
  const app = positionals[0];
  let source = sourceOf(values);
  if (!source) throw new InputError('refresh needs --revision R or --path DIR');
  // `--revision R` of an application's own charm (Charmhub revisions count per charm).
  if ('revision' in source && app !== undefined) {
    const charms = (await send(home, { type: 'status' }))['status'] as StatusJson;
    const name = charms.applications[app]?.['charm-name'];
    if (name !== undefined) source = { ...source, charm: name };
  }
  const reply = await send(home, { type: 'refresh', source, ...(app === undefined ? {} : { app }) });
  io.out(`Added charm ${String(reply['charm'])}; refreshing every unit\n`);
  return 0;
};

const status: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { format: { type: 'string' } });
  needPositionals(positionals, 0, 0, 'status [--format json]');
  const doc = (await send(home, { type: 'status' }))['status'] as StatusJson;
  io.out(values.format === 'json' ? `${JSON.stringify(doc)}\n` : formatStatus(doc));
  return 0;
};

const wait: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { timeout: { type: 'string' } });
  needPositionals(positionals, 0, 0, 'wait [--timeout S]');
  const result = await waitForModel(home, { timeoutMs: parseDuration(values.timeout ?? '600'), progress: (line) => io.out(`${line}\n`) });
  if (result.timedOut) io.err(`ERROR timed out; still busy: ${result.summary}\n`);
  for (const [unit, e] of Object.entries(result.errors)) io.err(`ERROR ${unit} is in error: hook failed: ${JSON.stringify(e.hook)} (${e.attempts} attempts)\n`);
  return result.timedOut || Object.keys(result.errors).length > 0 ? 1 : 0;
};

const debugLog: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { unit: { type: 'string' }, lines: { type: 'string' } });
  needPositionals(positionals, 0, 0, 'debug-log [--unit U] [--lines N]');
  let lines = readLog(home.debugLog, values.unit);
  if (values.lines !== undefined) lines = lines.slice(-intArg(values.lines, '--lines', 1));
  for (const line of lines) io.out(`${formatLogLine(line)}\n`);
  return 0;
};

const resolved: Verb = async (home, args) => {
  const { values, positionals } = parse(args, { 'no-retry': { type: 'boolean' } });
  needPositionals(positionals, 1, 1, 'resolved UNIT [--no-retry]');
  await send(home, { type: 'resolved', unit: positionals[0] as string, noRetry: values['no-retry'] === true });
  return 0;
};

const failNextHook: Verb = async (home, args) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 1, 2, 'fail-next-hook UNIT [HOOK]');
  const [unit, hook] = positionals as [string, string | undefined];
  await send(home, { type: 'fail-next-hook', unit, ...(hook === undefined ? {} : { hook }) });
  return 0;
};

const injectFault: Verb = async (home, args, io) => {
  const usage = "inject-fault UNIT --on 'snap CMD [ARG...]' [--when before|after] --do fail|kill-hook|fail-hook|kill-workload | inject-fault UNIT --clear";
  const { values, positionals } = parse(args, { on: { type: 'string' }, when: { type: 'string' }, do: { type: 'string' }, clear: { type: 'boolean' } });
  needPositionals(positionals, 1, 1, usage);
  const unit = positionals[0] as string;
  const clear = values.clear === true;
  if (clear === (values.on !== undefined || values.do !== undefined || values.when !== undefined)) throw new InputError(`usage: sim ${usage}`);
  if (!clear && (values.on === undefined || values.do === undefined)) throw new InputError(`usage: sim ${usage}`);
  const fault = clear ? undefined : makeFault(values.on as string, values.when, values.do as string);
  const reply = await send(home, { type: 'inject-fault', unit, ...(fault === undefined ? {} : { fault: { on: [...fault.on], when: fault.when, do: fault.do } }) });
  const previous = reply['previous'] as InjectedFault | undefined;
  if (previous !== undefined) io.out(`${unit}: dropped the unfired fault ${describeFault(previous)}\n`);
  io.out(fault === undefined ? `${unit}: no fault armed\n` : `${unit}: armed ${describeFault(fault)} (fires once, in a hook or action)\n`);
  return 0;
};

const updateStatus: Verb = async (home, args, io) => {
  const { positionals } = parse(args, {});
  const reply = await send(home, { type: 'update-status', units: positionals });
  io.out(`update-status queued on ${(reply['units'] as string[]).join(', ') || 'no started unit'}\n`);
  return 0;
};

/** What the controller says of a unit: its root, the environment `sim exec` runs commands in, its address. */
export const unitInfo = async (home: SimHome, unit: string) =>
  (await send(home, { type: 'unit-info', unit })) as { root: string; env: Record<string, string>; address: string };

const killWorkload: Verb = async (home, args, io) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 1, 1, 'kill-workload UNIT');
  const info = await unitInfo(home, positionals[0] as string);
  const pid = killDaemon(info.root);
  if (pid === undefined) {
    io.err(`ERROR ${positionals[0]}: etcd is not running\n`);
    return 1;
  }
  io.out(`killed etcd (pid ${pid}) on ${positionals[0]}\n`);
  return 0;
};

const exec: Verb = async (home, args, io) => {
  const dash = args.indexOf('--');
  const unit = args[0];
  const command = dash === -1 ? args.slice(1) : args.slice(dash + 1);
  if (!unit || unit.startsWith('-') || command.length === 0 || (dash !== -1 && dash !== 1)) throw new InputError('usage: sim exec UNIT -- CMD...');
  const info = await unitInfo(home, unit);
  const result = spawnSync(command[0] as string, command.slice(1), { env: info.env, stdio: 'inherit' });
  if (result.error) {
    io.err(`ERROR cannot run ${command[0]}: ${result.error.message}\n`);
    return 127;
  }
  return result.status ?? 1;
};

const addSecret: Verb = async (home, args, io) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 2, Infinity, 'add-secret NAME key=value ...');
  const [name, ...pairs] = positionals as [string, ...string[]];
  const reply = await send(home, { type: 'add-secret', name, content: parseSecretContent(pairs) });
  io.out(`${String(reply['uri'])}\n`);
  return 0;
};

const grantSecret: Verb = async (home, args) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 2, 2, 'grant-secret NAME APP');
  await send(home, { type: 'grant-secret', name: positionals[0] as string, app: positionals[1] as string });
  return 0;
};

const updateSecret: Verb = async (home, args, io) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 2, Infinity, 'update-secret NAME key=value ...');
  const [name, ...pairs] = positionals as [string, ...string[]];
  const reply = await send(home, { type: 'update-secret', name, content: parseSecretContent(pairs) });
  io.out(`${String(reply['uri'])} revision ${String(reply['revision'])}\n`);
  return 0;
};

const destroy: Verb = async (home, args) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 0, 0, 'destroy');
  await destroyModel(home);
  return 0;
};

export const VERBS: Readonly<Record<string, Verb>> = {
  ...MODEL_VERBS,
  'remove-unit': removeUnit,
  config,
  run,
  publish,
  'snap-store': snapStore,
  refresh,
  status,
  wait,
  'debug-log': debugLog,
  resolved,
  'fail-next-hook': failNextHook,
  'inject-fault': injectFault,
  'update-status': updateStatus,
  'kill-workload': killWorkload,
  exec,
  'add-secret': addSecret,
  'grant-secret': grantSecret,
  'update-secret': updateSecret,
  destroy,
};
