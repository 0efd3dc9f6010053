import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Makes sure the real etcd binaries and the S3 server are in the cache before any integration test runs. */
export default function setup(): void {
  for (const name of ['provide-etcd.sh', 'provide-s3.sh']) {
    const script = path.resolve(import.meta.dirname, '../../scripts', name);
    execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
