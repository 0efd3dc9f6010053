/**
 * Secret revision expiry as Juju's secretexpire worker runs it: `secret-expired`
 * on the owner once a revision's expire time passes, with the revision, again
 * every 5 minutes until the charm removes that revision.
 */
import { describe, expect, it } from 'vitest';
import type { QueuedHook } from '../../../../lib/juju/testing/fake-juju/core/index.js';
import { Driver, charm } from './driver.js';

const app = charm('app', { peers: { cluster: { interface: 'app-peers' } } });
const MINUTE = 60_000;

type Seen = { unit: string; revision: number | undefined; label: string | undefined; at: number };

/** Deploys `units` units and records every secret-expired; `onExpired` runs inside that hook. */
function deploy(units: number, onExpired: (tool: (name: string, ...args: string[]) => string, event: QueuedHook) => void = () => {}) {
  const d = new Driver();
  const seen: Seen[] = [];
  let changes = 0;
  d.send({ kind: 'deploy', app: 'app', ...app, units });
  d.settle();
  const script = (act: (unit: string, tool: (name: string, ...args: string[]) => string) => void) => {
    d.script = (unit, event, tool) => {
      if (event.kind !== 'hook') return;
      if (event.name === 'secret-expired') {
        seen.push({ unit, revision: event.secretRevision, label: event.secretLabel, at: d.now });
        onExpired(tool, event);
        return;
      }
      if (event.name === 'config-changed') act(unit, tool);
    };
    d.send({ kind: 'config', app: 'app', set: { greeting: `change ${(changes += 1)}` }, reset: [] });
    d.settle();
  };
  return { d, seen, script };
}

describe('secret expiry', () => {
  it('runs secret-expired on the owning unit once the revision expires, and again every 5 minutes until it is removed', () => {
    let removeOnRetry = false;
    const { d, seen, script } = deploy(2, (tool, event) => {
      if (removeOnRetry) tool('secret-remove', `secret:${event.secretId}`, '--revision', String(event.secretRevision));
    });
    const start = d.now;
    script((unit, tool) => {
      if (unit === 'app/1') tool('secret-add', '--owner', 'unit', '--label', 'cert', '--expire', '10m', 'certificate=one');
    });
    expect(seen).toEqual([]);
    expect(d.timer('secret-expiry')).toBe(start + 10 * MINUTE);

    expect(d.fire('secret-expiry')).toBe(true);
    d.settle();
    expect(seen).toEqual([{ unit: 'app/1', revision: 1, label: 'cert', at: start + 10 * MINUTE }]);

    // Not removed: Juju queues the hook again after ExpireRetryDelay.
    expect(d.timer('secret-expiry')).toBe(start + 15 * MINUTE);
    removeOnRetry = true;
    d.fire('secret-expiry');
    d.settle();
    expect(seen.map((s) => s.at)).toEqual([start + 10 * MINUTE, start + 15 * MINUTE]);
    expect(d.model.secrets.filter((s) => s.label === 'cert')).toEqual([]);
    // The timer armed when it was queued again stays; firing it finds nothing due.
    expect(d.timer('secret-expiry')).toBe(start + 20 * MINUTE);
    d.fire('secret-expiry');
    d.settle();
    expect(seen).toHaveLength(2);
  });

  it('runs an app-owned secret\'s expiry on the leader only', () => {
    const { d, seen, script } = deploy(3);
    script((unit, tool) => {
      if (unit === 'app/0') tool('secret-add', '--label', 'shared', '--expire', '1h', 'token=abc');
    });
    d.fire('secret-expiry');
    d.settle();
    expect(seen.map((s) => [s.unit, s.revision])).toEqual([['app/0', 1]]);
  });

  it('keeps expiry per revision: a new revision expires only when told, and --expire alone moves the latest one', () => {
    const { d, seen, script } = deploy(1);
    const start = d.now;
    let uri = '';
    script((_unit, tool) => {
      uri = tool('secret-add', '--owner', 'unit', '--label', 'k', '--expire', '10m', 'value=one').trim();
    });
    script((_unit, tool) => {
      tool('secret-set', uri, 'value=two');
    });
    const secret = () => d.model.secrets.find((s) => s.label === 'k')!;
    expect(secret().revisions.map((r) => [r.revision, r.expire !== undefined])).toEqual([[1, true], [2, false]]);
    expect(secret().expire).toBeUndefined(); // what secret-info-get shows is the latest revision's
    d.fire('secret-expiry');
    d.settle();
    expect(seen.map((s) => s.revision)).toEqual([1]);

    const before = d.now;
    script((_unit, tool) => {
      tool('secret-set', uri, '--expire', '20m');
    });
    expect(secret().revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect(Date.parse(secret().revisions[1]!.expire!)).toBe(before + 20 * MINUTE);
    expect(secret().expire).toBe(secret().revisions[1]!.expire);
    expect(start).toBeLessThan(before);
  });

  it('does not expire user secrets (no charm owns them)', () => {
    const { d } = deploy(1);
    d.send({ kind: 'add-secret', name: 'creds', content: { password: 'x' } });
    expect(d.timer('secret-expiry')).toBeUndefined();
  });
});
