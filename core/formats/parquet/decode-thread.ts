/**
 * Row groups decoded on a worker thread while the scan converts the one before: parquet-wasm
 * decodes a row group (decompression, pages, and the Arrow IPC stream it hands back) in about as
 * long as the scan takes to turn the result into vectors, so the two overlap on two cores. The
 * scan sends the bytes of a row group (assembleFile's small file) and later takes its IPC stream,
 * in order; both cross by transfer, without a copy. Small scans decode in their own thread (the
 * worker's start, compiling the decoder again, costs tens of milliseconds).
 */
import { createRequire } from 'node:module'
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads'
import { GrizzlyError, SqlState } from '../../errors.ts'
import { takeMessage } from '../worker-port.ts'

// Plain CommonJS so the thread starts without the TypeScript loader. state[0]: results posted,
// state[1]: 1 = the thread has ended (set from its exit handler).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { port, shared, decoder, batchSize } = workerData
const state = new Int32Array(shared)
const post = (msg, transfer) => { port.postMessage(msg, transfer); Atomics.add(state, 0, 1); Atomics.notify(state, 0) }
process.on('exit', () => { Atomics.store(state, 1, 1); Atomics.notify(state, 0) })
const { readParquet } = require(decoder)
port.on('message', bytes => {
  try {
    const ipc = readParquet(bytes, { batchSize }).intoIPCStream()
    post({ kind: 'data', ipc }, [ipc.buffer])
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
  }
})
`

type Result = { readonly kind: 'data'; readonly ipc: Uint8Array } | { readonly kind: 'error'; readonly message: string }

const decoderPath = createRequire(import.meta.url).resolve('parquet-wasm')

export class DecodeThread {
  private readonly worker: Worker
  private readonly port: MessagePort
  private readonly state: Int32Array
  private received = 0
  private closed = false

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

  /** queues a row group's bytes (handed over: the caller must not use them again) */
  send(bytes: Uint8Array): void {
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
    this.port.postMessage(own, [own.buffer as ArrayBuffer])
  }

  /** the Arrow IPC stream of the oldest row group sent and not yet taken; `failed` makes the decoder's error */
  take(failed: (message: string) => GrizzlyError): Uint8Array {
    const m = takeMessage(this.port, this.state, 1, this.received, () => new GrizzlyError(SqlState.ioError, `decoding "${this.path}" stopped unexpectedly`, { hint: 'the process may be short of memory; try again' })) as Result
    this.received++
    if (m.kind === 'error') throw failed(m.message)
    return m.ipc
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.port.close()
    void this.worker.terminate()
  }
}
