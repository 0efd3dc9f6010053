/**
 * A relation databag holds a value the charm cannot use (not JSON where JSON
 * was expected, or not matching the schema). Another unit wrote it, so this is
 * a condition to report (status, log), not a reason to crash-loop.
 */
export class DatabagError extends Error {
  override name = 'DatabagError';
  /** The relation, as `endpoint:id`. */
  readonly relation: string;
  /** The unit or application whose bag it is. */
  readonly owner: string;
  /** The key at fault, when one key is. */
  readonly key: string | undefined;

  constructor(relation: string, owner: string, key: string | undefined, message: string, options?: ErrorOptions) {
    super(message, options);
    this.relation = relation;
    this.owner = owner;
    this.key = key;
  }
}

export const isDatabagError = (error: unknown): error is DatabagError => error instanceof DatabagError;
