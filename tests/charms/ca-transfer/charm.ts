import { execRunner } from '../../../lib/juju/hooktools/exec-runner.js';
import { caTransferCharm } from '../ca-transfer.js';

process.exitCode = await caTransferCharm({ env: process.env, tools: execRunner() });
