/**
 * ASOF join conditions, shared by the binder (which checks them) and the executor (which runs
 * them). DuckDB semantics: the ON clause holds equality keys between the two sides, exactly one
 * inequality between a left and a right expression, and optionally other conjuncts: the match of
 * a left row is the closest right row that satisfies all of them.
 */
import type { BoundExpr, ColumnId } from './expr.ts'
import { referencedColumns } from './expr.ts'

export type AsofOp = '>=' | '>' | '<=' | '<'

export interface AsofCondition {
  /** `left = right` (or IS NOT DISTINCT FROM when nullsEqual) with each side reading one input */
  readonly keys: readonly { readonly left: BoundExpr; readonly right: BoundExpr; readonly nullsEqual: boolean }[]
  /** normalised so that `left` reads the left input: `left op right` */
  readonly op: AsofOp
  readonly left: BoundExpr
  readonly right: BoundExpr
  /** conjuncts over the right input only: they filter the rows that can be matched */
  readonly rightOnly: readonly BoundExpr[]
  /** conjuncts over the left input only: a left row failing them has no match */
  readonly leftOnly: readonly BoundExpr[]
  /** everything else: the match is the closest right row passing them */
  readonly residual: readonly BoundExpr[]
}

const FLIP: Readonly<Record<AsofOp, AsofOp>> = { '>=': '<=', '>': '<', '<=': '>=', '<': '>' }

function conjuncts(e: BoundExpr, into: BoundExpr[]): BoundExpr[] {
  if (e.kind === 'and') for (const a of e.args) conjuncts(a, into)
  else into.push(e)
  return into
}

function within(e: BoundExpr, ids: ReadonlySet<ColumnId>): boolean {
  const refs = referencedColumns(e)
  if (refs.size === 0) return false
  for (const r of refs) if (!ids.has(r)) return false
  return true
}

/** Splits an ASOF condition; 'missing' / 'multiple' when it does not have exactly one inequality. */
export function analyseAsofCondition(condition: BoundExpr | null, leftIds: ReadonlySet<ColumnId>,
  rightIds: ReadonlySet<ColumnId>): AsofCondition | 'missing' | 'multiple' {
  const keys: { left: BoundExpr; right: BoundExpr; nullsEqual: boolean }[] = []
  const rightOnly: BoundExpr[] = [], leftOnly: BoundExpr[] = [], residual: BoundExpr[] = []
  let inequality: { op: AsofOp; left: BoundExpr; right: BoundExpr } | null = null
  let inequalities = 0
  for (const c of condition === null ? [] : conjuncts(condition, [])) {
    if (c.kind === 'compare' && c.op !== '<>' && c.op !== 'distinct') {
      let left: BoundExpr | null = null, right: BoundExpr | null = null, flipped = false
      if (within(c.left, leftIds) && within(c.right, rightIds)) { left = c.left; right = c.right }
      else if (within(c.right, leftIds) && within(c.left, rightIds)) { left = c.right; right = c.left; flipped = true }
      if (left !== null && right !== null) {
        if (c.op === '=' || c.op === 'not_distinct') { keys.push({ left, right, nullsEqual: c.op === 'not_distinct' }); continue }
        inequalities++
        inequality = { op: flipped ? FLIP[c.op] : c.op, left, right }
        continue
      }
    }
    if (within(c, rightIds)) rightOnly.push(c)
    else if (within(c, leftIds)) leftOnly.push(c)
    else residual.push(c)
  }
  if (inequalities === 0 || inequality === null) return 'missing'
  if (inequalities > 1) return 'multiple'
  return { keys, ...inequality, rightOnly, leftOnly, residual }
}
