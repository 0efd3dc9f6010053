import { z } from 'zod';
import { historyEntrySchema, type HistoryEntry } from './databag.js';

/** This unit's last two charm-code refreshes to the up-to-date code (reference §1.2). */
export interface CharmCodeHistory {
  readonly last: HistoryEntry;
  readonly secondToLast: HistoryEntry | null;
}

const fileSchema = z.object({
  last_refresh_to_up_to_date_charm_code_version: historyEntrySchema,
  second_to_last_refresh_to_up_to_date_charm_code_version: historyEntrySchema.nullable(),
});

/** Parses the history file; `undefined` when the text is not a valid history. */
export const parseHistory = (text: string): CharmCodeHistory | undefined => {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) return undefined;
  return {
    last: parsed.data.last_refresh_to_up_to_date_charm_code_version,
    secondToLast: parsed.data.second_to_last_refresh_to_up_to_date_charm_code_version,
  };
};

/** Serialises the history in the Python library's shape (4-space indent). */
export const serializeHistory = (history: CharmCodeHistory): string =>
  JSON.stringify(
    {
      last_refresh_to_up_to_date_charm_code_version: history.last,
      second_to_last_refresh_to_up_to_date_charm_code_version: history.secondToLast,
    },
    null,
    4,
  );

// Python stores st_mtime as a float and Node derives it from milliseconds; allow for rounding.
const MTIME_TOLERANCE_SECONDS = 1e-5;

/** Whether two mtimes denote the same `.juju-charm` write. */
export const sameMtime = (a: number, b: number): boolean => Math.abs(a - b) < MTIME_TOLERANCE_SECONDS;
