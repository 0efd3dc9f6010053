import type { CharmAction, JsonSchema } from './model.js';

/** Action name rule Juju enforces when the charm is deployed. */
export const ACTION_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export type ActionParamsCheck =
  | { ok: true; params: Record<string, unknown> }
  | { ok: false; problems: string[] };

const jsonTypeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const typeMatches = (expected: string, value: unknown): boolean => {
  const actual = jsonTypeOf(value);
  if (expected === 'number') return actual === 'number' || actual === 'integer';
  return actual === expected;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Messages follow gojsonschema (which Juju uses): "(root).key : Invalid type. ...".
const check = (schema: JsonSchema, value: unknown, where: string, problems: string[]): unknown => {
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, value))) {
      problems.push(`${where} : Invalid type. Expected: ${types.join(' or ')}, given: ${jsonTypeOf(value)}`);
      return value;
    }
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${where} : ${where} must be one of the following: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${where} : Must be greater than or equal to ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${where} : Must be less than or equal to ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${where} : String length must be greater than or equal to ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${where} : String length must be less than or equal to ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${where} : Does not match pattern '${schema.pattern}'`);
  }
  if (isPlainObject(value) && (schema.properties || schema.additionalProperties !== undefined || schema.required)) {
    return checkObject(schema.properties ?? {}, schema.required ?? [], schema.additionalProperties ?? true, value, where, problems);
  }
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    return value.map((item, i) => check(items, item, `${where}.${i}`, problems));
  }
  return value;
};

const checkObject = (
  properties: Record<string, JsonSchema>,
  required: readonly string[],
  additional: boolean | JsonSchema,
  value: Record<string, unknown>,
  where: string,
  problems: string[],
): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const schema = properties[key];
    if (schema) out[key] = check(schema, item, `${where}.${key}`, problems);
    else if (additional === false) problems.push(`${where} : Additional property ${key} is not allowed`);
    else out[key] = additional === true ? item : check(additional, item, `${where}.${key}`, problems);
  }
  for (const [key, schema] of Object.entries(properties)) {
    if (!(key in out) && schema.default !== undefined) out[key] = structuredClone(schema.default);
  }
  for (const key of required) {
    if (!(key in out)) problems.push(`${where} : ${key} is required`);
  }
  return out;
};

/**
 * Checks action params against the action's schema the way Juju does when it queues
 * an action: types, enums, required keys, `additionalProperties` (false unless the
 * charm says otherwise), then fills in defaults. Never throws.
 */
export const checkActionParams = (action: CharmAction, params: Readonly<Record<string, unknown>>): ActionParamsCheck => {
  const problems: string[] = [];
  const filled = checkObject(action.params, action.required, action.additionalProperties, { ...params }, '(root)', problems);
  return problems.length === 0 ? { ok: true, params: filled } : { ok: false, problems };
};
