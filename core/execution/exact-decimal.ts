/**
 * Wide DECIMAL arithmetic as exact doubles, for sum and avg arguments. DuckDB types
 * `price * (1 - discount)` over DECIMAL(15,2) columns as DECIMAL(18,4), wider than the 15
 * digits Grizzly keeps in doubles, so the kernels build one bigint per row (≈100 ns each)
 * only for sum to turn it back into a number. The same scaled integers computed in doubles
 * are exact while every operand and result stays within ±2^53, and sum / avg of DECIMAL fold
 * them as exactly as bigints (`takesScaledDoubles`). A chunk where any value leaves that range
 * returns null and the caller evaluates the expression the ordinary way.
 *
 * One evaluation per chunk does no allocation past the result's view: each node writes into
 * a buffer of its own reused chunk after chunk (the aggregate folds the result before asking
 * for the next chunk), a constant is filled in once, and the arguments of one aggregate share
 * their equal subtrees (q01's `price * (1 - discount)` under two sums is computed once a chunk).
 */
import type { BoundExpr } from '../plan/expr.ts'
import type { DataChunk } from '../vector/vector.ts'
import { CHUNK_SIZE, Vector } from '../vector/vector.ts'
import { exprKey } from '../binder/rewrite.ts'
import { isConstantExpression } from '../expression/index.ts'
import { DECIMAL_FLOAT_MAX_WIDTH, type LogicalType } from '../types/types.ts'
import { decimalArithmeticOf } from '../functions/decimal-arith.ts'
import { POW10 } from '../functions/kernel-util.ts'
import { compileValue, type Frame } from './operator.ts'
import type { Layout } from '../expression/env.ts'

const SAFE = Number.MAX_SAFE_INTEGER

interface Cached {
  /** the chunk `values` belong to, so a shared subtree runs once a chunk */
  chunk: DataChunk | null
  values: Float64Array | null
  /** reused output (op, narrowed integer leaf) or the filled constant */
  buffer: Float64Array
}

type Node = Cached & (
  | { readonly kind: 'leaf'; readonly fn: (c: DataChunk) => Vector; readonly constant: boolean }
  | { readonly kind: 'op'; readonly op: '+' | '-' | '*'; readonly left: Node; readonly right: Node; readonly fl: number; readonly fr: number })

/** Nodes by `exprKey`, shared by the arguments of one operator's aggregates. */
export type ExactDecimalNodes = Map<string, Node>

const fresh = (): Cached => ({ chunk: null, values: null, buffer: new Float64Array(0) })

/** scale of a value that is already a number of the scaled integer: narrow DECIMAL or a small integer */
function narrowScale(t: LogicalType): number | undefined {
  switch (t.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': return 0
    case 'DECIMAL': return t.width <= DECIMAL_FLOAT_MAX_WIDTH ? t.scale : undefined
    default: return undefined
  }
}

function plan(expr: BoundExpr, layout: Layout, frame: Frame, nodes: ExactDecimalNodes): Node | null {
  const key = exprKey(expr)
  const known = nodes.get(key)
  if (known !== undefined) return known
  let node: Node
  if (narrowScale(expr.type) !== undefined) {
    node = { kind: 'leaf', fn: compileValue(expr, layout, frame), constant: isConstantExpression(expr), ...fresh() }
  } else {
    if (expr.kind !== 'call' || expr.args.length !== 2) return null
    const d = decimalArithmeticOf(expr.fn)
    if (d === undefined) return null
    const left = plan(expr.args[0]!, layout, frame, nodes), right = plan(expr.args[1]!, layout, frame, nodes)
    if (left === null || right === null) return null
    const rescale = d.op !== '*'
    node = {
      kind: 'op', op: d.op, left, right,
      fl: rescale ? POW10[d.returns.scale - d.left.scale]! : 1,
      fr: rescale ? POW10[d.returns.scale - d.right.scale]! : 1,
      ...fresh(),
    }
  }
  nodes.set(key, node)
  return node
}

/**
 * An evaluator of `expr` (a DECIMAL wider than 15 digits built with +, - and * from narrow
 * DECIMAL and integer values) giving its scaled integers as a Float64Array, or null when the
 * expression has another shape. The evaluator returns null for a chunk it cannot do exactly or
 * that holds a NULL.
 */
export function compileExactDecimal(expr: BoundExpr, layout: Layout, frame: Frame, nodes: ExactDecimalNodes = new Map()): ((c: DataChunk) => Vector | null) | null {
  if (expr.type.id !== 'DECIMAL' || narrowScale(expr.type) !== undefined) return null
  const root = plan(expr, layout, frame, nodes)
  if (root === null || root.kind === 'leaf') return null
  // the values are valid until the next chunk: the caller folds them at once
  return chunk => {
    const values = evaluate(root, chunk)
    return values === null ? null : new Vector(expr.type, chunk.size, values.subarray(0, chunk.size), null)
  }
}

/** A buffer of at least n entries (whole chunks, so it is allocated about once). */
function bufferOf(node: Node, n: number): Float64Array {
  if (node.buffer.length < n) node.buffer = new Float64Array(Math.max(n, CHUNK_SIZE))
  return node.buffer
}

/** The node's scaled integers for rows 0..chunk.size-1 (the array may be longer), or null. */
function evaluate(node: Node, chunk: DataChunk): Float64Array | null {
  if (node.chunk === chunk) return node.values
  const values = compute(node, chunk)
  node.chunk = chunk
  node.values = values
  return values
}

function compute(node: Node, chunk: DataChunk): Float64Array | null {
  const n = chunk.size
  if (node.kind === 'leaf') {
    if (node.constant && node.buffer.length >= n && node.values !== null) return node.buffer
    const v = node.fn(chunk)
    if (v.validity !== null) return null
    const d = v.data
    if (d instanceof Float64Array) {
      if (!node.constant) return d
      const out = bufferOf(node, n)
      out.fill(d[0] ?? 0)
      return out
    }
    if (!(d instanceof Int32Array || d instanceof Int16Array || d instanceof Int8Array)) return null
    const out = bufferOf(node, n)
    if (node.constant) out.fill(d[0] ?? 0)
    else for (let i = 0; i < n; i++) out[i] = d[i]!
    return out
  }
  const a = evaluate(node.left, chunk)
  if (a === null) return null
  const b = evaluate(node.right, chunk)
  if (b === null) return null
  const out = bufferOf(node, n)
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
