/** The operator of the refresh model: deploys, follows the app status, and sees a refresh through. */
import { REFRESH_APP_KEYS } from '../../../../../lib/refresh/constants.js';
import { Faults } from './faults.js';
import { APP, type CharmRev } from './fixtures.js';
import { releaseByRevision } from './releases.js';
import { RefreshWorld } from './world.js';

/** A deployed world whose hooks have all run. */
export const deploy = (size: number, release: CharmRev, faults = new Faults()): RefreshWorld => {
  const world = new RefreshWorld(size, release, faults);
  world.drain();
  return world;
};

/** What an operator who follows the app status does next; returns whether they did anything. */
export const followStatus = (world: RefreshWorld, rollBack: boolean): boolean => {
  const message = world.appStatus?.message ?? '';
  if (message.startsWith('pause-after-unit-refresh config must be set')) {
    world.configure('first');
    return true;
  }
  const resume = /run `resume-refresh` on unit (\d+)/.exec(message);
  if (resume) {
    const outcome = world.runAction(`${APP}/${resume[1]}`, 'resume-refresh');
    if (outcome?.status === 'failed' && !outcome.message?.startsWith('Failed to refresh snap')) {
      world.violations.push(`app status "${message}" named an action that failed: ${outcome.message ?? ''}`);
    }
    // A refused snap refresh changed nothing: the operator moves on (to a rollback) rather than repeat it.
    return outcome?.status !== 'failed';
  }
  const rollback = /`juju refresh --revision (\w+)`/.exec(message);
  if (rollback && rollBack) {
    const release = releaseByRevision(Number(rollback[1]));
    if (!release) {
      world.violations.push(`rollback revision ${rollback[1]} is unknown`);
      return false;
    }
    if (release.revision === world.deployed.revision) return false;
    world.jujuRefresh(release);
    return true;
  }
  return false;
};

/**
 * A unit blocked by the charm's refusal (its status: "Cannot refresh to etcd ...")
 * while the app status names no rollback (pause-after-unit-refresh=none): the
 * operator rolls back to the revision the refresh started from.
 */
const rollBackOnRefusal = (world: RefreshWorld): boolean => {
  const original = world.appBag[REFRESH_APP_KEYS.charmRevision];
  if (original === undefined || !world.live().some((unit) => unit.refusal !== undefined)) return false;
  const release = releaseByRevision(Number((JSON.parse(original) as string).split('-').pop()));
  if (release === undefined || release.revision === world.deployed.revision) return false;
  world.jujuRefresh(release);
  return true;
};

/**
 * The operator keeps following the status (and time passes) until the refresh or
 * rollback completes; then etcd must not be left with a downgrade enabled. Faults stop.
 */
export const finish = (world: RefreshWorld): void => {
  world.faults.enabled = false;
  let idle = 0;
  for (let round = 0; round < 60; round += 1) {
    world.drain();
    if (world.completed() && world.appStatus === undefined) {
      // With a member down (a broken unit) etcd cannot end the downgrade yet; with all up it has ended (or the leader cancelled) it.
      if (world.etcd.downgradeTo !== undefined && world.members().every((m) => m.up)) {
        world.violations.push(`etcd downgrade to 3.${world.etcd.downgradeTo} left enabled, every member on ${world.deployed.workload}`);
      }
      return;
    }
    if (followStatus(world, false)) {
      idle = 0;
      continue;
    }
    world.tick();
    idle += 1;
    if (idle >= 2 && (followStatus(world, true) || rollBackOnRefusal(world))) idle = 0;
    if (idle > 4) break;
  }
  world.violations.push(`did not complete: app status ${JSON.stringify(world.appStatus)}`);
};

export const describeWorld = (world: RefreshWorld): string =>
  [
    ...world.trace.slice(-60),
    `etcd cluster ${world.etcd.key()}`,
    ...world.live().map((u) => `${u.name} code=${u.code.revision} snap=${u.snap} up=${u.workloadUp} bag=${JSON.stringify(u.bag)}`),
  ].join('\n');
