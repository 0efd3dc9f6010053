/**
 * Charm code versions `<track>/<X.Y.Z>[suffix]` as written by the build into
 * `refresh_versions.toml` (reference §5.1). `X` is `charm_major`. A suffix
 * (pre-release, `.postN`, `.devN`, `+local`, `.dirty`) marks an unreleased build.
 */

export interface CharmVersion {
  /** The text as written, e.g. `3.6/1.21.0`. */
  readonly raw: string;
  /** Charmhub track, e.g. `3.6`. */
  readonly track: string;
  /** `[major, minor, patch]`; `major` is `charm_major`. */
  readonly release: readonly [number, number, number];
  /** False for development builds (any suffix after `X.Y.Z`). */
  readonly released: boolean;
}

export type CharmVersionParse =
  | { readonly ok: true; readonly version: CharmVersion }
  | { readonly ok: false; readonly error: string };

// PEP 440 shapes the build tooling produces: optional pre-release, post, dev and local parts.
const PEP440 =
  /^(\d+(?:\.\d+)*)((?:a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[a-z0-9]+(?:[.-][a-z0-9]+)*)?$/i;

/** Parses a charm version; never throws (an invalid version is an `{ok: false}` with the reason). */
export const parseCharmVersion = (text: string): CharmVersionParse => {
  const parts = text.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === undefined) {
    return { ok: false, error: `Invalid charm version '${text}'. Expected '<track>/<X.Y.Z>'` };
  }
  const [track, pep440] = parts as [string, string];
  if (pep440.includes('!')) {
    return { ok: false, error: `Invalid charm version '${text}'. PEP 440 epoch ('!' character) not supported` };
  }
  const match = PEP440.exec(pep440);
  if (!match?.[1]) return { ok: false, error: `Invalid charm version '${text}'` };
  const numbers = match[1].split('.').map(Number);
  if (numbers.length !== 3) {
    return {
      ok: false,
      error: `Invalid charm version '${text}'. Expected 3 number components after track; got ${numbers.length}`,
    };
  }
  const released = match[2] === undefined && match[3] === undefined && match[4] === undefined && match[5] === undefined;
  return {
    ok: true,
    version: { raw: text, track, release: numbers as [number, number, number], released },
  };
};

/** Orders two release tuples: negative, zero or positive like a comparator. */
export const compareRelease = (a: CharmVersion, b: CharmVersion): number => {
  for (let i = 0; i < 3; i += 1) {
    const diff = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
};
