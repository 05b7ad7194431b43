/**
 * DurableStore: one .grz file + its WAL behind an in-memory catalog. The MemoryTables stay the
 * working copy; this class makes their committed state survive the process:
 *
 * - every committing write transaction appends one WAL record of physical row changes (rows
 *   appended at their positions, deleted positions, updated positions + values) and fsyncs it
 *   before COMMIT returns;
 * - a transaction that changed the catalog (DDL), a WAL past `checkpoint_threshold`, CHECKPOINT
 *   and close write a checkpoint instead: changed tables into free blocks, then the catalog,
 *   then the header flip, then the WAL is emptied;
 * - opening loads the last checkpoint and replays the WAL's valid records.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { MemoryTable, ROW_GROUP_SIZE } from '../catalog/memory-table.ts'
import type { MemoryTransaction } from '../catalog/transaction.ts'
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import { DataChunk } from '../vector/vector.ts'
import { BlockFile, corruptError, io, type FileHeader } from './blocks.ts'
import { ByteReader, ByteWriter, decodeVector, vectorRange } from './codec.ts'
import { durableEntries, quoteName, tableSql } from './definitions.ts'
import type { FileHandle, FileSystem } from './io.ts'
import { FileLock } from './lock.ts'
import { Encryption } from './crypto.ts'
import { RECORD_HEADER, WalWriter, readWal, type WalContents } from './wal.ts'
import type { RoutineDefinition } from '../extensions/host.ts'
import { readStoredRoutines } from './routines.ts'
import { readModels, writeModels, type StoredModelRef } from './models.ts'
import type { StoredModel } from '../hooks/contracts.ts'
import { encodeChanges, encodeSequence, replay } from './redo.ts'
import { Sequence } from '../catalog/sequences.ts'
import { typeToString } from '../types/types.ts'
import { BufferManager, StoredSegment, type ReadBytes, type StoredRun } from './buffer-manager.ts'
import { blocksOf, checkTableData, loadTableData, writeTableData, type AfterCheckpoint, type LayoutContext, type StoredGroup, type TableData } from './table-layout.ts'

export type SyncMode = 'full' | 'normal' | 'off'

interface StoredTable {
  readonly id: number
  readonly schema: string
  readonly name: string
  readonly sql: string
  /** first block of the table's stream, -1 for none */
  readonly first: number
  readonly blocks: readonly number[]
  /** live rows when written, checked by integrity_check */
  readonly rows: number
  /** 2: segments read on demand (table-layout.ts), `runs` + `groups`; absent: one stream read whole on open */
  readonly layout?: 2
  readonly runs?: readonly StoredRun[]
  readonly groups?: readonly StoredGroup[]
}

function tableData(t: StoredTable): TableData | null {
  return t.layout === 2 ? { runs: t.runs ?? [], groups: t.groups ?? [] } : null
}

interface StoredSequence {
  readonly schema: string
  readonly name: string
  readonly sql: string
  readonly counter: string
  readonly lastValue: string
  readonly usageCount: number
}

/** the catalog stream: JSON, small next to the data */
interface CatalogImage {
  readonly format: 1
  readonly schemas: readonly string[]
  readonly tables: readonly StoredTable[]
  readonly views: readonly { readonly schema: string; readonly name: string; readonly sql: string }[]
  /** CREATE INDEX statements, rebuilt over the rows on open */
  readonly indexes?: readonly string[]
  /** procedural functions (CREATE FUNCTION … LANGUAGE …), see routines.ts */
  readonly routines?: readonly RoutineDefinition[]
  /** CREATE MODEL's models: one block stream of bytes each */
  readonly models?: readonly StoredModelRef[]
  /** sequences: the CREATE SEQUENCE statement and the counter (bigints as text) */
  readonly sequences?: readonly StoredSequence[]
  /** CREATE TYPE statements (aliases) */
  readonly types?: readonly string[]
  readonly nextTableId: number
}

const EMPTY_IMAGE: CatalogImage = { format: 1, schemas: [], tables: [], views: [], nextTableId: 1 }

