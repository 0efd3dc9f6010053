import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a revision of the real `charmed-etcd` snap ships, reproduced for the
 * fake snapd (facts from canonical/charmed-etcd-snap: snap/snapcraft.yaml,
 * snap/hooks/install, snap/local/start-etcd.sh and drop_priv.sh, config/etcd.conf.yml;
 * the scripts below are our own, written to behave as those do):
 *
 * - `system-usernames: snap_daemon: shared`: snapd's shared `snap_daemon`
 *   user and group, uid/gid 584788.
 * - The `etcd` app is a simple daemon, `install-mode: disable`,
 *   `restart-condition: always`, `restart-delay: 20s`, with
 *   `ETCD_CONFIG_FILE=$SNAP_DATA/etcd.conf.yml`; its command is a wrapper that
 *   drops to snap_daemon (`setpriv --clear-groups --reuid/--regid`) and execs
 *   etcd with no arguments, so etcd reads its whole configuration from that file.
 * - `etcdctl` and `etcdutl` run through a wrapper that `cd`s to `$SNAP` and
 *   drops to snap_daemon when the caller is root (as root they would write
 *   root-owned files that the daemon cannot read).
 * - The install hook copies the snap's default config to `$SNAP_DATA`, chowns
 *   `$SNAP_DATA/*` to 584788, and creates the data directory only when it is
 *   missing, then (only then) sets `$SNAP_COMMON`'s modes and owner. A data
 *   directory that exists already (Juju mounts storage there before `install`)
 *   keeps its root owner: making it usable is the charm's job. (The older hook
 *   on the 3.5/edge branch, 7115f78, instead chowns everything under
 *   `$SNAP_COMMON`; a charm that copes with the hook above copes with both.)
 * - The default config logs to stderr (the journal), not to a file.
 */

/** snapd's `snap_daemon` user and group (system-usernames). */
export const SNAP_DAEMON_UID = 584788;
export const SNAP_DAEMON_GID = 584788;

/** The binaries a revision carries; the apps that expose them. */
export const SNAP_TOOLS = ['etcd', 'etcdctl', 'etcdutl'] as const;

/** Daemon wrapper: etcd as snap_daemon, configured by $ETCD_CONFIG_FILE only. */
const START_ETCD = `#!/bin/sh
# Runs the etcd daemon as snap_daemon; etcd reads $ETCD_CONFIG_FILE (set in snap.yaml).
exec setpriv --clear-groups --reuid ${SNAP_DAEMON_UID} --regid ${SNAP_DAEMON_GID} -- "$SNAP/bin/etcd"
`;

/** Client wrapper: the named tool, as snap_daemon when called by root. */
const DROP_PRIV = `#!/bin/sh
# Runs one of the snap's tools; as snap_daemon when the caller is root.
tool=$1
shift
cd "$SNAP" || exit 1
if [ "$(id -u)" = 0 ]; then
  exec setpriv --clear-groups --reuid ${SNAP_DAEMON_UID} --regid ${SNAP_DAEMON_GID} -- "$SNAP/bin/$tool" "$@"
fi
exec "$SNAP/bin/$tool" "$@"
`;

/**
 * The install hook, run by snapd as root with the snap's environment. As the
 * real hook (canonical/charmed-etcd-snap snap/hooks/install at 12beaa7), the
 * data directory is made with a plain `mkdir` only when it is missing, so it
 * needs `$SNAP_COMMON/var/lib` to exist (Juju's storage mounts provide it), and
 * only then are `$SNAP_COMMON`'s modes and owners set.
 */
const INSTALL_HOOK = `#!/bin/sh -e
cp "$SNAP/config/etcd.conf.yml" "$SNAP_DATA/etcd.conf.yml"
chown -R ${SNAP_DAEMON_UID}:${SNAP_DAEMON_GID} "$SNAP_DATA"/*
data="$SNAP_COMMON/var/lib/etcd"
if [ ! -d "$data" ]; then
  mkdir "$data"
  chmod -R 770 "$SNAP_COMMON"
  chmod 750 "$data"
  chown -R ${SNAP_DAEMON_UID}:${SNAP_DAEMON_GID} "$SNAP_COMMON"/*
fi
`;

/**
 * The snap's default etcd.conf.yml, reduced to the keys that decide where etcd
 * puts things and how it logs (the real file also sets proxy, discovery, TLS
 * placeholders and ciphers, which a charm-written config replaces).
 */
const defaultConfig = (snapCommon: string): string => `# Default configuration of the charmed-etcd snap; the charm replaces it.
name: 'default'
data-dir: ${JSON.stringify(path.join(snapCommon, 'var/lib/etcd'))}
listen-peer-urls: http://localhost:2380
listen-client-urls: http://localhost:2379
initial-advertise-peer-urls: http://localhost:2380
advertise-client-urls: http://localhost:2379
initial-cluster-token: 'etcd-cluster'
initial-cluster-state: 'new'
snapshot-count: 10000
max-snapshots: 5
max-wals: 5
strict-reconfig-check: false
logger: zap
log-level: debug
log-outputs: [stderr]
auto-compaction-mode: periodic
auto-compaction-retention: "1"
`;

/** The apps of snap.yaml, as the real snap declares them. */
export const SNAP_APPS = {
  etcd: {
    command: 'start-etcd.sh',
    daemon: 'simple',
    'install-mode': 'disable',
    'restart-condition': 'always',
    'restart-delay': '20s',
    environment: { ETCD_CONFIG_FILE: '$SNAP_DATA/etcd.conf.yml' },
  },
  etcdctl: { command: 'drop_priv.sh etcdctl' },
  etcdutl: { command: 'drop_priv.sh etcdutl' },
} as const;

function writeExecutable(file: string, content: string): void {
  writeFileSync(file, content);
  chmodSync(file, 0o755);
}

/**
 * Puts a revision's files into `$SNAP` (`dir`): the binaries from the store
 * (hard links when possible: the store's cache may sit in a directory
 * snap_daemon cannot enter, such as root's home), the wrappers, the default
 * config and the install hook. `snapCommon` is the unit's `$SNAP_COMMON`.
 */
export function layOutRevision(dir: string, binDir: string, snapCommon: string): string[] {
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  mkdirSync(path.join(dir, 'meta', 'hooks'), { recursive: true });
  const shipped: string[] = [];
  for (const tool of SNAP_TOOLS) {
    const source = path.join(binDir, tool);
    if (!existsSync(source)) continue;
    const target = path.join(dir, 'bin', tool);
    try {
      linkSync(source, target);
    } catch {
      copyFileSync(source, target);
    }
    chmodSync(target, 0o755);
    shipped.push(tool);
  }
  writeExecutable(path.join(dir, 'start-etcd.sh'), START_ETCD);
  writeExecutable(path.join(dir, 'drop_priv.sh'), DROP_PRIV);
  writeExecutable(path.join(dir, 'meta', 'hooks', 'install'), INSTALL_HOOK);
  writeFileSync(path.join(dir, 'config', 'etcd.conf.yml'), defaultConfig(snapCommon));
  return shipped;
}

/**
 * What Juju does before the snap's install on a unit of the charm: the `data`
 * storage mounted (root-owned) at the snap's data directory. For tests of the
 * fake snapd alone, which have no Juju.
 */
export function mountDataStorage(root: string): void {
  mkdirSync(path.join(root, 'var/snap/charmed-etcd/common/var/lib/etcd'), { recursive: true });
}
