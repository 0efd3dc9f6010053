import { BUSY_TEXT } from '../charm/busy-texts.js';

/**
 * Backup texts, as Canonical's charmed-etcd words them (its `statuses.py` and
 * backup event handlers; see shared/reference/charmed-etcd-relations.md §3).
 * Where the brief asks for more (which fields are wrong), it follows a colon.
 */
export const BACKUP_TEXT = {
  invalidCredentials: 'Missing or invalid s3 credentials',
  creatingBackup: 'Creating database backup...',
  notLeader: 'Action must be performed on the leader unit.',
  noStorage: 'No object storage configured - please add Azure or S3 relation.',
  noCredentials: 'No credentials for S3 object storage available.',
  backupFailed: 'Backup failed. Check the error logs for more details.',
} as const;

/** `Missing or invalid s3 credentials: <detail>`. */
export const invalidCredentials = (detail: string): string => `${BACKUP_TEXT.invalidCredentials}: ${detail}`;

/** Restore texts: Canonical's where it has them (§3.3, §3.4 and its statuses), plain ones where it has none. */
export const RESTORE_TEXT = {
  restoreInProgress: BUSY_TEXT.restore,
  noBackupId: 'Must provide backup-id to restore.',
  notFound: 'Backup ID not found.',
  refreshInProgress: BUSY_TEXT.refresh,
  inProgress: 'Database restore is in progress',
  failed: 'failed to restore backup',
  verificationFailed: 'Restore verification failed - etcd cluster still running, restore cancelled, check debug-log',
  unhealthy: 'cluster unhealthy after restoring backup - check debug-log',
  waiting: 'Waiting for the restore to finish',
} as const;

export const couldNotDownload = (id: string): string => `Could not download backup-file ${id}.`;
export const restoreInitiated = (id: string): string => `restore initiated for ${id}`;
export const integrityFailed = (id: string, reason: string): string => `Backup ${id} failed its integrity check (${reason}); nothing was changed.`;
export const notAllMembers = (unit: string): string => `Restore needs every unit running as a cluster member; ${unit} is not. Nothing was changed.`;
