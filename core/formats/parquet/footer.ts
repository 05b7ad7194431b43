/**
 * The Parquet footer: its schema tree, row groups and column-chunk statistics, read with our
 * own Thrift decoder; and `assembleFile`, which writes a small Parquet file holding only some
 * top-level columns of some row groups (the chunks copied, offsets rewritten, a new footer).
 * parquet-wasm's synchronous reader decodes whole files, so handing it such a file is how we
 * get projection, row-group streaming and pruning out of it.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import {
  CompactReader, CompactWriter, ThriftError, TType, type TStruct, type TValue,
  bin, field, list, num, struct, withField,
} from './thrift.ts'

const MAGIC = [0x50, 0x41, 0x52, 0x31] as const // 'PAR1'
const ENCRYPTED_MAGIC = [0x50, 0x41, 0x52, 0x45] as const // 'PARE'

export function hasParquetMagic(head: Uint8Array): boolean {
  return head.length >= 4 && MAGIC.every((b, i) => head[i] === b)
}

/** Physical types (parquet.thrift Type). */
export const enum Physical { Boolean = 0, Int32 = 1, Int64 = 2, Int96 = 3, Float = 4, Double = 5, ByteArray = 6, FixedLenByteArray = 7 }

/** A top-level column: its slice of the flattened schema and of the leaf columns. */
export interface TopColumn {
  readonly name: string
  /** schema element index of the column (its subtree follows it) */
  readonly schemaStart: number
  readonly schemaEnd: number
  readonly firstLeaf: number
  readonly leafCount: number
  /** the schema element when the column is a single non-repeated leaf (statistics apply), else null */
  readonly leaf: TStruct | null
}

export interface ColumnChunk {
  readonly raw: TStruct
  readonly meta: TStruct
  readonly start: number
  readonly length: number
}

export interface RowGroup {
  readonly raw: TStruct
  readonly numRows: number
  readonly chunks: readonly ColumnChunk[]
}

export interface Footer {
  readonly raw: TStruct
  readonly schema: readonly TStruct[]
  readonly columns: readonly TopColumn[]
  readonly rowGroups: readonly RowGroup[]
  readonly numRows: number
}

function corrupt(path: string, why: string, cause?: unknown): GrizzlyError {
  return new GrizzlyError(SqlState.badFileFormat, `"${path}" is not a valid Parquet file: ${why}`, {
    hint: 'the file may be truncated or damaged, or not a Parquet file at all; check how it was written', cause,
  })
}

const text = new TextDecoder()
export function nameOf(element: TStruct): string {
  const b = bin(element, 4)
  return b === undefined ? '' : text.decode(b)
}

/** Random access to a file's bytes: reads copy straight into the caller's buffer. */
export interface ByteSource {
  readonly size: number
  read(into: Uint8Array, at: number, position: number, length: number): void
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (into, at, position, length) => into.set(bytes.subarray(position, position + length), at) }
}

function readBytes(src: ByteSource, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  src.read(out, 0, position, length)
  return out
}

/** Reads and checks the footer of a Parquet file; errors name `path`. */
export function readFooter(path: string, input: Uint8Array | ByteSource): Footer {
  const src = input instanceof Uint8Array ? memorySource(input) : input
  const n = src.size
  if (n === 0) throw corrupt(path, 'the file is empty')
  if (!hasParquetMagic(readBytes(src, 0, Math.min(4, n)))) throw corrupt(path, "it does not start with the magic bytes 'PAR1'")
  if (n < 12) throw corrupt(path, `it is only ${n} bytes long`)
  const tail8 = readBytes(src, n - 8, 8)
  const tail = tail8.subarray(4)
  if (ENCRYPTED_MAGIC.every((b, i) => tail[i] === b)) {
    throw new GrizzlyError(SqlState.featureNotSupported, `"${path}" is an encrypted Parquet file`, { hint: 'encrypted Parquet footers are not supported; decrypt the file first' })
  }
  if (!MAGIC.every((b, i) => tail[i] === b)) throw corrupt(path, "it does not end with 'PAR1' (truncated?)")
  const footerLength = new DataView(tail8.buffer).getUint32(0, true)
  if (footerLength === 0 || footerLength > n - 12) throw corrupt(path, `the footer length ${footerLength} does not fit the file (${n} bytes)`)
  const footerStart = n - 8 - footerLength
  let raw: TStruct
  try {
    raw = new CompactReader(readBytes(src, footerStart, footerLength)).struct()
  } catch (e) {
    if (e instanceof ThriftError) throw corrupt(path, `its footer is damaged (${e.message})`, e)
    throw e
  }
  const schema = list(raw, 2).filter((x): x is TStruct => Array.isArray(x))
  if (schema.length === 0) throw corrupt(path, 'the footer has no schema')
  const columns: TopColumn[] = []
  // walk the flattened tree: each element is followed by its num_children subtrees
  let at = 1, leaves = 0
  const skipSubtree = (depth: number): number => {
    if (at >= schema.length) throw corrupt(path, 'the schema tree is cut short')
    if (depth > 64) throw corrupt(path, 'the schema is nested too deeply')
    const el = schema[at++]!
    const kids = num(el, 5) ?? 0
    if (kids < 0 || kids > schema.length) throw corrupt(path, 'the schema tree is malformed')
    if (kids === 0) { leaves++; return 1 }
    let count = 0
    for (let k = 0; k < kids; k++) count += skipSubtree(depth + 1)
    return count
  }
  const rootKids = num(schema[0]!, 5) ?? 0
  for (let c = 0; c < rootKids; c++) {
    const schemaStart = at, firstLeaf = leaves
    const el = schema[at]
    if (el === undefined) throw corrupt(path, 'the schema tree is cut short')
    const leafCount = skipSubtree(1)
    const isLeaf = (num(el, 5) ?? 0) === 0 && num(el, 3) !== 2
    columns.push({ name: nameOf(el), schemaStart, schemaEnd: at, firstLeaf, leafCount, leaf: isLeaf ? el : null })
  }
  if (at !== schema.length) throw corrupt(path, 'the schema tree has extra elements')
  const dataEnd = footerStart
  const rowGroups: RowGroup[] = []
  for (const rgValue of list(raw, 4)) {
    if (!Array.isArray(rgValue)) throw corrupt(path, 'a row group entry is malformed')
    const rg = rgValue as TStruct
    const numRows = num(rg, 3) ?? -1
    if (numRows < 0) throw corrupt(path, 'a row group has no row count')
    const chunks: ColumnChunk[] = []
    for (const ccValue of list(rg, 1)) {
      if (!Array.isArray(ccValue)) throw corrupt(path, 'a column chunk entry is malformed')
      const cc = ccValue as TStruct
      const meta = struct(cc, 3)
      if (meta === undefined) throw corrupt(path, 'a column chunk has no metadata')
      if (field(cc, 1) !== undefined) throw new GrizzlyError(SqlState.featureNotSupported, `"${path}" keeps column data in other files`, { hint: 'Parquet files whose chunks live in external files are not supported' })
      const dataPage = num(meta, 9) ?? -1
      const dict = num(meta, 11)
      const start = dict !== undefined && dict > 0 && dict < dataPage ? dict : dataPage
      const length = num(meta, 7) ?? -1
      if (start < 4 || length < 0 || start + length > dataEnd) throw corrupt(path, 'a column chunk lies outside the file')
      chunks.push({ raw: cc, meta, start, length })
    }
    if (chunks.length !== leaves) throw corrupt(path, `a row group has ${chunks.length} column chunks for ${leaves} columns`)
    rowGroups.push({ raw: rg, numRows, chunks })
  }
  const numRows = rowGroups.reduce((s, g) => s + g.numRows, 0)
  return { raw, schema, columns, rowGroups, numRows }
}

