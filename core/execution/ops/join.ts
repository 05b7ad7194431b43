/**
 * Joins. Every join finds its matching (left row, right row) pairs, in left-row order, and a
 * JoinEmitter turns them into the join type's output: inner/cross pairs; left/full add
 * unmatched left rows; right/full remember matched right rows and add the rest at the end;
 * semi/anti keep left rows with/without a match; mark adds a three-valued BOOLEAN; single
 * adds the one matching right row and fails on two.
 *
 * - HashJoin: equi-conditions (AND-ed `=` / IS NOT DISTINCT FROM between a left-only and a
 *   right-only expression) are hashed; the residual is evaluated on candidate pairs.
 * - NestedLoopJoin and LateralJoin (nested-loop-join.ts) share the emitter and residual.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import type { BoundExpr, ColumnId } from '../../plan/expr.ts'
import { referencedColumns } from '../../plan/expr.ts'
import type { JoinNode } from '../../plan/logical.ts'
import { BOOLEAN, typeEquals } from '../../types/types.ts'
import { DataChunk, gather, slice, Vector } from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import { valueEquals } from '../keys.ts'
import {
  compileFilter, compileValue, drain, type Frame, gatherOrNull, layoutOf, type Materialized,
  materializeChunks, Operator, typesOf,
} from '../operator.ts'
import { chunkBytes, formatBytes } from '../memory.ts'
import { keyHashes, loadPartition, pairPartitions, Partitions, type SpilledPartition } from '../partitions.ts'
import { conjunction } from './basic.ts'

type JoinType = JoinNode['joinType']

/** a build side in memory (rows, hash table, chains) takes about this many times its rows' bytes */
const BUILD_OVERHEAD = 2

/** nested loops pair at most this many rows per step, so a large cross product streams */
export const MAX_PAIRS_PER_STEP = 1 << 18

/** Matching pairs of one left chunk. `nullFlag[i]`: some comparison for left row i was NULL (mark joins). */
interface Matches {
  readonly left: Int32Array
  readonly right: Int32Array
  readonly count: number
  readonly nullFlag: Uint8Array | null
}

export class PairBuffer {
  left: Int32Array
  right: Int32Array
  count = 0
  constructor(capacity = 64) {
    this.left = new Int32Array(capacity)
    this.right = new Int32Array(capacity)
  }
  push(l: number, r: number): void {
    if (this.count === this.left.length) {
      const nl = new Int32Array(this.count * 2); nl.set(this.left); this.left = nl
      const nr = new Int32Array(this.count * 2); nr.set(this.right); this.right = nr
    }
    this.left[this.count] = l
    this.right[this.count] = r
    this.count++
  }
  reset(): void { this.count = 0 }
}

export class JoinEmitter {
  private readonly type: JoinType
  private rightMatched: Uint8Array | null = null
  private readonly frameRight: Materialized | null

  private readonly errorOnSecondMatch: boolean

  constructor(type: JoinType, right: Materialized | null, errorOnSecondMatch = true) {
    this.type = type
    this.frameRight = right
    this.errorOnSecondMatch = errorOnSecondMatch
    if ((type === 'right' || type === 'full') && right !== null) this.rightMatched = new Uint8Array(right.count)
  }

