/** The charm's own YAML files (metadata, config, actions), read from a charm root. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where metadata.yaml lives), found from this file's location. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CharmYaml {
  readonly metadata: string;
  readonly config?: string;
  readonly actions?: string;
}

const readOptional = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** The YAML files in `root`; config.yaml and actions.yaml may be absent. Throws without metadata.yaml. */
export const readCharmYaml = (root: string): CharmYaml => {
  const metadata = readOptional(path.join(root, 'metadata.yaml'));
  if (metadata === undefined) throw new Error(`no metadata.yaml in ${root}`);
  const out: { -readonly [K in keyof CharmYaml]: CharmYaml[K] } = { metadata };
  const config = readOptional(path.join(root, 'config.yaml'));
  const actions = readOptional(path.join(root, 'actions.yaml'));
  if (config !== undefined) out.config = config;
  if (actions !== undefined) out.actions = actions;
  return out;
};