export interface StoreOptions {
  readonly readOnly: boolean
  readonly fs: FileSystem
  /** encrypts a new file / opens an encrypted one (AES-256-GCM, scrypt-derived key) */
  readonly encryptionKey?: string | Uint8Array
}

/** PostgreSQL's invalid_password: the encryption key is missing or wrong */
const WRONG_KEY = '28P01'

export class DurableStore {
  private image: CatalogImage
  private catalogBlocks: number[] = []
  /** the stored form of each loaded table; tables changed since the last checkpoint are dirty */
  private byTable = new Map<MemoryTable, StoredTable>()
  private readonly dirty = new Set<MemoryTable>()
  private wal: WalWriter | null = null
  private walContents: WalContents | null = null
  private walSeq = 0
  /** reused for every record: a commit allocates no writer */
  private readonly record = new ByteWriter()
  private closed = false
  /** read-only opens read every stream up front, so a writer's later checkpoint cannot pull blocks away */
  private prefetched: Map<number, Uint8Array> | null = null
  /** the same for segment-layout runs, kept: their segments are decoded from these on demand */
  private prefetchedRuns: Map<StoredRun, Uint8Array> | null = null
  /** table data read on demand, evicted past its share of memory_limit */
  readonly buffers = new BufferManager()
  /** the procedural functions a checkpoint stores (the database sets it once they are restored); until then the stored ones */
  routineSource: (() => readonly RoutineDefinition[]) | null = null
  private prefetchedModels: StoredModel[] | null = null
  /** a catalog change committed without the write lock (CREATE INDEX) waits for the next checkpoint */
  private catalogPending = false

  private constructor(
    readonly path: string,
    private readonly fs: FileSystem,
    readonly readOnly: boolean,
    private readonly file: BlockFile,
    private readonly walHandle: FileHandle | null,
    private readonly lock: FileLock | null,
  ) {
    this.image = EMPTY_IMAGE
  }

  /** opens (or creates) the file and reads its catalog; `load` then fills the tables */
  static open(path: string, options: StoreOptions): DurableStore {
    const { fs, readOnly } = options
    if (readOnly && !fs.exists(path)) {
      throw new GrizzlyError(SqlState.undefinedFile, `database file "${path}" does not exist`, { hint: 'open it without readOnly to create it, or check the path' })
    }
    const lock = readOnly ? null : FileLock.acquire(fs, path, `${path}.lock`)
    let handle: FileHandle | null = null, walHandle: FileHandle | null = null
    try {
      handle = io(path, 'open', () => fs.open(path, readOnly ? 'r' : 'rw'))
      const header = BlockFile.readHeader(handle, path)
      const file = new BlockFile(handle, path, header ?? { counter: 0, catalogBlock: -1, blockCount: 0, salt: null, keyCheck: null })
      file.cipher = header === null ? null : cipherFor(path, header, options.encryptionKey)
      const walPath = `${path}.wal`
      if (!readOnly || fs.exists(walPath)) walHandle = io(walPath, 'open', () => fs.open(walPath, readOnly ? 'r' : 'rw'))
      const store = new DurableStore(path, fs, readOnly, file, walHandle, lock)
      if (header === null) {
        if (readOnly) throw new GrizzlyError(SqlState.badFileFormat, `"${path}" is empty, not a Grizzly database`, { hint: 'open it without readOnly to create the database' })
        // a new database: an empty checkpoint (no blocks) and an empty log
        const key = options.encryptionKey
        const salt = key === undefined ? null : Encryption.newSalt()
        file.cipher = key === undefined || salt === null ? null : Encryption.derive(key, salt)
        store.file.writeHeader({ counter: 1, catalogBlock: -1, blockCount: 0, salt, keyCheck: file.cipher?.keyCheck() ?? null }, true)
        store.wal = new WalWriter(walHandle!, walPath, 0, file.cipher)
        store.wal.reset(1, true)
        fs.syncFolder(path)
      } else if (readOnly) {
        store.readSnapshot(handle, walHandle, walPath)
      } else {
        store.readImage()
        if (walHandle !== null) store.walContents = readWal(walHandle, walPath, header.counter, file.cipher)
      }
      return store
    } catch (e) {
      try { handle?.close() } catch { /* already failing */ }
      try { walHandle?.close() } catch { /* already failing */ }
      lock?.release()
      throw e
    }
  }

