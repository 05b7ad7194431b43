/**
 * The parent's handle on one engine process: requests go out over IPC one at a time and each
 * waits for its reply, with a timeout after which the process is killed (a stuck query must not
 * stall the whole benchmark) and started again, reloaded, for the next task.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, Dataset, ParentMessage, ProcessName } from './tasks.ts'

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))

export class RequestTimeout extends Error {}

export class EngineProcess {
  private child: ChildProcess | null = null
  private pending: { resolve(m: ChildMessage): void; reject(e: Error): void } | null = null
  private loaded: Dataset | null = null
  /** time and rows of the first load (a reload after a timeout is not the figure to report) */
  loadMs = 0
  loadedRows = 0
  restarts = 0

  constructor(readonly name: ProcessName, private readonly dataset: Dataset, private readonly maxHeapMb: number) {}

  /** true while the process is up with its data loaded */
  get running(): boolean { return this.child !== null && this.loaded !== null }

  /** Starts the process (again, after a kill) and loads the dataset. */
  async ensureLoaded(loadTimeoutMs: number): Promise<void> {
    if (this.child !== null && this.loaded !== null) return
    await this.start()
    const reply = await this.request({ kind: 'load', dataset: this.dataset }, loadTimeoutMs)
    if (reply.kind !== 'loaded') throw new Error(`${this.name} could not load the data: ${reply.kind === 'failed' ? reply.message : reply.kind}`)
    this.loaded = this.dataset
    if (this.restarts === 0) this.loadMs = reply.ms
    this.loadedRows = reply.rows
  }

  private start(): Promise<void> {
    const child = fork(WORKER, [this.name], {
      execArgv: ['--import', 'tsx', '--expose-gc', `--max-old-space-size=${this.maxHeapMb}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.child = child
    child.on('message', (m: ChildMessage) => {
      if (m.kind === 'ready') { readyResolve(); return }
      const p = this.pending
      this.pending = null
      p?.resolve(m)
    })
    child.on('exit', (code, signal) => {
      if (this.child === child) { this.child = null; this.loaded = null }
      const p = this.pending
      this.pending = null
      p?.reject(new Error(`${this.name} process exited (${signal ?? `code ${code}`})`))
      readyReject(new Error(`${this.name} process exited before it was ready`))
    })
    let readyResolve: () => void = () => {}
    let readyReject: (e: Error) => void = () => {}
    return new Promise<void>((resolve, reject) => { readyResolve = resolve; readyReject = reject })
  }

  request(message: ParentMessage, timeoutMs: number): Promise<ChildMessage> {
    const child = this.child
    if (child === null) return Promise.reject(new Error(`${this.name} process is not running`))
    if (this.pending !== null) return Promise.reject(new Error(`${this.name} already has a request in flight`))
    return new Promise<ChildMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null
        this.kill()
        reject(new RequestTimeout(`${this.name} took over ${Math.round(timeoutMs / 1000)} s`))
      }, timeoutMs)
      this.pending = {
        resolve: m => { clearTimeout(timer); resolve(m) },
        reject: e => { clearTimeout(timer); reject(e) },
      }
      child.send(message)
    })
  }

  private kill(): void {
    const child = this.child
    this.child = null
    this.loaded = null
    if (child !== null) { this.restarts++; child.kill('SIGKILL') }
  }

  async close(): Promise<void> {
    const child = this.child
    if (child === null) return
    const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
    child.send({ kind: 'exit' } satisfies ParentMessage)
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
    this.child = null
  }
}
