/**
 * CSV text input: an uncompressed file is read in blocks through one reused buffer and decoded
 * as a UTF-8 stream (so a character cut by a block boundary survives); compressed files are
 * decompressed a block at a time (source.ts) and go through the same path. The sniffer's samples
 * come from the head and, for uncompressed files, from windows spread through the file.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { GrizzlyError, SqlState } from '../../errors.ts'
import { type Compression, decompressedHead, decompressedStream, fileError, sniffCompression, splitCompression } from '../source.ts'
import type { ProgressSink } from '../../hooks/contracts.ts'
import type { TextSource } from './tokenizer.ts'

export const BLOCK_SIZE = 1 << 20
const HEAD_BYTES = 1 << 19
const WINDOW_BYTES = 1 << 16
const WINDOWS = 8

function utf8Error(path: string, e: unknown): GrizzlyError {
  return new GrizzlyError(SqlState.badFileFormat, `"${path}" is not a text file (not valid UTF-8, or it holds NUL bytes)`, {
    hint: 'is it a CSV file? a binary file (Parquet, a spreadsheet, an archive) needs its own reader; text in another encoding must be converted to UTF-8 first', cause: e,
  })
}

function openFile(path: string): number {
  try {
    const fd = openSync(path, 'r')
    if (fstatSync(fd).isDirectory()) { closeSync(fd); throw Object.assign(new Error('directory'), { code: 'EISDIR' }) }
    return fd
  } catch (e) { throw fileError(path, e) }
}

function readAt(path: string, fd: number, buf: Uint8Array, position: number): number {
  try { return readSync(fd, buf, 0, buf.length, position) } catch (e) { throw fileError(path, e) }
}

/** The compression to apply: the option, else the magic bytes, else the name. */
function compressionOf(path: string, head: Uint8Array, option: Compression | 'auto'): Compression {
  if (option !== 'auto') return option
  const sniffed = sniffCompression(head)
  if (sniffed !== 'none') return sniffed
  const named = splitCompression(path).compression
  if (named !== 'none' && head.length > 0) {
    throw new GrizzlyError(SqlState.badFileFormat, `"${path}" is named as ${named} data but is not compressed that way`, { hint: "rename the file, or read it with compression = 'none'" })
  }
  return 'none'
}

export interface CsvInput {
  readonly path: string
  /** the size of the file itself (compressed or not) */
  readonly size: number
  readonly compression: Compression
}

export function openInput(path: string, option: Compression | 'auto'): CsvInput {
  const fd = openFile(path)
  try {
    const size = fstatSync(fd).size
    const head = new Uint8Array(Math.min(size, 4))
    readAt(path, fd, head, 0)
    return { path, size, compression: compressionOf(path, head, option) }
  } finally { closeSync(fd) }
}

/** Bytes of `b` that end on a whole UTF-8 character (a cut character waits for the next block). */
function wholeCharacters(b: Uint8Array, n: number): number {
  let i = n - 1
  const stop = Math.max(0, n - 4)
  while (i >= stop && (b[i]! & 0xc0) === 0x80) i--
  if (i < 0 || i < stop) return n
  const lead = b[i]!
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  return n - i < need ? i : n
}

/**
 * The whole input as flat strings of about BLOCK_SIZE bytes each, the caller's carry in front:
 * carry, held-back bytes of a cut character and the new block are decoded together.
 */
export function textSource(input: CsvInput, progress?: ProgressSink): { source: TextSource; close: () => void } {
  // BOM handling by hand: the decoder would drop one at the start of every piece
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  const encoder = new TextEncoder()
  let tail: Uint8Array = new Uint8Array(0)
  let first = true
  const assemble = (carry: string, block: Uint8Array, last: boolean): string => {
    const keep = last ? block.length : wholeCharacters(block, block.length)
    const carryBytes = carry === '' ? null : encoder.encode(carry)
    const size = (carryBytes?.length ?? 0) + tail.length + keep
    const bytes = new Uint8Array(size)
    let at = 0
    if (carryBytes !== null) { bytes.set(carryBytes, 0); at = carryBytes.length }
    bytes.set(tail, at); at += tail.length
    bytes.set(block.subarray(0, keep), at)
    tail = block.slice(keep)
    let text: string
    try { text = decoder.decode(bytes) } catch (e) { throw utf8Error(input.path, e) }
    if (first) {
      first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    return text
  }
  const finish = (carry: string): string | null => {
    if (tail.length > 0) { const t = assemble(carry, new Uint8Array(0), true); tail = new Uint8Array(0); return t }
    return null
  }
  if (input.compression !== 'none') {
    const stream = decompressedStream(input.path, input.compression, BLOCK_SIZE)
    let reported = 0
    return {
      source: (carry) => {
        for (;;) {
          const bytes = stream.next()
          progress?.addBytes(stream.consumed - reported)
          reported = stream.consumed
          if (bytes === null) return finish(carry)
          if (bytes.length > 0) return assemble(carry, bytes, false)
        }
      },
      close: () => stream.close(),
    }
  }
  const fd = openFile(input.path)
  const buf = new Uint8Array(BLOCK_SIZE)
  let position = 0
  let done = false
  return {
    source: (carry) => {
      if (done) return null
      const n = readAt(input.path, fd, buf, position)
      position += n
      progress?.addBytes(n)
      if (n === 0) { done = true; return finish(carry) }
      return assemble(carry, buf.subarray(0, n), false)
    },
    close: () => { done = true; try { closeSync(fd) } catch { /* already closed */ } },
  }
}

/** The head of the input (whole when small or when asked) and windows from further in. */
export function sampleText(input: CsvInput, wholeFile: boolean): { head: string; middles: string[]; headIsAll: boolean } {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const lenient = new TextDecoder('utf-8')
  const checkHead = (bytes: Uint8Array, all: boolean): string => {
    let text: string
    try { text = decoder.decode(bytes, { stream: !all }) } catch (e) { throw utf8Error(input.path, e) }
    // NUL bytes are valid UTF-8 but never in text a person wrote: a binary file with a .csv name
    if (text.includes('\u0000')) throw utf8Error(input.path, new Error('NUL byte'))
    return text
  }
  const size = input.size
  if (input.compression !== 'none') {
    // the head only (windows further in would mean decompressing everything first); the whole
    // file when asked (sample_size = -1), which then sits in memory once
    const { bytes, complete } = decompressedHead(input.path, input.compression, wholeFile ? Infinity : HEAD_BYTES * 2)
    if (complete) return { head: checkHead(bytes, true), middles: [], headIsAll: true }
    return { head: checkHead(bytes.subarray(0, HEAD_BYTES), false), middles: [], headIsAll: false }
  }
  const headIsAll = wholeFile || size <= HEAD_BYTES * 2
  const fd = openFile(input.path)
  try {
    if (headIsAll) {
      const all = new Uint8Array(size)
      readAt(input.path, fd, all, 0)
      return { head: checkHead(all, true), middles: [], headIsAll }
    }
    const head = new Uint8Array(HEAD_BYTES)
    readAt(input.path, fd, head, 0)
    const middles: string[] = []
    const win = new Uint8Array(WINDOW_BYTES)
    for (let k = 1; k <= WINDOWS; k++) {
      const n = readAt(input.path, fd, win, Math.floor((size - WINDOW_BYTES) * k / WINDOWS))
      middles.push(lenient.decode(win.subarray(0, n)))
    }
    return { head: checkHead(head, false), middles, headIsAll }
  } finally { closeSync(fd) }
}
