/**
 * Member ids are uint64. The gateway sends them as decimal strings; people (and
 * etcdctl, and the health records peers exchange) use lower-case hex without
 * leading zeros. The client's public API speaks hex only and converts at the wire.
 */

const HEX_ID = /^[0-9a-f]{1,16}$/;
const DECIMAL_ID = /^\d{1,20}$/;

/**
 * Converts a decimal member id from the gateway to etcdctl's hex form.
 * @throws TypeError when `decimal` is not an unsigned decimal integer.
 */
export function memberIdFromDecimal(decimal: string): string {
  if (!DECIMAL_ID.test(decimal)) throw new TypeError(`not a decimal member id: ${JSON.stringify(decimal)}`);
  return BigInt(decimal).toString(16);
}

/**
 * Converts a hex member id (as etcdctl prints it) to the decimal string the gateway expects.
 * @throws TypeError when `hex` is not 1–16 hex digits.
 */
export function memberIdToDecimal(hex: string): string {
  const normalized = hex.toLowerCase();
  if (!HEX_ID.test(normalized)) throw new TypeError(`not a hex member id: ${JSON.stringify(hex)}`);
  return BigInt(`0x${normalized}`).toString(10);
}

/** True when `id` is a member id in hex form (what the client API accepts). */
export const isHexMemberId = (id: string): boolean => HEX_ID.test(id.toLowerCase());

/** Encodes a UTF-8 string as the base64 the gateway expects for keys and values. */
export const toBase64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Decodes gateway base64 bytes into a UTF-8 string. */
export const fromBase64 = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/**
 * The exclusive end of the key range holding every key that starts with
 * `prefix` (etcdctl's `--prefix`): the prefix with its last byte incremented,
 * or `\0` (meaning "to the end") when every byte is 0xff.
 */
export function prefixRangeEnd(prefix: string): Buffer {
  const bytes = Buffer.from(prefix, 'utf8');
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i] = bytes[i]! + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}
