/**
 * The segment layout of a stored table (catalog `layout: 2`). A table's data is a list of runs
 * (block streams, one per checkpoint that wrote some of it); the catalog keeps a directory per
 * row group: its row count, deleted count and bitmap location, and per column the segment's
 * location in a run and its zone map (min, max, NULL / non-NULL / NaN flags). Opening reads the
 * directory only; a segment is decoded when a scan first needs it (buffer-manager.ts).
 *
 * A checkpoint of a changed table writes one new run with the changed segments and keeps the
 * runs that still hold unchanged ones, unless they have become mostly garbage (or FORCE
 * CHECKPOINT): then it writes the whole table into one run, copying the unchanged segments'
 * encoded bytes (checked on the way) instead of decoding and encoding them again.
 */
import type { ColumnSegment } from '../catalog/column-segment.ts'
import { ColumnSegment as Segment } from '../catalog/column-segment.ts'
import { MemoryTable, ROW_GROUP_SIZE } from '../catalog/memory-table.ts'
import type { SegmentStats } from '../catalog/segment-backing.ts'
import { physicalOf } from '../types/types.ts'
import { vectorBytes } from '../vector/vector-bytes.ts'
import type { BlockFile } from './blocks.ts'
import { BufferManager, StoredSegment, type ReadBytes, type SegmentLocation, type StoredRun } from './buffer-manager.ts'
import { ByteReader, ByteWriter, decodeVector, encodeVector, vectorRange } from './codec.ts'

/** [run, offset, length, flags (1 valid, 2 null, 4 NaN), min, max] — min/max as text, when known */
export type StoredColumn = [number, number, number, number, string?, string?]

export interface StoredGroup {
  /** rows (positions) */
  readonly n: number
  /** deleted rows, and where their bitmap is */
  readonly d: number
  readonly del?: [number, number, number]
  readonly c: readonly StoredColumn[]
}

export interface TableData {
  readonly runs: readonly StoredRun[]
  readonly groups: readonly StoredGroup[]
}

/** keep the old runs while at most this share of their bytes is garbage, and while there are few */
const MAX_GARBAGE = 0.5
const MAX_RUNS = 32

function locOf(runs: readonly StoredRun[], at: readonly [number, number, number], what: string): SegmentLocation {
  const run = runs[at[0]]
  if (run === undefined || at[1] < 0 || at[2] < 0 || at[1] + at[2] > run.bytes) throw new RangeError(what)
  return { run, offset: at[1], length: at[2] }
}

function statsOf(col: StoredColumn, bigints: boolean): SegmentStats {
  const flags = col[3]
  const parse = (s: string | undefined): number | bigint | null => s === undefined ? null : bigints ? BigInt(s) : Number(s)
  return { hasValid: (flags & 1) !== 0, hasNull: (flags & 2) !== 0, hasNaN: (flags & 4) !== 0, min: parse(col[4]), max: parse(col[5]) }
}

function storedColumn(at: [number, number, number], s: SegmentStats): StoredColumn {
  const flags = (s.hasValid ? 1 : 0) | (s.hasNull ? 2 : 0) | (s.hasNaN ? 4 : 0)
  return s.min === null || s.max === null ? [...at, flags] : [...at, flags, String(s.min), String(s.max)]
}

function bitsToMarks(bits: Uint8Array, n: number): Uint8Array {
  const marks = new Uint8Array(ROW_GROUP_SIZE)
  for (let i = 0; i < n; i++) marks[i] = (bits[i >>> 3]! >>> (i & 7)) & 1
  return marks
}

export interface LayoutContext {
  readonly file: BlockFile
  readonly manager: BufferManager
  readonly read: ReadBytes
  /** `table s.t` for messages */
  readonly what: string
  readonly corrupt: (detail: string) => Error
}

