/**
 * Packing DOUBLE columns into a float32 [rows, n] model input with WebAssembly SIMD: the hot
 * step of predict('model', x1, …, xn). A JavaScript loop converts and stores one value at a
 * time (≈1 ns each); here each column is first copied into the module's memory (one memcpy,
 * bounded by reading the columns from memory), then four columns at a time are converted two
 * rows per step (`f32x4.demote_f64x2_zero`), shuffled into rows and stored 16 bytes at a time.
 * The result is a view of that memory, handed to ONNX Runtime as the input tensor without a
 * copy; it stays valid until the next `interleave` of the same packer (which may grow and so
 * detach the memory), so a batch is packed, run and read back before the next is packed.
 *
 * The module is 249 bytes, assembled below; where WebAssembly SIMD is missing, `simdPacker()`
 * gives null and callers keep their JavaScript loop.
 */

const leb = (n: number): number[] => {
  const out: number[] = []
  do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; out.push(b) } while (n !== 0)
  return out
}
const name = (s: string): number[] => [...leb(s.length), ...[...s].map(c => c.charCodeAt(0))]
const section = (id: number, body: readonly number[]): number[] => [id, ...leb(body.length), ...body]

// opcodes
const [LOCAL_GET, LOCAL_SET, LOCAL_TEE, I32_CONST, I32_EQZ, I32_ADD, I32_SUB, I32_SHL] = [0x20, 0x21, 0x22, 0x41, 0x45, 0x6a, 0x6b, 0x74]
const [BLOCK, LOOP, BR_IF, END, VOID, I32, V128] = [0x02, 0x03, 0x0d, 0x0b, 0x40, 0x7f, 0x7b]
const SIMD = 0xfd
const v128Load = (local: number): number[] => [LOCAL_GET, local, SIMD, 0x00, 3, 0] // align 8, offset 0
const V128_STORE = [SIMD, 0x0b, 2, 0] // align 4: a row of an odd width starts anywhere
const DEMOTE = [SIMD, 0x5e] // f32x4.demote_f64x2_zero: [x0, x1] → [x0, x1, 0, 0], rounding as Math.fround
const shuffle = (lanes: readonly number[]): number[] => [SIMD, 0x0d, ...lanes]
const f32Lanes = (...lanes: number[]): number[] => lanes.flatMap(l => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3])
// [a0, a1, ·, ·] + [b0, b1, ·, ·] → [a0, b0, a1, b1]; then [a0, b0, a1, b1] + [c0, d0, c1, d1] → row 0, row 1
const ZIP = shuffle(f32Lanes(0, 4, 1, 5))
const ROW0 = shuffle(f32Lanes(0, 1, 4, 5))
const ROW1 = shuffle(f32Lanes(2, 3, 6, 7))

/**
 * pack4(a, b, c, d, out, stride, pairs): for j < 2·pairs, out[j·stride .. +16) = f32(a[j], b[j], c[j], d[j]);
 * a … d and out are byte addresses (columns of f64), stride the output row's bytes.
 */
const [A, B, C, D, OUT, STRIDE, PAIRS, AB, CD] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
const advance = (local: number, by: readonly number[]): number[] => [LOCAL_GET, local, ...by, I32_ADD, LOCAL_SET, local]
const PACK4_BODY = [
  1, 2, V128, // two v128 locals: AB, CD
  BLOCK, VOID, LOCAL_GET, PAIRS, I32_EQZ, BR_IF, 0,
  LOOP, VOID,
  ...v128Load(A), ...DEMOTE, ...v128Load(B), ...DEMOTE, ...ZIP, LOCAL_SET, AB,
  ...v128Load(C), ...DEMOTE, ...v128Load(D), ...DEMOTE, ...ZIP, LOCAL_SET, CD,
  LOCAL_GET, OUT, LOCAL_GET, AB, LOCAL_GET, CD, ...ROW0, ...V128_STORE,
  LOCAL_GET, OUT, LOCAL_GET, STRIDE, I32_ADD, LOCAL_GET, AB, LOCAL_GET, CD, ...ROW1, ...V128_STORE,
  ...advance(A, [I32_CONST, 16]), ...advance(B, [I32_CONST, 16]), ...advance(C, [I32_CONST, 16]), ...advance(D, [I32_CONST, 16]),
  ...advance(OUT, [LOCAL_GET, STRIDE, I32_CONST, 1, I32_SHL]),
  LOCAL_GET, PAIRS, I32_CONST, 1, I32_SUB, LOCAL_TEE, PAIRS, BR_IF, 0,
  END, END, END,
]

