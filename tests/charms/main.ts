/** The frame of a test charm: parse the context, route the event, flush; a failure is one stderr line and exit 1. */
import { parseJujuContext } from '../../lib/juju/context.js';
import type { CharmMain } from '../../lib/juju/host.js';
import { Model } from '../../lib/juju/model.js';

export function testCharmMain(name: string, route: (model: Model) => Promise<void>): CharmMain {
  return async (host) => {
    const stderr = host.stderr ?? process.stderr;
    try {
      const model = new Model(parseJujuContext(host.env), host.tools);
      await route(model);
      await model.flush();
      return 0;
    } catch (error) {
      stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  };
}
