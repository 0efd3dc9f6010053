import { describe, expect, it } from 'vitest';
import { bundleCas, isNewCa, renderBundle, withCa } from '../../../../src/tls/trust-bundle.js';

const pem = (body: string): string => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;

describe('trust bundles', () => {
  it('adds a new CA after the old one, once', () => {
    const old = renderBundle([pem('OLD')]);
    expect(isNewCa(old, pem('NEW'))).toBe(true);
    const both = withCa(old, pem('NEW'));
    expect(bundleCas(both)).toEqual([pem('OLD'), pem('NEW')]);
    expect(withCa(both, `  ${pem('NEW').replace(/\n/g, '\r\n')}`)).toBe(both);
    expect(isNewCa(both, pem('OLD'))).toBe(false);
  });

  it('drops an old CA by rendering only what stays', () => {
    expect(renderBundle(bundleCas(withCa(pem('OLD'), pem('NEW'))).filter((ca) => ca !== pem('OLD')))).toBe(pem('NEW'));
  });
});
