/**
 * Between engine vectors and ONNX tensors, a batch at a time: which rows can be fed (no NULL
 * anywhere in their inputs), packing their values row-major into one typed array per model
 * input, and spreading output tensors back into result vectors (NULL for the rows not fed).
 */
import { GrizzlyError, SqlState } from '../../core/errors.ts'
import { type LogicalType, type StructType } from '../../core/types/types.ts'
import { Vector } from '../../core/vector/vector.ts'
import { type SimdPacker, simdPacker } from './onnx-pack.ts'

/** the element types the engine can feed and read back */
export type Elem = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'string'
export type Packed = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array

/** where one model input's values come from: SQL arguments (argument indexes into the call) */
export type Source =
  /** one numeric argument per feature */
  | { readonly kind: 'columns'; readonly args: readonly number[] }
  /** one FLOAT[n] / DOUBLE[n] / INTEGER[n] … argument holding every feature */
  | { readonly kind: 'array'; readonly arg: number }
  /** a LIST argument: exactly `width` values per row, or (width null) token ids padded per batch */
  | { readonly kind: 'list'; readonly arg: number }
  /** a STRUCT argument whose numeric fields are the features, in order */
  | { readonly kind: 'struct'; readonly arg: number }

export interface FeedPlan {
  readonly input: string
  readonly elem: Elem
  /** values per row; null = a padded token list (the batch's longest row) */
  readonly width: number | null
  /** the input's dimensions after the batch when all are fixed (rank 1 inputs: []) */
  readonly dims: readonly number[] | null
  readonly source: Source
  /** set when the values are field `field` of the STRUCT argument the source names (one STRUCT feeding several inputs by name) */
  readonly field?: number
}

export function newPacked(elem: Elem, n: number): Packed {
  switch (elem) {
    case 'float32': return new Float32Array(n)
    case 'float64': return new Float64Array(n)
    case 'int64': return new BigInt64Array(n)
    case 'int32': return new Int32Array(n)
    case 'bool': return new Uint8Array(n)
    case 'string': throw new GrizzlyError(SqlState.featureNotSupported, 'string model inputs are not supported', { hint: 'feed numbers or token ids' })
  }
}

/**
 * Input arrays reused from one batch to the next (one per model input of a bound call): a
 * fresh 128 KB Float32Array per 4096-row chunk cost more than packing it. Safe because a batch
 * is packed, run and read back synchronously before the next is packed.
 */
export class PackBuffers {
  private readonly buffers = new Map<string, Packed>()
  private readonly packers = new Map<string, SimdPacker | null>()

  /** float32 [m, cols.length] from float64 columns for feed `key`, converted with WebAssembly SIMD (onnx-pack.ts); null: use the JavaScript loop */
  interleaveFloat32(key: string, cols: readonly Float64Array[], m: number): Float32Array | null {
    let packer = this.packers.get(key)
    if (packer === undefined) this.packers.set(key, packer = simdPacker())
    return packer === null ? null : packer.interleave(cols, m)
  }

  /** `n` values of `elem` for feed `key`; overwritten by the next call with the same key */
  take(key: string, elem: Elem, n: number): Packed {
    const have = this.buffers.get(key)
    if (have !== undefined && have.length >= n && elemOfArray(have) === elem) return have.subarray(0, n)
    const fresh = newPacked(elem, Math.max(n, 4096))
    this.buffers.set(key, fresh)
    return fresh.subarray(0, n)
  }
}

/** the tensor element type a typed array holds as is; null for the others */
function elemOfArray(p: unknown): Elem | null {
  return p instanceof Float32Array ? 'float32' : p instanceof Float64Array ? 'float64' : p instanceof BigInt64Array ? 'int64'
    : p instanceof Int32Array ? 'int32' : p instanceof Uint8Array ? 'bool' : null
}

let identity = new Int32Array(0)
/** 0, 1, … count-1 (shared: read only) */
function allRows(count: number): Int32Array {
  if (identity.length < count) { identity = new Int32Array(Math.max(count, 4096)); for (let i = 0; i < identity.length; i++) identity[i] = i }
  return identity.subarray(0, count)
}

function hasNulls(v: Vector): boolean {
  return v.validity !== null || v.children.some(hasNulls)
}

