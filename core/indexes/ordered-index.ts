/**
 * The built-in ordered index (`USING btree`, also `art` as DuckDB calls its default): a B+tree
 * of keys in the engine's one ordering of values (core/functions/compare.ts), NULLs last as in
 * PostgreSQL's default ascending index. Serves equality on any key prefix and ranges on the
 * column after it.
 */
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { IndexInstance, IndexRange, IndexSpec, IndexTypeDef } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'
import { compareFloat, compareNullable } from '../functions/compare.ts'
import type { LogicalType, Value } from '../types/types.ts'
import { getValue, type Vector } from '../vector/vector.ts'
import { BPlusTree, DEFAULT_NODE_SIZE, type KeyComparator } from './btree.ts'

export const ORDERED_INDEX_METHOD = 'btree'

const OPTIONS = ['node_size'] as const

/** compares one key part, NULL after every value */
export function partComparator(type: LogicalType): KeyComparator {
  switch (type.id) {
    case 'REAL': case 'DOUBLE':
      return (a, b) => a === null ? (b === null ? 0 : 1) : b === null ? -1 : compareFloat(a as number, b as number)
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT':  case 'DATE': case 'TIME':
    case 'TIMESTAMP': case 'DECIMAL': case 'VARCHAR':
      return (a, b) => {
        if (a === null) return b === null ? 0 : 1
        if (b === null) return -1
        return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
      }
    default:
      return (a, b) => compareNullable(a as Value, b as Value, type)
  }
}

/** compares whole keys: a single Value, or a Value[] part by part */
export function keyComparator(types: readonly LogicalType[]): KeyComparator {
  if (types.length === 1) return partComparator(types[0]!)
  const parts = types.map(partComparator)
  return (a, b) => {
    const x = a as readonly Value[], y = b as readonly Value[]
    for (let k = 0; k < parts.length; k++) {
      const c = parts[k]!(x[k], y[k])
      if (c !== 0) return c
    }
    return 0
  }
}

export class OrderedIndex implements IndexInstance {
  readonly capabilities = { equality: true, range: true } as const
  private readonly tree: BPlusTree
  private readonly parts: KeyComparator[]
  private readonly arity: number

  constructor(readonly spec: IndexSpec, nodeSize = DEFAULT_NODE_SIZE) {
    this.arity = spec.keyTypes.length
    this.parts = spec.keyTypes.map(partComparator)
    this.tree = new BPlusTree(keyComparator(spec.keyTypes), nodeSize)
  }

  get size(): number { return this.tree.size }

  insert(keys: readonly Vector[], rowIds: Float64Array): number {
    for (let i = 0; i < rowIds.length; i++) {
      const key = this.keyOf(keys, i)
      const row = rowIds[i]!
      if (this.spec.unique && !this.hasNullPart(key) && this.heldByAnother(key, row)) return i
      this.tree.insert(key, row)
    }
    return -1
  }

  remove(keys: readonly Vector[], rowIds: Float64Array): void {
    for (let i = 0; i < rowIds.length; i++) this.tree.delete(this.keyOf(keys, i), rowIds[i]!)
  }

  build(keys: readonly Vector[], rowIds: Float64Array): number {
    if (this.tree.size > 0) return this.insert(keys, rowIds)
    const n = rowIds.length
    const keyList: unknown[] = new Array(n)
    for (let i = 0; i < n; i++) keyList[i] = this.keyOf(keys, i)
    const cmp = this.tree.compare
    let order = this.arity === 1 ? integerOrder(keyList, rowIds) : null
    if (order === null) {
      order = new Int32Array(n)
      for (let i = 0; i < n; i++) order[i] = i
      order.sort((a, b) => cmp(keyList[a], keyList[b]) || rowIds[a]! - rowIds[b]!)
    }
    const sortedKeys: unknown[] = new Array(n), sortedRows: number[] = new Array(n)
    let m = 0
    for (let k = 0; k < n; k++) {
      const i = order[k]!
      const key = keyList[i], row = rowIds[i]!
      if (m > 0 && cmp(sortedKeys[m - 1], key) === 0) {
        if (sortedRows[m - 1] === row) continue
        // a duplicate: insert row by row, which reports the first conflicting row in input order
        if (this.spec.unique && !this.hasNullPart(key)) return this.insert(keys, rowIds)
      }
      sortedKeys[m] = key
      sortedRows[m++] = row
    }
    sortedKeys.length = m
    sortedRows.length = m
    this.tree.load(sortedKeys, sortedRows)
    return -1
  }

  search(range: IndexRange): Float64Array {
    const out: number[] = []
    this.visit(range, row => { out.push(row); return true })
    return Float64Array.from(out).sort()
  }

  count(range: IndexRange, limit: number): number {
    let n = 0
    this.visit(range, () => ++n < limit)
    return n
  }

  /** every entry in key order, for tests and checks */
  entries(): { keys: unknown[]; rows: number[] } { return this.tree.entries() }

