/** The process environment is not a valid Juju hook or action environment. */
export class JujuContextError extends Error {
  override name = 'JujuContextError';
  /** The variable at fault, e.g. `JUJU_DISPATCH_PATH`. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}

export const isJujuContextError = (error: unknown): error is JujuContextError => error instanceof JujuContextError;
