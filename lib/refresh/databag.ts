import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { REFRESH_APP_KEYS, REFRESH_UNIT_KEYS } from './constants.js';

/** One charm-code refresh to the up-to-date code: `.juju-charm` contents and its mtime. */
export interface HistoryEntry {
  readonly charm_revision: string;
  readonly time_of_refresh: number;
}

export const historyEntrySchema = z.object({
  charm_revision: z.string(),
  time_of_refresh: z.number().finite(),
});

/** A unit's refresh databag after validation; invalid keys are left out and named in `problems`. */
export interface UnitBag {
  readonly installedSnapRevision?: string;
  readonly gate: boolean;
  readonly started: boolean;
  readonly lastRefresh?: HistoryEntry;
  /** Human-readable `key: reason` for every value that failed validation. */
  readonly problems: readonly string[];
}

const decodeJson = (raw: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
};

// Built once: a zod schema costs more to build than to use, and every event parses every peer's databag.
const revisionSchema = z.string().min(1);
const flagSchema = z.boolean();
const textSchema = z.string();
const trueSchema = z.literal(true);

/** Decodes one JSON-encoded value with a schema; `undefined` key means absent. */
const readKey = <T>(
  bag: Readonly<Record<string, string>>,
  key: string,
  schema: z.ZodType<T>,
  problems: string[],
): T | undefined => {
  const raw = bag[key];
  if (raw === undefined || raw === '') return undefined;
  const decoded = decodeJson(raw);
  const parsed = decoded.ok ? schema.safeParse(decoded.value) : undefined;
  if (!parsed?.success) {
    problems.push(`${key}: invalid value ${JSON.stringify(raw.slice(0, 80))}`);
    return undefined;
  }
  return parsed.data;
};

/** Validates a raw unit databag; never throws. */
export const parseUnitBag = (bag: Readonly<Record<string, string>>): UnitBag => {
  const problems: string[] = [];
  const installedSnapRevision = readKey(bag, REFRESH_UNIT_KEYS.installedSnapRevision, revisionSchema, problems);
  const gate = readKey(bag, REFRESH_UNIT_KEYS.gate, flagSchema, problems);
  const started = readKey(bag, REFRESH_UNIT_KEYS.started, flagSchema, problems);
  const lastRefresh = readKey(bag, REFRESH_UNIT_KEYS.lastRefresh, historyEntrySchema, problems);
  return {
    ...(installedSnapRevision === undefined ? {} : { installedSnapRevision }),
    gate: gate === true,
    started: started === true,
    ...(lastRefresh === undefined ? {} : { lastRefresh }),
    problems,
  };
};

/** Versions of every unit right after the last completed refresh (or the initial install). */
export interface OriginalVersions {
  readonly workload: string;
  readonly workloadContainer: string;
  readonly charmVersion: string;
  readonly charmRevision: string;
}

/** Parses the app databag's original versions; `undefined` when missing or invalid. */
export const parseOriginalVersions = (bag: Readonly<Record<string, string>>): OriginalVersions | undefined => {
  const problems: string[] = [];
  const workload = readKey(bag, REFRESH_APP_KEYS.workload, textSchema, problems);
  const workloadContainer = readKey(bag, REFRESH_APP_KEYS.workloadContainer, textSchema, problems);
  const matched = readKey(bag, REFRESH_APP_KEYS.matchedPinnedContainer, trueSchema, problems);
  const charmVersion = readKey(bag, REFRESH_APP_KEYS.charmVersion, textSchema, problems);
  const charmRevision = readKey(bag, REFRESH_APP_KEYS.charmRevision, textSchema, problems);
  if (
    problems.length > 0 ||
    workload === undefined ||
    workloadContainer === undefined ||
    matched === undefined ||
    charmVersion === undefined ||
    charmRevision === undefined
  ) {
    return undefined;
  }
  return { workload, workloadContainer, charmVersion, charmRevision };
};

/** The app databag values for a set of original versions (JSON values, not yet encoded). */
export const originalVersionsValues = (versions: OriginalVersions): Record<string, unknown> => ({
  [REFRESH_APP_KEYS.workload]: versions.workload,
  [REFRESH_APP_KEYS.workloadContainer]: versions.workloadContainer,
  [REFRESH_APP_KEYS.matchedPinnedContainer]: true,
  [REFRESH_APP_KEYS.charmVersion]: versions.charmVersion,
  [REFRESH_APP_KEYS.charmRevision]: versions.charmRevision,
});

/**
 * Changes needed to make `current` hold `desired` (JSON values; `undefined` deletes).
 * A key whose decoded value already equals the desired one is left alone, so a
 * peer written by the Python library (different JSON spacing) is not rewritten.
 */
export const bagChanges = (
  current: Readonly<Record<string, string>>,
  desired: Readonly<Record<string, unknown>>,
): Record<string, string | null> => {
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(desired)) {
    const raw = current[key];
    if (value === undefined) {
      if (raw !== undefined && raw !== '') changes[key] = null;
      continue;
    }
    const decoded = raw === undefined || raw === '' ? undefined : decodeJson(raw);
    if (decoded?.ok && isDeepStrictEqual(decoded.value, value)) continue;
    changes[key] = JSON.stringify(value);
  }
  return changes;
};