/** rows whose every argument (and every array element) is non-NULL */
export function feedableRows(args: readonly Vector[], first: number, count: number): Int32Array {
  if (!args.slice(first).some(hasNulls)) return allRows(count)
  const ok = new Uint8Array(count).fill(1)
  for (let a = first; a < args.length; a++) markNulls(args[a]!, ok, count)
  let m = 0
  for (let i = 0; i < count; i++) m += ok[i]!
  const rows = new Int32Array(m)
  for (let i = 0, j = 0; i < count; i++) if (ok[i] === 1) rows[j++] = i
  return rows
}

function markNulls(v: Vector, ok: Uint8Array, count: number): void {
  const valid = v.validity
  if (valid !== null) for (let i = 0; i < count; i++) if (valid[i] === 0) ok[i] = 0
  if (v.physical === 'struct') { for (const c of v.children) markNulls(c, ok, count); return }
  if (v.physical === 'array') {
    const child = v.children[0]!
    if (child.validity === null) return
    const size = (v.type as { size: number }).size
    for (let i = 0; i < count; i++) for (let k = i * size; k < (i + 1) * size; k++) if (child.validity[k] === 0) { ok[i] = 0; break }
    return
  }
  if (v.physical === 'list') {
    const child = v.children[0]!, off = v.offsets!
    if (child.validity === null) return
    for (let i = 0; i < count; i++) for (let k = off[i]!; k < off[i + 1]!; k++) if (child.validity[k] === 0) { ok[i] = 0; break }
  }
}

/** element k of a numeric vector as the packed array's element type */
function put(dst: Packed, at: number, src: Vector, k: number): void {
  const v = (src.data as ArrayLike<number | bigint | boolean>)[k]!
  if (dst instanceof BigInt64Array) dst[at] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))
  else (dst as Float64Array)[at] = typeof v === 'bigint' ? Number(v) : Number(v)
}

/** plain typed arrays of every column, when all rows are fed and no value needs converting one by one */
function plainColumns(elem: Elem, cols: readonly Vector[], rows: Int32Array): Float64Array[] | null {
  const m = rows.length
  if (elem === 'int64' || !(m === 0 || rows[m - 1] === m - 1)) return null
  const out: Float64Array[] = []
  for (const v of cols) {
    const d = v.data
    if (v.length !== m || d === null || !ArrayBuffer.isView(d) || d instanceof BigInt64Array) return null
    out.push(d as Float64Array)
  }
  return out
}

/** dst[j * w + f] = cols[f][j] for every row, four columns per pass (a quarter of the passes over dst) */
function interleaveAll(to: Float64Array, cols: readonly Float64Array[], w: number, m: number): void {
  let f = 0
  for (; f + 4 <= w; f += 4) {
    const a = cols[f]!, b = cols[f + 1]!, c = cols[f + 2]!, d = cols[f + 3]!
    for (let j = 0, o = f; j < m; j++, o += w) { to[o] = a[j]!; to[o + 1] = b[j]!; to[o + 2] = c[j]!; to[o + 3] = d[j]! }
  }
  for (; f < w; f++) {
    const a = cols[f]!
    for (let j = 0, o = f; j < m; j++, o += w) to[o] = a[j]!
  }
}

/** dst[j * w + f] = src[rows[j]]: the hot loop of feeding columns, without per-value checks for number arrays */
function interleave(dst: Packed, f: number, w: number, src: Vector, rows: Int32Array): void {
  const data = src.data, m = rows.length
  if (dst instanceof BigInt64Array || data instanceof BigInt64Array || !ArrayBuffer.isView(data)) {
    for (let j = 0; j < m; j++) put(dst, j * w + f, src, rows[j]!)
    return
  }
  const from = data as Float64Array, to = dst as Float64Array
  // rows is 0..m-1 when no row is NULL
  if (m === src.length && (m === 0 || rows[m - 1] === m - 1)) for (let j = 0, o = f; j < m; j++, o += w) to[o] = from[j]!
  else for (let j = 0, o = f; j < m; j++, o += w) to[o] = from[rows[j]!]!
}

/** copies n elements src[from..] into dst[at..]: one set() when the classes match */
function copyRun(dst: Packed, at: number, src: Vector, from: number, n: number): void {
  const data = src.data
  if (ArrayBuffer.isView(data) && Object.getPrototypeOf(data) === Object.getPrototypeOf(dst)) {
    (dst as Float64Array).set((data as Float64Array).subarray(from, from + n), at)
    return
  }
  for (let k = 0; k < n; k++) put(dst, at + k, src, from + k)
}

/**
 * The values of `rows` for one model input, row-major; `dims` is [rows, width] (or the batch's
 * longest token list). `mask` (token lists only) gets 1 for real tokens, 0 for padding.
 */
