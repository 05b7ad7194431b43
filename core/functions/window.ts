/**
 * Window (non-aggregate) functions: row_number, rank, dense_rank, percent_rank, cume_dist,
 * ntile, lag, lead, first_value, last_value, nth_value. Each evaluates one sorted partition
 * (peer groups and frames already computed by the window operator) into a vector.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { BoundWindow, WindowPartition } from '../hooks/contracts.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { BIGINT, DOUBLE, type LogicalType, type Value } from '../types/types.ts'
import { Vector, VectorBuilder, getValue } from '../vector/vector.ts'
import { compareValues } from './compare.ts'
import { unifiedType } from './conditional.ts'

type Bound = Omit<BoundWindow, 'name'>

function bigints(count: number, f: (i: number) => number): Vector {
  const out = new BigInt64Array(count)
  for (let i = 0; i < count; i++) out[i] = BigInt(f(i))
  return new Vector(BIGINT, count, out, null)
}

function doubles(count: number, f: (i: number) => number): Vector {
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = f(i)
  return new Vector(DOUBLE, count, out, null)
}

function noArgs(evaluate: (p: WindowPartition) => Vector, returns: LogicalType) {
  return (argTypes: readonly LogicalType[]): Bound | undefined =>
    argTypes.length === 0 ? { argTypes: [], returns, evaluate } : undefined
}

function denseRanks(p: WindowPartition): Vector {
  let rank = 0
  return bigints(p.count, i => { if (p.peerStart[i] === i) rank++; return rank })
}

const INTEGER_IDS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT'])

function argValue(p: WindowPartition, k: number, i: number): Value {
  const v = p.args[k]
  return v === undefined ? null : getValue(v, i)
}

/** ntile: buckets as even as possible, the first ones one larger (DuckDB, PostgreSQL). */
function ntile(p: WindowPartition): Vector {
  const b = new VectorBuilder(BIGINT, p.count)
  for (let i = 0; i < p.count; i++) {
    const arg = argValue(p, 0, i)
    if (arg === null) { b.push(null); continue }
    let buckets = Number(arg)
    if (buckets <= 0) {
      throw new GrizzlyError(SqlState.invalidParameterValue, 'Argument for ntile must be greater than zero',
        { hint: 'use ntile(4) for quartiles' })
    }
    const n = p.count
    if (buckets > n) buckets = n
    const size = Math.floor(n / buckets)
    const large = n - size * buckets
    const smallStart = large * (size + 1)
    b.push(BigInt(i < smallStart ? 1 + Math.floor(i / (size + 1)) : 1 + large + Math.floor((i - smallStart) / size)))
  }
  return b.finish()
}

/** lag / lead: the value `offset` rows before / after, or the default. */
function shifted(direction: -1 | 1, type: LogicalType) {
  return (p: WindowPartition): Vector => {
    const b = new VectorBuilder(type, p.count)
    const values = p.args[0]!
    for (let i = 0; i < p.count; i++) {
      const off = p.args.length > 1 ? argValue(p, 1, i) : 1
      if (off === null) { b.push(null); continue }
      const offset = Number(off)
      const fallback = p.args.length > 2 ? argValue(p, 2, i) : null
      let target: number
      if (!p.ignoreNulls) target = i + direction * offset
      else {
        // count only rows whose value is not NULL
        target = -1
        let seen = 0
        const step = offset >= 0 ? direction : -direction
        const want = Math.abs(offset)
        if (want === 0) target = i
        for (let j = i + step; want > 0 && j >= 0 && j < p.count; j += step) {
          if (values.isValid(j) && ++seen === want) { target = j; break }
        }
      }
      b.push(target >= 0 && target < p.count ? getValue(values, target) : fallback)
    }
    return b.finish()
  }
}

