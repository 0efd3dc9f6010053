import type { Logger } from 'pino';
import { z } from 'zod';
import { parseJujuContext } from '../lib/juju/context.js';
import type { ActionEvent, JujuContext } from '../lib/juju/context.js';
import { isConfigError } from '../lib/juju/errors/config-error.js';
import type { CharmMain } from '../lib/juju/host.js';
import { createJujuLogger } from '../lib/juju/log.js';
import { Model } from '../lib/juju/model.js';

/** The options this charm reads (config.yaml); unknown options are ignored. */
const configSchema = z.object({
  'pause-after-unit-refresh': z.enum(['all', 'first', 'none']).default('first'),
});

/** Hooks in which the unit is going away: no reconcile, only teardown. */
const TEARDOWN = /^(?:stop|remove|.+-storage-detaching)$/;

const isTeardown = (context: JujuContext): boolean =>
  context.event.kind === 'hook' &&
  (TEARDOWN.test(context.event.name) || context.event.relation?.departingUnit === context.unitName);

async function handleAction(model: Model, event: ActionEvent, log: Logger): Promise<void> {
  log.info({ action: event.name }, `running action ${event.name}`);
  model.action?.setResults({ unit: model.unitName, action: event.name, result: 'ok' });
}

async function teardown(model: Model, log: Logger): Promise<void> {
  log.info(`unit ${model.unitName} is being torn down`);
}

/** Converges the unit to its desired state; safe to run twice. */
async function reconcile(model: Model, log: Logger): Promise<void> {
  const event = model.context.event;
  if (event.kind === 'hook' && event.name === 'install') {
    model.unitStatus.set({ name: 'maintenance', message: 'installing' });
    return;
  }
  try {
    await model.config(configSchema);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    log.warn(error.message);
    model.unitStatus.set({ name: 'blocked', message: error.message });
    return;
  }
  model.unitStatus.set({ name: 'active', message: '' });
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
const isLogLevel = (value: string | undefined): value is (typeof LOG_LEVELS)[number] =>
  (LOG_LEVELS as readonly (string | undefined)[]).includes(value);

/**
 * The minimal charm: parses the Juju context, routes to the action handler,
 * teardown or reconcile, flushes the model, and reports any failure as one
 * line on stderr with exit code 1 (the stack goes to DEBUG).
 */
export const main: CharmMain = async (host) => {
  const stderr = host.stderr ?? process.stderr;
  let context: JujuContext;
  try {
    context = parseJujuContext(host.env);
  } catch (error) {
    stderr.write(`charm: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const requested = host.env['CHARM_LOG_LEVEL'];
  const level = isLogLevel(requested) ? requested : 'info';
  const { logger, flush } = createJujuLogger({ tools: host.tools, stderr, level });
  const event = context.event;
  const where = event.kind === 'action' ? `action ${event.name}` : `hook ${event.name}`;
  try {
    logger.info(`handling ${where}`);
    const model = new Model(context, host.tools);
    if (event.kind === 'action') await handleAction(model, event, logger);
    else if (isTeardown(context)) await teardown(model, logger);
    else await reconcile(model, logger);
    await model.flush();
    return 0;
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const message = text.trim().replace(/\s*\n\s*/g, '; ');
    logger.debug({ err: error }, `${where} failed`);
    stderr.write(`charm: ${where} failed: ${message}\n`);
    logger.error(`${where} failed: ${message}`);
    return 1;
  } finally {
    await flush();
  }
};
