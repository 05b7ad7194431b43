/**
 * Row groups decoded on a worker thread while the scan converts the one before: parquet-wasm
 * decodes a row group (decompression, pages, and the Arrow IPC stream it hands back) in about as
 * long as the scan takes to turn the result into vectors, so the two overlap on two cores. The
 * scan sends the bytes of a row group (assembleFile's small file) and later takes its IPC stream,
 * in order.
 *
 * The streams come back in a ring of AHEAD + 1 SharedArrayBuffers, allocated once per scan (and
 * grown when a row group needs more), not a fresh buffer per row group: V8 counts every new
 * ArrayBuffer as external memory and starts a full collection after some tens of MiB of it,
 * whose cost grows with the heap a load is filling (lineitem SF 1 made 26 of them, 40% of the
 * load's time). A slot is written again only when the row group before it in the ring has been
 * converted, so vectors must not keep views of it: see `unshare`. Small scans decode in their own
 * thread (the worker's start, compiling the decoder again, costs tens of milliseconds).
 */
import { createRequire } from 'node:module'
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads'
import { GrizzlyError, InternalError, SqlState } from '../../errors.ts'
import type { Vector } from '../../vector/vector.ts'
import { takeMessage } from '../worker-port.ts'

// Plain CommonJS so the thread starts without the TypeScript loader. state[0]: results posted,
// state[1]: 1 = the thread has ended (set from its exit handler).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { port, shared, decoder, batchSize } = workerData
const state = new Int32Array(shared)
const post = (msg) => { port.postMessage(msg); Atomics.add(state, 0, 1); Atomics.notify(state, 0) }
process.on('exit', () => { Atomics.store(state, 1, 1); Atomics.notify(state, 0) })
const { readParquet } = require(decoder)
const slots = []
port.on('message', ({ bytes, slot }) => {
  try {
    const ipc = readParquet(bytes, { batchSize }).intoIPCStream()
    let grown = null
    if (slots[slot] === undefined || slots[slot].byteLength < ipc.length) grown = slots[slot] = new SharedArrayBuffer(Math.ceil(ipc.length * 1.25))
    new Uint8Array(slots[slot], 0, ipc.length).set(ipc)
    post({ kind: 'data', slot, length: ipc.length, grown })
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
  }
})
`

type Result =
  | { readonly kind: 'data'; readonly slot: number; readonly length: number; readonly grown: SharedArrayBuffer | null }
  | { readonly kind: 'error'; readonly message: string }

/** row groups sent ahead of the one being converted */
export const AHEAD = 2

const decoderPath = createRequire(import.meta.url).resolve('parquet-wasm')

export class DecodeThread {
  private readonly worker: Worker
  private readonly port: MessagePort
  private readonly state: Int32Array
  private received = 0
  private sent = 0
  private closed = false
  private readonly slots: SharedArrayBuffer[] = []

  constructor(private readonly path: string, batchSize: number) {
    const shared = new SharedArrayBuffer(2 * 4)
    this.state = new Int32Array(shared)
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true, execArgv: [], stdout: false, stderr: false,
      workerData: { port: port2, shared, decoder: decoderPath, batchSize },
      transferList: [port2 as unknown as MessagePort],
    })
    // a scan abandoned without closing must not keep the process alive
    this.worker.unref()
    port1.unref()
  }

  /**
   * queues a row group's bytes (handed over: the caller must not use them again); at most
   * AHEAD more than have been taken, since taking row group k + 1 frees row group k's slot
   */
  send(bytes: Uint8Array): void {
    if (this.sent - this.received >= AHEAD) throw new InternalError('a row group sent before the slot it needs was free')
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
    this.port.postMessage({ bytes: own, slot: this.sent++ % (AHEAD + 1) }, [own.buffer as ArrayBuffer])
  }

  /**
   * the Arrow IPC stream of the oldest row group sent and not yet taken, valid until AHEAD + 1
   * more are taken; `failed` makes the decoder's error
   */
  take(failed: (message: string) => GrizzlyError): Uint8Array {
    const m = takeMessage(this.port, this.state, 1, this.received, () => new GrizzlyError(SqlState.ioError, `decoding "${this.path}" stopped unexpectedly`, { hint: 'the process may be short of memory; try again' })) as Result
    this.received++
    if (m.kind === 'error') throw failed(m.message)
    if (m.grown !== null) this.slots[m.slot] = m.grown
    return new Uint8Array(this.slots[m.slot]!, 0, m.length)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.port.close()
    void this.worker.terminate()
  }
}

/**
 * `v` with copies of the arrays that are views of `buffer` (a ring slot), so it outlives the
 * slot; a fresh vector from arrowRangeToVector, changed in place.
 */
export function unshare(v: Vector, buffer: ArrayBufferLike): Vector {
  const d = v.data
  if (d !== null && ArrayBuffer.isView(d) && d.buffer === buffer) v.data = (d as Float64Array).slice()
  if (v.validity !== null && v.validity.buffer === buffer) v.validity = v.validity.slice()
  if (v.offsets !== null && v.offsets.buffer === buffer) v.offsets = v.offsets.slice()
  for (const c of v.children) unshare(c, buffer)
  return v
}
