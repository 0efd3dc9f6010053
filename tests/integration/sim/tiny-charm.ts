/** A small shell charm for the simulator's own tests: fast hooks, scripted relation writes and actions. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DISPATCH = `#!/bin/sh
set -e
echo "dispatch $JUJU_DISPATCH_PATH"
case "$JUJU_DISPATCH_PATH" in
  hooks/config-changed)
    marker=$(config-get marker)
    for rid in $(relation-ids peers); do relation-set -r "$rid" marker="$marker"; done
    status-set active "marker $marker"
    ;;
  hooks/install) status-set maintenance "installing tiny" ;;
  hooks/*) ;;
  actions/echo)
    value=$(action-get value)
    action-set value="$value"
    echo "said $value"
    ;;
  actions/fail) action-fail "as asked" ;;
  actions/boom) echo out; echo err >&2; exit 3 ;;
esac
`;

const METADATA = `name: tiny
summary: a tiny test charm
peers:
  peers:
    interface: tiny_peers
storage:
  data:
    type: filesystem
    location: /srv/tiny
`;

const CONFIG = `options:
  marker:
    type: string
    default: none
  count:
    type: int
    default: 1
`;

const ACTIONS = `echo:
  params:
    value:
      type: string
  required: [value]
fail: {}
boom: {}
`;

/** Writes the tiny charm into `dir` (a charm directory ready for `sim deploy --path`) and returns `dir`. */
export function writeTinyCharm(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'metadata.yaml'), METADATA);
  writeFileSync(path.join(dir, 'config.yaml'), CONFIG);
  writeFileSync(path.join(dir, 'actions.yaml'), ACTIONS);
  writeFileSync(path.join(dir, 'dispatch'), DISPATCH);
  chmodSync(path.join(dir, 'dispatch'), 0o755);
  return dir;
}
