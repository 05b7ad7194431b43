/**
 * UNNEST (unnest(list) in a SELECT list): each input row is repeated once per element of its
 * longest list; every list contributes one column, NULL past its end. A row whose lists are all
 * NULL or empty produces nothing, as in DuckDB. Output comes in input order, elements in list
 * order, split into chunks of about CHUNK_SIZE rows.
 */
import type { UnnestNode } from '../../plan/logical.ts'
import { CHUNK_SIZE, DataChunk, type Vector } from '../../vector/vector.ts'
import { compileValue, type Frame, gatherOrNull, layoutOf, Operator } from '../operator.ts'

export class UnnestOperator extends Operator {
  readonly name = 'UNNEST'
  private readonly input: Operator
  private readonly lists: ((c: DataChunk) => Vector)[]
  /** the current input chunk, its evaluated lists and the next input row to expand */
  private pending: { chunk: DataChunk; lists: Vector[]; row: number } | null = null

  constructor(input: Operator, node: UnnestNode, frame: Frame) {
    super(frame)
    this.input = input
    this.children.push(input)
    const layout = layoutOf(node.input.output)
    this.lists = node.lists.map(e => compileValue(e, layout, frame))
  }

  protected pull(): DataChunk | null {
    for (;;) {
      if (this.pending === null) {
        const chunk = this.input.next()
        if (chunk === null) return null
        this.pending = { chunk, lists: this.lists.map(f => f(chunk)), row: 0 }
      }
      const out = this.expand(this.pending)
      if (this.pending.row >= this.pending.chunk.size) this.pending = null
      if (out !== null) return out
    }
  }

  /** Expands rows from `p.row` on until about CHUNK_SIZE output rows are made. */
  private expand(p: { chunk: DataChunk; lists: Vector[]; row: number }): DataChunk | null {
    const { chunk, lists } = p
    const rowSel: number[] = []
    const elementSel: number[][] = lists.map(() => [])
    while (p.row < chunk.size && rowSel.length < CHUNK_SIZE) {
      const i = p.row++
      let longest = 0
      for (const l of lists) {
        if (!l.isValid(i)) continue
        const len = l.offsets![i + 1]! - l.offsets![i]!
        if (len > longest) longest = len
      }
      for (let j = 0; j < longest; j++) {
        rowSel.push(i)
        lists.forEach((l, k) => {
          const start = l.offsets![i]!, len = l.isValid(i) ? l.offsets![i + 1]! - start : 0
          elementSel[k]!.push(j < len ? start + j : -1)
        })
      }
    }
    const n = rowSel.length
    if (n === 0) return null
    const rows = Int32Array.from(rowSel)
    return new DataChunk([
      ...chunk.columns.map(v => gatherOrNull(v, rows, n)),
      ...lists.map((l, k) => gatherOrNull(l.children[0]!, Int32Array.from(elementSel[k]!), n)),
    ], n)
  }
}
