import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Makes sure the real etcd binaries are in the cache before any integration test runs. */
export default function setup(): void {
  const script = path.resolve(import.meta.dirname, '../../scripts/provide-etcd.sh');
  execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'inherit'] });
}
