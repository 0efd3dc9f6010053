/**
 * The core's queued hooks (lib/juju/testing/fake-juju/core/events.ts, Juju's event
 * sequences written once) as harness events, so the harness World runs Juju's
 * removal and refresh sequences in the core's order rather than its own.
 */
import type { Context, HarnessEvent, PeerRelation } from '../../../../lib/juju/testing/index.js';
import type { QueuedHook } from '../../../../lib/juju/testing/fake-juju/core/types.js';
import { DATA_STORAGE } from './world-fixtures.js';

const unitNumber = (name: string | undefined): number => Number((name ?? '').split('/')[1]);

/** The harness event for `hook` on a unit whose peer relation (the one the core's relation hooks name) is `relation`. */
export const harnessEvent = (ctx: Context, hook: QueuedHook, relation: PeerRelation): HarnessEvent => {
  const name = hook.name;
  if (name.endsWith('-relation-departed')) {
    return ctx.on.relationDeparted(relation, { remoteUnit: unitNumber(hook.remoteUnit), ...(hook.departingUnit === undefined ? {} : { departingUnit: hook.departingUnit }) });
  }
  if (name.endsWith('-storage-detaching')) return ctx.on.storageDetaching(DATA_STORAGE);
  const simple: Record<string, (c: Context) => HarnessEvent> = {
    install: (c) => c.on.install(),
    'upgrade-charm': (c) => c.on.upgradeCharm(),
    start: (c) => c.on.start(),
    'config-changed': (c) => c.on.configChanged(),
    'update-status': (c) => c.on.updateStatus(),
    'leader-elected': (c) => c.on.leaderElected(),
    stop: (c) => c.on.stop(),
    remove: (c) => c.on.remove(),
  };
  const make = simple[name];
  if (!make) throw new Error(`the harness World cannot run ${name}`);
  return make(ctx);
};
