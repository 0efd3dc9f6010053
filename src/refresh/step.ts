import type { HookToolRunner } from '../../lib/juju/index.js';
import type { CharmHook } from '../charm/charm-hook.js';
import type { CharmStatus } from '../charm/status.js';

/**
 * What the refresh step (lib/refresh, wired in by src/refresh/wiring.ts)
 * tells the rest of the hook. It runs first on every event.
 */
export interface RefreshOutcome {
  /**
   * A refresh is (or may be) in progress: the charm defers config restarts,
   * password rotation and the self-healing restart until it is over.
   */
  readonly inProgress: boolean;
  /** Overrides every other unit status. */
  readonly unitStatus?: CharmStatus | undefined;
  /** Shown only when the charm has nothing else to say. */
  readonly lowPriorityUnitStatus?: CharmStatus | undefined;
  /** The application status (leader only); overrides the charm's own. */
  readonly appStatus?: CharmStatus | undefined;
  /** The step answered the running action itself (the refresh actions). */
  readonly actionHandled?: boolean | undefined;
  /** The library waits for every planned unit to join the peer relation (its status says so). */
  readonly awaitingUnits?: boolean | undefined;
  /** Do nothing else this event (e.g. the peer relation is not ready for refresh yet). */
  readonly stop?: boolean | undefined;
  /** A candidate unit status from the refresh (e.g. what keeps the health gate shut). */
  readonly statusCandidate?: CharmStatus | undefined;
  /**
   * The hook must exit non-zero after flushing, so Juju retries it (a failed
   * snap refresh); the text is the one-line reason.
   */
  readonly failHook?: string | undefined;
}

export interface RefreshStepInput {
  readonly scope: CharmHook;
  /** The hook tools, for the few calls Juju commits at once (`application-version-set`). */
  readonly tools: HookToolRunner;
}

/** Runs the refresh library for this event; see {@link RefreshOutcome}. */
export type RefreshStep = (input: RefreshStepInput) => Promise<RefreshOutcome>;