  emit(left: DataChunk, right: Materialized, m: Matches): DataChunk | null {
    const n = left.size
    switch (this.type) {
      case 'inner': case 'cross': case 'asof':
        if (m.count === 0) return null
        return pairs(left, right, m.left, m.right, m.count)
      case 'left': case 'full': case 'right': case 'asof_left': {
        if (this.rightMatched !== null) for (let k = 0; k < m.count; k++) this.rightMatched[m.right[k]!] = 1
        if (this.type === 'right') return m.count === 0 ? null : pairs(left, right, m.left, m.right, m.count)
        // interleave unmatched left rows (right side NULL) in left order
        const ls = new Int32Array(m.count + n), rs = new Int32Array(m.count + n)
        let out = 0, p = 0
        for (let i = 0; i < n; i++) {
          if (p < m.count && m.left[p] === i) {
            while (p < m.count && m.left[p] === i) { ls[out] = i; rs[out] = m.right[p]!; out++; p++ }
          } else { ls[out] = i; rs[out] = -1; out++ }
        }
        return out === 0 ? null : pairs(left, right, ls, rs, out)
      }
      case 'semi': case 'anti': case 'asof_semi': case 'asof_anti': {
        const hit = new Uint8Array(n)
        for (let k = 0; k < m.count; k++) hit[m.left[k]!] = 1
        const want = this.type === 'semi' || this.type === 'asof_semi' ? 1 : 0
        const sel = new Int32Array(n)
        let out = 0
        for (let i = 0; i < n; i++) if (hit[i] === want) sel[out++] = i
        if (out === 0) return null
        return out === n ? left : new DataChunk(left.columns.map(v => gather(v, sel, out)), out)
      }
      case 'mark': {
        const data = new Uint8Array(n)
        const validity = new Uint8Array(n).fill(1)
        let anyNull = false
        for (let k = 0; k < m.count; k++) data[m.left[k]!] = 1
        if (m.nullFlag !== null) {
          for (let i = 0; i < n; i++) if (data[i] === 0 && m.nullFlag[i] === 1) { validity[i] = 0; anyNull = true }
        }
        return new DataChunk([...left.columns, new Vector(BOOLEAN, n, data, anyNull ? validity : null)], n)
      }
      case 'single': {
        const rs = new Int32Array(n).fill(-1)
        for (let k = 0; k < m.count; k++) {
          const i = m.left[k]!
          if (rs[i] !== -1) {
            if (!this.errorOnSecondMatch) continue
            throw new GrizzlyError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression')
          }
          rs[i] = m.right[k]!
        }
        return new DataChunk([...left.columns, ...right.columns.map(v => gatherOrNull(v, rs, n))], n)
      }
    }
  }

  /** For right/full joins: right rows that never matched, with the left side NULL. */
  finish(leftTemplate: readonly Vector[]): DataChunk | null {
    const matched = this.rightMatched, right = this.frameRight
    if (matched === null || right === null) return null
    const sel: number[] = []
    for (let r = 0; r < right.count; r++) if (matched[r] === 0) sel.push(r)
    if (sel.length === 0) return null
    const rs = Int32Array.from(sel)
    const ls = new Int32Array(rs.length).fill(-1)
    return new DataChunk([...leftTemplate.map(v => gatherOrNull(v, ls, rs.length)), ...right.columns.map(v => gather(v, rs, rs.length))], rs.length)
  }
}

function pairs(left: DataChunk, right: Materialized, ls: Int32Array, rs: Int32Array, count: number): DataChunk {
  return new DataChunk([
    ...left.columns.map(v => gatherOrNull(v, ls, count)),
    ...right.columns.map(v => gatherOrNull(v, rs, count)),
  ], count)
}

// ---- condition analysis ---------------------------------------------------------------------------

export interface EquiKey { readonly left: BoundExpr; readonly right: BoundExpr; readonly nullsEqual: boolean }

/** Splits a join condition into hashable equi-keys and a residual predicate. */
export function splitCondition(condition: BoundExpr | null, leftIds: ReadonlySet<ColumnId>, rightIds: ReadonlySet<ColumnId>): { keys: EquiKey[]; residual: BoundExpr | null } {
  if (condition === null) return { keys: [], residual: null }
  const conjuncts: BoundExpr[] = []
  const flatten = (e: BoundExpr): void => { if (e.kind === 'and') e.args.forEach(flatten); else conjuncts.push(e) }
  flatten(condition)
  const keys: EquiKey[] = []
  const rest: BoundExpr[] = []
  const within = (e: BoundExpr, ids: ReadonlySet<ColumnId>): boolean => {
    const refs = referencedColumns(e)
    if (refs.size === 0) return false
    for (const r of refs) if (!ids.has(r)) return false
    return !containsSubquery(e)
  }
  for (const c of conjuncts) {
    if (c.kind === 'compare' && (c.op === '=' || c.op === 'not_distinct') && typeEquals(c.left.type, c.right.type)) {
      const nullsEqual = c.op === 'not_distinct'
      if (within(c.left, leftIds) && within(c.right, rightIds)) { keys.push({ left: c.left, right: c.right, nullsEqual }); continue }
      if (within(c.right, leftIds) && within(c.left, rightIds)) { keys.push({ left: c.right, right: c.left, nullsEqual }); continue }
    }
    rest.push(c)
  }
  return { keys, residual: rest.length === 0 ? null : conjunction(rest) }
}