/** the module's bytes: one memory ("memory", one page to start, grown as needed) and pack4 */
export const PACK_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]), // type: (i32 × 7) → ()
  ...section(3, [1, 0]), // function 0 has type 0
  ...section(5, [1, 0, 1]), // memory: min 1 page, no maximum
  ...section(7, [2, ...name('memory'), 2, 0, ...name('pack4'), 0, 0]),
  ...section(10, [1, ...leb(PACK4_BODY.length), ...PACK4_BODY]),
])

// the project's lib settings carry no WebAssembly types: the little used here
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmModule { readonly compiled: unknown }
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => WasmModule
  Instance: new (mod: WasmModule) => { readonly exports: Record<string, unknown> }
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly

let compiled: WasmModule | null | undefined
function module(): WasmModule | null {
  if (compiled === undefined) compiled = wasm !== undefined && wasm.validate(PACK_WASM) ? new wasm.Module(PACK_WASM) : null
  return compiled
}

/** above this many bytes of columns and output, the JavaScript loop is used instead of growing the memory further */
const MAX_BYTES = 256 << 20

/** Converts and interleaves float64 columns into a float32 [rows, n] array inside its own WebAssembly memory. */
export class SimdPacker {
  private readonly memory: WasmMemory
  private readonly pack4: (a: number, b: number, c: number, d: number, out: number, stride: number, pairs: number) => void

  constructor(api: WasmApi, mod: WasmModule) {
    const exports = new api.Instance(mod).exports as { memory: WasmMemory; pack4: SimdPacker['pack4'] }
    this.memory = exports.memory
    this.pack4 = exports.pack4
  }

  /**
   * out[j·w + f] = fround(cols[f][j]) for j < m, w = cols.length; a view of this packer's memory,
   * overwritten (possibly detached) by the next call. Null when the batch is too large to hold.
   */
  interleave(cols: readonly Float64Array[], m: number): Float32Array | null {
    const w = cols.length
    const inBytes = w * m * 8, need = inBytes + w * m * 4
    if (need > MAX_BYTES) return null
    const have = this.memory.buffer.byteLength
    if (have < need) this.memory.grow(Math.ceil((need - have) / 65536))
    const buffer = this.memory.buffer
    const staged = new Float64Array(buffer, 0, w * m)
    for (let f = 0; f < w; f++) staged.set(cols[f]!.subarray(0, m), f * m)
    const out = new Float32Array(buffer, inBytes, w * m)
    const pairs = m >> 1, even = pairs * 2
    let f = 0
    for (; f + 4 <= w; f += 4) this.pack4(f * m * 8, (f + 1) * m * 8, (f + 2) * m * 8, (f + 3) * m * 8, inBytes + f * 4, w * 4, pairs)
    // the last w mod 4 columns, and the last row of an odd count
    for (; f < w; f++) { const a = cols[f]!; for (let j = 0, o = f; j < even; j++, o += w) out[o] = a[j]! }
    if (even < m) for (let k = 0, o = even * w; k < w; k++, o++) out[o] = cols[k]![even]!
    return out
  }
}

/** a packer of its own for one caller, or null where WebAssembly SIMD is not available */
export function simdPacker(): SimdPacker | null {
  const mod = module()
  return mod === null || wasm === undefined ? null : new SimdPacker(wasm, mod)
}
