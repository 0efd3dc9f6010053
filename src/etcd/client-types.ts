import type { FetchLike } from './gateway.js';

/** A user name and password for etcd's auth. Kept out of URLs, argv and logs. */
export interface EtcdCredentials {
  readonly user: string;
  readonly password: string;
}

export interface EtcdClientOptions {
  /** Client URLs (`http://<ip>:2379`), tried in order for requests any member can answer. */
  readonly endpoints: readonly string[];
  /** When given, the client authenticates before its first request (auth off is detected and tolerated). */
  readonly credentials?: EtcdCredentials | undefined;
  /** Per-request timeout; default {@link DEFAULT_TIMEOUT_MS}. */
  readonly timeoutMs?: number | undefined;
  /** Defaults to the global `fetch`. */
  readonly fetch?: FetchLike | undefined;
  /**
   * Tokens shared with other clients (one hook's): a client with the same
   * credentials reuses the token rather than authenticating again.
   */
  readonly tokens?: TokenCache | undefined;
}

/**
 * Auth tokens by user and password, for the clients of one hook. Every
 * authentication costs etcd a bcrypt of the password (tens of ms), and a
 * reconcile makes several clients as root; etcd applies a token through raft,
 * so one token serves them all, whichever member each talks to. A refused
 * token is forgotten by the client that met it (see client-session.ts).
 */
export class TokenCache {
  readonly #tokens = new Map<string, Promise<string | null>>();

  static #key(credentials: EtcdCredentials): string {
    return `${credentials.user}\u0000${credentials.password}`;
  }

  get(credentials: EtcdCredentials): Promise<string | null> | undefined {
    return this.#tokens.get(TokenCache.#key(credentials));
  }

  /** Remembers the authentication under way; forgets it if it fails. */
  set(credentials: EtcdCredentials, token: Promise<string | null>): void {
    const key = TokenCache.#key(credentials);
    this.#tokens.set(key, token);
    token.catch(() => {
      if (this.#tokens.get(key) === token) this.#tokens.delete(key);
    });
  }

  /** Forgets `token` (or whatever is held for `credentials` when no token is named). */
  drop(credentials: EtcdCredentials, token?: Promise<string | null>): void {
    const key = TokenCache.#key(credentials);
    if (token === undefined || this.#tokens.get(key) === token) this.#tokens.delete(key);
  }
}

/** Enough for a healthy local etcd many times over, short enough that a hook with a dead member moves on. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** `status` of one member (`etcdctl endpoint status`). Ids are hex. */
export interface MemberStatus {
  readonly endpoint: string;
  readonly memberId: string;
  /** Hex id of the raft leader this member knows of; undefined when it has none. */
  readonly leaderId: string | undefined;
  readonly isLearner: boolean;
  readonly version: string;
  readonly raftIndex: number;
  readonly raftTerm: number;
  readonly raftAppliedIndex: number;
  readonly dbSize: number;
  readonly dbSizeInUse: number;
  /** Errors the member reports about itself, e.g. an active alarm. */
  readonly errors: readonly string[];
  /** Hex id of the cluster (the response header's), when the member said. */
  readonly clusterId?: string | undefined;
  /** The keyspace revision the member had applied when it answered. */
  readonly revision?: number | undefined;
  /** 3.6+: the member's storage (db schema) version, e.g. "3.5.0"; undefined on 3.4/3.5. */
  readonly storageVersion?: string | undefined;
  /** 3.6+: the downgrade target (`major.minor.0`) while a downgrade is enabled; undefined otherwise or on 3.4/3.5. */
  readonly downgradeTarget?: string | undefined;
}

/** The three actions of etcd's Maintenance Downgrade API (`etcdctl downgrade validate|enable|cancel`). */
export type DowngradeAction = 'VALIDATE' | 'ENABLE' | 'CANCEL';

/** An active alarm, e.g. `{memberId: '8e9e05c52164694d', alarm: 'NOSPACE'}`. */
export interface Alarm {
  readonly memberId: string;
  readonly alarm: string;
}

/** `/health`: whether the member could serve a linearizable read (3.5 adds a reason when not). */
export interface EndpointHealth {
  readonly health: boolean;
  readonly reason: string;
}

/** `/version`: the member's binary version and the cluster version (undefined while "not_decided"). */
export interface VersionInfo {
  readonly server: string;
  readonly cluster: string | undefined;
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly modRevision: number;
}
