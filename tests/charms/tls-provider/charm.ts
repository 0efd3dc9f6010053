import { execRunner } from '../../../lib/juju/hooktools/exec-runner.js';
import { tlsProviderCharm } from '../tls.js';

process.exitCode = await tlsProviderCharm({ env: process.env, tools: execRunner() });
