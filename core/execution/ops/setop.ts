/**
 * UNION, INTERSECT [ALL] and EXCEPT [ALL] with SQL multiset semantics (NULLs compare equal).
 * UNION streams the first occurrence of each row; INTERSECT/EXCEPT count each distinct row
 * on both sides in one GroupTable and emit min(l, r) / max(l - r, 0) copies (ALL) or one.
 */
import type { SetOpNode } from '../../plan/logical.ts'
import { CHUNK_SIZE, DataChunk, gather } from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import { chunksOf, type Frame, Operator, selectRows, typesOf } from '../operator.ts'

export class SetOpOperator extends Operator {
  readonly name: string
  private readonly node: SetOpNode
  private readonly table: GroupTable
  private ids = new Int32Array(0)
  private side = 0
  private output: Generator<DataChunk> | null = null

  constructor(left: Operator, right: Operator, node: SetOpNode, frame: Frame) {
    super(frame)
    this.node = node
    this.children.push(left, right)
    this.name = node.op.toUpperCase() + (node.all ? '_ALL' : '')
    this.table = new GroupTable(typesOf(node.output))
  }

  protected pull(): DataChunk | null {
    if (this.node.op === 'union') return this.union()
    if (this.output === null) this.output = this.counted()
    const r = this.output.next()
    return r.done === true ? null : r.value
  }

  private union(): DataChunk | null {
    while (this.side < 2) {
      const c = this.children[this.side]!.next()
      if (c === null) { this.side++; continue }
      if (this.ids.length < c.size) this.ids = new Int32Array(c.size)
      let expect = this.table.findOrCreate(c.columns, c.size, this.ids)
      const sel = new Int32Array(c.size)
      let n = 0
      for (let i = 0; i < c.size; i++) if (this.ids[i] === expect) { sel[n++] = i; expect++ }
      if (n > 0) return selectRows(c, sel, n)
    }
    return null
  }

  private *counted(): Generator<DataChunk> {
    let left = new Int32Array(1024), right = new Int32Array(1024)
    for (let side = 0; side < 2; side++) {
      const counts = (): Int32Array => side === 0 ? left : right
      for (let c = this.children[side]!.next(); c !== null; c = this.children[side]!.next()) {
        if (this.ids.length < c.size) this.ids = new Int32Array(c.size)
        this.table.findOrCreate(c.columns, c.size, this.ids)
        if (this.table.size > left.length) {
          const cap = Math.max(this.table.size, left.length * 2)
          const l2 = new Int32Array(cap); l2.set(left); left = l2
          const r2 = new Int32Array(cap); r2.set(right); right = r2
        }
        const cnt = counts()
        for (let i = 0; i < c.size; i++) cnt[this.ids[i]!]!++
      }
    }
    const groups = this.table.size
    const sel: number[] = []
    const all = this.node.all
    for (let g = 0; g < groups; g++) {
      const l = left[g]!, r = right[g]!
      let copies: number
      if (this.node.op === 'intersect') copies = all ? Math.min(l, r) : (l > 0 && r > 0 ? 1 : 0)
      else copies = all ? Math.max(l - r, 0) : (l > 0 && r === 0 ? 1 : 0)
      for (let k = 0; k < copies; k++) sel.push(g)
    }
    if (sel.length === 0) return
    const keys = this.table.keyVectors()
    const s = Int32Array.from(sel)
    const types = typesOf(this.node.output)
    yield* chunksOf({ types, columns: keys.map(v => gather(v, s, s.length)), count: s.length }, CHUNK_SIZE)
  }
}