function containsSubquery(e: BoundExpr): boolean {
  if (e.kind === 'subquery') return true
  switch (e.kind) {
    case 'colref': case 'const': case 'param': return false
    case 'call': return e.args.some(containsSubquery)
    case 'cast': return containsSubquery(e.expr)
    case 'compare': return containsSubquery(e.left) || containsSubquery(e.right)
    case 'and': case 'or': return e.args.some(containsSubquery)
    case 'not': case 'is_null': return containsSubquery(e.arg)
    case 'case': return e.whens.some(w => containsSubquery(w.when) || containsSubquery(w.then)) || containsSubquery(e.else)
    case 'in_list': return containsSubquery(e.arg) || e.list.some(containsSubquery)
  }
}

/**
 * Evaluates the residual on candidate pairs; keeps the TRUE ones. For mark joins also flags
 * left rows for which the residual was NULL.
 */
export class Residual {
  private readonly predicate: ((c: DataChunk) => { sel: Int32Array; count: number }) | null = null
  private readonly value: ((c: DataChunk) => Vector) | null = null

  constructor(expr: BoundExpr, node: JoinNode, frame: Frame, threeValued: boolean) {
    const layout = layoutOf([...node.left.output, ...node.right.output])
    if (threeValued) this.value = compileValue(expr, layout, frame)
    else this.predicate = compileFilter(expr, layout, frame)
  }

  /** Flags the left row of every pair whose residual is not FALSE. */
  survivors(left: DataChunk, right: Materialized, buf: PairBuffer, flag: Uint8Array): void {
    if (buf.count === 0) return
    const v = this.value!(pairs(left, right, buf.left, buf.right, buf.count))
    const d = v.data as Uint8Array
    for (let k = 0; k < buf.count; k++) if (!v.isValid(k) || d[k] === 1) flag[buf.left[k]!] = 1
  }

  apply(left: DataChunk, right: Materialized, buf: PairBuffer, nullFlag: Uint8Array | null): void {
    if (buf.count === 0) return
    const combined = pairs(left, right, buf.left, buf.right, buf.count)
    if (this.predicate !== null) {
      const { sel, count } = this.predicate(combined)
      for (let k = 0; k < count; k++) { const s = sel[k]!; buf.left[k] = buf.left[s]!; buf.right[k] = buf.right[s]! }
      buf.count = count
      return
    }
    const v = this.value!(combined)
    const d = v.data as Uint8Array, valid = v.validity
    let out = 0
    for (let k = 0; k < buf.count; k++) {
      if (valid !== null && valid[k] === 0) { if (nullFlag !== null) nullFlag[buf.left[k]!] = 1; continue }
      if (d[k] === 1) { buf.left[out] = buf.left[k]!; buf.right[out] = buf.right[k]!; out++ }
    }
    buf.count = out
  }
}

// ---- hash join --------------------------------------------------------------------------------

export class HashJoinOperator extends Operator {
  readonly name = 'HASH_JOIN'
  private readonly node: JoinNode
  private readonly leftOp: Operator
  private readonly rightOp: Operator
  private readonly keys: EquiKey[]
  private readonly leftKeys: ((c: DataChunk) => Vector)[]
  private readonly rightKeys: ((c: DataChunk) => Vector)[]
  private readonly residual: Residual | null
  override detail(): string {
    const spill = this.grace === null ? '' : `, spilled: ${formatBytes(this.grace.bytes)} in partitions`
    return `[hash keys: ${this.keys.length}${this.residual !== null ? ', residual' : ''}${spill}]`
  }

  /** grace hash join: both sides partitioned to temporary files, joined partition by partition */
  private grace: { queue: SpilledPartition[]; probe: Generator<DataChunk> | null; probeFile: SpilledPartition['probe']; bytes: number } | null = null
  /** bytes reserved for the build side in memory */
  private reserved = 0

