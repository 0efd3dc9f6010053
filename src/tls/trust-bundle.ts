/**
 * Trust bundles: the CAs a member accepts from its peers or clients. A CA
 * rotation first adds the new CA beside the old one everywhere, and only then
 * changes certificates and drops the old CA (Canonical's three-phase
 * rotation), so bundles are sets kept in a stable order.
 */
import { splitPemBlocks } from './pem.js';

/** One PEM block as compared and written everywhere: trimmed, LF line ends, one final newline. */
export const normalisePem = (pem: string): string => `${pem.trim().replace(/\r\n/g, '\n')}\n`;

/** The CAs in `bundleText`, normalised, without repeats. */
export function bundleCas(bundleText: string): string[] {
  return [...new Set(splitPemBlocks(bundleText).map(normalisePem))];
}

/** A bundle of `cas` (first occurrence wins the order). */
export function renderBundle(cas: readonly string[]): string {
  return [...new Set(cas.map(normalisePem))].join('');
}

/** True when `ca` is not already trusted by `bundleText`. */
export const isNewCa = (bundleText: string, ca: string): boolean => !bundleCas(bundleText).includes(normalisePem(ca));

/** `bundleText` with `ca` added after the CAs it already holds. */
export const withCa = (bundleText: string, ca: string): string => renderBundle([...bundleCas(bundleText), ca]);
