import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import type { CharmAction, CharmConfigOption, CharmFiles, CharmMetadata, CharmStorage, JsonSchema } from './model.js';

const endpointSchema = z.object({
  interface: z.string(),
  limit: z.number().int().optional(),
  optional: z.boolean().optional(),
  scope: z.enum(['global', 'container']).optional(),
});

const storageSchema = z.object({
  type: z.enum(['filesystem', 'block']),
  location: z.string().optional(),
  description: z.string().optional(),
  multiple: z.object({ range: z.union([z.string(), z.number()]) }).optional(),
  'minimum-size': z.union([z.string(), z.number()]).optional(),
});

const metadataSchema = z.object({
  name: z.string().min(1),
  peers: z.record(z.string(), endpointSchema).nullish(),
  provides: z.record(z.string(), endpointSchema).nullish(),
  requires: z.record(z.string(), endpointSchema).nullish(),
  storage: z.record(z.string(), storageSchema).nullish(),
  'extra-bindings': z.record(z.string(), z.unknown()).nullish(),
});

const configValueSchema = z.union([z.string(), z.number(), z.boolean()]);
const configSchema = z.object({
  options: z
    .record(
      z.string(),
      z.object({
        type: z.enum(['string', 'int', 'float', 'boolean', 'secret']),
        default: configValueSchema.nullish(),
        description: z.string().optional(),
      }),
    )
    .nullish(),
});

const jsonSchemaSchema: z.ZodType<JsonSchema> = z.looseObject({}) as unknown as z.ZodType<JsonSchema>;
const actionSchema = z.looseObject({
  description: z.string().optional(),
  params: z.record(z.string(), jsonSchemaSchema).nullish(),
  required: z.array(z.string()).optional(),
  additionalProperties: z.boolean().optional(),
});
const actionsSchema = z.record(z.string(), actionSchema.nullish());

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const parseYaml = (text: string, what: string): unknown => {
  try {
    return yaml.load(text) ?? {};
  } catch (error) {
    throw new Error(`${what} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
};

const zodOrThrow = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${what} is malformed: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

/** Parses metadata.yaml text. Throws a descriptive Error when it is not valid YAML or not a metadata map. */
export const parseMetadataYaml = (text: string): CharmMetadata => {
  const raw = zodOrThrow(metadataSchema, parseYaml(text, 'metadata.yaml'), 'metadata.yaml');
  const storage: Record<string, CharmStorage> = {};
  for (const [name, s] of Object.entries(raw.storage ?? {})) {
    storage[name] = withoutUndefined({
      type: s.type,
      location: s.location,
      description: s.description,
      multiple: s.multiple ? { range: String(s.multiple.range) } : undefined,
      minimumSize: s['minimum-size'] === undefined ? undefined : String(s['minimum-size']),
    }) as CharmStorage;
  }
  const endpoints = (m: Record<string, z.infer<typeof endpointSchema>> | null | undefined) =>
    Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, withoutUndefined(v) as CharmMetadata['peers'][string]]));
  return {
    name: raw.name,
    peers: endpoints(raw.peers),
    provides: endpoints(raw.provides),
    requires: endpoints(raw.requires),
    storage,
    extraBindings: Object.keys(raw['extra-bindings'] ?? {}),
  };
};

/** Parses config.yaml text into its options. Throws a descriptive Error when malformed. */
export const parseConfigYaml = (text: string): Record<string, CharmConfigOption> => {
  const raw = zodOrThrow(configSchema, parseYaml(text, 'config.yaml'), 'config.yaml');
  return Object.fromEntries(
    Object.entries(raw.options ?? {}).map(([name, o]) => [
      name,
      withoutUndefined({ type: o.type, default: o.default ?? undefined, description: o.description }) as CharmConfigOption,
    ]),
  );
};

/** Parses actions.yaml text. Throws a descriptive Error when malformed. */
export const parseActionsYaml = (text: string): Record<string, CharmAction> => {
  const raw = zodOrThrow(actionsSchema, parseYaml(text, 'actions.yaml'), 'actions.yaml');
  return Object.fromEntries(
    Object.entries(raw).map(([name, a]) => {
      const action: CharmAction = {
        params: (a?.params ?? {}) as Record<string, JsonSchema>,
        required: a?.required ?? [],
        additionalProperties: a?.additionalProperties ?? false,
      };
      if (a?.description !== undefined) action.description = a.description;
      return [name, action];
    }),
  );
};

/**
 * Reads metadata.yaml, and config.yaml and actions.yaml when present, from a charm directory.
 * Throws when metadata.yaml is missing or any file is malformed.
 */
export const loadCharmFiles = (charmDir: string): CharmFiles => {
  const read = (name: string): string | undefined => {
    try {
      return readFileSync(path.join(charmDir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const metadata = read('metadata.yaml');
  if (metadata === undefined) throw new Error(`no metadata.yaml in ${charmDir}`);
  const config = read('config.yaml');
  const actions = read('actions.yaml');
  return {
    metadata: parseMetadataYaml(metadata),
    config: config === undefined ? {} : parseConfigYaml(config),
    actions: actions === undefined ? {} : parseActionsYaml(actions),
  };
};