  private built: {
    right: Materialized; table: GroupTable; head: Int32Array; next: Int32Array; rightHasNullKey: boolean; keyVectors: Vector[]
    /** build rows per key, and the most of any key */
    groupSize: Int32Array
    maxGroupSize: number
  } | null = null
  private emitter: JoinEmitter | null = null
  private finished = false
  private readonly buf = new PairBuffer()
  private groups = new Int32Array(0)
  /** the chunk `groups` was found for by `nextLeft`, so `probe` need not look its keys up again */
  private groupsOf: DataChunk | null = null

  constructor(node: JoinNode, left: Operator, right: Operator, keys: EquiKey[], residual: BoundExpr | null, frame: Frame) {
    super(frame)
    this.node = node
    this.leftOp = left
    this.rightOp = right
    this.children.push(left, right)
    this.keys = keys
    const leftLayout = layoutOf(node.left.output)
    this.leftKeys = keys.map(k => compileValue(k.left, leftLayout, frame))
    const rightLayout = layoutOf(node.right.output)
    this.rightKeys = keys.map(k => compileValue(k.right, rightLayout, frame))
    this.residual = residual === null ? null : new Residual(residual, node, frame, node.joinType === 'mark')
  }


  /**
   * Reads the build side; past memory_limit both sides are partitioned to disk (grace hash
   * join) and the first partition is loaded. Mark joins stay in memory: their NULL answers
   * depend on every build row.
   */
  private build(): HashJoinOperator['built'] {
    const types = typesOf(this.node.right.output)
    if (this.node.joinType === 'mark') return this.buildFrom(drain(this.rightOp, types))
    const memory = this.runtime.memory
    const chunks: DataChunk[] = []
    let parts: Partitions | null = null
    for (let c = this.rightOp.next(); c !== null; c = this.rightOp.next()) {
      if (parts === null) {
        const bytes = chunkBytes(c) * BUILD_OVERHEAD
        if (memory.tryReserve(bytes)) { chunks.push(c); this.reserved += bytes; continue }
        parts = new Partitions(memory, types, 0)
        for (const old of chunks) parts.add(old, this.hashOf(old, 'build'))
        chunks.length = 0
        memory.release(this.reserved)
        this.reserved = 0
      }
      parts.add(c, this.hashOf(c, 'build'))
    }
    if (parts === null) return this.buildFrom(materializeChunks(chunks, types))
    const probe = new Partitions(memory, typesOf(this.node.left.output), 0)
    for (let c = this.leftOp.next(); c !== null; c = this.leftOp.next()) probe.add(c, this.hashOf(c, 'probe'))
    this.grace = { queue: pairPartitions(parts, probe), probe: null, probeFile: null, bytes: parts.bytes + probe.bytes }
    return this.nextPartition() ? this.built : null
  }

  private hashOf(c: DataChunk, side: 'build' | 'probe'): Int32Array {
    return keyHashes((side === 'probe' ? this.leftKeys : this.rightKeys).map(f => f(c)), c.size)
  }

  /** Loads the next spilled partition's build side (splitting it when still too big); false when none is left. */
  private nextPartition(): boolean {
    const g = this.grace!
    const memory = this.runtime.memory
    g.probeFile?.delete()
    g.probeFile = null
    memory.release(this.reserved)
    this.reserved = 0
    for (let part = g.queue.shift(); part !== undefined; part = g.queue.shift()) {
      const loaded = loadPartition(part, memory, BUILD_OVERHEAD, (c, side) => this.hashOf(c, side),
        parts => g.queue.unshift(...parts), 'the build side of a hash join')
      if (loaded === null) continue
      this.reserved = loaded.reserved
      this.built = this.buildFrom(materializeChunks(loaded.chunks, typesOf(this.node.right.output)))
      g.probeFile = part.probe
      g.probe = part.probe === null ? null : part.probe.chunks()
      this.finished = false
      this.pendingLeft.length = 0
      return true
    }
    return false
  }

  private probeNext(): DataChunk | null {
    if (this.grace === null) return this.leftOp.next()
    const r = this.grace.probe?.next()
    return r === undefined || r.done === true ? null : r.value
  }

