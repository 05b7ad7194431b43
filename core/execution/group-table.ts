/**
 * An open-addressing hash table from key tuples to dense group ids 0..n-1, in order of first
 * appearance. Slots are an Int32Array (group id + 1, 0 = empty) with linear probing; each group
 * remembers its hash and where its key lives. Keys of new groups are copied out of the input
 * chunk (only the new rows), so the table keeps nothing else of its input alive. One integer key
 * goes to `IntGroupTable`, which keeps the key in its slots.
 */
import type { LogicalType } from '../types/types.ts'
import { concatVectors, gather, VectorBuilder, type Vector } from '../vector/vector.ts'
import { hashRows, rowEquals, type RowEquals } from './keys.ts'
import { grow, IntGroupTable, isIntKey } from './int-group-table.ts'

export class GroupTable {
  readonly types: readonly LogicalType[]
  private readonly equals: RowEquals
  private slots: Int32Array
  private mask: number
  private groupHash: Int32Array
  /** per group: which stored key block and row hold its key (-1 block = the chunk being processed) */
  private refBlock: Int32Array
  private refRow: Int32Array
  private blocks: Vector[][] = []
  private count = 0
  private hashes = new Int32Array(0)
  private readonly ints: IntGroupTable | null

  constructor(types: readonly LogicalType[], nullsEqual = true, expected = 64) {
    this.types = types
    this.equals = rowEquals(types, nullsEqual)
    this.ints = types.length === 1 && isIntKey(types[0]!) ? new IntGroupTable(types[0]!, nullsEqual, expected) : null
    if (this.ints !== null) expected = 0
    let cap = 16
    while (cap < expected * 2) cap *= 2
    this.slots = new Int32Array(cap)
    this.mask = cap - 1
    this.groupHash = new Int32Array(Math.max(16, expected))
    this.refBlock = new Int32Array(this.groupHash.length)
    this.refRow = new Int32Array(this.groupHash.length)
  }

  get size(): number { return this.ints === null ? this.count : this.ints.size }

  /**
   * Group id of every row of `keys` (rows 0..count-1), creating groups for new keys.
   * Returns how many groups existed before (ids ≥ that are new).
   */
  findOrCreate(keys: readonly Vector[], count: number, out: Int32Array): number {
    if (this.ints !== null) return this.ints.findOrCreate(keys[0]!, count, out)
    const before = this.count
    if (this.hashes.length < count) this.hashes = new Int32Array(Math.max(count, 64))
    const hashes = hashRows(keys, count, this.hashes)
    const blocks = this.blocks
    for (let i = 0; i < count; i++) {
      const h = hashes[i]!
      let s = h & this.mask
      for (;;) {
        const g1 = this.slots[s]!
        if (g1 === 0) {
          const g = this.addGroup(h, -1, i)
          this.slots[s] = g + 1
          out[i] = g
          if (this.count * 2 > this.slots.length) this.rehash()
          break
        }
        const g = g1 - 1
        if (this.groupHash[g] === h) {
          const b = this.refBlock[g]!
          if (this.equals(b < 0 ? keys : blocks[b]!, this.refRow[g]!, keys, i)) { out[i] = g; break }
        }
        s = (s + 1) & this.mask
      }
    }
    if (this.count > before) this.storeNewKeys(keys, before)
    return before
  }

  /** Group id of every row, or -1 when its key is not in the table (nothing is added). */
  find(keys: readonly Vector[], count: number, out: Int32Array): void {
    if (this.ints !== null) { this.ints.find(keys[0]!, count, out); return }
    if (this.hashes.length < count) this.hashes = new Int32Array(Math.max(count, 64))
    const hashes = hashRows(keys, count, this.hashes)
    const blocks = this.blocks
    for (let i = 0; i < count; i++) {
      const h = hashes[i]!
      let s = h & this.mask
      for (;;) {
        const g1 = this.slots[s]!
        if (g1 === 0) { out[i] = -1; break }
        const g = g1 - 1
        if (this.groupHash[g] === h && this.equals(blocks[this.refBlock[g]!]!, this.refRow[g]!, keys, i)) {
          out[i] = g
          break
        }
        s = (s + 1) & this.mask
      }
    }
  }

  /** The key columns of all groups, in group id order. */
  keyVectors(): Vector[] {
    if (this.ints !== null) return this.ints.size === 0 ? this.types.map(emptyOf) : [this.ints.keyVector()]
    if (this.count === 0) return this.types.map(emptyOf)
    const columns: Vector[] = []
    for (let k = 0; k < this.types.length; k++) {
      const parts = this.blocks.map(b => b[k]!)
      columns.push(parts.length === 1 ? parts[0]! : concatVectors(this.types[k]!, parts))
    }
    return columns
  }

  private addGroup(h: number, block: number, row: number): number {
    const g = this.count++
    if (g === this.groupHash.length) {
      const cap = g * 2
      this.groupHash = grow(this.groupHash, cap)
      this.refBlock = grow(this.refBlock, cap)
      this.refRow = grow(this.refRow, cap)
    }
    this.groupHash[g] = h
    this.refBlock[g] = block
    this.refRow[g] = row
    return g
  }

  private storeNewKeys(keys: readonly Vector[], from: number): void {
    const n = this.count - from
    const sel = new Int32Array(n)
    for (let k = 0; k < n; k++) sel[k] = this.refRow[from + k]!
    const block = this.blocks.length
    this.blocks.push(keys.map(v => gather(v, sel, n)))
    for (let k = 0; k < n; k++) { this.refBlock[from + k] = block; this.refRow[from + k] = k }
  }

  private rehash(): void {
    const cap = this.slots.length * 2
    const slots = new Int32Array(cap)
    const mask = cap - 1
    for (let g = 0; g < this.count; g++) {
      let s = this.groupHash[g]! & mask
      while (slots[s] !== 0) s = (s + 1) & mask
      slots[s] = g + 1
    }
    this.slots = slots
    this.mask = mask
  }
}

function emptyOf(t: LogicalType): Vector { return new VectorBuilder(t, 1).finish() }