export function pack(plan: FeedPlan, args: readonly Vector[], rows: Int32Array, model: string, buffers?: PackBuffers): { data: Packed; width: number; mask: BigInt64Array | null } {
  const alloc = (n: number): Packed => buffers === undefined ? newPacked(plan.elem, n) : buffers.take(plan.input, plan.elem, n)
  if (plan.field !== undefined) {
    const at = plan.source.kind === 'columns' ? plan.source.args[0]! : plan.source.arg
    const view = [...args]
    view[at] = args[at]!.children[plan.field]!
    args = view
  }
  const m = rows.length
  const s = plan.source
  switch (s.kind) {
    case 'columns': {
      const w = s.args.length
      const cols = s.args.map(a => args[a]!)
      // four or more DOUBLE columns into float32: SIMD, whose kernel converts four columns at a time (fewer go through the loop)
      if (plan.elem === 'float32' && w >= 4 && buffers !== undefined) {
        const plain = plainColumns(plan.elem, cols, rows)
        const packed = plain !== null && plain.every(c => c instanceof Float64Array) ? buffers.interleaveFloat32(plan.input, plain, m) : null
        if (packed !== null) return { data: packed, width: w, mask: null }
      }
      const data = alloc(m * w)
      const plain = plainColumns(plan.elem, cols, rows)
      if (plain !== null) interleaveAll(data as Float64Array, plain, w, m)
      else cols.forEach((v, f) => interleave(data, f, w, v, rows))
      return { data, width: w, mask: null }
    }
    case 'struct': {
      const children = args[s.arg]!.children
      const w = children.length
      const data = newPacked(plan.elem, m * w)
      children.forEach((v, f) => { for (let j = 0; j < m; j++) put(data, j * w + f, v, rows[j]!) })
      return { data, width: w, mask: null }
    }
    case 'array': {
      const v = args[s.arg]!, w = (v.type as { size: number }).size
      const child = v.children[0]!
      const all = m === v.length && rows[m - 1] === m - 1
      // FLOAT[n] rows are already the tensor's layout: hand ONNX Runtime the column's own array (not one in shared memory, which it refuses)
      const own = child.data
      if (all && elemOfArray(own) === plan.elem && !((own as Packed).buffer instanceof SharedArrayBuffer) && (own as Packed).length >= m * w) {
        return { data: (own as Packed).subarray(0, m * w), width: w, mask: null }
      }
      const data = alloc(m * w)
      if (all) copyRun(data, 0, child, 0, m * w)
      else for (let j = 0; j < m; j++) copyRun(data, j * w, child, rows[j]! * w, w)
      return { data, width: w, mask: null }
    }
    case 'list': {
      const v = args[s.arg]!, off = v.offsets!, child = v.children[0]!
      let w = plan.width
      if (w === null) {
        w = 1
        for (let j = 0; j < m; j++) w = Math.max(w, off[rows[j]! + 1]! - off[rows[j]!]!)
      } else {
        for (let j = 0; j < m; j++) {
          const len = off[rows[j]! + 1]! - off[rows[j]!]!
          if (len !== w) {
            throw new GrizzlyError(SqlState.datatypeMismatch, `model "${model}": input ${plan.input} takes ${w} values per row, but row ${rows[j]! + 1} of this batch has ${len}`, {
              hint: `pass lists of exactly ${w} values, or a fixed-size array: CAST(x AS FLOAT[${w}])`,
            })
          }
        }
      }
      const data = newPacked(plan.elem, m * w)
      const mask = plan.width === null ? new BigInt64Array(m * w) : null
      for (let j = 0; j < m; j++) {
        const start = off[rows[j]!]!, len = off[rows[j]! + 1]! - start
        copyRun(data, j * w, child, start, len)
        if (mask !== null) mask.fill(1n, j * w, j * w + len)
      }
      return { data, width: w, mask }
    }
  }
}

// ---- outputs -----------------------------------------------------------------------------------

/** A result vector of `count` rows whose rows `rows[j]` hold `values[j * per .. (j + 1) * per)`. */
export function spread(type: LogicalType, values: ArrayLike<unknown>, per: number, rows: Int32Array, count: number): Vector {
  const validity = rows.length === count ? null : new Uint8Array(count)
  if (validity !== null) for (const r of rows) validity[r] = 1
  return build(type, values, per, rows, count, validity)
}