function bindShift(direction: -1 | 1) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    if (argTypes.length < 1 || argTypes.length > 3) return undefined
    if (argTypes.length >= 2 && !INTEGER_IDS.has(argTypes[1]!.id) && argTypes[1]!.id !== 'NULL') return undefined
    const type = argTypes.length === 3 ? unifiedType([argTypes[0]!, argTypes[2]!]) : argTypes[0]!
    if (type === undefined) return undefined
    const argTypesOut = argTypes.length === 1 ? [type] : argTypes.length === 2 ? [type, BIGINT] : [type, BIGINT, type]
    return { argTypes: argTypesOut, returns: type, evaluate: shifted(direction, type) }
  }
}

/** One sort key of `first_value(x ORDER BY k DESC)`: its argument index and direction. */
export interface ArgumentOrder { readonly arg: number; readonly descending: boolean; readonly nullsFirst: boolean }

/** Compares two rows of the partition by the call's own ORDER BY (0 for peers). */
function argumentComparator(p: WindowPartition, order: readonly ArgumentOrder[]): (x: number, y: number) => number {
  return (x, y) => {
    for (const o of order) {
      const v = p.args[o.arg]!
      const a = getValue(v, x), b = getValue(v, y)
      if (a === null || b === null) {
        if (a === b) continue
        return (a === null) === o.nullsFirst ? -1 : 1
      }
      const c = compareValues(a, b, v.type)
      if (c !== 0) return o.descending ? -c : c
    }
    return 0
  }
}

/** Frame rows of row i in the order of the call's own ORDER BY (stable: ties keep frame order). */
function orderedFrame(p: WindowPartition, start: number, end: number, order: readonly ArgumentOrder[]): number[] {
  const rows: number[] = []
  for (let j = start; j < end; j++) rows.push(j)
  const cmp = argumentComparator(p, order)
  rows.sort((x, y) => cmp(x, y) || x - y)
  return rows
}

export type FrameRanking = 'row_number' | 'rank' | 'percent_rank' | 'cume_dist'

/**
 * rank(ORDER BY k) OVER w and the like (DuckDB; not dense_rank): row i ranked among the rows of its frame in the
 * call's own order, ties broken by window order for row_number. A row outside its own frame is
 * ranked where it would fall; an empty frame gives cume_dist and percent_rank 0.
 */
export function frameRanking(kind: FrameRanking, order: readonly ArgumentOrder[]) {
  return (p: WindowPartition): Vector => {
    const cmp = argumentComparator(p, order)
    const double = kind === 'percent_rank' || kind === 'cume_dist'
    const out = double ? new Float64Array(p.count) : new BigInt64Array(p.count)
    for (let i = 0; i < p.count; i++) {
      const start = p.frameStart[i]!, end = p.frameEnd[i]!
      let before = 0, beforeOrTied = 0, peersBefore = 0
      for (let j = start; j < end; j++) {
        const c = cmp(j, i)
        if (c < 0) before++
        else if (c === 0 && j < i) peersBefore++
        if (c <= 0) beforeOrTied++
      }
      const n = end - start
      switch (kind) {
        case 'row_number': out[i] = BigInt(before + peersBefore + 1); break
        case 'rank': out[i] = BigInt(before + 1); break
        case 'percent_rank': out[i] = n > 1 ? before / (n - 1) : 0; break
        case 'cume_dist': out[i] = n > 0 ? beforeOrTied / n : 0; break
      }
    }
    return new Vector(double ? DOUBLE : BIGINT, p.count, out, null)
  }
}

/** lead / lag (x ORDER BY k) OVER w: the value `offset` places after / before row i in its frame sorted by k. */
export function frameShift(direction: -1 | 1, type: LogicalType, argCount: number, order: readonly ArgumentOrder[]) {
  return (p: WindowPartition): Vector => {
    const b = new VectorBuilder(type, p.count)
    const values = p.args[0]!
    const cmp = argumentComparator(p, order)
    for (let i = 0; i < p.count; i++) {
      const off = argCount > 1 ? argValue(p, 1, i) : 1
      if (off === null) { b.push(null); continue }
      const fallback = argCount > 2 ? argValue(p, 2, i) : null
      const rows = orderedFrame(p, p.frameStart[i]!, p.frameEnd[i]!, order)
      let at = rows.indexOf(i)
      if (at < 0) at = rows.filter(j => (cmp(j, i) || j - i) < 0).length
      const target = at + direction * Number(off)
      b.push(target >= 0 && target < rows.length ? getValue(values, rows[target]!) : fallback)
    }
    return b.finish()
  }
}

