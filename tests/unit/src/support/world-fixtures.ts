/**
 * What the harness World deploys: the charm's identity, the revisions tests refresh
 * between (and their `refresh_versions.toml`), relation ids and the `data` storage.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, storage } from '../../../../lib/juju/testing/index.js';

export const PEER_ID = 7;
export const APP = 'charmed-etcd';

/** actions.yaml plus the `health` action this charm adds (the repo file gets it from the lead). */
const HEALTH_ACTION = `
health:
  description: Health of every member, as published and as probed now.
  additionalProperties: false
`;

/** One charm revision as Charmhub would serve it: its version and the etcd snap it pins. */
export interface CharmBuild {
  /** Charmhub revision (the number after the last `-` of `.juju-charm`). */
  readonly revision: number;
  /** `<track>/<X.Y.Z>` (the build-time `charm` key). */
  readonly charmVersion: string;
  readonly workload: string;
  /** Pinned snap revision (the same on both architectures here, as the fake store has one). */
  readonly snapRevision: string;
}

/** The revisions tests refresh between (snap revisions as in tests/unit/src/support/fake-snap.ts's STORE). */
export const BUILDS = {
  etcd3423: { revision: 9, charmVersion: '3.4/1.0.0', workload: '3.4.23', snapRevision: '1' },
  etcd3516: { revision: 10, charmVersion: '3.5/1.0.0', workload: '3.5.16', snapRevision: '2' },
  etcd3530: { revision: 11, charmVersion: '3.5/1.1.0', workload: '3.5.30', snapRevision: '3' },
  broken3531: { revision: 12, charmVersion: '3.5/1.2.0', workload: '3.5.31', snapRevision: '4' },
  etcd3613: { revision: 13, charmVersion: '3.6/1.0.0', workload: '3.6.13', snapRevision: '5' },
  etcd3616: { revision: 14, charmVersion: '3.6/1.1.0', workload: '3.6.16', snapRevision: '6' },
  etcd373: { revision: 15, charmVersion: '3.7/1.0.0', workload: '3.7.3', snapRevision: '7' },
} as const satisfies Record<string, CharmBuild>;

export const refreshVersionsToml = (b: CharmBuild): string => `charm = "${b.charmVersion}"
charm_major = 1
workload = "${b.workload}"

[snap]
name = "charmed-etcd"

[snap.revisions]
x86_64 = "${b.snapRevision}"
aarch64 = "${b.snapRevision}"
`;

export const REFRESH_VERSIONS = refreshVersionsToml(BUILDS.etcd3516);
export const REFRESH_ID = 8;

/** The `data` storage every unit has. */
export const DATA_STORAGE = storage('data', { location: '/var/snap/charmed-etcd/common/var/lib/etcd' });

export const ipOf = (n: number): string => `10.0.0.${n + 10}`;

/** The charm's metadata, config and actions as the harness reads them. */
export const charmYaml = (): { metadata: string; config: string; actions: string } => {
  const read = (f: string) => readFileSync(path.join(REPO_ROOT, f), 'utf8');
  const actions = read('actions.yaml');
  return { metadata: read('metadata.yaml'), config: read('config.yaml'), actions: /^health:/m.test(actions) ? actions : actions + HEALTH_ACTION };
};
