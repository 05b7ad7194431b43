/**
 * JSON and newline-delimited JSON as a FormatDef: `.json`, `.ndjson`, `.jsonl` (also gzip- or
 * zstd-compressed), sniffed by the first non-space byte.
 */
import type { FormatDef } from '../../hooks/contracts.ts'
import { readJson } from './reader.ts'
import { writeJsonFile } from './writer.ts'

export const jsonFormat: FormatDef = {
  name: 'json',
  extensions: ['json', 'ndjson', 'jsonl'],
  sniff(head: Uint8Array): number {
    for (let i = 0; i < head.length; i++) {
      const c = head[i]!
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue
      // a UTF-8 byte order mark may come first
      if (i === 0 && c === 0xef && head[1] === 0xbb && head[2] === 0xbf) { i += 2; continue }
      return c === 0x7b || c === 0x5b ? 0.8 : 0
    }
    return 0
  },
  read(paths, options) {
    return readJson(paths, options)
  },
  write(path, columns, chunks, options) {
    return writeJsonFile(path, columns, chunks, options)
  },
}
