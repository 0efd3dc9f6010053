/** Charm files, parsed (see ../charm.ts for the zod parsers). */

export interface CharmEndpoint {
  interface: string;
  limit?: number;
  optional?: boolean;
  scope?: 'global' | 'container';
}

export interface CharmStorage {
  type: 'filesystem' | 'block';
  location?: string;
  description?: string;
  multiple?: { range: string };
  minimumSize?: string;
}

export interface CharmMetadata {
  name: string;
  peers: Record<string, CharmEndpoint>;
  provides: Record<string, CharmEndpoint>;
  requires: Record<string, CharmEndpoint>;
  storage: Record<string, CharmStorage>;
  extraBindings: string[];
}

export type ConfigType = 'string' | 'int' | 'float' | 'boolean' | 'secret';
export type ConfigValue = string | number | boolean;

export interface CharmConfigOption {
  type: ConfigType;
  default?: ConfigValue;
  description?: string;
}

/** One action of actions.yaml; `params` holds JSON-schema property objects verbatim. */
export interface CharmAction {
  description?: string;
  params: Record<string, JsonSchema>;
  required: string[];
  /** Juju's default is false: unknown params are refused. */
  additionalProperties: boolean;
}

/** The subset of JSON schema actions.yaml uses; other keywords are kept but not checked. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  [keyword: string]: unknown;
}

export interface CharmFiles {
  metadata: CharmMetadata;
  config: Record<string, CharmConfigOption>;
  actions: Record<string, CharmAction>;
}

/** All endpoint names a unit can be bound on (relations plus extra-bindings). */
export const bindingNames = (charm: CharmFiles): string[] => [
  ...Object.keys(charm.metadata.peers),
  ...Object.keys(charm.metadata.provides),
  ...Object.keys(charm.metadata.requires),
  ...charm.metadata.extraBindings,
];
