/** The supervisor's own log: its stdout, one timestamped line per event. */
export const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
};