  private buildFrom(right: Materialized): NonNullable<HashJoinOperator['built']> {
    const chunk = new DataChunk([...right.columns], right.count)
    const keyVectors = this.rightKeys.map(f => f(chunk))
    const table = new GroupTable(this.keys.map(k => k.right.type), true, right.count)
    const ids = new Int32Array(right.count)
    table.findOrCreate(keyVectors, right.count, ids)
    const head = new Int32Array(table.size).fill(-1)
    const tail = new Int32Array(table.size).fill(-1)
    const next = new Int32Array(right.count).fill(-1)
    const groupSize = new Int32Array(table.size)
    const strict = this.keys.map(k => !k.nullsEqual)
    let rightHasNullKey = false
    // validity of the keys a NULL keeps out of the chains (most builds have none)
    const nullable = keyVectors.filter((v, k) => strict[k] && v.validity !== null).map(v => v.validity!)
    for (let r = 0; r < right.count; r++) {
      let usable = true
      for (let k = 0; k < nullable.length; k++) if (nullable[k]![r] !== 1) { usable = false; break }
      if (!usable) { rightHasNullKey = true; continue }
      const g = ids[r]!
      if (head[g] === -1) head[g] = r
      else next[tail[g]!] = r
      tail[g] = r
      groupSize[g]!++
    }
    let maxGroupSize = 0
    for (let g = 0; g < groupSize.length; g++) if (groupSize[g]! > maxGroupSize) maxGroupSize = groupSize[g]!
    this.emitter = new JoinEmitter(this.node.joinType, right, this.runtime.scalarSubqueryErrors())
    return { right, table, head, next, rightHasNullKey, keyVectors, groupSize, maxGroupSize }
  }

  private markNulls(c: DataChunk, leftKeys: Vector[], right: Materialized, rightKeys: Vector[], buf: PairBuffer,
    leftKeyNull: Uint8Array, rightHasNullKey: boolean, nullFlag: Uint8Array): void {
    const matched = new Uint8Array(c.size)
    for (let k = 0; k < buf.count; k++) matched[buf.left[k]!] = 1
    const strict = this.keys.map(k => !k.nullsEqual)
    const candidates = findNullComparisons(c, leftKeys, right, rightKeys, strict, matched, leftKeyNull, rightHasNullKey)
    if (this.residual === null) {
      for (let k = 0; k < candidates.count; k++) nullFlag[candidates.left[k]!] = 1
      return
    }
    // keys NULL and residual TRUE or NULL: the whole condition is NULL
    this.residual.survivors(c, right, candidates, nullFlag)
  }

  private readonly pendingLeft: DataChunk[] = []

  /**
   * The next left chunk to probe; a chunk whose rows would produce more than
   * MAX_PAIRS_PER_STEP candidate pairs is split at row boundaries first.
   */
  private nextLeft(): DataChunk | null {
    const queued = this.pendingLeft.shift()
    if (queued !== undefined) return queued
    const c = this.probeNext()
    if (c === null) return null
    const { table, groupSize, maxGroupSize } = this.built!
    if (this.groups.length < c.size) this.groups = new Int32Array(c.size)
    table.find(this.leftKeys.map(f => f(c)), c.size, this.groups)
    // keys with few build rows each (unique keys above all) cannot pass the limit: no count
    if (maxGroupSize * c.size <= MAX_PAIRS_PER_STEP) { this.groupsOf = c; return c }
    let total = 0
    for (let i = 0; i < c.size; i++) { const g = this.groups[i]!; if (g >= 0) total += groupSize[g]! }
    if (total <= MAX_PAIRS_PER_STEP) { this.groupsOf = c; return c }
    let start = 0, pairs = 0
    for (let i = 0; i < c.size; i++) {
      const g = this.groups[i]!
      const add = g >= 0 ? groupSize[g]! : 0
      if (pairs + add > MAX_PAIRS_PER_STEP && i > start) {
        this.pendingLeft.push(new DataChunk(c.columns.map(v => slice(v, start, i)), i - start))
        start = i
        pairs = 0
      }
      pairs += add
    }
    this.pendingLeft.push(new DataChunk(c.columns.map(v => slice(v, start, c.size)), c.size - start))
    return this.pendingLeft.shift()!
  }

