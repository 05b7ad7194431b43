/**
 * Several Parquet files of one schema → one file: their data regions one after another, and
 * the first footer with every file's row groups, offsets moved by where each region landed.
 * The writer uses it to encode a row group at a time instead of the whole table at once.
 */
import { CompactWriter, TType, type TStruct, type TValue, list, num, struct, withField } from './thrift.ts'
import type { Footer } from './footer.ts'

const MAGIC = [0x50, 0x41, 0x52, 0x31]

function shifted(s: TStruct, ids: readonly number[], delta: number): TStruct {
  let out = s
  for (const id of ids) {
    const v = num(out, id)
    if (v !== undefined && v > 0) out = withField(out, id, TType.I64, v + delta)
  }
  return out
}

export function concatFiles(files: readonly { readonly bytes: Uint8Array; readonly footer: Footer }[]): Uint8Array {
  const regions = files.map(f => {
    const footerLength = new DataView(f.bytes.buffer, f.bytes.byteOffset + f.bytes.length - 8, 4).getUint32(0, true)
    return f.bytes.subarray(4, f.bytes.length - 8 - footerLength)
  })
  const rowGroups: TValue[] = []
  let at = 4, numRows = 0
  files.forEach((f, k) => {
    const delta = at - 4
    for (const rgValue of list(f.footer.raw, 4)) {
      let rg = shifted(rgValue as TStruct, [5], delta)
      const chunks = list(rg, 1).map(ccValue => {
        let cc = shifted(ccValue as TStruct, [2, 4, 6], delta)
        const meta = struct(cc, 3)
        if (meta !== undefined) cc = withField(cc, 3, TType.Struct, shifted(meta, [9, 10, 11, 14], delta))
        return cc
      })
      rg = withField(rg, 1, TType.List, { elemType: TType.Struct, items: chunks })
      rowGroups.push(rg)
      numRows += num(rg, 3) ?? 0
    }
    at += regions[k]!.length
  })
  let meta = files[0]!.footer.raw
  meta = withField(meta, 3, TType.I64, numRows)
  meta = withField(meta, 4, TType.List, { elemType: TType.Struct, items: rowGroups })
  const w = new CompactWriter()
  w.struct(meta)
  const footer = w.finish()
  const out = new Uint8Array(at + footer.length + 8)
  out.set(MAGIC, 0)
  let pos = 4
  for (const r of regions) { out.set(r, pos); pos += r.length }
  out.set(footer, pos)
  new DataView(out.buffer).setUint32(pos + footer.length, footer.length, true)
  out.set(MAGIC, pos + footer.length + 4)
  return out
}
