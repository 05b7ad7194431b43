/**
 * The write-ahead log `<file>.wal`: a 32-byte header naming the checkpoint it continues, then
 * one record per committed write transaction:
 *
 *   [length u32][crc32 u32 of the body][body: sequence f64, redo operations …]
 *
 * Reading stops at the first record that is cut short or fails its checksum: that record and
 * everything after it never committed (the writer fsyncs before COMMIT returns), and a writer
 * truncates the log there. The writer extends the file with zeros a megabyte at a time, so a
 * commit's fdatasync rewrites no file size (an append to a growing file cost ≈170 µs against
 * ≈120 µs into allocated space); zeros where a record would start end the log cleanly. A log whose header names another checkpoint is stale (the
 * checkpoint that folded it in finished, the truncate did not) and is ignored.
 */
import { crc32 } from 'node:zlib'
import type { FileHandle } from './io.ts'
import { corruptError, io } from './blocks.ts'
import type { Encryption } from './crypto.ts'

const MAGIC = Buffer.from('GRZWAL\0\x01', 'latin1')
export const WAL_HEADER = 32
/** a record's length and checksum; writers of records leave this many bytes free in front of the body */
export const RECORD_HEADER = 8
/** the log grows by this much at a time, zero-filled */
const PREALLOCATE = 1 << 20

/** whether the log holds only zeros from `from` on (space the writer allocated ahead) */
function zerosFrom(all: Uint8Array, from: number): boolean {
  for (let i = from; i < all.length; i++) if (all[i] !== 0) return false
  return true
}

export interface WalContents {
  /** record bodies, oldest first */
  readonly records: Uint8Array[]
  /** file offsets where each record starts */
  readonly offsets: number[]
  /** where valid data ends: a writer truncates here */
  readonly end: number
  /** a damaged or partial record was found at `end` */
  readonly torn: boolean
  /** the log belongs to another checkpoint (or has no valid header): nothing to replay */
  readonly stale: boolean
}

export function readWal(handle: FileHandle, path: string, checkpoint: number, cipher: Encryption | null): WalContents {
  const size = io(path, 'read', () => handle.size())
  const empty = { records: [], offsets: [], end: 0, torn: false, stale: true }
  if (size < WAL_HEADER) return empty
  const all = new Uint8Array(size)
  io(path, 'read', () => handle.read(all, 0, size))
  const view = new DataView(all.buffer)
  if (Buffer.compare(Buffer.from(all.subarray(0, 8)), MAGIC) !== 0 || crc32(all.subarray(0, 24)) !== view.getUint32(24, true)) return empty
  if (view.getFloat64(8, true) !== checkpoint) return empty
  const records: Uint8Array[] = []
  const offsets: number[] = []
  let at = WAL_HEADER
  let torn = false
  while (at < size) {
    if (zerosFrom(all, at)) break
    if (at + RECORD_HEADER > size) { torn = true; break }
    const length = view.getUint32(at, true)
    if (length < 8 || at + RECORD_HEADER + length > size) { torn = true; break }
    const body = all.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length)
    if (crc32(body) !== view.getUint32(at + 4, true)) {
      // a bad record followed by more records is damage, not a torn last write
      if (at + RECORD_HEADER + length < size && !zerosFrom(all, at + RECORD_HEADER + length)) {
        throw corruptError(`"${path}": WAL record ${records.length + 1} at offset ${at} has a bad checksum`,
          'the log is damaged; restore the database from a backup, or delete the .wal file to fall back to the last checkpoint (losing the commits since)')
      }
      torn = true
      break
    }
    if (cipher === null) records.push(body)
    else {
      // the checksum held, so a failed authentication is tampering or a wrong key, never a torn write
      const opened = cipher.open(body, null)
      if (opened === null) throw corruptError(`"${path}": WAL record ${records.length + 1} at offset ${at} failed authentication (it was altered)`)
      records.push(opened)
    }
    offsets.push(at)
    at += RECORD_HEADER + length
  }
  return { records, offsets, end: at, torn, stale: false }
}

function putU32(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = v & 0xff
  bytes[at + 1] = (v >>> 8) & 0xff
  bytes[at + 2] = (v >>> 16) & 0xff
  bytes[at + 3] = v >>> 24
}

export class WalWriter {
  /** where the next record goes */
  size: number
  /** how far the file is known to extend (zeros past `size`) */
  private allocated: number

  constructor(readonly handle: FileHandle, readonly path: string, size: number, private readonly cipher: Encryption | null) {
    this.size = size
    this.allocated = size
  }

  /** starts an empty log for checkpoint `checkpoint` */
  reset(checkpoint: number, sync: boolean): void {
    const head = new Uint8Array(WAL_HEADER)
    const view = new DataView(head.buffer)
    head.set(MAGIC, 0)
    view.setFloat64(8, checkpoint, true)
    view.setUint32(24, crc32(head.subarray(0, 24)), true)
    io(this.path, 'truncate', () => this.handle.truncate(0))
    io(this.path, 'write', () => this.handle.write(head, 0))
    if (sync) io(this.path, 'sync', () => this.handle.sync())
    this.size = WAL_HEADER
    this.allocated = WAL_HEADER
  }

  /** cuts a torn tail off */
  truncate(end: number): void {
    io(this.path, 'truncate', () => this.handle.truncate(end))
    this.size = end
    this.allocated = end
  }

  /**
   * Appends one record: `framed` is its body after RECORD_HEADER free bytes, where the length
   * and checksum go (no copy of the body for an unencrypted log). On failure the log is cut
   * back to where it was, so a failed commit leaves no partial record behind to be mistaken
   * for data.
   */
  append(framed: Uint8Array, sync: boolean): void {
    let record = framed
    if (this.cipher !== null) {
      const sealed = this.cipher.seal(framed.subarray(RECORD_HEADER), null)
      record = new Uint8Array(RECORD_HEADER + sealed.length)
      record.set(sealed, RECORD_HEADER)
    }
    // little-endian u32s stored by hand: a DataView per record costs more than the eight stores
    putU32(record, 0, record.length - RECORD_HEADER)
    putU32(record, 4, crc32(record.subarray(RECORD_HEADER)))
    const at = this.size
    const end = at + record.length
    try {
      io(this.path, 'write', () => this.handle.write(record, at))
      if (end > this.allocated) {
        // zeros after the record only, never over it: a crash before the sync leaves a torn record or none
        const next = Math.ceil((end + 1) / PREALLOCATE) * PREALLOCATE
        io(this.path, 'write', () => this.handle.write(new Uint8Array(next - end), end))
        this.allocated = next
      }
      if (sync) io(this.path, 'sync', () => this.handle.sync())
    } catch (e) {
      this.allocated = at
      try { this.handle.truncate(at) } catch { /* the checksum still rejects the partial record */ }
      throw e
    }
    this.size = end
  }
}
