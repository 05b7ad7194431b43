/**
 * One inference thread per process: a worker that runs ONNX Runtime sessions while the query's
 * thread scans and packs the next chunk (the two-phase `start` of predict / embed, see
 * core/optimizer/rules/pipelined_calls.ts). Jobs and results travel through a MessageChannel
 * read with `receiveMessageOnPort`, so neither side needs an event loop turn: the query thread
 * is inside a synchronous kernel when it hands a job over and when it waits for the answer.
 * Two counters in a SharedArrayBuffer say how many jobs were posted and how many answered; a
 * side with nothing to do sleeps on them in `Atomics.wait`. It does not spin first: on a
 * machine with other work, a spinning thread takes the core the other side needs (measured:
 * a quarter-millisecond spin tripled the time per chunk on two busy cores). The engine keeps
 * two chunks started ahead, so the inference thread rarely sleeps while a query runs.
 *
 * The worker is plain JavaScript evaluated from a string (no TypeScript loader needed in it) and
 * is unref'd, so it never keeps a process alive. If it cannot start (ONNX Runtime fails to load
 * there, or it does not say ready within 10 s) or the machine has a single core, `get()` returns
 * null for the rest of the process and callers run ONNX Runtime in their own thread, as with
 * `onnx_pipeline = false`.
 */
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { GrizzlyError, SqlState } from '../../core/errors.ts'
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'

/** one input as the worker feeds it: its bytes are copied into a shared slot */
export interface JobFeed { readonly name: string; readonly type: string; readonly data: ArrayBufferView; readonly dims: readonly number[] }
export interface JobOutput { readonly type: string; readonly data: ArrayLike<unknown>; readonly dims: readonly number[] }
export type JobResult = { readonly outputs: Readonly<Record<string, JobOutput>> } | { readonly error: string }

// signal slots
const POSTED = 0
const ANSWERED = 1
const STATE = 2
/** outputs this large are handed over, smaller ones copied (a fresh buffer per message costs more than a small copy) */
const TRANSFER_BYTES = 65_536
/** sessions the worker keeps (as the query thread's own cache) */
const MAX_SESSIONS = 16

const WORKER_SOURCE = String.raw`
const { workerData, receiveMessageOnPort } = require('node:worker_threads')
const { signal, port, bindingPath, ortPath } = workerData
const sessions = new Map()
/** input slots: the shared buffer the query thread writes, and this thread's own copy ONNX Runtime reads (it refuses shared memory) */
const slots = []
const ARRAYS = { float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array, bool: Uint8Array }
function waitForJob(taken) {
  while (Atomics.load(signal, ${POSTED}) === taken) Atomics.wait(signal, ${POSTED}, taken, 1000)
}
let binding, ort
function main() {
  try {
    binding = require(bindingPath)
    binding.initOrt()
    ort = require(ortPath)
  } catch (e) {
    Atomics.store(signal, ${STATE}, -1); Atomics.notify(signal, ${STATE})
    return
  }
  Atomics.store(signal, ${STATE}, 1); Atomics.notify(signal, ${STATE})
  try { serve() } catch (e) {
    // say so before dying: the query thread waits on these counters and sees no events
    Atomics.store(signal, ${STATE}, -1); Atomics.notify(signal, ${ANSWERED}); Atomics.notify(signal, ${STATE})
  }
}
function serve() {
  let taken = 0
  for (;;) {
    waitForJob(taken)
    const received = receiveMessageOnPort(port)
    if (received === undefined) continue
    taken++
    const job = received.message
    if (job.kind === 'slot') { slots[job.index] = { shared: new Uint8Array(job.buffer), own: new Uint8Array(job.buffer.byteLength) }; continue }
    if (job.kind === 'load') {
      try {
        const s = new binding.binding.InferenceSession()
        s.loadModel(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength, job.options)
        sessions.set(job.key, { session: s, fetches: Object.fromEntries(s.outputMetadata.map(m => [m.name, null])) })
      } catch (e) { sessions.set(job.key, { error: e instanceof Error ? e.message : String(e) }) }
      continue
    }
    if (job.kind === 'drop') {
      const entry = sessions.get(job.key)
      sessions.delete(job.key)
      if (entry !== undefined && entry.session !== undefined) entry.session.dispose()
      continue
    }
    let reply
    const transfer = []
    try {
      const entry = sessions.get(job.key)
      if (entry === undefined) throw new Error('the model was not loaded in the inference thread')
      if (entry.error !== undefined) throw new Error(entry.error)
      const feeds = {}
      for (const f of job.feeds) {
        const slot = slots[f.slot]
        slot.own.set(slot.shared.subarray(0, f.bytes))
        const Array = ARRAYS[f.type]
        feeds[f.name] = new ort.Tensor(f.type, new Array(slot.own.buffer, 0, f.bytes / Array.BYTES_PER_ELEMENT), f.dims)
      }
      const out = entry.session.run(feeds, entry.fetches, {})
      const outputs = {}
      for (const name of Object.keys(out)) {
        const t = out[name]
        let data = t.data
        // a view is cloned with its whole buffer: send exactly its bytes, a large array without a copy
        if (ArrayBuffer.isView(data)) {
          if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) data = data.slice()
          if (data.byteLength >= ${TRANSFER_BYTES}) transfer.push(data.buffer)
        }
        outputs[name] = { type: t.type, data, dims: t.dims }
      }
      reply = { seq: job.seq, outputs }
    } catch (e) {
      reply = { seq: job.seq, error: e instanceof Error ? e.message : String(e) }
    }
    port.postMessage(reply, transfer)
    Atomics.add(signal, ${ANSWERED}, 1)
    Atomics.notify(signal, ${ANSWERED})
  }
}
main()
`

