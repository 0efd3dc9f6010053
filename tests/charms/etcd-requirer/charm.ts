import { execRunner } from '../../../lib/juju/hooktools/exec-runner.js';
import { etcdRequirerCharm } from '../etcd-client.js';

process.exitCode = await etcdRequirerCharm({ env: process.env, tools: execRunner() });
