/**
 * `client-cas` (interface `certificate_transfer`): extra CAs whose client
 * certificates every member trusts, for example an external Kubernetes
 * client's (reference charmed-etcd-relations.md 2.6). As the v1 library does,
 * the requirer writes `version: 1` in its app bag and reads the provider's
 * app bag `certificates` (a JSON list of PEMs), falling back to the v0 shape
 * (each provider unit's `ca`, `certificate` and `chain`). The leader records
 * the set in the peer app bag (`client_cas`); every unit's client trust
 * bundle then holds them, applied by a rolling restart.
 */
import { z } from 'zod';
import type { Logger } from '../../lib/juju/index.js';
import type { Model, Relation } from '../../lib/juju/index.js';
import { splitPemBlocks } from './pem.js';
import { normalisePem } from './trust-bundle.js';
import { parseCertificate } from './x509.js';
import { CLIENT_CAS_ENDPOINT } from './endpoints.js';
import { APP_KEYS } from '../charm/peers.js';


const PemList = z.array(z.string());

const jsonList = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    const parsed = PemList.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/** The certificates one provider publishes: v1 app bag first, else every unit's v0 fields. */
async function providedBy(relation: Relation): Promise<string[]> {
  const app = await (await relation.remoteAppData()).read();
  const v1 = jsonList(app['certificates']);
  if (v1 !== undefined) return v1;
  const units = await relation.units();
  const bags = await Promise.all(units.map((u) => relation.unitData(u).read()));
  return bags.flatMap((bag) => [bag['ca'], bag['certificate'], ...(jsonList(bag['chain']) ?? [])].filter((p): p is string => p !== undefined && p !== ''));
}

/** Every certificate the `client-cas` providers publish, parsed and de-duplicated in a stable order; unreadable ones are logged and left out. */
export async function readClientCas(relations: readonly Relation[], log: Logger): Promise<string[]> {
  const found = new Set<string>();
  for (const relation of relations) {
    for (const text of await providedBy(relation)) {
      for (const block of splitPemBlocks(text)) {
        try {
          parseCertificate(block);
          found.add(normalisePem(block));
        } catch (error) {
          log.warn(`client-cas relation ${relation.id}: ignoring a certificate that cannot be read: ${(error as Error).message}`);
        }
      }
    }
  }
  return [...found].sort();
}

/** Leader: the v1 hint in our app bag (written only when missing: a write wakes the provider). */
export async function announceVersion(relations: readonly Relation[]): Promise<void> {
  for (const relation of relations) if ((await relation.localAppData.get('version')) !== '1') relation.localAppData.set('version', '1');
}

/** The live `client-cas` relations (the one this hook breaks left out). */
export async function clientCasRelations(model: Model): Promise<Relation[]> {
  const event = model.context.event;
  const broken = event.kind === 'hook' && event.name === `${CLIENT_CAS_ENDPOINT}-relation-broken` ? event.relation?.idString : undefined;
  return (await model.relations(CLIENT_CAS_ENDPOINT)).filter((r) => r.idString !== broken);
}

export type ClientCasStep = { readonly kind: 'unchanged' } | { readonly kind: 'recorded'; readonly cas: readonly string[] } | { readonly kind: 'deferred'; readonly why: 'refresh' | 'tls' };

/**
 * Leader: records what the providers publish in `client_cas` when it changed,
 * unless a refresh runs or client TLS is not on everywhere (the change then
 * waits, as Canonical's charm defers it). `peer` is the peer relation.
 */
export async function syncClientCas(
  model: Model,
  peer: Relation,
  recorded: readonly string[],
  gate: { readonly refreshInProgress: boolean; readonly clientTlsEverywhere: boolean },
  log: Logger,
): Promise<ClientCasStep> {
  const relations = await clientCasRelations(model);
  await announceVersion(relations);
  const cas = await readClientCas(relations, log);
  if (JSON.stringify(cas) === JSON.stringify([...recorded].map(normalisePem).sort())) return { kind: 'unchanged' };
  if (gate.refreshInProgress) return { kind: 'deferred', why: 'refresh' };
  if (!gate.clientTlsEverywhere) return { kind: 'deferred', why: 'tls' };
  peer.localAppData.set(APP_KEYS.clientCas, cas.length === 0 ? undefined : JSON.stringify(cas));
  log.info(`client-cas: the client trust bundle now holds ${cas.length} extra CA(s); units restart in turn`);
  return { kind: 'recorded', cas };
}
