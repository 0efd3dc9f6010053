import yaml from 'js-yaml';

export type OutputFormat = 'smart' | 'yaml' | 'json';

const sortKeysDeep = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeysDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
};

const formatYaml = (value: unknown): string =>
  yaml.dump(value === undefined ? null : value, { sortKeys: true, lineWidth: -1, noRefs: true });

// juju/cmd's FormatSmart: raw strings, True/False, one string per line, nothing for nil, YAML otherwise.
const formatSmart = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => `${v}\n`).join('');
  return formatYaml(value);
};

/**
 * Renders a tool's result as Juju's cmd.Output does: json is one line (Go sorts
 * map keys), and any non-empty output ends with a newline.
 */
export const formatOutput = (format: OutputFormat, value: unknown): string => {
  let text: string;
  if (format === 'json') text = JSON.stringify(sortKeysDeep(value === undefined ? null : value));
  else if (format === 'yaml') text = formatYaml(value);
  else text = formatSmart(value);
  return text.length > 0 && !text.endsWith('\n') ? `${text}\n` : text;
};
