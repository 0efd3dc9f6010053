import parseDuration from 'parse-duration';

/** One number and unit of Go's duration grammar; µ (micro sign) and μ (Greek mu) both name microseconds. */
const PART = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)`;
const GO_DURATION = new RegExp(`^(?:${PART})+$`);

/**
 * A Go duration (`time.ParseDuration`, as Juju's flags and etcd's options take
 * it: `500ms`, `10s`, `1h30m`, `1.5h`, or `0`) in milliseconds; undefined for
 * anything else, negative durations included. The grammar is checked here
 * because parse-duration, which does the arithmetic, also accepts words
 * (`1 hour`) and units Go does not (`d`, `w`).
 */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (!GO_DURATION.test(text)) return undefined;
  return parseDuration(text.replaceAll('μ', 'µ')) ?? undefined;
}
