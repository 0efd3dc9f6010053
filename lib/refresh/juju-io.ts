/**
 * {@link RefreshIO} bound to the charm SDK (`lib/juju`): every Juju read goes
 * through the hook's one {@link Model}, so the `refresh-v-three` bags are read
 * once per hook and the library's writes are staged in the same databags the
 * charm writes, sent once at `model.flush()`. Workload agnostic.
 */
import { posix as path } from 'node:path';
import type { Logger } from '../juju/log.js';
import { plannedUnits } from '../juju/hooktools/goal-state.js';
import type { HookToolRunner } from '../juju/hooktools/runner.js';
import { applicationVersionSet } from '../juju/hooktools/version.js';
import type { Model } from '../juju/model.js';
import type { RefreshIO } from './adapter.js';
import { LOCAL_STATE_DIR, PAUSE_CONFIG_KEY, REFRESH_ENDPOINT } from './constants.js';
import { nodeFiles } from './node-files.js';
import type { LogLevel } from './types.js';

/**
 * The last version this unit sent with `application-version-set`. Ours (not a
 * refresh v3 interface fact): lets a hook skip the tool when nothing changed.
 */
export const APPLICATION_VERSION_FILE = 'application_version_set';

export interface JujuRefreshIOOptions {
  readonly model: Model;
  /**
   * The hook tools, for `application-version-set`: sent at once (Juju commits it
   * immediately, even when the hook fails), so the file recording it never lies.
   */
  readonly tools: HookToolRunner;
  readonly log: Logger;
  /** `uname -m` name of this machine. */
  readonly architecture: string;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Filesystem access; node:fs by default (tests may pass an in-memory one). */
  readonly files?: Pick<RefreshIO, 'readFile' | 'writeFile' | 'deleteFile' | 'fileMtime' | 'makeDirectory'>;
}

const PINO_LEVEL: Record<LogLevel, 'debug' | 'info' | 'warn' | 'error'> = {
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
};

/**
 * Builds the refresh library's IO for one hook.
 * Its methods reject with the SDK's typed errors when a hook tool fails.
 */
export function createJujuRefreshIO(options: JujuRefreshIOOptions): RefreshIO {
  const { model, tools, log } = options;
  const files = options.files ?? nodeFiles;
  const charmDir = model.context.charmDir;
  const relation = () => model.relation(REFRESH_ENDPOINT);
  const versionFile = path.join(charmDir, LOCAL_STATE_DIR, APPLICATION_VERSION_FILE);

  const requireRelation = async () => {
    const found = await relation();
    if (found === undefined) throw new Error(`no ${REFRESH_ENDPOINT} relation to write to`);
    return found;
  };

  return {
    appName: model.appName,
    unitName: model.unitName,
    charmDir,
    architecture: options.architecture,
    isLeader: () => model.isLeader(),

    async readPeerData() {
      const found = await relation();
      if (found === undefined) return null;
      const others = await found.units();
      const names = [model.unitName, ...others.filter((unit) => unit !== model.unitName)];
      // Every bag at once: each read is a hook tool, and they do not depend on each other.
      const [app, ...bags] = await Promise.all([
        found.localAppData.read(),
        ...names.map(async (unit) => [unit, await found.unitData(unit).read()] as const),
      ]);
      return { units: Object.fromEntries(bags), app };
    },

    async writeUnitData(changes) {
      (await requireRelation()).localUnitData.update(changes);
    },

    async writeAppData(changes) {
      (await requireRelation()).localAppData.update(changes);
    },

    async pauseAfterUnitRefresh() {
      const value = (await model.rawConfig())[PAUSE_CONFIG_KEY];
      return value === undefined ? undefined : String(value);
    },

    async plannedUnits() {
      return plannedUnits(await model.goalState()).length;
    },

    ...files,

    async setApplicationVersion(version) {
      if ((await files.readFile(versionFile)) === version) return;
      await applicationVersionSet(tools, version);
      await files.makeDirectory(path.dirname(versionFile));
      await files.writeFile(versionFile, version);
    },

    log: (level, message) => log[PINO_LEVEL[level]](message),
    now: () => options.now() / 1000,
  };
}
