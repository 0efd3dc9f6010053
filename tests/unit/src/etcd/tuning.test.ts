import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TUNING,
  invalidOptionsMessage,
  MAX_QUOTA_BYTES,
  MIN_QUOTA_BYTES,
  resolveQuotaBackendBytes,
  validateTuning,
} from '../../../../src/etcd/tuning.js';

const GiB = 1024 ** 3;

const errorsOf = (raw: Record<string, unknown>): Record<string, string> => {
  const result = validateTuning(raw);
  if (result.ok) return {};
  return Object.fromEntries(result.errors.map((e) => [e.option, e.message]));
};

describe('validateTuning', () => {
  it('accepts an empty config as the defaults', () => {
    expect(validateTuning({})).toEqual({ ok: true, value: DEFAULT_TUNING });
  });

  it('accepts valid values, numbers given as strings included', () => {
    expect(
      validateTuning({
        'heartbeat-interval': '200',
        'election-timeout': 2000,
        'quota-backend-bytes': '4GiB',
        'auto-compaction-mode': 'revision',
        'auto-compaction-retention': '10000',
      }),
    ).toEqual({
      ok: true,
      value: { heartbeatIntervalMs: 200, electionTimeoutMs: 2000, quotaBackendBytes: 4 * GiB, autoCompactionMode: 'revision', autoCompactionRetention: '10000' },
    });
  });

  it.each([
    [{ 'heartbeat-interval': 9 }, 'heartbeat-interval', 'heartbeat-interval must be between 10 and 5000 ms, got 9'],
    [{ 'heartbeat-interval': 5001, 'election-timeout': 50000 }, 'heartbeat-interval', 'heartbeat-interval must be between 10 and 5000 ms, got 5001'],
    [{ 'heartbeat-interval': 'fast' }, 'heartbeat-interval', 'heartbeat-interval must be an integer number of milliseconds'],
    [{ 'heartbeat-interval': 100, 'election-timeout': 999 }, 'election-timeout', 'election-timeout must be at least 10 × heartbeat-interval (1000 ms), got 999'],
    [{ 'heartbeat-interval': 5000, 'election-timeout': 50001 }, 'election-timeout', 'election-timeout must be at most 50000 ms, got 50001'],
    [{ 'election-timeout': 1.5 }, 'election-timeout', 'election-timeout must be an integer number of milliseconds'],
    [{ 'quota-backend-bytes': 100 * 1024 ** 2 - 1 }, 'quota-backend-bytes', `quota-backend-bytes must be between 100 MiB (${MIN_QUOTA_BYTES}) and 8 GiB (${MAX_QUOTA_BYTES}), got ${100 * 1024 ** 2 - 1}`],
    [{ 'quota-backend-bytes': '9GiB' }, 'quota-backend-bytes', `quota-backend-bytes must be between 100 MiB (${MIN_QUOTA_BYTES}) and 8 GiB (${MAX_QUOTA_BYTES}), got ${9 * GiB}`],
    [{ 'quota-backend-bytes': 'lots' }, 'quota-backend-bytes', 'quota-backend-bytes must be "auto" or a size in bytes such as 2147483648 or "2GiB"'],
    [{ 'auto-compaction-mode': 'hourly' }, 'auto-compaction-mode', 'auto-compaction-mode must be "periodic" or "revision", got "hourly"'],
    [{ 'auto-compaction-retention': '0' }, 'auto-compaction-retention', 'auto-compaction-retention must not be zero: that would turn compaction off'],
    [{ 'auto-compaction-retention': '90s' }, 'auto-compaction-retention', 'auto-compaction-retention must be a duration in hours and/or minutes such as "1h" or "30m" when auto-compaction-mode is periodic'],
    [{ 'auto-compaction-retention': '2d' }, 'auto-compaction-retention', 'auto-compaction-retention must be a duration in hours and/or minutes such as "1h" or "30m" when auto-compaction-mode is periodic'],
    [{ 'auto-compaction-retention': '0h' }, 'auto-compaction-retention', 'auto-compaction-retention must not be zero: that would turn compaction off'],
    [{ 'auto-compaction-retention': '10s' }, 'auto-compaction-retention', 'auto-compaction-retention must be a duration in hours and/or minutes such as "1h" or "30m" when auto-compaction-mode is periodic'],
    [{ 'auto-compaction-mode': 'revision' }, 'auto-compaction-retention', 'auto-compaction-retention must be a revision count such as "1000" when auto-compaction-mode is revision'],
    [{ 'auto-compaction-mode': 'revision', 'auto-compaction-retention': '1h' }, 'auto-compaction-retention', 'auto-compaction-retention must be a revision count such as "1000" when auto-compaction-mode is revision'],
    [{ 'auto-compaction-mode': 'revision', 'auto-compaction-retention': 0 }, 'auto-compaction-retention', 'auto-compaction-retention must not be zero: that would turn compaction off'],
  ] as const)('rejects %j with a message for %s', (raw, option, message) => {
    expect(errorsOf(raw)).toEqual({ [option]: message });
  });

  it('accepts periodic durations in hours, minutes or both', () => {
    for (const retention of ['1h', '30m', '1h30m', '72h']) {
      expect(validateTuning({ 'auto-compaction-retention': retention }).ok).toBe(true);
    }
  });

  it('reports every broken option at once, and the blocked status names them', () => {
    const result = validateTuning({ 'heartbeat-interval': 2, 'quota-backend-bytes': 'x', 'auto-compaction-mode': 'never' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.option)).toEqual(['heartbeat-interval', 'quota-backend-bytes', 'auto-compaction-mode']);
    expect(invalidOptionsMessage(result.errors)).toBe(
      "Invalid values set for the config options: 'auto-compaction-mode', 'heartbeat-interval', 'quota-backend-bytes'",
    );
  });

  it('words the classic pair exactly as the Canonical charm does', () => {
    const result = validateTuning({ 'heartbeat-interval': 200, 'election-timeout': 1000 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(invalidOptionsMessage([...result.errors, { option: 'heartbeat-interval', message: '' }])).toBe(
        "Invalid values set for the config options: 'election-timeout', 'heartbeat-interval'",
      );
    }
  });
});

describe('resolveQuotaBackendBytes', () => {
  it('passes explicit sizes through', () => {
    expect(resolveQuotaBackendBytes(3 * GiB, { memoryBytes: 1, dataDiskBytes: 1 })).toBe(3 * GiB);
  });
  it.each([
    ['a big machine is capped at 8 GiB', 64 * GiB, 500 * GiB, 8 * GiB],
    ['small RAM limits it to half the RAM', 4 * GiB, 500 * GiB, 2 * GiB],
    ['a small disk limits it to two fifths of the disk', 64 * GiB, 10 * GiB, 4 * GiB],
    ['a tiny machine still gets the 100 MiB floor', 128 * 1024 ** 2, 128 * 1024 ** 2, 100 * 1024 ** 2],
  ])('auto: %s', (_what, memoryBytes, dataDiskBytes, expected) => {
    expect(resolveQuotaBackendBytes('auto', { memoryBytes, dataDiskBytes })).toBe(expected);
  });
});