  /**
   * A reader beside a live writer: reads the catalog, every table stream and the WAL, then checks
   * the header did not move meanwhile (a checkpoint would have freed and reused blocks and
   * emptied the log); if it did, reads again.
   */
  private readSnapshot(handle: FileHandle, walHandle: FileHandle | null, walPath: string): void {
    for (let attempt = 0; ; attempt++) {
      try {
        this.readImage()
        this.prefetched = new Map(this.image.tables.filter(t => t.first !== -1 && t.layout !== 2).map(t => [t.id, this.file.readStream(t.first, `table ${t.schema}.${t.name}`).data]))
        this.prefetchedRuns = new Map(this.image.tables.flatMap(t => (t.runs ?? []).map((run, i): [StoredRun, Uint8Array] => [run, this.readRun(run, `table ${t.schema}.${t.name} run ${i}`)])))
        this.prefetchedModels = readModels(this.file, this.path, this.image.models ?? [])
        this.walContents = walHandle === null ? null : readWal(walHandle, walPath, this.file.header.counter, this.file.cipher)
      } catch (e) {
        if (attempt >= 4 || !(e instanceof GrizzlyError) || e.code !== SqlState.dataCorrupted) throw e
        this.file.header = BlockFile.readHeader(handle, this.path) ?? this.file.header
        continue
      }
      const now = BlockFile.readHeader(handle, this.path)
      if (now === null || now.counter === this.file.header.counter || attempt >= 4) return
      this.file.header = now
    }
  }

  private readImage(): void {
    const h = this.file.header
    if (h.catalogBlock === -1) { this.image = EMPTY_IMAGE; this.catalogBlocks = []; return }
    const { data, blocks } = this.file.readStream(h.catalogBlock, 'the catalog')
    let image: CatalogImage
    try { image = JSON.parse(Buffer.from(data).toString('utf8')) as CatalogImage } catch {
      throw corruptError(`"${this.path}": the catalog cannot be read`)
    }
    if (image.format !== 1 || !Array.isArray(image.tables)) throw corruptError(`"${this.path}": the catalog has an unknown layout`)
    image = { ...image, routines: readStoredRoutines(image.routines, what => corruptError(`"${this.path}": ${what}`)) }
    this.image = image
    this.catalogBlocks = blocks
    const used = new Set(blocks)
    for (const t of image.tables) for (const b of t.blocks) used.add(b)
    for (const m of image.models ?? []) for (const b of m.blocks) used.add(b)
    const free: number[] = []
    for (let b = 0; b < h.blockCount; b++) if (!used.has(b)) free.push(b)
    this.file.setFree(free)
  }

  /** the statements that recreate the stored catalog, in an order that satisfies dependencies */
  get definitions(): string[] {
    return [
      ...this.image.schemas.map(s => `CREATE SCHEMA IF NOT EXISTS ${quoteName(s)}`),
      ...(this.image.types ?? []),
      // before the tables: a column DEFAULT may call nextval
      ...(this.image.sequences ?? []).map(s => s.sql),
      ...this.image.tables.map(t => t.sql),
      ...(this.image.indexes ?? []),
      ...this.image.views.map(v => v.sql),
    ]
  }

  /** the stored procedural functions: restored before `definitions` run (a view may call one) */
  get routines(): readonly RoutineDefinition[] { return this.image.routines ?? [] }

