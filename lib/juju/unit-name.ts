/** A unit name as Juju writes it: `<application>/<number>`. */
export const UNIT_NAME = /^([a-z][a-z0-9-]*)\/(0|[1-9]\d*)$/;

/**
 * The one parser of unit numbers: `app/12` -> 12. Unit names come from Juju,
 * so anything else is -1 (it sorts below every real unit).
 */
export const unitNumber = (unitName: string): number => {
  const match = UNIT_NAME.exec(unitName);
  return match === null ? -1 : Number(match[2]);
};
