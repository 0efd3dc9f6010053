import type { z } from 'zod';
import type { EtcdClientOptions, EtcdCredentials, TokenCache } from './client-types.js';
import { DEFAULT_TIMEOUT_MS } from './client-types.js';
import { EtcdError } from './errors/etcd-error.js';
import { EtcdPermissionDeniedError } from './errors/permission-denied-error.js';
import { EtcdServerError } from './errors/server-error.js';
import { EtcdUnreachableError } from './errors/unreachable-error.js';
import type { FetchLike } from './gateway.js';
import { gatewayRequest, isMemberLocalFailure, normalizeEndpoint } from './gateway.js';
import { httpFetch } from './http-fetch.js';
import { authenticateResponseSchema } from './gateway-schemas.js';

/**
 * How the etcd client (client.ts) reaches its members: the endpoints it tries in
 * turn, and the one auth token it shares across them. Kept apart from the
 * client so that its operations read as etcd's API and nothing else.
 */
export class GatewaySession {
  readonly endpoints: readonly string[];
  #credentials: EtcdCredentials | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: FetchLike;
  /** undefined: not authenticated yet; null: no credentials or auth is off. */
  #token: string | null | undefined;
  /** The authentication under way: concurrent requests share it (each one costs etcd a bcrypt). */
  #authenticating: Promise<string | null> | undefined;
  /** Bumped whenever the token is dropped, so an authentication begun before does not bring it back. */
  #tokenGeneration = 0;
  /** Tokens shared with the hook's other clients, if any; `#held` is the shared one this session uses. */
  readonly #tokens: TokenCache | undefined;
  #held: { credentials: EtcdCredentials; token: Promise<string | null> } | undefined;
  #preferred = 0;

  constructor(options: EtcdClientOptions) {
    this.endpoints = options.endpoints.map(normalizeEndpoint);
    this.#credentials = options.credentials;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#fetch = options.fetch ?? httpFetch;
    this.#token = options.credentials === undefined ? null : undefined;
    this.#tokens = options.tokens;
  }

  get credentials(): EtcdCredentials | undefined {
    return this.#credentials;
  }

  /** Authenticates with `credentials` from the next request on. */
  switchCredentials(credentials: EtcdCredentials): void {
    this.#credentials = credentials;
    this.dropToken();
  }

  base(endpoint: string, operation: string): { endpoint: string; operation: string; timeoutMs: number; fetch: FetchLike } {
    return { endpoint, operation, timeoutMs: this.#timeoutMs, fetch: this.#fetch };
  }

  /** One authenticated POST to one endpoint; re-authenticates once when the token is refused. */
  async call<T>(endpoint: string, path: string, body: unknown, schema: z.ZodType<T>, operation: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#ensureToken(endpoint);
      try {
        return await gatewayRequest({ ...this.base(endpoint, operation), method: 'POST', path, body, token: token ?? undefined, schema });
      } catch (error) {
        const retry = error instanceof EtcdPermissionDeniedError && error.unauthenticated && this.#credentials !== undefined && attempt === 0;
        if (!retry) throw error;
        this.dropToken();
      }
    }
  }

  async anyCall<T>(path: string, body: unknown, schema: z.ZodType<T>, operation: string): Promise<T> {
    return this.any(operation, (ep) => this.call(ep, path, body, schema, operation));
  }

  /** Runs `fn` against each endpoint in turn until one answers; member-local failures move on. */
  async any<T>(operation: string, fn: (endpoint: string) => Promise<T>): Promise<T> {
    const failures: EtcdError[] = [];
    for (let i = 0; i < this.endpoints.length; i++) {
      const index = (this.#preferred + i) % this.endpoints.length;
      try {
        const result = await fn(this.endpoints[index]!);
        this.#preferred = index;
        return result;
      } catch (error) {
        const moveOn =
          error instanceof EtcdUnreachableError || (error instanceof EtcdServerError && isMemberLocalFailure(error));
        if (!moveOn) throw error;
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0]!;
    const last = failures[failures.length - 1]!;
    const summary = failures.map((f) => f.message).join('; ');
    if (last instanceof EtcdUnreachableError && failures.every((f) => f instanceof EtcdUnreachableError)) {
      throw new EtcdUnreachableError(this.endpoints.join(','), `${operation}: no endpoint answered (${summary})`, {
        timedOut: failures.every((f) => (f as EtcdUnreachableError).timedOut),
        cause: last,
      });
    }
    throw new EtcdError(`${operation}: every endpoint failed: ${summary}`, { cause: last });
  }

  /**
   * The token to send to `endpoint`: authenticates there (or elsewhere if it
   * cannot) when none is held. Requests started together (a health probe sends
   * three) wait for one authentication rather than each paying etcd's bcrypt.
   */
  async #ensureToken(endpoint: string): Promise<string | null> {
    if (this.#token !== undefined) return this.#token;
    const credentials = this.#credentials;
    if (credentials === undefined) return (this.#token = null);
    if (this.#authenticating === undefined) {
      const generation = this.#tokenGeneration;
      let shared = this.#tokens?.get(credentials);
      if (shared === undefined) {
        shared = this.#authenticate(endpoint, credentials);
        this.#tokens?.set(credentials, shared);
      }
      this.#held = { credentials, token: shared };
      const pending = shared.then((token) => {
        if (this.#tokenGeneration === generation) this.#token = token;
        return token;
      });
      this.#authenticating = pending;
      void pending.then(
        () => this.#clearAuthenticating(pending),
        () => this.#clearAuthenticating(pending),
      );
    }
    return this.#authenticating;
  }

  dropToken(): void {
    // The shared token too: it was refused, or the password or auth state changed.
    if (this.#held !== undefined) this.#tokens?.drop(this.#held.credentials, this.#held.token);
    this.#held = undefined;
    this.#token = undefined;
    this.#authenticating = undefined;
    this.#tokenGeneration++;
  }

  #clearAuthenticating(pending: Promise<string | null>): void {
    if (this.#authenticating === pending) this.#authenticating = undefined;
  }

  async #authenticate(endpoint: string, credentials: EtcdCredentials): Promise<string | null> {
    const order = [endpoint, ...this.endpoints.filter((e) => e !== endpoint)];
    let lastError: unknown;
    for (const ep of order) {
      try {
        const r = await gatewayRequest({
          ...this.base(ep, 'authenticate'),
          method: 'POST',
          path: '/v3/auth/authenticate',
          body: { name: credentials.user, password: credentials.password },
          schema: authenticateResponseSchema,
        });
        return r.token;
      } catch (error) {
        if (error instanceof EtcdServerError && /authentication is not enabled/.test(error.serverMessage)) return null;
        const moveOn = error instanceof EtcdUnreachableError || (error instanceof EtcdServerError && isMemberLocalFailure(error));
        if (!moveOn) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }
}