  /** fills the tables created from `definitions` with their stored rows, then replays the WAL */
  load(catalog: Catalog, txn: MemoryTransaction): void {
    const byId = new Map<number, MemoryTable>()
    for (const m of this.prefetchedModels ?? readModels(this.file, this.path, this.image.models ?? [])) catalog.models.restore(m)
    this.prefetchedModels = null
    for (const s of this.image.sequences ?? []) {
      catalog.lookupSequence(txn, s.schema, s.name)?.restore({ counter: BigInt(s.counter), lastValue: BigInt(s.lastValue), usageCount: s.usageCount })
    }
    for (const stored of this.image.tables) {
      const entry = catalog.lookup(txn, stored.schema, stored.name)
      if (entry?.kind !== 'table' || !(entry.provider instanceof MemoryTable)) {
        throw corruptError(`"${this.path}": table ${stored.schema}.${stored.name} of the catalog could not be recreated`)
      }
      const table = entry.provider
      const data = tableData(stored)
      if (data !== null) loadTableData(this.layout(`table ${stored.schema}.${stored.name}`), table, data)
      else if (stored.first !== -1) {
        // the older whole-stream layout: loaded now, written in the segment layout by the next checkpoint
        if (!this.readOnly) this.dirty.add(table)
        this.readTable(stored, table, (rows, deleted, zones) => {
          table.loadRows(rows, deleted)
          // stored row groups line up with the table's: hand over their zone maps
          const group = table.groups[table.groups.length - 1]
          if (group === undefined || group.count !== rows.size) return
          zones.forEach((z, c) => { if (z !== null) group.segments[c]!.presetZone(z.min, z.max) })
        })
      }
      byId.set(stored.id, table)
      this.byTable.set(table, stored)
    }
    const wal = this.walContents
    this.walContents = null
    let replayed = 0
    if (wal !== null && !wal.stale) {
      for (const body of wal.records) {
        const r = new ByteReader(body, `WAL record ${replayed + 1} of "${this.path}.wal"`)
        const seq = r.f64()
        // a record out of sequence is left over from an older log: stop as at a torn record
        if (seq !== this.walSeq + 1) break
        replay(r, byId, (schema, name) => catalog.lookupSequence(txn, schema, name))
        this.walSeq = seq
        replayed++
      }
    }
    for (const table of this.byTable.keys()) table.rebuildIndexes()
    this.prefetched = null
    if (this.readOnly) return
    const walPath = `${this.path}.wal`
    this.wal = new WalWriter(this.walHandle!, walPath, 0, this.file.cipher)
    if (wal === null || wal.stale) this.wal.reset(this.file.header.counter, true)
    else {
      const end = replayed === wal.records.length ? wal.end : wal.offsets[replayed]!
      this.wal.size = end
      if (wal.torn || end < io(walPath, 'read', () => this.walHandle!.size())) this.wal.truncate(end)
    }
    if (replayed > 0) for (const t of byId.values()) this.dirty.add(t)
  }

  // ---- table streams ----------------------------------------------------------------------

  /** a run read whole (read-only opens), checked against its directory entry */
  private readRun(run: StoredRun, what: string): Uint8Array {
    const first = run.blocks[0]
    if (first === undefined) throw corruptError(`"${this.path}": ${what} has no blocks`)
    const { data } = this.file.readStream(first, what)
    if (data.length !== run.bytes) throw corruptError(`"${this.path}": ${what} holds ${data.length} bytes, its directory says ${run.bytes}`)
    return data
  }

  private readonly readBytes: ReadBytes = (loc, what) => {
    this.checkUsable()
    const run = this.prefetchedRuns?.get(loc.run)
    if (run !== undefined) return run.subarray(loc.offset, loc.offset + loc.length)
    return this.file.readRange(loc.run.blocks, loc.offset, loc.length, what)
  }

  private layout(what: string): LayoutContext {
    return { file: this.file, manager: this.buffers, read: this.readBytes, what, corrupt: detail => corruptError(`"${this.path}": ${detail}`) }
  }

