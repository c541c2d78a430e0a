/**
 * Arrays a snapshot keeps. V8 gives an array built with `push` spare room (17 slots after the first
 * push), and a compiled snapshot holds thousands of small arrays: copied to their exact length they
 * take about a third of the memory, which also shortens every garbage collection that has to copy
 * them while the snapshot is being built. `Array.prototype.map` may return a "holey" array, whose
 * shape differs from that of the arrays built otherwise; code optimized for one shape is thrown
 * away when it meets the other, so the lists the rule index walks are all built by {@link mapFit}.
 */

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * `a` at its exact length (a shared frozen empty array when empty).
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * out.push('x');
 * return fit(out); // ['x'], one slot
 * ```
 */
export function fit<T>(a: readonly T[]): readonly T[] {
  return a.length === 0 ? EMPTY : a.slice();
}

/**
 * `a.map(f)` at its exact length, always a packed array (see above).
 *
 * @example
 * ```ts
 * mapFit(['a', 'b'], (s) => s.toUpperCase()); // ['A', 'B']
 * ```
 */
export function mapFit<T, U>(a: readonly T[], f: (x: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < a.length; i++) out.push(f(a[i] as T, i));
  return a.length === 0 ? out : out.slice();
}
