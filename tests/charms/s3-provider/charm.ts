import { execRunner } from '../../../lib/juju/hooktools/exec-runner.js';
import { s3ProviderCharm } from '../s3.js';

process.exitCode = await s3ProviderCharm({ env: process.env, tools: execRunner() });
