/**
 * Starting etcd on restored data, and proving it works: the root password
 * the restored keyspace holds (a snapshot carries etcd's users; Canonical's
 * docs have the operator set `system-users` to the source cluster's), auth
 * on, and the member healthy.
 */
import type { CharmHook, SelfMember } from '../charm/charm-hook.js';
import { currentPassword, desiredPassword, rootCredentials } from '../charm/credentials.js';
import type { AppState, ClusterMember } from '../charm/peers.js';
import { configInput } from '../cluster/etcd-config-input.js';
import { enableAuth } from '../cluster/first-start.js';
import { EtcdAuthFailedError } from '../etcd/errors/auth-failed-error.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { ETCD_SERVICE } from '../etcd/paths.js';
import { writeConfigIfChanged } from '../etcd/workload.js';

/** Writes etcd.conf.yml for `members` (etcd ignores them on existing data, but the file must name this member) and starts etcd, enabled. */
export async function startOnData(scope: CharmHook, self: SelfMember, cluster: { readonly members: readonly ClusterMember[]; readonly token: string | undefined; readonly state: 'new' | 'existing' }): Promise<void> {
  const config = await scope.config();
  if (!config.ok) throw new Error(`cannot render etcd's config: ${config.message}`);
  await writeConfigIfChanged(scope.paths, await configInput(scope, self, config.config.tuning, cluster));
  await scope.effects.snap.start(ETCD_SERVICE, { enable: true });
}

/** The passwords to try, configured first: `system-users` (if set and readable), then the one etcd had. */
export async function passwordCandidates(scope: CharmHook, app: AppState): Promise<string[]> {
  const config = await scope.config();
  const wanted = config.ok ? await desiredPassword(scope.model, config.config.systemUsers, scope.log) : undefined;
  const current = await currentPassword(scope.model, app);
  const all = [wanted?.ok === true ? wanted.password : undefined, current].filter((p): p is string => p !== undefined);
  return [...new Set(all)];
}

export type AuthOutcome = { readonly ok: true; readonly password: string } | { readonly ok: false; readonly reason: string };

/**
 * Waits (up to `timeoutMs`) for the member at `endpoint` to answer with a
 * raft leader as root with one of `candidates`, then makes sure auth is on
 * with a root user (created with the first candidate when the snapshot had
 * none). Resolves with the password that works.
 */
export async function settleAuth(scope: CharmHook, endpoint: string, candidates: readonly string[], timeoutMs = 60_000): Promise<AuthOutcome> {
  const { effects } = scope;
  if (candidates.length === 0) return { ok: false, reason: 'no root password is configured' };
  const deadline = effects.now() + timeoutMs;
  const refused = new Set<string>();
  let last = 'no answer';
  for (;;) {
    for (const password of candidates) {
      if (refused.has(password)) continue;
      const client = scope.client([endpoint], rootCredentials(password));
      try {
        const status = await client.status(endpoint);
        if (status.leaderId === undefined) {
          last = 'no raft leader yet';
          break;
        }
        await enableAuth(client, password);
        return { ok: true, password };
      } catch (error) {
        if (error instanceof EtcdAuthFailedError) refused.add(password);
        else if (!(error instanceof EtcdError)) throw error;
        last = error.message;
      }
    }
    if (refused.size === candidates.length) {
      return { ok: false, reason: "the restored keyspace's root user has none of the configured passwords; set system-users to the source cluster's root password" };
    }
    if (effects.now() >= deadline) return { ok: false, reason: last };
    await effects.sleep(1000);
  }
}

/**
 * Polls (up to `timeoutMs`) until the member at `endpoint` answers /health (a
 * read through raft) as healthy; resolves with why not when it never did.
 */
export async function waitHealthy(scope: CharmHook, endpoint: string, password: string, timeoutMs = 30_000): Promise<string | undefined> {
  const { effects } = scope;
  const deadline = effects.now() + timeoutMs;
  const client = scope.client([endpoint], rootCredentials(password));
  for (;;) {
    let why: string;
    try {
      const health = await client.health(endpoint);
      if (health.health) return undefined;
      why = `unhealthy: ${health.reason || 'no reason given'}`;
    } catch (error) {
      if (!(error instanceof EtcdError)) throw error;
      why = error.message;
    }
    if (effects.now() >= deadline) return why;
    await effects.sleep(1000);
  }
}
