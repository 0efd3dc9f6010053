/**
 * Breadth-first exploration of the refresh model: every enabled move from every
 * distinct state, level by level to a bounded depth. Each new state is checked
 * (the model's invariants) once; a violation fails with the moves that reached it.
 */
import { apply, describeMove, enabledMoves, follow, rollbackOffered, type Enumeration } from './moves.js';
import { eventText } from './juju.js';
import { stateKey } from './state-key.js';
import type { RefreshWorld } from './world.js';

/** The moves from a root, newest first (shared tails keep a level's paths small). */
export interface Path {
  readonly move: string;
  readonly parent: Path | undefined;
}

export const pathText = (path: Path | undefined): string[] => {
  const moves: string[] = [];
  for (let p = path; p !== undefined; p = p.parent) moves.unshift(p.move);
  return moves;
};

export interface Node {
  readonly world: RefreshWorld;
  readonly path: Path | undefined;
  readonly moves: Enumeration;
  /** Which root it descends from: roots enumerate different moves, so their states are told apart. */
  readonly root: number;
}

export interface Exploration {
  /** Distinct states checked, the roots included. */
  readonly states: number;
  /** New states per level (level 0: the roots). */
  readonly levels: readonly number[];
  /** The states first reached at the deepest level explored. */
  readonly deepest: readonly Node[];
}

export class Violation extends Error {
  override name = 'Violation';
}

const unitLines = (world: RefreshWorld): string[] =>
  world.live().map((u) => `${u.name} code=${u.code.revision} snap=${u.snap} up=${u.workloadUp} queue=[${u.queue.map(eventText).join(', ')}]`);

/** Throws when `world` broke an invariant: the violations, the path, the last move's trace and the units. */
export const assertClean = (world: RefreshWorld, path: Path | undefined, what = 'reached'): void => {
  if (world.violations.length === 0) return;
  const lines = [...world.violations, `--- ${what} by ---`, ...pathText(path), '--- last trace ---', ...world.trace, `etcd ${world.etcd.key()}`, ...unitLines(world)];
  throw new Violation(lines.join('\n'));
};

const idle = (world: RefreshWorld): RefreshWorld => {
  const copy = world.clone();
  copy.trace.length = 0;
  copy.drain();
  return copy;
};

/** A world to start from and the moves to enumerate from it and its descendants. */
export interface Root {
  readonly world: RefreshWorld;
  readonly moves: Enumeration;
}

/** `observe` sees every distinct state once, the roots included. */
export const explore = (roots: readonly Root[], maxDepth: number, observe?: (node: Node) => void): Exploration => {
  const visited = new Set<string>();
  let frontier: Node[] = [];
  roots.forEach(({ world, moves }, root) => {
    world.checkState();
    assertClean(world, undefined);
    const node = { world, path: undefined, moves, root };
    observe?.(node);
    frontier.push(node);
    visited.add(`${root}:${stateKey(world)}`);
  });
  const levels = [frontier.length];
  let deepest = frontier;
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth += 1) {
    const next: Node[] = [];
    for (const node of frontier) {
      // The operator waits for idle agents once per state, then follows the status with or without rollback.
      let drained: RefreshWorld | undefined;
      for (const move of enabledMoves(node.world, node.moves)) {
        let world: RefreshWorld;
        let path: Path;
        if (move.kind === 'operator') {
          drained ??= idle(node.world);
          if (move.rollBack && !rollbackOffered(drained)) continue;
          world = drained.clone();
          path = { move: `agents idle; operator follows "${drained.appStatus?.message ?? ''}"${move.rollBack ? ' (rolling back)' : ''}`, parent: node.path };
          follow(world, move.rollBack);
        } else {
          world = node.world.clone();
          world.trace.length = 0; // the path says how it got here; the trace keeps the last move's lines
          path = { move: describeMove(world, move), parent: node.path };
          apply(world, move);
          world.checkState();
        }
        // Every transition is checked, also one into a state seen before (its refreshes may differ).
        assertClean(world, path);
        const key = `${node.root}:${stateKey(world)}`;
        if (visited.has(key)) continue;
        visited.add(key);
        const child = { world, path, moves: node.moves, root: node.root };
        observe?.(child);
        next.push(child);
      }
    }
    if (next.length === 0) break;
    levels.push(next.length);
    deepest = next;
    frontier = next;
  }
  return { states: visited.size, levels, deepest };
};
