/**
 * Backup ids and the `list-backups` table. Canonical's charm names a backup
 * by `%Y-%m-%dT%H:%M:%SZ` (from the unit's local clock, with a literal `Z`);
 * here the time is UTC, which is what the `Z` says. Its table has the id
 * padded to 21 characters, ` | backup-status`, a dash line of the same length
 * and rows `<id> | finished`, newest first; this one adds size and etcd version.
 */

/** `2025-06-16T16:42:45Z`. */
export const backupIdAt = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export interface BackupRow {
  readonly id: string;
  readonly size: number;
  readonly etcdVersion: string | undefined;
}

export function formatBackupTable(rows: readonly BackupRow[]): string {
  const line = (id: string, status: string, size: string, version: string): string => `${id.padEnd(21)} | ${status.padEnd(13)} | ${size.padEnd(12)} | ${version}`;
  const header = line('backup-id', 'backup-status', 'size', 'etcd-version');
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return [header, '-'.repeat(header.length), ...sorted.map((r) => line(r.id, 'finished', String(r.size), r.etcdVersion ?? ''))].join('\n');
}
