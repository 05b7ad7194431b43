/**
 * Worker threads for parallel fragments. Queries run synchronously, so the calling thread
 * cannot take messages from an event loop while it waits: like the gunzip reader and the
 * Parquet decode thread, each worker answers through a MessagePort and counts its replies in a
 * shared array the caller sleeps on (core/formats/worker-port.ts's takeMessage). Workers are plain CommonJS (no TypeScript loader) that compile the kernel
 * source they are sent with `new Function` once per distinct source; they start on the first
 * parallel query, are unref'd (they never keep the process alive) and end when the last open
 * database closes.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads'
import { GrizzlyError, SqlState } from '../../errors.ts'
import { takeMessage } from '../../formats/worker-port.ts'

// state (one per worker, read by formats/worker-port.ts's takeMessage): [0] replies posted, [1] 1 = the thread ended
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { port, shared } = workerData
const state = new Int32Array(shared)
const factories = new Map()
const BAIL = { bail: true }
globalThis.grizzlyWorkerThread = true
process.on('exit', () => { Atomics.store(state, 1, 1); Atomics.notify(state, 0) })
port.on('message', task => {
  let reply
  try {
    let make = factories.get(task.source)
    if (make === undefined) {
      if (factories.size >= 64) factories.delete(factories.keys().next().value)
      make = new Function('consts', 'bail', task.source)
      factories.set(task.source, make)
    }
    const run = make(task.consts, BAIL)
    reply = { partial: run(task.groups, task.morsels, new Int32Array(task.counter), task.count, null) }
  } catch (e) {
    reply = e === BAIL ? { bail: true } : { error: String(e && e.message || e) }
  }
  port.postMessage(reply)
  Atomics.add(state, 0, 1)
  Atomics.notify(state, 0)
})
`

/** thrown by a kernel (on any thread) for a row it cannot compute exactly: the caller runs the fragment serially */
export const BAIL: { readonly bail: true } = { bail: true }

/** A kernel: `source` is the body of `function (consts, bail)` returning `run(groups, morsels, counter, count)`. */
export interface KernelTask {
  readonly source: string
  readonly consts: readonly unknown[]
  /** handed to every thread as is (shared memory is shared, the rest is copied) */
  readonly groups: unknown
  /** (group, start, end) triples */
  readonly morsels: Int32Array
}

/** what each thread returned, or 'bail' */
export type KernelResult = { readonly kind: 'done'; readonly partials: unknown[] } | { readonly kind: 'bail' }

interface PoolWorker { readonly worker: Worker; readonly port: MessagePort; readonly state: Int32Array; received: number }

class WorkerPool {
  private readonly workers: PoolWorker[] = []
  private readonly factories = new Map<string, (consts: readonly unknown[], bail: unknown) => RunKernel>()

  get size(): number { return this.workers.length }

  private grow(n: number): void {
    while (this.workers.length < n) {
      const { port1, port2 } = new MessageChannel()
      const state = new Int32Array(new SharedArrayBuffer(8))
      const worker = new Worker(WORKER_SOURCE, {
        eval: true, execArgv: [], stdout: false, stderr: false,
        workerData: { port: port2, shared: state.buffer },
        transferList: [port2 as unknown as MessagePort],
      })
      worker.unref()
      port1.unref()
      this.workers.push({ worker, port: port1, state, received: 0 })
    }
  }

  private factory(source: string): (consts: readonly unknown[], bail: unknown) => RunKernel {
    let make = this.factories.get(source)
    if (make === undefined) {
      if (this.factories.size >= 64) this.factories.delete(this.factories.keys().next().value!)
      make = new Function('consts', 'bail', source) as (consts: readonly unknown[], bail: unknown) => RunKernel
      this.factories.set(source, make)
    }
    return make
  }

  /**
   * runs `task` on the calling thread and `helpers` workers, each taking morsels until none are
   * left; `tick` runs on the calling thread before each of its morsels (a cancellation check:
   * what it throws stops the workers too and is rethrown once they are done)
   */
  run(task: KernelTask, helpers: number, tick: (() => void) | null = null): KernelResult {
    this.grow(helpers)
    const count = task.morsels.length / 3
    const counter = new Int32Array(new SharedArrayBuffer(4))
    const used = this.workers.slice(0, helpers)
    for (const w of used) {
      w.port.postMessage({ source: task.source, consts: task.consts, groups: task.groups, morsels: task.morsels, counter: counter.buffer, count })
    }
    let own: unknown = null
    let ownError: unknown = null
    try {
      own = this.factory(task.source)(task.consts, BAIL)(task.groups, task.morsels, counter, count, tick)
    } catch (e) {
      ownError = e
      // the workers take no more morsels
      Atomics.store(counter, 0, count)
    }
    const partials: unknown[] = [own]
    let bail = ownError === BAIL
    let failure: string | null = null
    for (const w of used) {
      let m: { partial?: unknown; bail?: boolean; error?: string }
      try {
        m = takeMessage(w.port, w.state, 1, w.received, () => workerFailure('a worker thread ended while running a query')) as typeof m
      } catch (e) {
        this.close()
        throw e
      }
      w.received++
      if (m.bail === true) bail = true
      else if (m.error !== undefined) failure ??= m.error
      else partials.push(m.partial)
    }
    if (ownError !== null && ownError !== BAIL) throw ownError
    if (failure !== null) throw workerFailure(`a worker thread failed: ${failure}`)
    return bail ? { kind: 'bail' } : { kind: 'done', partials }
  }

  close(): void {
    for (const w of this.workers.splice(0)) {
      w.port.close()
      void w.worker.terminate()
    }
  }
}

type RunKernel = (groups: unknown, morsels: Int32Array, counter: Int32Array, count: number, tick: (() => void) | null) => unknown

function workerFailure(message: string): GrizzlyError {
  return new GrizzlyError(SqlState.systemError, message, { hint: 'SET threads = 1 runs queries on the calling thread only; the worker threads start again on the next parallel query' })
}

let pool: WorkerPool | null = null
let openDatabases = 0

/** the shared pool (workers start as queries need them) */
export function workerPool(): WorkerPool {
  pool ??= new WorkerPool()
  return pool
}

/** an open database may use the pool */
export function retainWorkers(): void { openDatabases++ }

/** a database closed: the workers end with the last one */
export function releaseWorkers(): void {
  openDatabases = Math.max(0, openDatabases - 1)
  if (openDatabases === 0 && pool !== null) { pool.close(); pool = null }
}

/** workers running now (for tests) */
export function runningWorkers(): number { return pool?.size ?? 0 }
