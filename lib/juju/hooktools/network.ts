import { z } from 'zod';
import { relationFlag, runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

const address = z.object({ hostname: z.string().optional(), value: z.string(), cidr: z.string().optional() });
const networkInfo = z.object({
  'bind-addresses': z
    .array(
      z.object({
        'mac-address': z.string().optional(),
        'interface-name': z.string().optional(),
        addresses: z.array(address).nullable().default([]),
      }),
    )
    .nullable()
    .default([]),
  'egress-subnets': z.array(z.string()).nullable().default([]),
  'ingress-addresses': z.array(z.string()).nullable().default([]),
});

export interface NetworkInfo {
  readonly bindAddresses: readonly { readonly interfaceName: string; readonly addresses: readonly string[] }[];
  readonly egressSubnets: readonly string[];
  readonly ingressAddresses: readonly string[];
}

/**
 * `network-get --format=json [-r <id>] <binding>`: the addresses of an endpoint
 * or extra binding.
 * @throws {HookToolError} for an unknown binding; {@link RelationNotFoundError} for a bad relation.
 */
export async function networkGet(
  runner: HookToolRunner,
  binding: string,
  options: { readonly relationId?: string } = {},
): Promise<NetworkInfo> {
  const out = await runToolJson(
    runner,
    'network-get',
    ['--format=json', ...relationFlag(options.relationId), binding],
    networkInfo,
  );
  return {
    bindAddresses: (out['bind-addresses'] ?? []).map((b) => ({
      interfaceName: b['interface-name'] ?? '',
      addresses: (b.addresses ?? []).map((a) => a.value),
    })),
    egressSubnets: out['egress-subnets'] ?? [],
    ingressAddresses: out['ingress-addresses'] ?? [],
  };
}