function build(type: LogicalType, values: ArrayLike<unknown>, per: number, rows: Int32Array, count: number, validity: Uint8Array | null): Vector {
  const all = validity === null
  switch (type.id) {
    case 'ARRAY': {
      const size = type.size
      if (all && per === size && adoptable(type.child, values, count * size)) return new Vector(type, count, null, null, null, [new Vector(type.child, count * size, values as Float32Array, null)])
      const child = newVector(type.child, count * size)
      const src = values as ArrayLike<number>, dst = child.data as Float32Array
      if (all && Object.getPrototypeOf(src) === Object.getPrototypeOf(dst)) dst.set(src as Float32Array)
      else for (let j = 0; j < rows.length; j++) for (let k = 0; k < size; k++) convertInto(dst, rows[j]! * size + k, src[j * per + k])
      return new Vector(type, count, null, validity, null, [child])
    }
    case 'LIST': {
      const offsets = new Int32Array(count + 1)
      let at = 0
      for (let i = 0, j = 0; i < count; i++) {
        if (j < rows.length && rows[j] === i) { at += per; j++ }
        offsets[i + 1] = at
      }
      const child = newVector(type.child, at)
      const dst = child.data as Float32Array
      for (let k = 0; k < at; k++) convertInto(dst, k, (values as ArrayLike<number>)[k])
      return new Vector(type, count, null, validity, offsets, [child])
    }
    case 'VARCHAR': {
      const out: string[] = new Array<string>(count).fill('')
      for (let j = 0; j < rows.length; j++) out[rows[j]!] = String((values as ArrayLike<unknown>)[j * per])
      return new Vector(type, count, out, validity)
    }
    default: {
      if (all && per === 1 && adoptable(type, values, count)) return new Vector(type, count, values as Float32Array, null)
      const v = newVector(type, count)
      const dst = v.data as Float32Array, src = values as ArrayLike<number>
      if (all && per === 1 && Object.getPrototypeOf(src) === Object.getPrototypeOf(dst)) dst.set(src as Float32Array)
      else for (let j = 0; j < rows.length; j++) convertInto(dst, rows[j]!, src[j * per])
      v.validity = validity
      return v
    }
  }
}

/** ONNX Runtime's output array can be the result vector's own: a fresh array per run, of the vector's class and length */
function adoptable(type: LogicalType, values: ArrayLike<unknown>, n: number): boolean {
  if (!ArrayBuffer.isView(values) || (values as Packed).length !== n || (values as Packed).buffer instanceof SharedArrayBuffer) return false
  switch (type.id) {
    case 'REAL': return values instanceof Float32Array
    case 'DOUBLE': return values instanceof Float64Array
    case 'BIGINT': return values instanceof BigInt64Array
    case 'INTEGER': return values instanceof Int32Array
    default: return false
  }
}

function newVector(type: LogicalType, n: number): Vector {
  switch (type.id) {
    case 'REAL': return new Vector(type, n, new Float32Array(n), null)
    case 'DOUBLE': return new Vector(type, n, new Float64Array(n), null)
    case 'BIGINT': return new Vector(type, n, new BigInt64Array(n), null)
    case 'INTEGER': return new Vector(type, n, new Int32Array(n), null)
    case 'BOOLEAN': return new Vector(type, n, new Uint8Array(n), null)
    default: throw new GrizzlyError(SqlState.featureNotSupported, `model outputs of type ${type.id} are not supported`)
  }
}

function convertInto(dst: Packed, at: number, v: unknown): void {
  if (dst instanceof BigInt64Array) dst[at] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))
  else if (dst instanceof Uint8Array) dst[at] = v === true || v === 1 || v === 1n ? 1 : 0
  else (dst as Float64Array)[at] = Number(v)
}

/** A STRUCT of outputs: one child per field, NULL where the struct is. */
export function structOf(type: StructType, children: readonly Vector[], rows: Int32Array, count: number): Vector {
  const validity = rows.length === count ? null : new Uint8Array(count)
  if (validity !== null) for (const r of rows) validity[r] = 1
  return new Vector(type, count, null, validity, null, [...children])
}

/** every row NULL (a batch where no row could be fed) */
export function allNull(type: LogicalType, count: number): Vector {
  return spreadEmpty(type, count)
}

function spreadEmpty(type: LogicalType, count: number): Vector {
  if (type.id === 'STRUCT') {
    return new Vector(type, count, null, new Uint8Array(count), null, type.fields.map(f => spreadEmpty(f.type, count)))
  }
  return spread(type, [], 0, new Int32Array(0), count)
}
