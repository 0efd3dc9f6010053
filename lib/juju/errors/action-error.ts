/**
 * The charm misused the action API: a result key Juju would refuse, params that
 * do not match the charm's schema, or an action call outside an action.
 * Raised before any hook tool runs.
 */
export class ActionError extends Error {
  override name = 'ActionError';
}

export const isActionError = (error: unknown): error is ActionError => error instanceof ActionError;
