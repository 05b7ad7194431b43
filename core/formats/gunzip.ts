/**
 * gzip decompressed a block at a time for the synchronous readers. node:zlib inflates
 * incrementally only asynchronously (its sync calls take the whole input and close the engine),
 * and a scan runs without giving the event loop control, so a worker thread runs a node:zlib
 * stream over the file and hands each decompressed block through a MessagePort; the reader
 * takes them with receiveMessageOnPort, blocking on a shared counter (Atomics.wait) until one is
 * there. The worker waits while AHEAD blocks are unread, so memory stays at a few blocks
 * whatever the file size, and inflating overlaps with parsing on another core. Small files skip
 * the thread (its start costs tens of milliseconds): they are inflated in one call, up to a cap.
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs'
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads'
import { constants as zlibConstants, gunzipSync } from 'node:zlib'
import { GrizzlyError, SqlState } from '../errors.ts'
import { corruptCompressed, cutShort, type DecompressedStream, fileError } from './source.ts'
import { takeMessage } from './worker-port.ts'

/** decompressed blocks the worker may run ahead of the reader */
const AHEAD = 4
/** files up to this size (compressed) are inflated in one call, without a worker... */
const SMALL_FILE = 1 << 20
/** ...when they inflate to no more than this */
const SMALL_OUTPUT = 32 << 20