const item = (items: TValue[], elemType: TType): { elemType: TType; items: TValue[] } => ({ elemType, items })

/**
 * A Parquet file holding top-level columns `columns` (indexes into footer.columns, in that
 * order) of the row groups `groups`. With no groups it carries only the schema.
 */
export function assembleFile(src: ByteSource, footer: Footer, columns: readonly number[], groups: readonly number[]): Uint8Array {
  const tops = columns.map(c => footer.columns[c]!)
  const root = withField(footer.schema[0]!, 5, TType.I32, tops.length)
  const schema: TValue[] = [root]
  for (const t of tops) for (let i = t.schemaStart; i < t.schemaEnd; i++) schema.push(footer.schema[i]!)
  const leaves: number[] = []
  for (const t of tops) for (let l = 0; l < t.leafCount; l++) leaves.push(t.firstLeaf + l)

  let dataLength = 0
  for (const g of groups) for (const l of leaves) dataLength += footer.rowGroups[g]!.chunks[l]!.length
  const data = new Uint8Array(4 + dataLength)
  data.set(MAGIC, 0)
  let at = 4, numRows = 0
  const rowGroups: TValue[] = []
  for (const g of groups) {
    const rg = footer.rowGroups[g]!
    const chunks: TValue[] = []
    let uncompressed = 0
    for (const l of leaves) {
      const chunk = rg.chunks[l]!
      src.read(data, at, chunk.start, chunk.length)
      const shift = at - chunk.start
      let meta = chunk.meta
      meta = withField(meta, 9, TType.I64, (num(meta, 9) ?? 0) + shift)
      const dict = num(meta, 11)
      meta = withField(meta, 11, TType.I64, dict !== undefined && dict > 0 ? dict + shift : undefined)
      for (const id of [10, 14, 15]) meta = withField(meta, id, TType.I64, undefined)
      uncompressed += num(meta, 6) ?? 0
      chunks.push([{ id: 2, type: TType.I64, value: at }, { id: 3, type: TType.Struct, value: meta }])
      at += chunk.length
    }
    numRows += rg.numRows
    rowGroups.push([
      { id: 1, type: TType.List, value: item(chunks, TType.Struct) },
      { id: 2, type: TType.I64, value: uncompressed },
      { id: 3, type: TType.I64, value: rg.numRows },
    ])
  }
  const meta: TStruct = [
    { id: 1, type: TType.I32, value: num(footer.raw, 1) ?? 1 },
    { id: 2, type: TType.List, value: item(schema, TType.Struct) },
    { id: 3, type: TType.I64, value: numRows },
    { id: 4, type: TType.List, value: item(rowGroups, TType.Struct) },
  ]
  const createdBy = bin(footer.raw, 6)
  if (createdBy !== undefined) meta.push({ id: 6, type: TType.Binary, value: createdBy })
  const orders = list(footer.raw, 7)
  // one sort order per leaf column; keep those of the leaves kept, or none if the list is short
  const picked = leaves.map(l => orders[l]).filter((o): o is TValue => o !== undefined)
  if (picked.length === leaves.length && picked.length > 0) meta.push({ id: 7, type: TType.List, value: item(picked, TType.Struct) })
  const w = new CompactWriter()
  w.struct(meta)
  const encoded = w.finish()
  const out = new Uint8Array(data.length + encoded.length + 8)
  out.set(data, 0)
  out.set(encoded, data.length)
  new DataView(out.buffer).setUint32(data.length + encoded.length, encoded.length, true)
  out.set(MAGIC, data.length + encoded.length + 4)
  return out
}
