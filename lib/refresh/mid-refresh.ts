import type { Model } from '../juju/model.js';
import { REFRESH_ENDPOINT, REFRESH_UNIT_KEYS } from './constants.js';

/**
 * The other units whose refreshed snap has not passed the health gate yet:
 * they recorded an installed snap revision but have not opened their gate
 * (reference §1.2 keys). For a charm's teardown, which must not shrink the
 * cluster while one of the rest may be down or catching up. Empty without
 * the refresh relation.
 */
export async function unitsMidRefresh(model: Model): Promise<readonly string[]> {
  const relation = await model.relation(REFRESH_ENDPOINT);
  if (relation === undefined) return [];
  const busy: string[] = [];
  for (const unit of await relation.units()) {
    if (unit === model.unitName) continue;
    const bag = await relation.unitData(unit).read();
    const revision = bag[REFRESH_UNIT_KEYS.installedSnapRevision];
    if (revision === undefined || revision === '') continue;
    // The gate value is JSON-encoded: `true` opens it, anything else keeps it shut.
    if (bag[REFRESH_UNIT_KEYS.gate] !== 'true') busy.push(unit);
  }
  return busy;
}