/** Opens a stored table: row groups of segments that read their rows on first use. */
export function loadTableData(ctx: LayoutContext, table: MemoryTable, data: TableData): void {
  const bigints = table.columns.map(c => { const p = physicalOf(c.type); return p === 'i64' || p === 'big' })
  data.groups.forEach((g, gi) => {
    if (!(g.n > 0 && g.n <= ROW_GROUP_SIZE) || g.c.length !== table.columns.length || !(g.d >= 0 && g.d <= g.n)) {
      throw ctx.corrupt(`row group ${gi} of ${ctx.what} has a bad directory entry`)
    }
    try {
      const segments = table.columns.map((col, c) => {
        const at = g.c[c]!
        const what = `${ctx.what} column ${col.name} row group ${gi}`
        const backing = new StoredSegment(ctx.manager, ctx.read, locOf(data.runs, [at[0], at[1], at[2]], what), statsOf(at, bigints[c]!), col.type, g.n, `the data of ${what}`)
        return Segment.stored(col.type, ROW_GROUP_SIZE, g.n, backing, backing.stats)
      })
      let deleted: Uint8Array | null = null
      if (g.d > 0) {
        if (g.del === undefined) throw new RangeError('no bitmap')
        const loc = locOf(data.runs, g.del, 'bitmap')
        if (loc.length !== (g.n + 7) >>> 3) throw new RangeError('bitmap size')
        deleted = bitsToMarks(ctx.read(loc, `the deleted rows of ${ctx.what} row group ${gi}`), g.n)
      }
      table.loadStoredGroup(g.n, segments, deleted)
    } catch (e) {
      if (!(e instanceof RangeError)) throw e
      throw ctx.corrupt(`row group ${gi} of ${ctx.what} points outside its data (${e.message})`)
    }
  })
}

/** the runs of `old` a segment backed by `manager` lies in, by identity */
function backedIn(segment: ColumnSegment, manager: BufferManager, runs: ReadonlyMap<StoredRun, number>): StoredSegment | null {
  const b = segment.storedBy
  return b instanceof StoredSegment && b.owner === manager && runs.has(b.loc.run) ? b : null
}

/** what a checkpoint does once its header is durable: back the written segments, move the copied ones */
export type AfterCheckpoint = () => void

/**
 * Writes `table` for a checkpoint: its changed segments into a new run, the others kept in
 * place (or, when `compact` or the old runs are mostly garbage, copied into the new run).
 */
