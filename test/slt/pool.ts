/**
 * Runs many sqllogictest files over a few worker processes. A file whose worker makes no
 * progress for `stallMs` (one statement hanging) or runs longer than `fileMs` is failed and its
 * worker replaced; a worker that dies fails only the file it was running. After `totalMs` no new
 * files start and the rest are reported as skipped.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { FileResult } from './runner.ts'
import type { WorkerJob, WorkerMessage } from './worker.ts'

export interface PoolOptions {
  readonly workers: number
  readonly stallMs: number
  readonly fileMs: number
  readonly totalMs: number
  /** worker processes are replaced after this many files, so leaks cannot pile up */
  readonly filesPerWorker?: number
  readonly onResult?: (r: FileResult) => void
}

const WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url))

interface Slot {
  child: ChildProcess
  job: WorkerJob | undefined
  started: number
  lastBeat: number
  lastLine: number
  filesDone: number
  stderr: string
}

export function runInWorkers(jobs: readonly WorkerJob[], options: PoolOptions): Promise<FileResult[]> {
  const results: FileResult[] = []
  const queue = [...jobs]
  const deadline = Date.now() + options.totalMs
  const slots = new Set<Slot>()
  const perWorker = options.filesPerWorker ?? 200

  return new Promise(resolveAll => {
    let finished = false
    const record = (r: FileResult): void => { results.push(r); options.onResult?.(r) }
    const maybeDone = (): void => {
      if (finished || queue.length > 0 || slots.size > 0) return
      finished = true
      clearInterval(watchdog)
      resolveAll(results)
    }

    const dispatch = (slot: Slot): void => {
      if (Date.now() > deadline) {
        while (queue.length > 0) {
          const j = queue.shift()!
          record({ file: j.name, status: 'skip', reason: 'not run: the total time cap was reached', recordsRun: 0, recordsPassed: 0, millis: 0 })
        }
      }
      const job = queue.shift()
      if (job === undefined || slot.filesDone >= perWorker) {
        retire(slot)
        if (job !== undefined) { queue.unshift(job); spawn() }
        maybeDone()
        return
      }
      slot.job = job
      slot.started = slot.lastBeat = Date.now()
      slot.lastLine = 0
      slot.child.send(job)
    }

    const retire = (slot: Slot): void => {
      slots.delete(slot)
      slot.child.removeAllListeners('exit')
      slot.child.kill('SIGKILL')
    }

    const fail = (slot: Slot, reason: string): void => {
      const job = slot.job
      if (job === undefined) return
      slot.job = undefined
      record({
        file: job.name, status: 'fail', reason,
        failure: { line: slot.lastLine, sql: '', message: reason },
        recordsRun: 0, recordsPassed: 0, millis: Date.now() - slot.started,
      })
    }

    const spawn = (): void => {
      const child = fork(WORKER_PATH, [], { execArgv: ['--import', 'tsx', '--stack-size=4000'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
      const slot: Slot = { child, job: undefined, started: Date.now(), lastBeat: Date.now(), lastLine: 0, filesDone: 0, stderr: '' }
      // keep the tail of stderr: it says why a worker died
      child.stderr?.on('data', (d: Buffer) => { slot.stderr = (slot.stderr + d.toString()).slice(-1500) })
      slots.add(slot)
      child.on('message', (m: WorkerMessage) => {
        slot.lastBeat = Date.now()
        if (m.type === 'ready') dispatch(slot)
        else if (m.type === 'progress') slot.lastLine = m.line
        else if (m.type === 'result') {
          slot.job = undefined
          slot.filesDone++
          record(m.result)
          dispatch(slot)
        }
      })
      child.on('exit', (code, signal) => {
        slots.delete(slot)
        const tail = slot.stderr.trim().split('\n').slice(-6).join('\n')
        fail(slot, `the engine ended the process (${signal ?? `exit code ${code}`}) near line ${slot.lastLine}${tail === '' ? '' : `:\n${tail}`}`)
        if (queue.length > 0) spawn()
        maybeDone()
      })
    }

    const watchdog = setInterval(() => {
      const now = Date.now()
      for (const slot of [...slots]) {
        if (slot.job === undefined) continue
        const stalled = now - slot.lastBeat > options.stallMs
        const tooLong = now - slot.started > options.fileMs
        if (!stalled && !tooLong) continue
        fail(slot, stalled ? `timeout: no progress for ${options.stallMs} ms after line ${slot.lastLine}` : `timeout: the file ran longer than ${options.fileMs} ms`)
        retire(slot)
        if (queue.length > 0) spawn()
        maybeDone()
      }
    }, 250)

    const n = Math.max(1, Math.min(options.workers, queue.length))
    for (let i = 0; i < n; i++) spawn()
    maybeDone()
  })
}
