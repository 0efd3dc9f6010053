import { execRunner } from '../lib/juju/hooktools/exec-runner.js';
import { main } from './charm.js';

process.exitCode = await main({ env: process.env, tools: execRunner() });