  /** reads a stored table (the older whole-stream layout), calling `each` per row group; checks zone maps when `check` is given */
  private readTable(stored: StoredTable, table: MemoryTable, each: (rows: DataChunk, deleted: Uint8Array | null, zones: readonly ({ min: number | bigint; max: number | bigint } | null)[]) => void, check?: (problem: string) => void): number {
    const what = `table ${stored.schema}.${stored.name}`
    const data = this.prefetched?.get(stored.id) ?? this.file.readStream(stored.first, what).data
    const r = new ByteReader(data, `the data of ${what} in "${this.path}"`)
    const groups = r.u32()
    let live = 0
    for (let g = 0; g < groups; g++) {
      const n = r.u32()
      if (n > ROW_GROUP_SIZE) throw r.corrupt(`row group ${g} claims ${n} rows`)
      const deletedCount = r.u32()
      let deleted: Uint8Array | null = null
      if (deletedCount > 0) {
        const bits = r.bytes((n + 7) >>> 3)
        deleted = new Uint8Array(n)
        for (let i = 0; i < n; i++) deleted[i] = (bits[i >>> 3]! >>> (i & 7)) & 1
      }
      live += n - deletedCount
      const zones: ({ min: number | bigint; max: number | bigint } | null)[] = []
      const vectors = table.columns.map((col, c) => {
        const length = r.u32()
        const start = r.pos
        const zone = r.u8()
        let min: number | bigint = 0, max: number | bigint = 0
        if (zone === 1) { min = r.f64(); max = r.f64() } else if (zone === 2) { min = r.i64(); max = r.i64() } else if (zone !== 0) throw r.corrupt(`zone map kind ${zone}`)
        const v = decodeVector(r, col.type, n)
        zones[c] = zone === 0 ? null : { min, max }
        if (r.pos - start !== length) throw r.corrupt(`column ${col.name} of row group ${g} has the wrong length`)
        if (check !== undefined && zone !== 0) {
          const range = vectorRange(v, n)
          if (range !== null && (range.min < min || range.max > max)) check(`${what}: zone map of column ${col.name} in row group ${g} does not cover its values`)
        }
        return v
      })
      each(new DataChunk(vectors, n), deleted, zones)
    }
    if (!r.done) throw r.corrupt('trailing bytes after the last row group')
    return live
  }

  // ---- commits ----------------------------------------------------------------------------

  /**
   * Makes `txn`'s changes durable before it commits: a WAL record, or a checkpoint when it
   * changed the catalog or the WAL is past `threshold` bytes. Throws (and the commit fails)
   * when the disk refuses.
   */
  beforeCommit(txn: MemoryTransaction, catalog: Catalog, sync: SyncMode, threshold: number): void {
    this.checkUsable()
    if (this.readOnly) return
    if (!txn.holdsWriteLock) {
      // CREATE INDEX takes no write lock: its checkpoint is written now when no one is writing
      // (no uncommitted rows can slip in), else by the writer's commit
      if (txn.changedCatalog) {
        if (txn.manager.activeWriter === null) { this.checkpoint(catalog, txn, false, sync); return }
        this.catalogPending = true
      }
      // only sequence counters moved: a small record, never a checkpoint (another transaction may be writing)
      this.appendSequences(txn, sync)
      return
    }
    const tables: MemoryTable[] = []
    for (const t of txn.changedTables) if (t instanceof MemoryTable && this.byTable.has(t)) tables.push(t)
    // a checkpoint writes the tables as they are, so never while another writer has uncommitted
    // rows (a catalog change runs alone): the log grows past the threshold until it is alone
    const alone = !txn.manager.othersWriting(txn)
    if (txn.changedCatalog || (this.catalogPending && alone)) {
      for (const t of tables) this.dirty.add(t)
      this.checkpoint(catalog, txn, false, sync)
      return
    }
    // a big transaction goes straight to a checkpoint, without building a log record first
    let estimate = 0
    for (const t of tables) {
      const pending = t.pendingOf(txn)
      if (pending !== null) estimate += pending.appendedCount * t.columns.length * 8
    }
    if (alone && this.wal!.size + estimate > threshold) {
      for (const t of tables) this.dirty.add(t)
      this.checkpoint(catalog, txn, false, sync)
      return
    }
    const w = this.recordWriter()
    const start = w.length
    for (const table of tables) encodeChanges(w, table, this.byTable.get(table)!.id, txn)
    // (asking for usedSequences would make the transaction an empty set)
    if (txn.movedSequences) for (const s of txn.usedSequences) if (s instanceof Sequence && !s.temporary) encodeSequence(w, s)
    if (w.length === start) return
    if (alone && this.wal!.size + w.length > threshold) {
      for (const t of tables) this.dirty.add(t)
      this.checkpoint(catalog, txn, false, sync)
      return
    }
    this.wal!.append(w.finish(), sync === 'full')
    this.walSeq++
    for (const t of tables) this.dirty.add(t)
  }