// Plain CommonJS so the thread starts without the TypeScript loader. Counters in `state`:
// [0] messages posted, [1] data blocks taken by the reader, [2] 1 = the reader has stopped,
// [3] 1 = the thread has ended (set from its exit handler: the reader, blocked, sees no events).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { createReadStream } = require('node:fs')
const { createGunzip } = require('node:zlib')
const { path, port, shared, blockSize, ahead } = workerData
const state = new Int32Array(shared)
let sent = 0, read = 0
const post = (msg, transfer) => { port.postMessage(msg, transfer); Atomics.add(state, 0, 1); Atomics.notify(state, 0) }
process.on('exit', () => { Atomics.store(state, 3, 1); Atomics.notify(state, 0) })
const input = createReadStream(path, { highWaterMark: 1 << 16 })
const gunzip = createGunzip({ chunkSize: blockSize })
input.on('data', b => { read += b.length })
const fail = (e, at) => { post({ kind: 'error', message: String(e && e.message || e), code: String(e && e.code || ''), at }); input.destroy(); gunzip.destroy() }
input.on('error', e => fail(e, read))
gunzip.on('error', e => fail(e, gunzip.bytesWritten))
process.on('uncaughtException', e => fail(e, read))
gunzip.on('data', chunk => {
  for (;;) {
    if (Atomics.load(state, 2) === 1) { input.destroy(); gunzip.destroy(); return }
    const taken = Atomics.load(state, 1)
    if (sent - taken < ahead) break
    Atomics.wait(state, 1, taken, 1000)
  }
  const bytes = new Uint8Array(chunk)
  sent++
  post({ kind: 'data', bytes, at: read }, [bytes.buffer])
})
gunzip.on('end', () => post({ kind: 'end', at: read }))
input.pipe(gunzip)
`

type WorkerMessage =
  | { readonly kind: 'data'; readonly bytes: Uint8Array; readonly at: number }
  | { readonly kind: 'end'; readonly at: number }
  | { readonly kind: 'error'; readonly message: string; readonly code: string; readonly at: number }

/** 22P04 naming the file and how far into it the damage was found. */
export function corruptGzip(path: string, message: string, code: string, at: number, fileBytes: number): GrizzlyError {
  return corruptCompressed(path, 'gzip', cutShort(message, code), fileBytes, `${message}, at compressed byte ${at} of ${fileBytes}`)
}

const ioError = (path: string, message: string, code: string): GrizzlyError => fileError(path, Object.assign(new Error(message), { code }))

/** The whole of a small file, or null when it is too big for one call (or inflates too far). */
function smallFile(path: string): { bytes: Uint8Array; fileBytes: number } | null {
  let fd: number
  try { fd = openSync(path, 'r') } catch (e) { throw fileError(path, e) }
  try {
    const size = fstatSync(fd).size
    if (size > SMALL_FILE) return null
    const raw = new Uint8Array(size)
    let got = 0
    while (got < size) {
      let n: number
      try { n = readSync(fd, raw, got, size - got, got) } catch (e) { throw fileError(path, e) }
      if (n === 0) break
      got += n
    }
    try {
      const out = gunzipSync(raw.subarray(0, got), { maxOutputLength: SMALL_OUTPUT })
      return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), fileBytes: got }
    } catch (e) {
      const err = e as NodeJS.ErrnoException
      if (err.code === 'ERR_BUFFER_TOO_LARGE') return null
      throw corruptGzip(path, err.message, err.code ?? '', firstBadByte(raw.subarray(0, got)), got)
    }
  } finally { closeSync(fd) }
}

/**
 * Where inflating `raw` first fails: the shortest prefix that errors even when a cut-off stream
 * is allowed (Z_SYNC_FLUSH). Only for error messages of small files.
 */
function firstBadByte(raw: Uint8Array): number {
  const fails = (n: number): boolean => {
    try { gunzipSync(raw.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: SMALL_OUTPUT }); return false } catch { return true }
  }
  if (!fails(raw.length)) return raw.length
  let lo = 0, hi = raw.length
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (fails(mid)) hi = mid; else lo = mid }
  return hi
}

/** A gzip file as decompressed blocks of about `blockSize` bytes; corrupt or cut input is 22P04. */
export function gunzipStream(path: string, blockSize: number): DecompressedStream {
  const small = smallFile(path)
  if (small !== null) {
    const { bytes, fileBytes } = small
    let at = 0
    return {
      next: () => {
        if (at >= bytes.length) return null
        const end = Math.min(bytes.length, at + blockSize)
        const block = bytes.subarray(at, end)
        at = end
        return block
      },
      close: () => { at = bytes.length },
      // compressed bytes in proportion to what was handed out
      get consumed() { return bytes.length === 0 ? fileBytes : Math.round(at * fileBytes / bytes.length) },
    }
  }
  return workerStream(path, blockSize)
}

function workerStream(path: string, blockSize: number): DecompressedStream {
  const shared = new SharedArrayBuffer(4 * 4)
  const state = new Int32Array(shared)
  const { port1, port2 } = new MessageChannel()
  const worker = new Worker(WORKER_SOURCE, {
    eval: true, execArgv: [], stdout: false, stderr: false,
    workerData: { path, port: port2, shared, blockSize, ahead: AHEAD },
    transferList: [port2 as unknown as MessagePort],
  })
  // a stream left unread must not keep the process alive
  worker.unref()
  port1.unref()
  let received = 0
  let consumed = 0
  let fileBytes = -1
  let finished = false
  const stop = (): void => {
    if (finished) return
    finished = true
    Atomics.store(state, 2, 1)
    Atomics.notify(state, 1)
    port1.close()
    void worker.terminate()
  }
  const size = (): number => {
    if (fileBytes < 0) { try { const fd = openSync(path, 'r'); try { fileBytes = fstatSync(fd).size } finally { closeSync(fd) } } catch { fileBytes = 0 } }
    return fileBytes
  }
  const take = (): WorkerMessage => {
    // a thread that ended without a last word (a crash) shows up as an error, never as a hang
    const m = takeMessage(port1, state, 3, received, () => new GrizzlyError(SqlState.ioError, `decompressing "${path}" stopped unexpectedly`, { hint: 'the process may be short of memory; try again' }))
    received++
    return m as WorkerMessage
  }
  return {
    next: () => {
      if (finished) return null
      const m = take()
      if (m.kind === 'data') {
        consumed = m.at
        Atomics.add(state, 1, 1)
        Atomics.notify(state, 1)
        return m.bytes
      }
      stop()
      if (m.kind === 'end') { consumed = m.at; return null }
      if (/^E[A-Z]+$/.test(m.code)) throw ioError(path, m.message, m.code)
      throw corruptGzip(path, m.message, m.code, m.at, size())
    },
    close: stop,
    get consumed() { return consumed },
  }
}

/**
 * At least the first `want` decompressed bytes of a gzip file (all of it when shorter), inflated
 * in this thread from a growing compressed prefix: sniffing needs no worker. `complete` says the
 * bytes are the whole file (then a cut-off stream is an error, as when reading).
 */
export function gunzipHead(path: string, want: number): { bytes: Uint8Array; complete: boolean } {
  let fd: number
  try { fd = openSync(path, 'r') } catch (e) { throw fileError(path, e) }
  try {
    let size: number
    try { size = fstatSync(fd).size } catch (e) { throw fileError(path, e) }
    let raw = new Uint8Array(0)
    for (let n = Math.min(size, 1 << 16); ; n = Math.min(size, n * 2)) {
      const grown = new Uint8Array(n)
      grown.set(raw)
      let got = raw.length
      while (got < n) {
        let r: number
        try { r = readSync(fd, grown, got, n - got, got) } catch (e) { throw fileError(path, e) }
        if (r === 0) break
        got += r
      }
      raw = grown.subarray(0, got)
      const whole = got >= size || got < n
      let out: Uint8Array
      try {
        // a cut-off prefix inflates as far as it goes with Z_SYNC_FLUSH instead of failing
        out = gunzipSync(raw, whole ? {} : { finishFlush: zlibConstants.Z_SYNC_FLUSH })
      } catch (e) {
        const err = e as NodeJS.ErrnoException
        throw corruptGzip(path, err.message, err.code ?? '', firstBadByte(raw), got)
      }
      if (whole || out.length >= want) return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), complete: whole }
    }
  } finally { closeSync(fd) }
}
