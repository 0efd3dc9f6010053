import type { Logger } from '../../lib/juju/index.js';
import { createJujuLogger, Model, parseJujuContext } from '../../lib/juju/index.js';
import type { CharmMain, HookHost, HookToolRunner, JujuContext } from '../../lib/juju/index.js';
import type { CharmEffects } from './effects.js';
import { PEER_ENDPOINT } from './peers.js';
import { REFRESH_ENDPOINT } from '../../lib/refresh/index.js';
import { CharmHook } from './charm-hook.js';
import { reconcile } from '../cluster/reconcile.js';
import type { CharmStatus } from './status.js';
import type { RefreshOutcome, RefreshStep } from '../refresh/step.js';
import { applyHookStatus, resolveHookStatus } from './status-resolver.js';
import { backupStep } from '../backup/backup-step.js';

/** Hooks in which the unit is going away: teardown, never reconcile. */
const TEARDOWN = /^(?:stop|remove|(?:data|logs|archive)-storage-detaching)$/;

/** Whether this hook tears the unit down (including this unit's own `-relation-departed`). */
export const isTeardown = (context: JujuContext): boolean =>
  context.event.kind === 'hook' &&
  (TEARDOWN.test(context.event.name) || context.event.relation?.departingUnit === context.unitName);

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
const isLogLevel = (value: string | undefined): value is (typeof LOG_LEVELS)[number] =>
  (LOG_LEVELS as readonly (string | undefined)[]).includes(value);

/** What the hook must do after flushing: exit non-zero (with this reason) so Juju retries it. */
type RouteResult = { readonly retry?: string | undefined };

/** Routes one event: refresh step first, then action | teardown | reconcile. */
async function route(model: Model, parts: CharmParts, host: HookHost, log: Logger): Promise<RouteResult> {
  const tools: HookToolRunner = host.tools;
  const scope = new CharmHook(model, parts.effects(host), log);
  const refresh: RefreshOutcome = await parts.refresh({ scope, tools });
  const event = model.context.event;
  if (event.kind === 'action') {
    // Actions and teardown are loaded only by the events that run them (chunks of their own).
    if (refresh.actionHandled !== true) await (await import('./actions.js')).handleAction(scope, event, refresh);
    return { retry: refresh.failHook };
  }
  if (isTeardown(model.context)) {
    log.info(`${model.unitName} is being torn down (${event.name})`);
    const { leaveCluster } = await import('../cluster/teardown.js');
    const left = await leaveCluster(scope, refresh);
    await applyHookStatus(model, resolveHookStatus({ kind: 'teardown', deferred: left.deferred }));
    return { retry: left.deferred };
  }
  if (refresh.stop === true || refresh.failHook !== undefined) {
    // Not ready, or a failed snap refresh: show why and let a later (or the retried) hook go on.
    const config = await scope.config();
    const configProblem: CharmStatus | undefined = config.ok ? undefined : { name: 'blocked', message: config.message };
    // The peer relation is looked up only when it decides the status.
    const hasPeerRelation = configProblem === undefined && refresh.awaitingUnits === true ? (await scope.peer()) !== undefined : true;
    await applyHookStatus(model, resolveHookStatus({ kind: 'held', refresh, configProblem, hasPeerRelation }));
    return { retry: refresh.failHook };
  }
  const reconciled = await reconcile(scope, refresh);
  const backup = await backupStep(scope);
  await applyHookStatus(model, resolveHookStatus({ kind: 'reconciled', refresh, ...reconciled, backup }));
  return { retry: reconciled.retry };
}

/** What the charm is built from: the effects for one hook, and the refresh step run first on every event. */
export interface CharmParts {
  /** Builds the effects from the host (src/main.ts: real snap and etcd; tests: fakes). */
  readonly effects: (host: HookHost) => CharmEffects;
  readonly refresh: RefreshStep;
}

/**
 * The etcd charm. `parts.effects` builds the effects for one hook from the
 * host (src/main.ts: real snap and etcd; tests: fakes). Parses the Juju
 * context, routes the event, flushes the model, and reports a failure as one
 * line on stderr and exit code 1 (Juju then retries the hook); the stack goes to DEBUG.
 */
export function createCharm(parts: CharmParts): CharmMain {
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
      // Both peer relations live as long as the application: their ids need asking once.
      const model = new Model(context, host.tools, { peerEndpoints: [PEER_ENDPOINT, REFRESH_ENDPOINT] });
      const result = await route(model, parts, host, logger);
      // Flushed even when the hook then fails: statuses and action results reach Juju at once.
      await model.flush();
      if (result.retry !== undefined) {
        stderr.write(`charm: ${where} failed: ${result.retry}\n`);
        logger.error(`${where} failed: ${result.retry}`);
        return 1;
      }
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
