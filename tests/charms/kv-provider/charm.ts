import { execRunner } from '../../../lib/juju/hooktools/exec-runner.js';
import { kvCharm } from '../kv.js';

process.exitCode = await kvCharm('provider')({ env: process.env, tools: execRunner() });