  /** the one writer of log records, emptied, with the record header's room and the sequence number written */
  private recordWriter(): ByteWriter {
    const w = this.record
    w.reset()
    for (let i = 0; i < RECORD_HEADER; i++) w.u8(0)
    w.f64(this.walSeq + 1)
    return w
  }

  private appendSequences(txn: MemoryTransaction, sync: SyncMode): void {
    const w = this.recordWriter()
    const start = w.length
    for (const s of txn.usedSequences) if (s instanceof Sequence && !s.temporary) encodeSequence(w, s)
    if (w.length === start) return
    this.wal!.append(w.finish(), sync === 'full')
    this.walSeq++
  }

  // ---- checkpoints ------------------------------------------------------------------------

  /** writes changed tables (all with `force`) and the catalog, flips the header, empties the WAL */
  checkpoint(catalog: Catalog, txn: MemoryTransaction, force: boolean, sync: SyncMode): void {
    this.checkUsable()
    if (this.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot CHECKPOINT a database opened read-only')
    const { tables, views } = durableEntries(catalog.entries(txn))
    const schemas = catalog.schemaNames().filter(s => s.toLowerCase() !== 'main' && s.toLowerCase() !== 'temp')
    const indexes = catalog.indexDefinitions(txn).filter(d => d.schema.toLowerCase() !== 'temp').map(d => d.sql)
    const sequences: StoredSequence[] = catalog.sequences(txn).filter(s => !s.temporary && s.schema.toLowerCase() !== 'temp').map(s => ({
      schema: s.schema, name: s.name, sql: s.sql(quoteName), counter: String(s.counter), lastValue: String(s.lastValue), usageCount: s.usageCount,
    }))
    const types = catalog.types(txn).filter(t => t.schema.toLowerCase() !== 'temp').map(t => `CREATE TYPE ${quoteName(t.schema)}.${quoteName(t.name)} AS ${typeToString(t.type)}`)
    this.writeCheckpoint(tables, views, schemas, indexes, { sequences, types }, force, sync, catalog.models.list(txn))
  }

  private writeCheckpoint(tables: readonly { schema: string; table: MemoryTable }[], views: CatalogImage['views'], schemas: readonly string[], indexes: readonly string[], more: { readonly sequences: readonly StoredSequence[]; readonly types: readonly string[] }, force: boolean, sync: SyncMode, models: readonly StoredModel[]): void {
    const freeBefore = this.file.freeBlocks
    const extend = { count: this.file.header.blockCount }
    let nextTableId = this.image.nextTableId
    const after: AfterCheckpoint[] = []
    const oldTables = this.byTable
    try {
      const stored: StoredTable[] = []
      const byTable = new Map<MemoryTable, StoredTable>()
      for (const { schema, table } of tables) {
        const old = this.byTable.get(table)
        const sql = tableSql(schema, table)
        let next: StoredTable
        if (old !== undefined && old.layout === 2 && !force && !this.dirty.has(table) && old.sql === sql) next = old
        else {
          const written = writeTableData(this.layout(`table ${schema}.${table.name}`), table, old === undefined ? null : tableData(old), force, extend)
          after.push(...written.after)
          const blocks = blocksOf(written.data)
          next = { id: old?.id ?? nextTableId++, schema, name: table.name, sql, first: blocks[0] ?? -1, blocks, rows: table.liveRowCount, layout: 2, ...written.data }
        }
        stored.push(next)
        byTable.set(table, next)
      }
      const storedModels = writeModels(this.file, models, this.image.models ?? [], extend)
      const image: CatalogImage = { format: 1, routines: this.routineSource?.() ?? this.image.routines ?? [], schemas, tables: stored, views, indexes, sequences: more.sequences, types: more.types, models: storedModels, nextTableId }
      const catalogBlocks = this.file.writeStream(Buffer.from(JSON.stringify(image), 'utf8'), extend)
      if (sync !== 'off') this.file.sync()
      // blocks past the last one in use are cut off once the header is durable
      let blockCount = catalogBlocks.reduce((m, b) => Math.max(m, b + 1), 0)
      for (const t of stored) for (const b of t.blocks) blockCount = Math.max(blockCount, b + 1)
      for (const m of storedModels) for (const b of m.blocks) blockCount = Math.max(blockCount, b + 1)
      const header: FileHeader = { ...this.file.header, counter: this.file.header.counter + 1, catalogBlock: catalogBlocks[0]!, blockCount }
      this.file.writeHeader(header, sync !== 'off')
      this.image = image
      this.catalogBlocks = catalogBlocks
      this.byTable = byTable
      this.dirty.clear()
      this.catalogPending = false
    } catch (e) {
      this.file.setFree(freeBefore)
      throw e
    }
    // the written segments are backed by the new blocks; a dropped table's old ones are freed below
    for (const f of after) f()
    for (const table of oldTables.keys()) if (!this.byTable.has(table)) orphan(table, this.buffers)
    // the new checkpoint is durable: the old blocks are free and the log is folded in
    const used = new Set(this.catalogBlocks)
    for (const t of this.image.tables) for (const b of t.blocks) used.add(b)
    for (const m of this.image.models ?? []) for (const b of m.blocks) used.add(b)
    const free: number[] = []
    for (let b = 0; b < this.file.header.blockCount; b++) if (!used.has(b)) free.push(b)
    this.file.setFree(free)
    this.file.shrink()
    this.walSeq = 0
    // if this fails the old log names an older checkpoint and is ignored on open
    this.wal!.reset(this.file.header.counter, sync !== 'off')
  }

  // ---- checks, info, close ------------------------------------------------------------------

  /** PRAGMA integrity_check: every block checksum, catalog vs data, zone maps, the WAL; [] = ok */
  integrityCheck(catalog: Catalog, txn: MemoryTransaction): string[] {
    this.checkUsable()
    const problems: string[] = []
    const note = (p: string): void => { problems.push(p) }
    const used = new Map<number, string>()
    const claim = (blocks: readonly number[], what: string): void => {
      for (const b of blocks) {
        const other = used.get(b)
        if (other !== undefined) note(`block ${b} is used by both ${other} and ${what}`)
        used.set(b, what)
      }
    }
    try { claim(this.file.readStream(this.file.header.catalogBlock, 'the catalog').blocks, 'the catalog') } catch (e) { note(message(e)) }
    for (const m of this.image.models ?? []) {
      claim(m.blocks, `model ${m.name}`)
      try { readModels(this.file, this.path, [m]) } catch (e) { note(message(e)) }
    }
    const { tables } = durableEntries(catalog.entries(txn))
    const live = new Set(tables.map(t => t.table))
    for (const stored of this.image.tables) {
      const table = [...this.byTable].find(([, s]) => s === stored)?.[0]
      const what = `table ${stored.schema}.${stored.name}`
      claim(stored.blocks, what)
      if (table === undefined) { note(`${what} is stored but not loaded`); continue }
      if (!live.has(table)) note(`${what} is stored but was dropped without a checkpoint`)
      const data = tableData(stored)
      if (data === null && stored.first === -1) { if (stored.rows !== 0) note(`${what} should hold ${stored.rows} rows but has no data`); continue }
      try {
        const rows = data !== null ? checkTableData(this.layout(what), table, data, note) : this.readTable(stored, table, () => undefined, note)
        if (rows !== stored.rows) note(`${what} holds ${rows} rows, the catalog says ${stored.rows}`)
      } catch (e) { note(message(e)) }
    }
    for (const { schema, table } of tables) {
      if (!this.byTable.has(table)) note(`table ${schema}.${table.name} is in the catalog but not stored`)
    }
    for (const b of this.file.freeBlocks) if (used.has(b)) note(`block ${b} is both free and used by ${used.get(b)}`)
    if (this.walHandle !== null) {
      let wal: WalContents
      try { wal = readWal(this.walHandle, `${this.path}.wal`, this.file.header.counter, this.file.cipher) } catch (e) { note(message(e)); return problems }
      if (wal.torn && !this.readOnly) note(`the WAL has a damaged record at offset ${wal.end}`)
      if (!wal.stale && wal.records.length !== this.walSeq && !this.readOnly) note(`the WAL holds ${wal.records.length} records, ${this.walSeq} were written`)
    }
    return problems
  }

  /** PRAGMA storage_info */
  info(): { name: string; value: string }[] {
    const h = this.file.header
    return [
      { name: 'file', value: this.path },
      { name: 'checkpoint', value: String(h.counter) },
      { name: 'blocks', value: String(h.blockCount) },
      { name: 'free_blocks', value: String(this.file.freeBlocks.length) },
      { name: 'wal_bytes', value: String(this.wal?.size ?? 0) },
      { name: 'wal_records', value: String(this.walSeq) },
      { name: 'read_only', value: String(this.readOnly) },
      // table data: what the buffer manager holds (clean, evictable) against its limit
      { name: 'table_data_resident_bytes', value: String(this.buffers.residentBytes) },
      { name: 'table_data_resident_segments', value: String(this.buffers.residentSegments) },
      { name: 'table_data_limit_bytes', value: String(this.buffers.limit()) },
      { name: 'table_data_loads', value: String(this.buffers.loads) },
      { name: 'table_data_evictions', value: String(this.buffers.evictions) },
    ]
  }

  /** BACKUP, right after a checkpoint: the file and the blocks that checkpoint uses (backup.ts copies them as they are) */
  backupSource(): { readonly handle: FileHandle; readonly counter: number; readonly blocks: readonly number[] } {
    this.checkUsable()
    const used = new Set(this.catalogBlocks)
    for (const t of this.image.tables) for (const b of t.blocks) used.add(b)
    for (const m of this.image.models ?? []) for (const b of m.blocks) used.add(b)
    return { handle: this.file.handle, counter: this.file.header.counter, blocks: [...used].sort((a, b) => a - b) }
  }

  /** checkpoints (unless read-only or `checkpoint` false) and releases the files and the lock */
  close(catalog: Catalog | null, txn: MemoryTransaction | null, sync: SyncMode): void {
    if (this.closed) return
    try {
      if (!this.readOnly && catalog !== null && txn !== null && this.wal !== null) this.checkpoint(catalog, txn, false, sync)
    } finally {
      this.closed = true
      try { this.file.handle.close() } catch { /* closing anyway */ }
      try { this.walHandle?.close() } catch { /* closing anyway */ }
      this.lock?.release()
    }
  }

  private checkUsable(): void {
    if (this.closed) throw new InternalError(`storage of "${this.path}" used after close`)
  }
}

/** the cipher an existing file needs, checking the key against the header's key check */
function cipherFor(path: string, header: FileHeader, key: string | Uint8Array | undefined): Encryption | null {
  if (header.salt === null || header.keyCheck === null) {
    if (key !== undefined) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `database file "${path}" is not encrypted`, { hint: 'open it without encryptionKey' })
    }
    return null
  }
  if (key === undefined) {
    throw new GrizzlyError(WRONG_KEY, `database file "${path}" is encrypted`, { hint: 'open it with Database.open(path, { encryptionKey })' })
  }
  const cipher = Encryption.derive(key, header.salt)
  if (Buffer.compare(Buffer.from(cipher.keyCheck()), Buffer.from(header.keyCheck)) !== 0) {
    throw new GrizzlyError(WRONG_KEY, `wrong encryption key for database file "${path}"`, { hint: 'give the key the database was created with' })
  }
  return cipher
}

/** a dropped table's stored segments: resident ones stay usable, evicted ones can no longer be read */
function orphan(table: MemoryTable, manager: BufferManager): void {
  for (const group of table.groups) {
    for (const s of group.segments) {
      const b = s.storedBy
      if (b instanceof StoredSegment && b.owner === manager) b.orphan(s)
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
