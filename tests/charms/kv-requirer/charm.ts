import { execRunner } from '../../../lib/juju/hooktools/exec-runner.js';
import { kvCharm } from '../kv.js';

process.exitCode = await kvCharm('requirer')({ env: process.env, tools: execRunner() });
