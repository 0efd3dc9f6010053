import type { Logger } from 'pino';
import { parseJujuContext } from '../lib/juju/context.js';
import type { JujuContext } from '../lib/juju/context.js';
import type { CharmMain, HookHost } from '../lib/juju/host.js';
import { createJujuLogger } from '../lib/juju/log.js';
import { Model } from '../lib/juju/model.js';
import { handleAction } from './actions.js';
import type { CharmEffects } from './effects.js';
import { HookScope } from './hook-scope.js';
import { reconcile } from './reconcile.js';
import { NO_REFRESH } from './refresh-step.js';
import type { RefreshOutcome } from './refresh-step.js';
import { leaveCluster } from './teardown.js';

/** Hooks in which the unit is going away: teardown, never reconcile. */
const TEARDOWN = /^(?:stop|remove|data-storage-detaching)$/;

/** Whether this hook tears the unit down (including this unit's own `-relation-departed`). */
export const isTeardown = (context: JujuContext): boolean =>
  context.event.kind === 'hook' &&
  (TEARDOWN.test(context.event.name) || context.event.relation?.departingUnit === context.unitName);

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
const isLogLevel = (value: string | undefined): value is (typeof LOG_LEVELS)[number] =>
  (LOG_LEVELS as readonly (string | undefined)[]).includes(value);

/** Routes one event: refresh step first, then action | teardown | reconcile. */
async function route(model: Model, effects: CharmEffects, log: Logger): Promise<void> {
  const scope = new HookScope(model, effects, log);
  const refresh: RefreshOutcome = effects.refresh === undefined ? NO_REFRESH : await effects.refresh({ model, log });
  const event = model.context.event;
  if (event.kind === 'action') {
    if (refresh.actionHandled !== true) await handleAction(scope, event);
    return;
  }
  if (isTeardown(model.context)) {
    log.info(`${model.unitName} is being torn down (${event.name})`);
    await leaveCluster(scope);
    return;
  }
  if (refresh.stop === true) {
    if (refresh.unitStatus !== undefined) model.unitStatus.set(refresh.unitStatus);
    if (refresh.appStatus !== undefined && (await model.isLeader())) model.appStatus.set(refresh.appStatus);
    return;
  }
  await reconcile(scope, refresh);
}

/**
 * The etcd charm. `makeEffects` builds the effects for one hook from the
 * host (src/main.ts: real snap and etcd; tests: fakes). Parses the Juju
 * context, routes the event, flushes the model, and reports a failure as one
 * line on stderr and exit code 1 (Juju then retries the hook); the stack goes to DEBUG.
 */
export function createCharm(makeEffects: (host: HookHost) => CharmEffects): CharmMain {
  return async (host) => {
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
      logger.debug(`handling ${where}`);
      const model = new Model(context, host.tools);
      await route(model, makeEffects(host), logger);
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
}
