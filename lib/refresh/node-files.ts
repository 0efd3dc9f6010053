import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { RefreshIO } from './adapter.js';

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** The filesystem part of {@link RefreshIO} on node:fs, for the SDK binding. */
export const nodeFiles: Pick<RefreshIO, 'readFile' | 'writeFile' | 'deleteFile' | 'fileMtime' | 'makeDirectory'> = {
  readFile: async (file) => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
  writeFile: async (file, content) => writeFile(file, content),
  deleteFile: async (file) => rm(file, { force: true }),
  fileMtime: async (file) => {
    try {
      return (await stat(file)).mtimeMs / 1000;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
  makeDirectory: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
};
