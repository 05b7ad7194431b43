/**
 * Wide DECIMAL arithmetic as exact doubles, for sum and avg arguments. DuckDB types
 * `price * (1 - discount)` over DECIMAL(15,2) columns as DECIMAL(18,4), wider than the 15
 * digits Grizzly keeps in doubles, so the kernels build one bigint per row (≈100 ns each)
 * only for sum to turn it back into a number. The same scaled integers computed in doubles
 * are exact while every operand and result stays within ±2^53, and sum / avg of DECIMAL fold
 * them as exactly as bigints (`takesScaledDoubles`). A chunk where any value leaves that range
 * returns null and the caller evaluates the expression the ordinary way.
 */
import type { BoundExpr } from '../plan/expr.ts'
import type { DataChunk } from '../vector/vector.ts'
import { Vector } from '../vector/vector.ts'
import { DECIMAL_FLOAT_MAX_WIDTH, type LogicalType } from '../types/types.ts'
import { decimalArithmeticOf } from '../functions/decimal-arith.ts'
import { POW10 } from '../functions/kernel-util.ts'
import { compileValue, type Frame } from './operator.ts'
import type { Layout } from '../expression/env.ts'

const SAFE = Number.MAX_SAFE_INTEGER

type Node =
  | { readonly kind: 'leaf'; readonly fn: (c: DataChunk) => Vector }
  | { readonly kind: 'op'; readonly op: '+' | '-' | '*'; readonly left: Node; readonly right: Node; readonly fl: number; readonly fr: number }

/** scale of a value that is already a number of the scaled integer: narrow DECIMAL or a small integer */
function narrowScale(t: LogicalType): number | undefined {
  switch (t.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': return 0
    case 'DECIMAL': return t.width <= DECIMAL_FLOAT_MAX_WIDTH ? t.scale : undefined
    default: return undefined
  }
}

function plan(expr: BoundExpr, layout: Layout, frame: Frame): Node | null {
  if (narrowScale(expr.type) !== undefined) return { kind: 'leaf', fn: compileValue(expr, layout, frame) }
  if (expr.kind !== 'call' || expr.args.length !== 2) return null
  const d = decimalArithmeticOf(expr.fn)
  if (d === undefined) return null
  const left = plan(expr.args[0]!, layout, frame), right = plan(expr.args[1]!, layout, frame)
  if (left === null || right === null) return null
  const rescale = d.op !== '*'
  return {
    kind: 'op', op: d.op, left, right,
    fl: rescale ? POW10[d.returns.scale - d.left.scale]! : 1,
    fr: rescale ? POW10[d.returns.scale - d.right.scale]! : 1,
  }
}

/**
 * An evaluator of `expr` (a DECIMAL wider than 15 digits built with +, - and * from narrow
 * DECIMAL and integer values) giving its scaled integers as a Float64Array, or null when the
 * expression has another shape. The evaluator returns null for a chunk it cannot do exactly or
 * that holds a NULL.
 */
export function compileExactDecimal(expr: BoundExpr, layout: Layout, frame: Frame): ((c: DataChunk) => Vector | null) | null {
  if (expr.type.id !== 'DECIMAL' || narrowScale(expr.type) !== undefined) return null
  const root = plan(expr, layout, frame)
  if (root === null || root.kind === 'leaf') return null
  return chunk => {
    const values = evaluate(root, chunk)
    return values === null ? null : new Vector(expr.type, chunk.size, values, null)
  }
}

function evaluate(node: Node, chunk: DataChunk): Float64Array | null {
  const n = chunk.size
  if (node.kind === 'leaf') {
    const v = node.fn(chunk)
    if (v.validity !== null) return null
    const d = v.data
    if (d instanceof Float64Array) return d
    if (!(d instanceof Int32Array || d instanceof Int16Array || d instanceof Int8Array)) return null
    return Float64Array.from(d)
  }
  const a = evaluate(node.left, chunk)
  if (a === null) return null
  const b = evaluate(node.right, chunk)
  if (b === null) return null
  const out = new Float64Array(n)
  const fl = node.fl, fr = node.fr
  let ok = true
  switch (node.op) {
    case '+':
      for (let i = 0; i < n; i++) {
        const x = a[i]! * fl, y = b[i]! * fr, r = x + y
        out[i] = r
        if (!(x <= SAFE && x >= -SAFE && y <= SAFE && y >= -SAFE && r <= SAFE && r >= -SAFE)) ok = false
      }
      break
    case '-':
      for (let i = 0; i < n; i++) {
        const x = a[i]! * fl, y = b[i]! * fr, r = x - y
        out[i] = r
        if (!(x <= SAFE && x >= -SAFE && y <= SAFE && y >= -SAFE && r <= SAFE && r >= -SAFE)) ok = false
      }
      break
    case '*':
      for (let i = 0; i < n; i++) {
        const r = a[i]! * b[i]!
        out[i] = r
        if (!(r <= SAFE && r >= -SAFE)) ok = false
      }
      break
  }
  return ok ? out : null
}
