/** Step 1: this unit's own departure marks it as tearing down; from then on the refresh leaves it alone. */
import { LOCAL_FILES } from '../constants.js';
import { actionText } from '../messages.js';
import type { RefreshSnapshot } from '../types.js';
import { failAction, log, writeFile, type Draft } from './draft.js';
import { done, next, type Step } from './step.js';

const departsItself = (s: RefreshSnapshot): boolean =>
  s.event.kind === 'hook' && s.event.name.endsWith('-relation-departed') && s.event.departingUnit === s.unitName;

export const teardown = (s: RefreshSnapshot, d: Draft): Step<Draft> => {
  let draft = d;
  if (!s.local.tearingDown) {
    if (!departsItself(s)) return next(draft);
    draft = writeFile(draft, LOCAL_FILES.tearingDown);
  }
  draft = failAction(draft, actionText.tearingDown);
  if (!s.local.tearingDownLogged) {
    draft = writeFile(log(draft, 'info', 'Unit tearing down'), LOCAL_FILES.tearingDownLogged);
  }
  return done({ ...draft, outcome: 'unit-tearing-down' });
};
