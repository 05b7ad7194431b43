/**
 * pgvector's distance operators name functions an extension provides (the vector plugin), so
 * they bind to whatever registered those names: `a <-> b` is array_distance(a, b), `a <=> b`
 * array_cosine_distance and `a <#> b` array_negative_inner_product (pgvector's `<#>` is the
 * negative inner product, so ascending order ranks the largest inner product first).
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { BoundExpr } from '../plan/expr.ts'
import { bindScalarCall } from './functions.ts'

export const DISTANCE_OPERATORS: Readonly<Record<string, string>> = {
  '<->': 'array_distance',
  '<=>': 'array_cosine_distance',
  '<#>': 'array_negative_inner_product',
}

export function bindDistanceOperator(hooks: Hooks, op: string, left: BoundExpr, right: BoundExpr, position: number): BoundExpr {
  const name = DISTANCE_OPERATORS[op]
  if (name === undefined) throw new GrizzlyError(SqlState.undefinedFunction, `operator ${op} does not exist`, { position })
  const defs = hooks.scalar(name)
  if (defs === undefined || defs.length === 0) {
    throw new GrizzlyError(SqlState.undefinedFunction, `operator ${op} needs the function ${name}, which does not exist`, {
      position, hint: 'LOAD EXTENSION vector (it adds array_distance, array_cosine_distance and array_negative_inner_product)',
    })
  }
  return bindScalarCall(hooks, name, [left, right], position)
}
