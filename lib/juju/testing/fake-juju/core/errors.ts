/** An operator request the model refuses (the CLI prints its message, as `juju` prints `ERROR ...`). */
export class ModelError extends Error {
  override name = 'ModelError';
}
