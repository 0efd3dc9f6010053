/** The verbs that shape the model: deploy, add-unit, integrate, remove-relation, remove-application, set-address. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureSnapStore, publishCharm } from '../charm-store.js';
import { InputError } from '../parse.js';
import { controllerAnswers, send, startController } from './controller-process.js';
import { intArg, needPositionals, parse, settingsFrom, sourceOf } from './args.js';
import type { Verb } from './args.js';

/** A positional that names a charm directory rather than an application (`./x`, `/x`, an existing directory). */
const isCharmPath = (text: string): boolean => text.includes('/') || text.startsWith('.') || existsSync(path.join(text, 'metadata.yaml'));

/**
 * `sim deploy [CHARM_PATH | --path DIR | --revision R] [APP] [-n N]`: the first deploy makes the
 * model (and starts its controller); later ones add applications to it, as `juju deploy` does.
 */
const deploy: Verb = async (home, args, io, env) => {
  const { values, positionals } = parse(args, {
    path: { type: 'string' },
    revision: { type: 'string' },
    charm: { type: 'string' },
    n: { type: 'string', short: 'n' },
    config: { type: 'string', multiple: true },
    'update-status-interval': { type: 'string' },
    'retry-scale': { type: 'string' },
    seed: { type: 'string' },
    'hook-timeout': { type: 'string' },
    'start-after-refresh': { type: 'boolean' },
  });
  const usage = 'deploy [CHARM_PATH | --path DIR | --revision R [--charm NAME]] [APP] [-n N] [--config k=v ...]';
  needPositionals(positionals, 0, 2, usage);
  const rest = [...positionals];
  const charmPath = rest[0] !== undefined && isCharmPath(rest[0]) ? rest.shift() : undefined;
  if (charmPath !== undefined && values.path !== undefined) throw new InputError('give CHARM_PATH or --path, not both');
  if (rest.length > 1) throw new InputError(`usage: sim ${usage}`);
  const app = rest[0];
  const settings = settingsFrom(values, env);
  const units = values.n === undefined ? 1 : /^\d+$/.test(values.n) ? Number(values.n) : intArg(values.n, '-n', 1);
  const running = await controllerAnswers(home);
  // Simulator settings (--seed, --retry-scale, ...) take effect with the controller the first deploy starts.
  let source = sourceOf({ ...values, ...(charmPath === undefined ? {} : { path: charmPath }) });
  if (source && 'revision' in source && values.charm !== undefined) source = { ...source, charm: values.charm };
  if (!source) {
    const meta = publishCharm(home);
    io.out(`Published ${meta.url} (etcd ${meta.workload}, snap revision ${meta['snap-revision']})\n`);
    source = { revision: meta.revision };
  }
  ensureSnapStore(home);
  if (!running) await startController(home, settings);
  const reply = await send(home, { type: 'deploy', source, units, config: values.config ?? [], ...(app === undefined ? {} : { app }) });
  io.out(`Deployed ${JSON.stringify(reply['application'])} from ${String(reply['charm'])}: ${(reply['units'] as string[]).join(', ')}\n`);
  return 0;
};

const addUnit: Verb = async (home, args, io) => {
  const { values, positionals } = parse(args, { n: { type: 'string', short: 'n' } });
  needPositionals(positionals, 0, 1, 'add-unit [APP] [-n N]');
  const app = positionals[0];
  const reply = await send(home, { type: 'add-unit', units: intArg(values.n, '-n', 1), ...(app === undefined ? {} : { app }) });
  io.out(`Added ${(reply['units'] as string[]).join(', ')}\n`);
  return 0;
};

const integrate: Verb = async (home, args, io) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 2, 2, 'integrate APP[:ENDPOINT] APP[:ENDPOINT]');
  const reply = await send(home, { type: 'integrate', a: positionals[0] as string, b: positionals[1] as string });
  io.out(`Integrated ${(reply['endpoints'] as string[]).join(' and ')} (relation ${String(reply['id'])})\n`);
  return 0;
};

const removeRelation: Verb = async (home, args) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 1, 2, 'remove-relation APP[:ENDPOINT] APP[:ENDPOINT] | RELATION_ID');
  await send(home, { type: 'remove-relation', a: positionals[0] as string, ...(positionals[1] === undefined ? {} : { b: positionals[1] }) });
  return 0;
};

const removeApplication: Verb = async (home, args, io) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 1, 1, 'remove-application APP');
  await send(home, { type: 'remove-application', app: positionals[0] as string });
  io.out(`will remove application ${positionals[0]}\n`);
  return 0;
};

/** `sim set-address UNIT IP`: the unit's machine changes its private address (Juju runs config-changed on it). */
const setAddress: Verb = async (home, args, io) => {
  const { positionals } = parse(args, {});
  needPositionals(positionals, 2, 2, 'set-address UNIT IP');
  const [unit, address] = positionals as [string, string];
  const reply = await send(home, { type: 'set-address', unit, address });
  io.out(reply['changed'] === true ? `${unit}: ${String(reply['previous'])} -> ${address}\n` : `${unit} already has ${address}\n`);
  return 0;
};

export const MODEL_VERBS: Readonly<Record<string, Verb>> = {
  deploy,
  'add-unit': addUnit,
  integrate,
  'remove-relation': removeRelation,
  'remove-application': removeApplication,
  'set-address': setAddress,
};
