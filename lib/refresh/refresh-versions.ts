import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';

/** What one charm revision pins, read from its packed `refresh_versions.toml` (reference §5.1). */
export interface PinnedVersions {
  /** `<track>/<X.Y.Z>` added by the build (the `charm` key). */
  readonly charm: string;
  /** Upstream workload version, e.g. `3.6.13`. */
  readonly workload: string;
  readonly snapName: string;
  /** Snap revision pinned for this machine's architecture. */
  readonly snapRevision: string;
}

export type RefreshVersionsResult =
  | { readonly ok: true; readonly versions: PinnedVersions }
  | { readonly ok: false; readonly error: string };

const DOCS = 'https://canonical-charm-refresh.readthedocs-hosted.com/latest/add-to-charm/refresh-versions-toml/';

const fileSchema = z.object({
  charm: z.string().min(1),
  workload: z.string().min(1),
  snap: z.object({
    name: z.string().min(1),
    revisions: z.record(z.string(), z.string().min(1)),
  }),
});

/**
 * Parses `refresh_versions.toml` for one architecture (`uname -m` name: `x86_64`,
 * `aarch64`). Never throws: a missing key, a bad value or a missing architecture
 * is an `{ok: false}` whose `error` says which, for a status and a log line.
 */
export const parseRefreshVersions = (text: string, architecture: string): RefreshVersionsResult => {
  let data: unknown;
  try {
    data = parseToml(text);
  } catch (error) {
    return { ok: false, error: `refresh_versions.toml is not valid TOML: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    return { ok: false, error: `Required key missing or invalid in refresh_versions.toml: ${where}. Docs: ${DOCS}` };
  }
  const revision = parsed.data.snap.revisions[architecture];
  if (revision === undefined) {
    return { ok: false, error: `Snap revision missing for architecture '${architecture}' in refresh_versions.toml` };
  }
  return {
    ok: true,
    versions: {
      charm: parsed.data.charm,
      workload: parsed.data.workload,
      snapName: parsed.data.snap.name,
      snapRevision: revision,
    },
  };
};
