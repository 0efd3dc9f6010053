/**
 * The `etcd-client` relations as the leader sees them in one hook: each
 * requirer's requests, with the client certificate each names read from the
 * requirer's secret (or inline, across models) and checked as a leaf.
 */
import type { Logger } from '../../lib/juju/index.js';
import { isHookToolError, isSecretNotFoundError } from '../../lib/juju/index.js';
import type { Model, Relation } from '../../lib/juju/index.js';
import type { LeafCheck } from './leaf.js';
import { checkClientLeaf } from './leaf.js';
import type { ResolvedRequest } from './plan.js';
import type { ClientRequest } from './requests.js';
import { readRequests } from './requests.js';
import { CLIENT_ENDPOINT } from './endpoint.js';


export interface ClientRelation {
  readonly relation: Relation;
  readonly remoteApp: string;
  readonly requests: readonly ResolvedRequest[];
  /** Why the requirer's databag could not be read as requests; undefined when it could. */
  readonly malformed: string | undefined;
}

/** The hook is this relation's `-broken`: Juju may still list it, but it is going. */
export const isBrokenNow = (model: Model, relation: Relation): boolean => {
  const event = model.context.event;
  return event.kind === 'hook' && event.name === `${CLIENT_ENDPOINT}-relation-broken` && event.relation?.idString === relation.idString;
};

/** The requirer's certificate for `request`, checked; undefined when none is named or its secret cannot be read. */
async function certificateOf(model: Model, request: ClientRequest, log: Logger): Promise<LeafCheck | undefined> {
  const where = request.certificate;
  if (where === undefined) return undefined;
  if ('inline' in where) return checkClientLeaf(where.inline);
  try {
    // The requirer renews by a new revision of the same secret: always read the latest.
    const content = await model.secrets.get({ id: where.secret, refresh: true });
    return checkClientLeaf(content['mtls-cert']);
  } catch (error) {
    if (!isSecretNotFoundError(error) && !isHookToolError(error)) throw error;
    log.warn(`etcd-client relation ${request.relationId}: cannot read the client certificate secret ${where.secret}: ${(error as Error).message}`);
    return undefined;
  }
}

/** Every live `etcd-client` relation (`relations`: those on the endpoint) with what its requirer asks. */
export async function readClientRelations(model: Model, log: Logger, relations: readonly Relation[]): Promise<ClientRelation[]> {
  const live = relations.filter((r) => !isBrokenNow(model, r));
  return Promise.all(
    live.map(async (relation) => {
      const [remoteApp, bag] = await Promise.all([relation.remoteApp(), relation.remoteAppData().then((d) => d.read())]);
      const read = readRequests(relation.id, bag);
      if (!read.ok) {
        log.warn(`etcd-client relation ${relation.id} (${remoteApp}): ${read.reason}`);
        return { relation, remoteApp, requests: [], malformed: read.reason };
      }
      const requests = await Promise.all(read.requests.map(async (request) => ({ request, leaf: await certificateOf(model, request, log) })));
      return { relation, remoteApp, requests, malformed: undefined };
    }),
  );
}
