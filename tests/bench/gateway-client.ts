/**
 * The benchmark's own etcd client over the JSON gateway (`/v3/...`), kept apart
 * from the charm's client on purpose: the write benchmark must not measure the
 * charm's code with the charm's code. One token per endpoint (etcd forgets simple
 * tokens when a member restarts), re-authenticating once when one is refused.
 */
import { z } from 'zod';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** A request that did not succeed: transport failure, timeout, or an error answer from etcd. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly endpoint: string;
  /** HTTP status, or undefined when no answer came. */
  readonly httpStatus: number | undefined;

  constructor(endpoint: string, message: string, httpStatus?: number) {
    super(`${endpoint}: ${message}`);
    this.endpoint = endpoint;
    this.httpStatus = httpStatus;
  }
}

const ErrorBody = z.object({ error: z.string().optional(), message: z.string().optional() });
const AuthBody = z.object({ token: z.string() });
const RangeBody = z.object({ kvs: z.array(z.object({ key: z.string() })).optional(), more: z.boolean().optional() });
const StatusBody = z.object({ version: z.string().optional(), leader: z.string().optional(), header: z.object({ member_id: z.string().optional() }).optional() });
const MemberListBody = z.object({
  members: z.array(z.object({ ID: z.string(), name: z.string().optional(), isLearner: z.boolean().optional(), peerURLs: z.array(z.string()).optional(), clientURLs: z.array(z.string()).optional() })).optional(),
});

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

/** `prefix` with its last byte incremented: the exclusive end of the prefix's key range. */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, 'utf8');
  const last = bytes.length - 1;
  if (last < 0 || bytes[last] === 0xff) throw new RangeError(`cannot compute the range end of ${JSON.stringify(prefix)}`);
  bytes[last] = (bytes[last] as number) + 1;
  return bytes.toString('utf8');
}

const TOKEN_REFUSED = /invalid auth token|user name is empty|auth: invalid/;

export interface MemberInfo {
  readonly id: string;
  readonly name: string;
  readonly isLearner: boolean;
  readonly peerUrls: readonly string[];
  /** Empty until the member has started and published itself. */
  readonly clientUrls: readonly string[];
}

export class GatewayClient {
  readonly #credentials: Credentials;
  readonly #timeoutMs: number;
  readonly #tokens = new Map<string, string>();

  constructor(credentials: Credentials, timeoutMs = 1000) {
    this.#credentials = credentials;
    this.#timeoutMs = timeoutMs;
  }

  /** One POST; resolves with the parsed JSON body. @throws GatewayError on any failure. */
  async #post(endpoint: string, path: string, body: unknown, token?: string): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${endpoint}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: token }) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new GatewayError(endpoint, `no answer: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GatewayError(endpoint, `HTTP ${response.status}, not JSON`, response.status);
    }
    if (!response.ok) {
      const parsed = ErrorBody.safeParse(json);
      throw new GatewayError(endpoint, parsed.success ? (parsed.data.message ?? parsed.data.error ?? 'error') : 'error', response.status);
    }
    return json;
  }

  async #token(endpoint: string): Promise<string> {
    const held = this.#tokens.get(endpoint);
    if (held !== undefined) return held;
    const body = await this.#post(endpoint, '/v3/auth/authenticate', { name: this.#credentials.user, password: this.#credentials.password });
    const parsed = AuthBody.safeParse(body);
    if (!parsed.success) throw new GatewayError(endpoint, 'authenticate: no token in the answer');
    this.#tokens.set(endpoint, parsed.data.token);
    return parsed.data.token;
  }

  /** An authenticated POST to one endpoint, re-authenticating once when the token is refused. */
  async call(endpoint: string, path: string, body: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#token(endpoint);
      try {
        return await this.#post(endpoint, path, body, token);
      } catch (error) {
        if (attempt > 0 || !(error instanceof GatewayError) || !TOKEN_REFUSED.test(error.message)) throw error;
        this.#tokens.delete(endpoint);
      }
    }
  }

  /** Puts `key` = `value` through `endpoint`; resolves once etcd committed it. */
  async put(endpoint: string, key: string, value: string): Promise<void> {
    await this.call(endpoint, '/v3/kv/put', { key: b64(key), value: b64(value) });
  }

  /**
   * Every key under `prefix` as the member at `endpoint` holds it locally
   * (a serializable read: no consensus, so it shows that member's own data).
   */
  async keysOn(endpoint: string, prefix: string): Promise<Set<string>> {
    const body = await this.call(endpoint, '/v3/kv/range', { key: b64(prefix), range_end: b64(prefixEnd(prefix)), keys_only: true, serializable: true });
    const parsed = RangeBody.parse(body);
    if (parsed.more === true) throw new GatewayError(endpoint, 'range answer truncated');
    return new Set((parsed.kvs ?? []).map((kv) => unb64(kv.key)));
  }

  /** The members as `endpoint` sees them. */
  async members(endpoint: string): Promise<MemberInfo[]> {
    const parsed = MemberListBody.parse(await this.call(endpoint, '/v3/cluster/member/list', {}));
    return (parsed.members ?? []).map((m) => ({ id: m.ID, name: m.name ?? '', isLearner: m.isLearner ?? false, peerUrls: m.peerURLs ?? [], clientUrls: m.clientURLs ?? [] }));
  }

  /** Status of the member at `endpoint`: its version and whether it knows a leader. */
  async status(endpoint: string): Promise<{ version: string; hasLeader: boolean }> {
    const parsed = StatusBody.parse(await this.call(endpoint, '/v3/maintenance/status', {}));
    return { version: parsed.version ?? '', hasLeader: parsed.leader !== undefined && parsed.leader !== '0' };
  }
}
