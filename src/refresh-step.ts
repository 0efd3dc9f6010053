import type { Logger } from 'pino';
import type { Model } from '../lib/juju/model.js';
import type { SettableStatusName, StatusValue } from '../lib/juju/hooktools/status.js';

export type CharmStatus = StatusValue<SettableStatusName>;

/**
 * What the refresh step (lib/refresh, wired in by src/main.ts) tells the rest
 * of the hook. It runs first on every event.
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
  /** Do nothing else this event (e.g. the peer relation is not ready for refresh yet). */
  readonly stop?: boolean | undefined;
}

export interface RefreshStepInput {
  readonly model: Model;
  readonly log: Logger;
}

/** Runs the refresh library for this event; see {@link RefreshOutcome}. */
export type RefreshStep = (input: RefreshStepInput) => Promise<RefreshOutcome>;

/** No refresh library wired in: never in progress, nothing to show. */
export const NO_REFRESH: RefreshOutcome = { inProgress: false };