/**
 * first_value / last_value / nth_value over each row's frame; with `order`, the frame's rows
 * are taken in that order (DuckDB's first_value(x ORDER BY k) OVER …) instead of the window's.
 */
export function frameValue(which: 'first' | 'last' | 'nth', type: LogicalType, order: readonly ArgumentOrder[] = []) {
  return (p: WindowPartition): Vector => {
    const b = new VectorBuilder(type, p.count)
    const values = p.args[0]!
    for (let i = 0; i < p.count; i++) {
      const start = p.frameStart[i]!, end = p.frameEnd[i]!
      let n = 1
      if (which === 'nth') {
        const k = argValue(p, 1, i)
        if (k === null) { b.push(null); continue }
        n = Number(k)
        // DuckDB 1.5: a position below 1 has no value (NULL), it is not an error
        if (n <= 0) { b.push(null); continue }
      }
      let picked = -1
      // EXCLUDE leaves a hole [hs, he) in the frame (TIES keeps the row itself)
      const hs = p.excludeStart?.[i] ?? 0, he = p.excludeEnd?.[i] ?? 0
      const skip = (j: number): boolean => (j >= hs && j < he && !(j === i && p.excludeKeepsCurrent === true)) ||
        (p.ignoreNulls && !values.isValid(j))
      if (order.length > 0) {
        const rows = orderedFrame(p, start, end, order).filter(j => !skip(j))
        picked = (which === 'last' ? rows[rows.length - 1] : rows[n - 1]) ?? -1
      } else if (which === 'last') {
        for (let j = end - 1; j >= start; j--) if (!skip(j)) { picked = j; break }
      } else {
        let seen = 0
        for (let j = start; j < end; j++) {
          if (skip(j)) continue
          if (++seen === n) { picked = j; break }
        }
      }
      b.push(picked < 0 ? null : getValue(values, picked))
    }
    return b.finish()
  }
}

export function registerWindowFunctions(hooks: Hooks): void {
  const reg = (name: string, bind: (argTypes: readonly LogicalType[]) => Bound | undefined, description: string) =>
    hooks.registerWindow({ name, bind, description })
  reg('row_number', noArgs(p => bigints(p.count, i => i + 1), BIGINT), 'number of the row in its partition, from 1')
  reg('rank', noArgs(p => bigints(p.count, i => p.peerStart[i]! + 1), BIGINT), 'rank with gaps')
  reg('dense_rank', noArgs(denseRanks, BIGINT), 'rank without gaps')
  reg('percent_rank', noArgs(p => doubles(p.count, i => p.count > 1 ? p.peerStart[i]! / (p.count - 1) : 0), DOUBLE),
    '(rank - 1) / (rows - 1)')
  reg('cume_dist', noArgs(p => doubles(p.count, i => p.peerEnd[i]! / p.count), DOUBLE), 'fraction of rows up to the last peer')
  reg('ntile', argTypes => argTypes.length === 1 && (INTEGER_IDS.has(argTypes[0]!.id) || argTypes[0]!.id === 'NULL')
    ? { argTypes: [BIGINT], returns: BIGINT, evaluate: ntile } : undefined, 'bucket number 1..n')
  reg('lag', bindShift(-1), 'value of a row before this one')
  reg('lead', bindShift(1), 'value of a row after this one')
  for (const which of ['first', 'last'] as const) {
    reg(`${which}_value`, argTypes => argTypes.length === 1
      ? { argTypes, returns: argTypes[0]!, evaluate: frameValue(which, argTypes[0]!) } : undefined, `the ${which} value of the frame`)
  }
  reg('nth_value', argTypes => argTypes.length === 2 && (INTEGER_IDS.has(argTypes[1]!.id) || argTypes[1]!.id === 'NULL')
    ? { argTypes: [argTypes[0]!, BIGINT], returns: argTypes[0]!, evaluate: frameValue('nth', argTypes[0]!) } : undefined,
  'the n-th value of the frame')
}
