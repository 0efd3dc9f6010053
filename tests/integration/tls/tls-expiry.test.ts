/**
 * A certificate about to expire, as Canonical's charm shows it: with the
 * provider issuing certificates valid 12 hours, every unit is blocked with
 * `TLS peer certificates expiring soon. Please ensure new certificates are
 * provided` (the check is `openssl x509 -checkend 86400`); once the
 * provider issues longer ones (here from a new CA, as a
 * new `ca-common-name` makes self-signed-certificates do) the status clears.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSimModel } from '../../sim/testing.js';
import { allActive, settle } from '../support/steps.js';
import { APP, PROVIDER, deployWithTls, expectSchemes, ok } from './tls-cluster.js';

const model = useSimModel({ units: 0 });
const EXPIRING = 'TLS peer certificates expiring soon. Please ensure new certificates are provided';

describe('certificates about to expire', () => {
  it('blocks every unit with Canonical\'s text, and clears once new certificates come', async () => {
    const sim = model();
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-expiry-'));
    await deployWithTls(sim, dir, 2, ['certificate-validity=12', 'validity-unit=hours']);
    const blocked = await settle(sim, (s) => Object.values(s.applications[APP]?.units ?? {}).length === 2 && Object.values(s.applications[APP]!.units).every((u) => u.message === EXPIRING), 600_000);
    for (const [unit, u] of Object.entries(blocked.applications[APP]!.units)) expect({ unit, status: u['workload-status'] }).toEqual({ unit, status: 'blocked' });

    await ok(sim.sim('config', '--app', PROVIDER, 'certificate-validity=90', 'validity-unit=days', 'ca-common-name=longer-lived'));
    await settle(sim, allActive, 600_000);
    await expectSchemes(sim, 'https', 'https');
  });
});
