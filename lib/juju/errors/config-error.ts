/** The charm's configuration does not satisfy the charm's schema. `option` names the first bad option. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly option: string;

  constructor(option: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.option = option;
  }
}

export const isConfigError = (error: unknown): error is ConfigError => error instanceof ConfigError;
