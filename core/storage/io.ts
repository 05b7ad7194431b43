/**
 * The one door to the disk. Every byte the storage engine reads or writes goes through a
 * `FileSystem`, so tests can wrap it to inject ENOSPC, short writes or a crash after the n-th
 * write, and encryption can later wrap it the same way. Synchronous on purpose: a commit is a
 * synchronous step of the engine, and fsync must finish before COMMIT returns.
 */
import {
  closeSync, existsSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync,
  unlinkSync, writeFileSync, writeSync,
} from 'node:fs'
import { dirname } from 'node:path'

export interface FileHandle {
  /** reads up to `length` bytes at `position` into `buffer`; returns how many were read */
  read(buffer: Uint8Array, position: number, length: number): number
  /** writes all of `data` at `position` (a short write throws) */
  write(data: Uint8Array, position: number): void
  /** flushes written data to stable storage */
  sync(): void
  size(): number
  truncate(length: number): void
  close(): void
}

export interface FileSystem {
  /** 'r' read only; 'rw' read-write, creating the file when missing */
  open(path: string, mode: 'r' | 'rw'): FileHandle
  exists(path: string): boolean
  /** creates `path` with `content`, failing with EEXIST when it exists (the lock file) */
  createExclusive(path: string, content: string): void
  readText(path: string): string
  remove(path: string): void
  /** makes the creation of files in the folder of `path` durable (fsync of the folder) */
  syncFolder(path: string): void
}

class NodeFileHandle implements FileHandle {
  constructor(private readonly fd: number, private readonly path: string) {}

  read(buffer: Uint8Array, position: number, length: number): number {
    let done = 0
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, position + done)
      if (n === 0) break
      done += n
    }
    return done
  }

  write(data: Uint8Array, position: number): void {
    let done = 0
    while (done < data.length) {
      const n = writeSync(this.fd, data, done, data.length - done, position + done)
      if (n <= 0) throw Object.assign(new Error(`short write to ${this.path}`), { code: 'EIO' })
      done += n
    }
  }

  sync(): void { fdatasyncSync(this.fd) }
  size(): number { return fstatSync(this.fd).size }
  truncate(length: number): void { ftruncateSync(this.fd, length) }
  close(): void { closeSync(this.fd) }
}

export const nodeFileSystem: FileSystem = {
  open(path, mode) {
    const fd = openSync(path, mode === 'r' ? 'r' : existsSync(path) ? 'r+' : 'w+')
    return new NodeFileHandle(fd, path)
  },
  exists: path => existsSync(path),
  createExclusive(path, content) { writeFileSync(path, content, { flag: 'wx' }) },
  readText: path => readFileSync(path, 'utf8'),
  remove(path) { try { unlinkSync(path) } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e } },
  syncFolder(path) {
    // not every platform can open a folder for fsync (Windows): the files themselves are synced anyway
    let fd: number | null = null
    try { fd = openSync(dirname(path), 'r'); fsyncSync(fd) } catch { /* best effort */ } finally { if (fd !== null) closeSync(fd) }
  },
}
