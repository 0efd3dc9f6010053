/**
 * `npm run bench [-- NAME...] [options]`: the benchmarks on the simulator with
 * real etcd. Prints one JSON line per figure on stdout (progress on stderr), and
 * with `--markdown` a table for the README at the end. Exits 1 when a benchmark
 * could not produce its figure (its line then carries `error`).
 *
 *   hook-latency   update-status through dispatch on a settled 3-unit model, beside a minimal
 *                  Python ops charm doing the same reads on the same hook tools (the anchor)
 *   scale-up       add-unit to a healthy voting member (same model, after hook-latency)
 *   refresh        refresh FROM → TO with pause-after-unit-refresh=none, per size in --units
 *   writes         a continuous writer through the 3-unit refresh: tests/bench/writer-go,
 *                  etcd's own Go client (built on first use, cached; see go-writer.ts)
 *   data-size      per size in --data-mb: a 3-unit model filled with that much data, refreshed
 *                  FROM → TO, then scaled to 4 (not in the default set: 1 GB takes many minutes)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCharmInto } from '../sim/testing.js';
import { deployBenchModel } from './bench-model.js';
import type { BenchModel } from './bench-model.js';
import { measureHookLatency } from './hook-latency.js';
import { buildOpsAnchor, OPS_VERSION, opsPython } from './ops-anchor/build.js';
import { markdownTable } from './markdown.js';
import type { BenchFailure, Figure } from './markdown.js';
import { measureRefresh } from './refresh.js';
import { measureScaleUp } from './scale-up.js';
import { loadData } from './load-data.js';
import { buildGoWriter } from './go-writer.js';
import { pinnedEtcd } from '../support/etcd-binaries.js';

const BENCHES = ['hook-latency', 'refresh', 'writes', 'scale-up', 'data-size'] as const;
type Bench = (typeof BENCHES)[number];
/** What `npm run bench` runs without names. */
const DEFAULT_BENCHES: readonly Bench[] = ['hook-latency', 'refresh', 'writes', 'scale-up'];

const USAGE = `usage: npm run bench -- [${BENCHES.join('|')} ...] [options]
  --runs N          update-status hooks to time (default 20, at least 20 for the README)
  --units 3,5       model sizes for the refresh benchmark (default 3,5)
  --from V --to V   etcd versions of the refresh (default ${pinnedEtcd()}, what the charm pins, → 3.6.16)
  --write-rate N    writes started per second during the refresh (default 100)
  --data-mb 10,100  data sizes for the data-size benchmark, in MB (default 10,100,1000)
  --write-rate N    writes started per second during the refresh, all writer clients together (default 100)
  --writer-clients N  etcd clients of the writer, each its own balancer over every member (default 4)
  --timeout S       seconds a refresh or scale-up may take (default 300 + 60 per unit)
  --retry-scale F   Juju's hook retry back-off times F (default 1: Juju's own timing)
  --charm DIR       a built charm directory to use (default: build the working tree now)
  --markdown        print a markdown table of the figures at the end
`;

