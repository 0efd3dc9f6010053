import { charmhubRevision } from '../view.js';

/** Describes charm code for log lines: `revision 143 (3.6/1.21.0)` or `3.6/1.21.0`. */
export const describeCharm = (jujuCharm: string, charmVersion: string): string => {
  const revision = charmhubRevision(jujuCharm);
  return revision === undefined ? charmVersion : `revision ${revision} (${charmVersion})`;
};
