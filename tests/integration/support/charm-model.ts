/**
 * The simulated model the charm's integration tests use: {@link useSimModel}
 * with the charm built fresh from the working tree, or the prebuilt charm
 * directory named by `SIM_CHARM_DIR` (to run the tests against a build kept
 * aside, e.g. while the tree is mid-change).
 */
import type { SimModel, SimModelOptions } from '../../sim/testing.js';
import { useSimModel } from '../../sim/testing.js';

export function useCharmModel(options: SimModelOptions = {}): () => SimModel {
  const prebuilt = process.env['SIM_CHARM_DIR'];
  return useSimModel(prebuilt ? { charmDir: prebuilt, ...options } : options);
}
