/**
 * ONNX Runtime sessions, synchronously. onnxruntime-node's public `InferenceSession` is
 * promise-based (it defers every `run` with setImmediate), but the engine's scalar kernels are
 * synchronous; the package's native binding underneath is synchronous, so this file drives it
 * directly — the one place that knows its shape (onnxruntime-node 1.30: `binding.InferenceSession`
 * with `loadModel(buffer, offset, length, options)`, `inputMetadata`, `outputMetadata`,
 * `run(feeds, fetches, options)`). A binding of another shape is refused with a clear error.
 *
 * Sessions are cached per model SHA-256 and thread count, so every statement (and every
 * database in the process) that uses a model shares one session. `intraOpNumThreads` is always
 * set: ONNX Runtime's default pool collapsed under contention (MEASURED.md).
 */
import { createRequire } from 'node:module'
import { Tensor } from 'onnxruntime-node'
import { GrizzlyError, SqlState } from '../../core/errors.ts'
import type { ModelSignature, ModelTensor } from '../../core/hooks/contracts.ts'

/** ONNX TensorProto element types, as the binding reports them */
const ELEMENT_TYPES: readonly (string | undefined)[] = [
  undefined, 'float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool', 'float16', 'float64', 'uint32', 'uint64',
]

interface RawMetadata { readonly name: string; readonly isTensor: boolean; readonly symbolicDimensions: readonly string[]; readonly shape: readonly number[]; readonly type: number }
interface RawSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void
  readonly inputMetadata: readonly RawMetadata[]
  readonly outputMetadata: readonly RawMetadata[]
  run(feeds: Record<string, Tensor>, fetches: Record<string, null>, options: object): Record<string, Tensor>
  dispose(): void
}
interface Binding { readonly binding: { InferenceSession: new () => RawSession }; initOrt(): void }

let loaded: Binding | null = null
function binding(): Binding {
  if (loaded !== null) return loaded
  const b = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as Partial<Binding>
  if (typeof b.initOrt !== 'function' || typeof b.binding?.InferenceSession !== 'function') {
    throw new GrizzlyError(SqlState.featureNotSupported, 'this onnxruntime-node has no synchronous session binding', {
      hint: 'install the onnxruntime-node version package.json names (1.30)',
    })
  }
  b.initOrt()
  return loaded = b as Binding
}

/** One loaded model: its inputs and outputs, and a synchronous run. */
export class OnnxSession {
  readonly signature: ModelSignature
  private readonly fetches: Record<string, null>

  constructor(private readonly raw: RawSession) {
    this.signature = { inputs: raw.inputMetadata.map(tensorOf), outputs: raw.outputMetadata.map(tensorOf) }
    this.fetches = Object.fromEntries(raw.outputMetadata.map(m => [m.name, null]))
  }

  /** every output, by name; ONNX Runtime's errors (shapes, types) come back as its Error */
  run(feeds: Record<string, Tensor>): Record<string, Tensor> {
    return this.raw.run(feeds, this.fetches, {})
  }

  dispose(): void { this.raw.dispose() }
}

function tensorOf(m: RawMetadata): ModelTensor {
  if (!m.isTensor) return { name: m.name, type: 'non-tensor', shape: [] }
  return {
    name: m.name,
    type: ELEMENT_TYPES[m.type] ?? `onnx type ${m.type}`,
    shape: m.shape.map((d, i) => d >= 0 ? d : (m.symbolicDimensions[i] || null)),
  }
}

/** A session over `bytes`; 22P04 naming ONNX Runtime's reason when they are not a model it can load. */
export function loadSession(bytes: Uint8Array, threads: number): OnnxSession {
  const { binding: b } = binding()
  const raw = new b.InferenceSession()
  try {
    raw.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
      intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    })
  } catch (e) {
    throw new GrizzlyError(SqlState.badFileFormat, `ONNX Runtime cannot load the model: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'check that the file is a complete ONNX model (export it again) and that its opset is one ONNX Runtime 1.30 supports', cause: e,
    })
  }
  return new OnnxSession(raw)
}

const MAX_CACHED = 16
const cache = new Map<string, OnnxSession>()

/** The shared session for a model (by SHA-256) and thread count; the least recently used goes past 16. */
export function cachedSession(sha256: string, bytes: Uint8Array, threads: number): OnnxSession {
  const key = `${sha256}:${threads}`
  const hit = cache.get(key)
  if (hit !== undefined) {
    cache.delete(key)
    cache.set(key, hit)
    return hit
  }
  const session = loadSession(bytes, threads)
  cache.set(key, session)
  if (cache.size > MAX_CACHED) {
    const [oldest, old] = cache.entries().next().value as [string, OnnxSession]
    cache.delete(oldest)
    old.dispose()
  }
  return session
}

export { Tensor }
