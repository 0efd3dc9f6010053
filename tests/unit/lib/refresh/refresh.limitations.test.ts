/**
 * Behaviour of the refresh core that the random exploration reaches with longer
 * move sequences (fast-check `size: 'medium'`), kept as it is because it is the
 * reference's: a refresh completes once every unit in the relation runs the
 * pinned snap, healthy or not, and the original versions then name the new
 * release. Asserted as it stands, so that a change shows here.
 */
import { describe, expect, test } from 'vitest';
import { REFRESH_APP_KEYS } from '../../../../lib/refresh/constants.js';
import { APP } from './support/fixtures.js';
import { deploy } from './support/operator.js';
import { RELEASES } from './support/releases.js';

describe('refresh core limitations (reference behaviour)', () => {
  test('a unit alone in the relation (one leaving, one not joined yet) completes a refresh to a release that never starts', () => {
    const world = deploy(2, RELEASES.A);
    world.jujuRefresh(RELEASES.C);
    world.addUnit(); // charmed-etcd/2 gets C's code and will install C's snap
    world.removeUnit(`${APP}/1`);
    world.drain();
    expect(world.violations).toEqual([]);
    expect(world.live().map((unit) => [unit.snap, unit.workloadUp])).toEqual([
      [RELEASES.C.snap, false],
      [RELEASES.C.snap, false],
    ]);
    // Completed: C is now what a rollback would go back to.
    expect(world.appBag[REFRESH_APP_KEYS.charmRevision]).toBe(JSON.stringify(`ch:amd64/noble/${APP}-${RELEASES.C.revision}`));
    world.jujuRefresh(RELEASES.A);
    world.drain();
    expect(world.appStatus?.message).toBe(`Refresh incompatible. Rollback with \`juju refresh --revision ${RELEASES.C.revision}\``);
  });
});