  protected pull(): DataChunk | null {
    if (this.built === null) {
      this.built = this.build()
      if (this.built === null) return null
    }
    for (;;) {
      const out = this.probe()
      if (out !== null) return out
      if (this.grace === null || !this.nextPartition()) {
        this.runtime.memory.release(this.reserved)
        this.reserved = 0
        return null
      }
    }
  }

  /** Output of probing the current build side; null when its probe rows are done. */
  private probe(): DataChunk | null {
    const { right, table, head, next, rightHasNullKey, keyVectors: rightKeys } = this.built!
    const emitter = this.emitter!
    for (let c = this.nextLeft(); c !== null; c = this.nextLeft()) {
      const n = c.size
      if (this.groups.length < n) this.groups = new Int32Array(n)
      const keyVectors = this.leftKeys.map(f => f(c))
      if (this.groupsOf !== c) table.find(keyVectors, n, this.groups)
      this.groupsOf = null
      const isMark = this.node.joinType === 'mark'
      const nullFlag = isMark ? new Uint8Array(n) : null
      const buf = this.buf
      buf.reset()
      const leftKeyNull = isMark ? new Uint8Array(n) : null
      const groups = this.groups
      if (leftKeyNull === null) {
        // a row with a NULL strict key finds no pairs without a check: build rows with one are
        // left out of every chain
        for (let i = 0; i < n; i++) {
          const g = groups[i]!
          if (g >= 0) for (let r = head[g]!; r !== -1; r = next[r]!) buf.push(i, r)
        }
      } else {
        for (let i = 0; i < n; i++) {
          let keyNull = false
          for (let k = 0; k < keyVectors.length; k++) {
            if (!this.keys[k]!.nullsEqual && !keyVectors[k]!.isValid(i)) { keyNull = true; break }
          }
          if (keyNull) { leftKeyNull[i] = 1; continue }
          const g = groups[i]!
          if (g < 0) continue
          for (let r = head[g]!; r !== -1; r = next[r]!) buf.push(i, r)
        }
      }
      if (this.residual !== null) this.residual.apply(c, right, buf, nullFlag)
      if (nullFlag !== null && (rightHasNullKey || leftKeyNull!.includes(1))) {
        this.markNulls(c, keyVectors, right, rightKeys, buf, leftKeyNull!, rightHasNullKey, nullFlag)
      }
      const out = emitter.emit(c, right, { left: buf.left, right: buf.right, count: buf.count, nullFlag })
      if (out !== null) return out
    }
    if (!this.finished) {
      this.finished = true
      return emitter.finish(nullTemplate(this.node))
    }
    return null
  }
}

/**
 * Mark joins: a left row without a match is NULL (not FALSE) when some right row compares
 * NULL rather than FALSE on every key, because of a NULL key on either side, and the residual
 * is not FALSE for that pair.
 */
function findNullComparisons(left: DataChunk, leftKeys: readonly Vector[], right: Materialized, rightKeys: readonly Vector[],
  strict: readonly boolean[], matched: Uint8Array, leftKeyNull: Uint8Array, rightHasNullKey: boolean): PairBuffer {
  const eqs = leftKeys.map(v => valueEquals(v.type))
  const candidates = new PairBuffer()
  for (let i = 0; i < left.size; i++) {
    if (matched[i] === 1 || (leftKeyNull[i] === 0 && !rightHasNullKey)) continue
    for (let r = 0; r < right.count; r++) {
      let sawNull = false, isFalse = false
      for (let k = 0; k < leftKeys.length; k++) {
        const lv = leftKeys[k]!.isValid(i), rv = rightKeys[k]!.isValid(r)
        if (!lv || !rv) {
          if (strict[k]) sawNull = true
          else if (lv !== rv) isFalse = true
        } else if (!eqs[k]!(leftKeys[k]!, i, rightKeys[k]!, r)) isFalse = true
        if (isFalse) break
      }
      if (!isFalse && sawNull) candidates.push(i, r)
    }
  }
  return candidates
}

export function nullTemplate(node: JoinNode): Vector[] {
  return node.left.output.map(c => new Vector(c.type, 0, null, null))
}
