/**
 * The vector extension: distance functions over embedding columns (FLOAT[n] / DOUBLE[n]),
 * with DuckDB's names, result types and rules, vectorized (one call per batch, every row's
 * elements in one flat typed array). FLOAT arrays are computed in 32-bit arithmetic (every step
 * rounded with Math.fround) so the results equal DuckDB's bit for bit; DOUBLE arrays in 64-bit.
 * The pgvector operators `<->`, `<=>` and `<#>` resolve to array_distance,
 * array_cosine_distance and array_negative_inner_product.
 */
import { InvalidInputError, defineExtension, doubleColumn, floatColumn } from 'grizzly-db/sdk'
import type { Column, ScalarFunctionSpec } from 'grizzly-db/sdk'

type Values = Float32Array | Float64Array
/** one row's result from elements [at, at + size) of both sides; `r` rounds each step to the element type */
type Kernel = (a: Values, b: Values, at: number, size: number, r: (x: number) => number) => number

const same = (x: number): number => x

const l2: Kernel = (a, b, at, size, r) => {
  let sum = 0
  for (let j = at; j < at + size; j++) { const d = r(a[j]! - b[j]!); sum = r(sum + r(d * d)) }
  return r(Math.sqrt(sum))
}

const inner: Kernel = (a, b, at, size, r) => {
  let sum = 0
  for (let j = at; j < at + size; j++) sum = r(sum + r(a[j]! * b[j]!))
  return sum
}

/** clamped to [-1, 1]; a zero vector gives NaN, which DuckDB's min/max turn into -1 */
const cosineSimilarity: Kernel = (a, b, at, size, r) => {
  let dot = 0, left = 0, right = 0
  for (let j = at; j < at + size; j++) {
    const x = a[j]!, y = b[j]!
    dot = r(dot + r(x * y)); left = r(left + r(x * x)); right = r(right + r(y * y))
  }
  const s = r(dot / r(Math.sqrt(r(left * right))))
  // std::max(-1, std::min(s, 1)) as DuckDB writes it, NaN included
  const m = 1 < s ? 1 : s
  return -1 < m ? m : -1
}

const KERNELS: Readonly<Record<string, Kernel>> = {
  array_distance: l2,
  array_inner_product: inner,
  array_dot_product: inner,
  array_negative_inner_product: (a, b, at, size, r) => -inner(a, b, at, size, r),
  array_negative_dot_product: (a, b, at, size, r) => -inner(a, b, at, size, r),
  array_cosine_similarity: cosineSimilarity,
  array_cosine_distance: (a, b, at, size, r) => r(1 - cosineSimilarity(a, b, at, size, r)),
}

/** DuckDB refuses NULL elements (a NULL array is a NULL result, which the engine handles). */
function checkNoNullElements(name: string, side: 'left' | 'right', c: Column, n: number, size: number): void {
  const ev = c.elementValidity
  if (ev === null || ev === undefined) return
  for (let i = 0; i < n; i++) {
    if (c.validity !== null && c.validity[i] === 0) continue
    for (let j = i * size; j < (i + 1) * size; j++) {
      if (ev[j] === 0) throw new InvalidInputError(`${name}: ${side} argument can not contain NULL values`)
    }
  }
}

function distance(name: string, kernel: Kernel, element: 'FLOAT' | 'DOUBLE'): ScalarFunctionSpec {
  const type = `${element}[ANY]` as const
  return {
    name, args: [type, type], returns: element,
    invoke([a, b], n) {
      const size = a!.size!
      checkNoNullElements(name, 'left', a!, n, size)
      checkNoNullElements(name, 'right', b!, n, size)
      const av = a!.values as Values, bv = b!.values as Values
      if (element === 'FLOAT') {
        const out = new Float32Array(n)
        for (let i = 0; i < n; i++) out[i] = kernel(av, bv, i * size, size, Math.fround)
        return floatColumn(out)
      }
      const out = new Float64Array(n)
      for (let i = 0; i < n; i++) out[i] = kernel(av, bv, i * size, size, same)
      return doubleColumn(out)
    },
  }
}

export default defineExtension({
  name: 'vector',
  version: '1.0.0',
  scalars: Object.entries(KERNELS).flatMap(([name, kernel]) => [distance(name, kernel, 'FLOAT'), distance(name, kernel, 'DOUBLE')]),
})
