/**
 * The join graph of a flattened tree of inner joins, with the row estimates join_order needs:
 * each input's rows (estimateRows), and each condition's selectivity — an equality between
 * two inputs' columns keeps 1 / max(distinct values of either side), distinct counts from
 * column-stats.ts capped by the input's estimated rows (a key when unknown); other conditions
 * take cardinality.ts's fixed selectivities. Sets of inputs are bit masks (bigint, so a FROM
 * list of any length has one), and a set's rows are
 * the product of its inputs' rows and of the selectivities of the conditions inside it, so
 * every order of the same set agrees (independence, as usual).
 */
import type { Transaction } from '../catalog/catalog.ts'
import type { BoundExpr, ColumnId } from '../plan/expr.ts'
import { referencedColumns } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { estimateRows, selectivity } from './cardinality.ts'
import { baseDistinct } from './column-stats.ts'
import { idsOf } from './plan-util.ts'

export interface GraphInput { readonly plan: LogicalPlan; readonly ids: ReadonlySet<ColumnId>; readonly rows: number }

export interface GraphCondition {
  readonly expr: BoundExpr
  readonly refs: ReadonlySet<ColumnId>
  /** the inputs it reads; 0n for none */
  readonly mask: bigint
  /** reads columns from outside the tree (a correlated reference): it goes on the top join */
  readonly outer: boolean
  readonly selectivity: number
  /** an equality between columns of two inputs (a hash join key) */
  readonly equality: boolean
}

export class JoinGraph {
  readonly inputs: readonly GraphInput[]
  readonly conditions: readonly GraphCondition[]
  private readonly rowCache = new Map<bigint, number>()

  constructor(plans: readonly LogicalPlan[], conditions: readonly BoundExpr[], txn: Transaction) {
    this.inputs = plans.map(plan => ({ plan, ids: idsOf(plan.output), rows: Math.max(1, estimateRows(plan, txn)) }))
    const owner = new Map<ColumnId, number>()
    this.inputs.forEach((input, i) => { for (const id of input.ids) owner.set(id, i) })
    this.conditions = conditions.map(expr => {
      const refs = referencedColumns(expr)
      let mask = 0n, outer = false
      for (const id of refs) {
        const at = owner.get(id)
        if (at === undefined) outer = true
        else mask |= bit(at)
      }
      const equality = expr.kind === 'compare' && (expr.op === '=' || expr.op === 'not_distinct') && bitCount(mask) === 2
      return { expr, refs, mask, outer, selectivity: this.selectivityOf(expr, owner, txn), equality }
    })
  }

  get all(): bigint { return (1n << BigInt(this.inputs.length)) - 1n }

  /** estimated rows of joining the inputs in `mask` under the conditions among them */
  rows(mask: bigint): number {
    const hit = this.rowCache.get(mask)
    if (hit !== undefined) return hit
    let rows = 1
    this.inputs.forEach((input, i) => { if ((mask & bit(i)) !== 0n) rows *= input.rows })
    // several equalities between the same two inputs are usually one composite key (partsupp's
    // part and supplier): only the most selective counts, or the estimate collapses
    const keys = new Map<bigint, number>()
    for (const c of this.conditions) {
      if (c.mask === 0n || c.outer || (c.mask & mask) !== c.mask) continue
      if (c.equality) keys.set(c.mask, Math.min(keys.get(c.mask) ?? 1, c.selectivity))
      else rows *= c.selectivity
    }
    for (const s of keys.values()) rows *= s
    rows = Math.max(1, rows)
    this.rowCache.set(mask, rows)
    return rows
  }

  /** whether some condition reads both sides and nothing beyond them */
  connected(a: bigint, b: bigint): boolean {
    const both = a | b
    return this.conditions.some(c => !c.outer && (c.mask & a) !== 0n && (c.mask & b) !== 0n && (c.mask & both) === c.mask)
  }

  private selectivityOf(expr: BoundExpr, owner: ReadonlyMap<ColumnId, number>, txn: Transaction): number {
    if (expr.kind !== 'compare' || (expr.op !== '=' && expr.op !== 'not_distinct')) return selectivity(expr)
    const l = this.distinctOf(expr.left, owner, txn), r = this.distinctOf(expr.right, owner, txn)
    if (l === undefined || r === undefined) return selectivity(expr)
    return 1 / Math.max(l, r, 1)
  }

  /** distinct values of one side of an equality: a column's count, or its input's rows */
  private distinctOf(e: BoundExpr, owner: ReadonlyMap<ColumnId, number>, txn: Transaction): number | undefined {
    const refs = referencedColumns(e)
    const at = new Set([...refs].map(id => owner.get(id)))
    if (at.size !== 1) return undefined
    const input = this.inputs[[...at][0] ?? -1]
    if (input === undefined) return undefined
    const base = e.kind === 'colref' ? baseDistinct(input.plan, e.id, txn) : undefined
    return Math.min(input.rows, base ?? input.rows)
  }
}

export function bitCount(mask: bigint): number {
  let n = 0
  for (let m = mask; m !== 0n; m &= m - 1n) n++
  return n
}

/** the set holding input i alone */
export function bit(i: number): bigint { return 1n << BigInt(i) }
