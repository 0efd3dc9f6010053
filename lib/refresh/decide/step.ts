/**
 * What one step of `decide` returns, as data: go on with the new state, stop
 * here (the decision is final), or stop until the adapter has performed an
 * effect and calls `decide` again with its result in `snapshot.effects`.
 */
import type { RefreshRequest } from '../types.js';

export type Step<T> =
  | { readonly kind: 'next'; readonly state: T }
  | { readonly kind: 'done'; readonly state: T }
  | { readonly kind: 'need'; readonly state: T; readonly request: RefreshRequest };

export const next = <T>(state: T): Step<T> => ({ kind: 'next', state });
export const done = <T>(state: T): Step<T> => ({ kind: 'done', state });
export const need = <T>(state: T, request: RefreshRequest): Step<T> => ({ kind: 'need', state, request });