export class InferenceThread {
  private readonly signal = new Int32Array(new SharedArrayBuffer(16))
  private readonly port: MessagePort
  private readonly worker: Worker
  private readonly loaded = new Set<string>()
  /** input slots (shared memory), and the job holding each, 0 when free */
  private readonly slots: { readonly bytes: Uint8Array; job: number }[] = []
  private posted = 0
  private seq = 0
  private answered = 0
  /** answers read but not yet collected, by job */
  private readonly results = new Map<number, JobResult>()
  /** jobs whose handle was garbage-collected uncollected: their answers are dropped on arrival */
  private readonly abandoned = new Set<number>()
  private readonly registry = new FinalizationRegistry<number>(seq => {
    if (!this.results.delete(seq)) this.abandoned.add(seq)
  })

  private constructor() {
    const require = createRequire(import.meta.url)
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        signal: this.signal, port: port2,
        bindingPath: require.resolve('onnxruntime-node/dist/binding.js'), ortPath: require.resolve('onnxruntime-node'),
      },
      transferList: [port2],
      // the worker needs no loader: it is plain JavaScript
      execArgv: [],
    })
    this.worker.unref()
    this.worker.on('error', () => Atomics.store(this.signal, STATE, -1))
  }

  private alive(): boolean { return Atomics.load(this.signal, STATE) === 1 }

  /** waits (up to 10 s) for the worker to load ONNX Runtime; false when it could not */
  private ready(): boolean {
    const deadline = performance.now() + 10_000
    while (Atomics.load(this.signal, STATE) === 0 && performance.now() < deadline) Atomics.wait(this.signal, STATE, 0, 50)
    if (Atomics.load(this.signal, STATE) === 1) return true
    void this.worker.terminate()
    return false
  }

  /**
   * Queues one run of the model `key` (its `bytes` are sent the first time) and returns a handle
   * whose `collect()` waits for the outputs. A handle dropped uncollected costs nothing more.
   */
  submit(key: string, bytes: Uint8Array, threads: number, feeds: readonly JobFeed[]): { collect(): JobResult } {
    if (!this.loaded.has(key)) {
      const options = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' }
      this.post({ kind: 'load', key, bytes: bytes.slice(), options })
      this.loaded.add(key)
      // this side decides which sessions the worker keeps: the two can never disagree
      if (this.loaded.size > MAX_SESSIONS) {
        const oldest = this.loaded.values().next().value as string
        this.loaded.delete(oldest)
        this.post({ kind: 'drop', key: oldest })
      }
    }
    const seq = ++this.seq
    // the inputs go through shared slots: a fresh buffer per batch (mmap'd at this size) cost more than the copy
    const placed = feeds.map(f => {
      const bytes = new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength)
      const slot = this.freeSlot(bytes.length)
      this.slots[slot]!.bytes.set(bytes)
      this.slots[slot]!.job = seq
      return { name: f.name, type: f.type, dims: f.dims, slot, bytes: bytes.length }
    })
    this.post({ kind: 'run', key, seq, feeds: placed })
    const handle = { collect: (): JobResult => { this.registry.unregister(handle); return this.collect(seq) } }
    this.registry.register(handle, seq, handle)
    return handle
  }

  /** a free slot of at least `size` bytes, made (and announced to the worker) when none is */
  private freeSlot(size: number): number {
    const free = this.slots.findIndex(s => s.job === 0 && s.bytes.length >= size)
    if (free >= 0) return free
    const index = this.slots.length
    const buffer = new SharedArrayBuffer(Math.max(size, 1 << 18))
    this.slots.push({ bytes: new Uint8Array(buffer), job: 0 })
    this.post({ kind: 'slot', index, buffer })
    return index
  }

  private post(message: object, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer)
    this.posted++
    Atomics.store(this.signal, POSTED, this.posted)
    Atomics.notify(this.signal, POSTED)
  }

  private collect(seq: number): JobResult {
    for (;;) {
      const have = this.results.get(seq)
      if (have !== undefined) { this.results.delete(seq); return have }
      this.awaitAnswer()
      const m = receiveMessageOnPort(this.port)
      if (m === undefined) continue
      this.answered++
      const answer = m.message as JobResult & { seq: number }
      // answered: the worker is done with its inputs
      for (const slot of this.slots) if (slot.job === answer.seq) slot.job = 0
      if (this.abandoned.delete(answer.seq)) continue
      this.results.set(answer.seq, answer)
    }
  }

  /** until the worker has answered more jobs than were read */
  private awaitAnswer(): void {
    while (Atomics.load(this.signal, ANSWERED) === this.answered) {
      if (!this.alive()) {
        throw new GrizzlyError(SqlState.systemError, 'the ONNX inference thread stopped', { hint: 'run the query again (its calls then run in the query\'s thread), or SET onnx_pipeline = false' })
      }
      Atomics.wait(this.signal, ANSWERED, this.answered, 100)
    }
  }

  private static shared: InferenceThread | null | undefined
  /** the process's inference thread, started on first use; null when it cannot run */
  static get(): InferenceThread | null {
    if (InferenceThread.shared !== undefined) {
      if (InferenceThread.shared === null || InferenceThread.shared.alive()) return InferenceThread.shared
      return InferenceThread.shared = null
    }
    // with one core the two threads would only take turns, paying for the hand-over
    if (availableParallelism() < 2) return InferenceThread.shared = null
    let thread: InferenceThread | null = null
    try { thread = new InferenceThread() } catch { thread = null }
    return InferenceThread.shared = thread !== null && thread.ready() ? thread : null
  }
}
