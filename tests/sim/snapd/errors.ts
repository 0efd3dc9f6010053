/** How `snap` reports a failure: `error: <message>` on stderr and a non-zero exit code. */
export class SnapError extends Error {
  override readonly name = 'SnapError';
  constructor(
    message: string,
    /** 1 for most failures; 64 (EX_USAGE) for unknown commands and bad flags, as snap does. */
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}

/** snap's EX_USAGE exit code for command-line errors. */
export const EX_USAGE = 64;

/** Outcomes snapd reports as a plain message on stderr with exit code 0 (not an error). */
export class SnapNotice extends Error {
  override readonly name = 'SnapNotice';
}

/** Type guard for {@link SnapError}. */
export const isSnapError = (e: unknown): e is SnapError => e instanceof SnapError;

/** `snap "<name>" not found` (unknown to the store, or not installed for service commands). */
export const snapNotFound = (name: string): SnapError => new SnapError(`snap "${name}" not found`);

/** The store has no such revision of a snap it knows. */
export const revisionNotFound = (name: string, revision: string): SnapError =>
  new SnapError(
    `snap "${name}" not found at least at revision ${revision}.\nPlease use 'snap info ${name}' to list available releases.`,
  );

/** The store's channel serves nothing. */
export const channelNotFound = (name: string, channel: string): SnapError =>
  new SnapError(`snap "${name}" not found at least on channel "${channel}".\nPlease use 'snap info ${name}' to list available releases.`);

/** snapd's answer to refresh/remove of a snap that is not installed (exit 0). */
export const notInstalled = (name: string): SnapNotice => new SnapNotice(`snap "${name}" is not installed`);
