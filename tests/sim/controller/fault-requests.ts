/** `sim inject-fault` and the snap tool's question at each command (see faults.ts). */
import type { Request } from '../protocol.js';
import { killDaemon } from '../snapd/index.js';
import { eventLabel } from './events.js';
import { describeFault, faultFailureMessage, faultMatches } from './faults.js';
import type { InjectedFault } from './faults.js';
import type { Runtime } from './runtime.js';
import type { SimUnit } from './state.js';

/** Arms (or, with no fault, clears) the unit's one-shot fault; answers the fault it replaced. */
export function injectFault(runtime: Runtime, unit: SimUnit, fault: InjectedFault | undefined): Record<string, unknown> {
  const previous = unit.fault;
  if (fault === undefined) delete unit.fault;
  else unit.fault = fault;
  runtime.log(unit.name, 'INFO', 'sim.inject-fault', fault === undefined ? 'fault cleared' : `armed: ${describeFault(fault)}`);
  runtime.save();
  return previous === undefined ? {} : { previous };
}

/**
 * The snap tool asks whether an injected fault fires at this command: the first match
 * disarms it. `kill-hook` SIGKILLs the hook's process group before answering (the
 * asking process included); `fail-hook` makes the running hook fail at its end;
 * `kill-workload` SIGKILLs the unit's workload daemon.
 */
export function faultPoint(runtime: Runtime, req: Extract<Request, { type: 'fault-point' }>): Record<string, unknown> {
  const ctx = runtime.contexts.get(req.contextId);
  const unit = ctx === undefined ? undefined : runtime.state.units[ctx.unit];
  const fault = unit?.fault;
  if (ctx === undefined || unit === undefined || fault === undefined || !faultMatches(fault, req.argv, req.when)) return { do: 'none' };
  delete unit.fault;
  runtime.log(unit.name, 'WARNING', 'sim.inject-fault', `fired: ${describeFault(fault)} in ${eventLabel(ctx.event)}`);
  runtime.save();
  switch (fault.do) {
    case 'kill-hook':
      ctx.process?.kill('SIGKILL');
      return { do: 'kill-hook' };
    case 'fail-hook':
      if (ctx.event.kind === 'hook') unit.failNext = { hook: ctx.event.name };
      return { do: 'none' };
    case 'kill-workload': {
      const pid = killDaemon(unit.root);
      runtime.log(unit.name, 'WARNING', 'sim.inject-fault', pid === undefined ? 'etcd was not running' : `killed etcd (pid ${pid})`);
      return { do: 'none' };
    }
    case 'fail':
      return { do: 'fail', message: faultFailureMessage(req.argv) };
  }
}
