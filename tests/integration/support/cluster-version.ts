/**
 * What etcd itself says about a simulated application's cluster: the cluster
 * version, and the downgrade its 3.6+ members report, asked as root (auth is on).
 */
import { EtcdClient } from '../../../src/etcd/client.js';
import { eventually } from '../etcd/etcd-process.js';
import type { StatusJson } from '../../sim/status.js';
import type { SimModel } from '../../sim/testing.js';
import { APP, rootPassword } from './model-state.js';

export const UNITS3 = [`${APP}/0`, `${APP}/1`, `${APP}/2`];

const clientUrl = (s: StatusJson, unit: string): string => `http://${s.units[unit]?.address ?? ''}:2379`;

/** A root client to every unit of `units` as `sim status` lists them. */
export async function rootClient(model: SimModel, units: readonly string[] = UNITS3): Promise<EtcdClient> {
  const s = await model.status();
  return new EtcdClient({ endpoints: units.map((u) => clientUrl(s, u)), credentials: { user: 'root', password: rootPassword(model) } });
}

/** The cluster version etcd reports ("3.6.0"); undefined while undecided. */
export async function clusterVersion(model: SimModel): Promise<string | undefined> {
  return (await rootClient(model)).clusterVersion();
}

/** Waits until etcd reports cluster version `want`: its leader moves it on its own schedule. */
export async function clusterVersionBecomes(model: SimModel, want: string): Promise<string | undefined> {
  return eventually(async () => {
    const v = await clusterVersion(model);
    if (v !== want) throw new Error(`cluster version ${v}, want ${want}`);
    return v;
  }, 120_000);
}

/** The downgrade target each unit's member reports ("3.5.0"); undefined where none is enabled or the member is 3.5. */
export async function downgradeTargets(model: SimModel, units: readonly string[] = UNITS3): Promise<(string | undefined)[]> {
  const s = await model.status();
  const client = await rootClient(model, units);
  return Promise.all(units.map(async (u) => (await client.status(clientUrl(s, u))).downgradeTarget));
}
