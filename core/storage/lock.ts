/**
 * One writer per database file: `<file>.lock` holds the writer's pid. Node has no portable
 * advisory lock, so the lock is a file created exclusively; a lock whose process is gone (it
 * crashed or was killed) is stale and taken over. Readers (readOnly) take no lock.
 */
import { hostname } from 'node:os'
import { GrizzlyError } from '../errors.ts'
import type { FileSystem } from './io.ts'
import { io } from './blocks.ts'

/** PostgreSQL's object_in_use */
const OBJECT_IN_USE = '55006'

/** the open locks of this process: a second open of the same file here is refused too */
const heldHere = new Set<string>()

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

export class FileLock {
  private constructor(private readonly fs: FileSystem, readonly lockPath: string) {}

  static acquire(fs: FileSystem, dbPath: string, lockPath: string): FileLock {
    const content = JSON.stringify({ pid: process.pid, host: hostname() })
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        if (heldHere.has(lockPath)) throw Object.assign(new Error('held'), { code: 'EEXIST' })
        fs.createExclusive(lockPath, content)
        heldHere.add(lockPath)
        return new FileLock(fs, lockPath)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') io(lockPath, 'create the lock file', () => { throw e })
      }
      let holder: { pid?: unknown; host?: unknown } = {}
      try { holder = JSON.parse(fs.readText(lockPath)) as typeof holder } catch { /* half-written lock: treat as stale */ }
      const pid = typeof holder.pid === 'number' ? holder.pid : null
      const sameHost = holder.host === undefined || holder.host === hostname()
      if (pid !== null && (heldHere.has(lockPath) || (sameHost && alive(pid)) || !sameHost)) {
        const who = pid === process.pid ? 'this process (it is already open here)' : `process ${pid}${sameHost ? '' : ` on ${String(holder.host)}`}`
        throw new GrizzlyError(OBJECT_IN_USE, `database file "${dbPath}" is locked by ${who}`, {
          hint: `close it there first, or open it read-only beside the writer: Database.open(path, { readOnly: true }); the lock file is "${lockPath}"`,
        })
      }
      // the holder is gone: take the lock over
      io(lockPath, 'remove the stale lock file', () => fs.remove(lockPath))
    }
    throw new GrizzlyError(OBJECT_IN_USE, `could not lock database file "${dbPath}"`, { hint: 'another process keeps taking the lock; retry' })
  }

  release(): void {
    heldHere.delete(this.lockPath)
    try { this.fs.remove(this.lockPath) } catch { /* a stale lock is taken over next time */ }
  }
}