export function writeTableData(ctx: LayoutContext, table: MemoryTable, old: TableData | null, compact: boolean, extend: { count: number }): { data: TableData; after: AfterCheckpoint[] } {
  const oldRuns = new Map<StoredRun, number>((old?.runs ?? []).map((r, i) => [r, i]))
  // bytes still referenced per old run
  const live = new Map<StoredRun, number>()
  for (const group of table.groups) {
    for (const s of group.segments) {
      const b = backedIn(s, ctx.manager, oldRuns)
      if (b !== null) live.set(b.loc.run, (live.get(b.loc.run) ?? 0) + b.loc.length)
    }
  }
  let liveBytes = 0, heldBytes = 0
  for (const [run, bytes] of live) { liveBytes += bytes; heldBytes += run.bytes }
  const keep = !compact && live.size < MAX_RUNS && liveBytes >= heldBytes * (1 - MAX_GARBAGE)
  const kept: StoredRun[] = keep ? [...live.keys()] : []
  const keptIndex = new Map(kept.map((r, i) => [r, i]))
  const NEW = kept.length
  const out = ctx.file.streamWriter(extend)
  const backs: ((run: StoredRun) => void)[] = []
  const moved: { backing: StoredSegment; offset: number; length: number }[] = []
  const groups: StoredGroup[] = []
  const writeBytes = (bytes: Uint8Array): [number, number, number] => {
    const at: [number, number, number] = [NEW, out.length, bytes.length]
    out.write(bytes)
    return at
  }
  table.groups.forEach((group, gi) => {
    const n = group.count
    const columns = group.segments.map((s, c): StoredColumn => {
      const b = backedIn(s, ctx.manager, oldRuns)
      if (b !== null) {
        const index = keptIndex.get(b.loc.run)
        if (index !== undefined) return storedColumn([index, b.loc.offset, b.loc.length], b.stats)
        const at = writeBytes(ctx.read(b.loc, `the data of ${ctx.what} column ${table.columns[c]!.name} row group ${gi}`))
        moved.push({ backing: b, offset: at[1], length: at[2] })
        return storedColumn(at, b.stats)
      }
      const v = s.read(0, n)
      const stats = s.stats
      const w = new ByteWriter()
      encodeVector(w, v, n, true)
      const at = writeBytes(w.finish())
      const what = `the data of ${ctx.what} column ${table.columns[c]!.name} row group ${gi}`
      const type = table.columns[c]!.type
      const bytes = vectorBytes(v)
      backs.push(run => {
        const backing = new StoredSegment(ctx.manager, ctx.read, { run, offset: at[1], length: at[2] }, stats, type, n, what)
        s.backWith(backing)
        ctx.manager.charge(s, bytes)
      })
      return storedColumn(at, stats)
    })
    let del: [number, number, number] | undefined
    const marks = group.deletedCount > 0 ? group.deleted : null
    if (marks !== null) {
      const bits = new Uint8Array((n + 7) >>> 3)
      for (let i = 0; i < n; i++) if (marks[i] === 1) bits[i >>> 3]! |= 1 << (i & 7)
      del = writeBytes(bits)
    }
    groups.push(del === undefined ? { n, d: 0, c: columns } : { n, d: group.deletedCount, del, c: columns })
  })
  let runs: StoredRun[] = kept
  let newRun: StoredRun | null = null
  if (out.length > 0) {
    newRun = { blocks: out.finish(), bytes: out.length }
    runs = [...kept, newRun]
  }
  const finished = newRun
  return {
    data: { runs, groups },
    after: [
      ...backs.map(f => () => f(finished!)),
      () => { for (const m of moved) m.backing.loc = { run: finished!, offset: m.offset, length: m.length } },
    ],
  }
}

/** the table's blocks, for the used-block accounting */
export function blocksOf(data: TableData): number[] {
  return data.runs.flatMap(r => r.blocks)
}

/** PRAGMA integrity_check of a stored table: every run's chain and checksums, every segment decodes, zone maps cover; returns live rows */
export function checkTableData(ctx: LayoutContext, table: MemoryTable, data: TableData, note: (problem: string) => void): number {
  const runData = data.runs.map((run, i) => {
    const first = run.blocks[0]
    if (first === undefined) { note(`${ctx.what}: run ${i} has no blocks`); return null }
    const read = ctx.file.readStream(first, `${ctx.what} run ${i}`)
    if (read.data.length !== run.bytes || read.blocks.join() !== run.blocks.join()) note(`${ctx.what}: run ${i} does not match its directory`)
    return read.data
  })
  const bigints = table.columns.map(c => { const p = physicalOf(c.type); return p === 'i64' || p === 'big' })
  let live = 0
  data.groups.forEach((g, gi) => {
    live += g.n - g.d
    table.columns.forEach((col, c) => {
      const at = g.c[c]
      const bytes = at === undefined ? undefined : runData[at[0]]?.subarray(at[1], at[1] + at[2])
      if (at === undefined || bytes === undefined || bytes.length !== at[2]) { note(`${ctx.what}: column ${col.name} of row group ${gi} points outside its data`); return }
      const r = new ByteReader(bytes, `the data of ${ctx.what} column ${col.name} row group ${gi}`)
      try {
        const v = decodeVector(r, col.type, g.n)
        if (!r.done) note(`${ctx.what}: column ${col.name} of row group ${gi} has trailing bytes`)
        const stats = statsOf(at, bigints[c]!)
        if (stats.min === null || stats.max === null) return
        const range = vectorRange(v, g.n)
        if (range !== null && (range.min < stats.min || range.max > stats.max)) note(`${ctx.what}: zone map of column ${col.name} in row group ${gi} does not cover its values`)
      } catch (e) { note(e instanceof Error ? e.message : String(e)) }
    })
  })
  return live
}