function parseOptions(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '20' },
      units: { type: 'string', default: '3,5' },
      from: { type: 'string', default: pinnedEtcd() },
      to: { type: 'string', default: '3.6.16' },
      'write-rate': { type: 'string', default: '100' },
      'data-mb': { type: 'string', default: '10,100,1000' },
      'writer-clients': { type: 'string', default: '4' },
      timeout: { type: 'string' },
      'retry-scale': { type: 'string', default: '1' },
      charm: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const unknown = positionals.filter((p) => !(BENCHES as readonly string[]).includes(p));
  if (values.help || unknown.length > 0) {
    process.stderr.write(`${unknown.length > 0 ? `unknown benchmark ${unknown.join(', ')}\n` : ''}${USAGE}`);
    process.exit(values.help ? 0 : 2);
  }
  const positive = (text: string, what: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${JSON.stringify(text)}`);
    return n;
  };
  const positiveNumber = (text: string, what: string): number => {
    const n = Number(text);
    if (!(n > 0)) throw new Error(`${what} must be a positive number, got ${JSON.stringify(text)}`);
    return n;
  };
  return {
    selected: new Set<Bench>(positionals.length === 0 ? DEFAULT_BENCHES : (positionals as Bench[])),
    runs: positive(values.runs, '--runs'),
    sizes: values.units.split(',').map((u) => positive(u, '--units')),
    from: values.from,
    to: values.to,
    writeRate: positive(values['write-rate'], '--write-rate'),
    dataSizes: values['data-mb'].split(',').map((mb) => positive(mb, '--data-mb')),
    writerClients: positive(values['writer-clients'], '--writer-clients'),
    timeout: values.timeout === undefined ? undefined : positive(values.timeout, '--timeout'),
    retryScale: positiveNumber(values['retry-scale'], '--retry-scale'),
    charm: values.charm === undefined ? undefined : path.resolve(values.charm),
    markdown: values.markdown,
  };
}

const options = parseOptions(process.argv.slice(2));
const figures: Figure[] = [];
const failures: BenchFailure[] = [];
const progress = (text: string): void => void process.stderr.write(`[bench] ${text}\n`);
const emit = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const record = (figure: Figure): void => {
  figures.push(figure);
  emit(figure);
};
const fail = (bench: string, error: unknown, units?: number): void => {
  const message = error instanceof Error ? error.message : String(error);
  failures.push({ bench, error: message, ...(units === undefined ? {} : { units }) });
  emit({ bench, ...(units === undefined ? {} : { units }), error: message.split('\n')[0] });
  progress(`${bench}${units === undefined ? '' : ` (${units} units)`} FAILED: ${message}`);
};

const work = mkdtempSync(path.join(tmpdir(), 'bench-'));
let current: BenchModel | undefined;
const cleanup = async (): Promise<void> => {
  const model = current;
  current = undefined;
  await model?.destroy();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: destroying the model`);
    void cleanup().finally(() => {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

const CHARM_VERSION = '3.6/1.0.0';
const NEXT_CHARM_VERSION = '3.6/1.0.1';
const timeoutFor = (units: number): number => options.timeout ?? 300 + 60 * units;

/** Deploys a model of `units` units, runs `body`, and always destroys the model. */
async function withModel(units: number, charmDir: string, body: (model: BenchModel) => Promise<void>): Promise<void> {
  const t = Date.now();
  progress(`deploying ${units} units of etcd ${options.from}`);
  current = await deployBenchModel({ units, charmDir, workload: options.from, charmVersion: CHARM_VERSION, retryScale: options.retryScale });
  progress(`deployed and settled in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  try {
    await body(current);
  } catch (error) {
    // The controller's own log says why a model went wrong; it goes with the model.
    const log = current.sim.home.controllerLog;
    if (existsSync(log)) progress(`controller log (tail):\n${readFileSync(log, 'utf8').split('\n').slice(-25).join('\n')}`);
    throw error;
  } finally {
    await cleanup();
  }
}

try {
  progress(`node ${process.version}, ${cpus().length} CPUs; ${options.charm === undefined ? 'building the charm' : `charm ${options.charm}`}`);
  const charmDir = options.charm ?? (await buildCharmInto(path.join(work, 'charm')));
  const { selected } = options;

  if (selected.has('hook-latency') || selected.has('scale-up')) {
    await withModel(3, charmDir, async (model) => {
      if (selected.has('hook-latency')) {
        progress(`hook-latency: ${options.runs} update-status hooks, and as many of the ops anchor (ops ${OPS_VERSION} from PyPI)`);
        const anchor = { charmDir: await buildOpsAnchor(path.join(work, 'ops-anchor')), python: await opsPython(), opsVersion: OPS_VERSION };
        await measureHookLatency(model, options.runs, anchor).then(record, (e: unknown) => fail('hook-latency', e));
      }
      if (selected.has('scale-up')) {
        progress('scale-up: add-unit');
        await measureScaleUp(model, timeoutFor(4)).then(record, (e: unknown) => fail('scale-up', e));
      }
    }).catch((e: unknown) => fail(selected.has('hook-latency') ? 'hook-latency' : 'scale-up', e, 3));
  }

  if (selected.has('refresh') || selected.has('writes')) {
    // Built (or found in the cache) before any model exists, so a build failure costs no deploy.
    const writerBinary = selected.has('writes') ? await buildGoWriter(progress) : undefined;
    const sizes = selected.has('refresh') ? options.sizes : [3];
    for (const units of sizes) {
      const withWriter = writerBinary !== undefined && units === 3;
      await withModel(units, charmDir, async (model) => {
        progress(`refresh: ${units} units, ${options.from} → ${options.to}${withWriter ? `, writer at ${options.writeRate}/s over ${options.writerClients} clients` : ''}`);
        const result = await measureRefresh(model, {
          charmDir,
          from: options.from,
          to: options.to,
          charmVersion: NEXT_CHARM_VERSION,
          timeoutSeconds: timeoutFor(units),
          ...(withWriter ? { writer: { binary: writerBinary, ratePerSecond: options.writeRate, clients: options.writerClients } } : {}),
        });
        if (selected.has('refresh')) record(result.refresh);
        if (result.writes) record(result.writes);
      }).catch((e: unknown) => {
        if (selected.has('refresh')) fail('refresh', e, units);
        if (withWriter) fail('writes', new Error('no figure: the refresh it runs through did not complete'), units);
      });
    }
  }

  if (selected.has('data-size')) {
    for (const megabytes of options.dataSizes) {
      await withModel(3, charmDir, async (model) => {
        progress(`data-size: filling 3 units with ${megabytes} MB of keys`);
        const urls = Object.values(await model.clientUrls());
        const data = await loadData(urls, { user: 'root', password: model.password }, megabytes, progress);
        progress(`data-size: ${data.keys} keys in ${data.load_s} s (db ${data.db_mb} MB); refresh ${options.from} → ${options.to}`);
        // Catch-up grows with the data: each unit's gate waits for it, so the deadline does too.
        const timeoutSeconds = timeoutFor(3) + megabytes;
        const result = await measureRefresh(model, { charmDir, from: options.from, to: options.to, charmVersion: NEXT_CHARM_VERSION, timeoutSeconds });
        record({ ...result.refresh, data });
        progress('data-size: add-unit');
        record({ ...(await measureScaleUp(model, timeoutFor(4) + megabytes)), data });
      }).catch((e: unknown) => fail('data-size', e, 3));
    }
  }
} finally {
  await cleanup();
  rmSync(work, { recursive: true, force: true });
}

if (options.markdown) process.stdout.write(`\n${markdownTable(figures, failures)}`);
process.exitCode = failures.length > 0 ? 1 : 0;