  private visit(range: IndexRange, visit: (row: number) => boolean): void {
    const m = range.equal.length
    if (m > this.arity || (m === this.arity && (range.lower !== null || range.upper !== null))) {
      throw new RangeError(`index range with ${m} equal parts and bounds on a ${this.arity}-part key`)
    }
    // NULL equals nothing and bounds nothing
    if (range.equal.some(v => v === null) || range.lower?.value === null || range.upper?.value === null) return
    const comparePrefix = (key: unknown, probe: readonly Value[], len: number): number => {
      if (this.arity === 1) return len === 0 ? 0 : this.parts[0]!(key, probe[0])
      const parts = key as readonly Value[]
      for (let k = 0; k < len; k++) {
        const c = this.parts[k]!(parts[k], probe[k])
        if (c !== 0) return c
      }
      return 0
    }
    const partAt = (key: unknown, k: number): unknown => this.arity === 1 ? key : (key as readonly Value[])[k]
    const equal = range.equal
    const lower = range.lower, upper = range.upper
    const lowerProbe = lower === null ? equal : [...equal, lower.value]
    const upperProbe = upper === null ? null : [...equal, upper.value]
    const bounded = lower !== null || upper !== null
    const cursor = lower === null
      ? (m === 0 ? this.tree.first() : this.tree.seek(key => comparePrefix(key, equal, m) >= 0))
      : this.tree.seek(lower.inclusive ? key => comparePrefix(key, lowerProbe, m + 1) >= 0 : key => comparePrefix(key, lowerProbe, m + 1) > 0)
    const inside = (key: unknown): boolean => {
      if (m > 0 && comparePrefix(key, equal, m) !== 0) return false
      // NULLs sort last within the prefix and are never inside a bound
      if (bounded && partAt(key, m) === null) return false
      if (upperProbe !== null) {
        const c = comparePrefix(key, upperProbe, m + 1)
        return upper!.inclusive ? c <= 0 : c < 0
      }
      return true
    }
    this.tree.walk(cursor, inside, (_key, row) => visit(row))
  }

  private keyOf(keys: readonly Vector[], i: number): unknown {
    if (this.arity === 1) return getValue(keys[0]!, i)
    const parts: Value[] = new Array(this.arity)
    for (let k = 0; k < this.arity; k++) parts[k] = getValue(keys[k]!, i)
    return parts
  }

  private hasNullPart(key: unknown): boolean {
    if (this.arity === 1) return key === null
    return (key as readonly Value[]).some(v => v === null)
  }

  private heldByAnother(key: unknown, row: number): boolean {
    const cmp = this.tree.compare
    let found = false
    this.tree.walk(this.tree.seek(k => cmp(k, key) >= 0), k => cmp(k, key) === 0, (_k, r) => {
      if (r !== row) { found = true; return false }
      return true
    })
    return found
  }

}

/**
 * The sort order of integer keys (as doubles) with ascending row ids, by a native sort of
 * key · 2^bits + position (exact below 2^53): several times faster than a comparator sort.
 * null when the keys are not all such integers.
 */
function integerOrder(keys: readonly unknown[], rowIds: Float64Array): Int32Array | null {
  const n = keys.length
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)))
  const limit = 2 ** (52 - bits)
  for (let i = 0; i < n; i++) {
    const k = keys[i]
    if (typeof k !== 'number' || !Number.isInteger(k) || k >= limit || k <= -limit) return null
    if (i > 0 && rowIds[i]! <= rowIds[i - 1]!) return null
  }
  const scale = 2 ** bits
  const packed = new Float64Array(n)
  for (let i = 0; i < n; i++) packed[i] = (keys[i] as number) * scale + i
  packed.sort()
  const order = new Int32Array(n)
  for (let j = 0; j < n; j++) {
    const c = packed[j]!
    order[j] = c - Math.floor(c / scale) * scale
  }
  return order
}

export const orderedIndexType: IndexTypeDef = {
  name: ORDERED_INDEX_METHOD,
  aliases: ['art'],
  description: 'ordered B+tree index: equality on a key prefix, ranges, composite keys',
  create(spec: IndexSpec): IndexInstance {
    for (const name of spec.options.keys()) {
      if (!(OPTIONS as readonly string[]).includes(name)) {
        throw new GrizzlyError(SqlState.invalidParameterValue, `unknown option "${name}" for index method ${ORDERED_INDEX_METHOD}`,
          { hint: didYouMean(name, OPTIONS) ?? `options are: ${OPTIONS.join(', ')}` })
      }
    }
    const size = spec.options.get('node_size')
    let nodeSize = DEFAULT_NODE_SIZE
    if (size !== undefined) {
      const n = typeof size === 'bigint' ? Number(size) : size
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 4 || n > 4096) {
        throw new GrizzlyError(SqlState.invalidParameterValue, `index option node_size must be an integer from 4 to 4096, not ${String(size)}`,
          { hint: `the default is ${DEFAULT_NODE_SIZE}` })
      }
      nodeSize = n
    }
    return new OrderedIndex(spec, nodeSize)
  },
}

export function registerOrderedIndex(hooks: Hooks): void {
  hooks.registerIndexType(orderedIndexType)
  for (const alias of orderedIndexType.aliases ?? []) hooks.registerIndexType({ ...orderedIndexType, name: alias })
}
