/** Drives grizzly-worker.ts: starts it, sends queries, and terminates it when one overruns its time. */
import { Worker } from 'node:worker_threads'
import type { LoadTimings, Outcome } from './harness.ts'
import type { WorkerInit } from './grizzly-worker.ts'

// Node 20 workers do not inherit the TypeScript loader: register it, then load the worker module
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(tsx => { tsx.register(); return import(${JSON.stringify(new URL('./grizzly-worker.ts', import.meta.url).href)}) })`

type Message = { kind: 'ready'; timings: LoadTimings } | { kind: 'answer'; id: number; outcome: Outcome }

export class GrizzlyWorker {
  private readonly worker: Worker
  private readonly waiting = new Map<number, (o: Outcome) => void>()
  private nextId = 1
  private failure: string | null = null
  readonly ready: Promise<LoadTimings>

  constructor(init: WorkerInit) {
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: init })
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: Message) => {
        if (m.kind === 'ready') resolve(m.timings)
        else this.waiting.get(m.id)?.(m.outcome)
      })
      this.worker.on('error', e => {
        this.failure = `the Grizzly worker failed: ${e instanceof Error ? e.message : String(e)}`
        reject(e)
        this.settleAll(this.failure)
      })
      this.worker.on('exit', code => {
        this.failure ??= `the Grizzly worker exited (code ${code})`
        reject(new Error(this.failure))
        this.settleAll(this.failure)
      })
    })
  }

  get alive(): boolean { return this.failure === null }

  /** Runs `sql`; after `timeoutMs` the worker is terminated and the outcome is a 'timeout' error. */
  run(sql: string, timeoutMs: number): Promise<Outcome & { timedOut?: boolean }> {
    if (this.failure !== null) return Promise.resolve({ kind: 'error', message: this.failure })
    const id = this.nextId++
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        this.failure = 'terminated after a timeout'
        void this.worker.terminate()
        resolve({ kind: 'error', message: `timed out after ${timeoutMs} ms`, timedOut: true })
      }, timeoutMs)
      this.waiting.set(id, outcome => { clearTimeout(timer); this.waiting.delete(id); resolve(outcome) })
      this.worker.postMessage({ id, sql })
    })
  }

  async close(): Promise<void> {
    if (this.failure === null) { this.failure = 'closed'; await this.worker.terminate() }
  }

  private settleAll(message: string): void {
    for (const settle of this.waiting.values()) settle({ kind: 'error', message })
    this.waiting.clear()
  }
}
