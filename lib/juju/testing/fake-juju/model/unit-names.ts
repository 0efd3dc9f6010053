/** Unit names (`app/<n>`): their parts and their order. */

/** `app/3` → 3. Throws on a malformed unit name. */
export const unitNumber = (unitName: string): number => {
  const match = /^[a-z][a-z0-9-]*\/(\d+)$/.exec(unitName);
  if (!match?.[1]) throw new Error(`not a unit name: ${JSON.stringify(unitName)}`);
  return Number(match[1]);
};

/** `app/3` → `app`. */
export const appOfUnit = (unitName: string): string => unitName.slice(0, unitName.lastIndexOf('/'));

/** Sorts unit names by application, then unit number (so `app/10` follows `app/9`). */
export const compareUnitNames = (a: string, b: string): number => {
  const appA = appOfUnit(a);
  const appB = appOfUnit(b);
  if (appA !== appB) return appA < appB ? -1 : 1;
  return unitNumber(a) - unitNumber(b);
};
