import { execRunner } from '../../../lib/juju/hooktools/exec-runner.js';
import { tlsRequirerCharm } from './requirer.js';

process.exitCode = await tlsRequirerCharm({ env: process.env, tools: execRunner() });
