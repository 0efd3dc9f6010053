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
