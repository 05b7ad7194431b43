import { defineExtension, integerColumn, varcharColumn } from 'grizzly-db/sdk'

/**
 * A format reader for .ini files: one row per `key = value`, with its [section] and line number.
 * `;` and `#` start comments; values may be "quoted"; a line that is none of these is an error
 * naming the file and the line.
 */
function parseIni(text: string, path: string) {
  const sections: (string | null)[] = [], keys: string[] = [], values: (string | null)[] = []
  const lines: number[] = []
  let section: string | null = null
  const all = text.split(/\r?\n/)
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!.trim()
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) throw new Error(`${path}:${i + 1}: a section header needs a closing ]`)
      section = line.slice(1, -1).trim()
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) throw new Error(`${path}:${i + 1}: expected key = value, [section] or a comment`)
    let value: string | null = line.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    else if (value === '') value = null
    sections.push(section)
    keys.push(line.slice(0, eq).trim())
    values.push(value)
    lines.push(i + 1)
  }
  return [varcharColumn(sections), varcharColumn(keys), varcharColumn(values), integerColumn(Int32Array.from(lines))]
}

export default defineExtension({
  name: 'ini',
  version: '1.0.0',
  formats: [{
    name: 'ini',
    extensions: ['ini'],
    columns: [
      { name: 'section', type: 'VARCHAR' },
      { name: 'key', type: 'VARCHAR' },
      { name: 'value', type: 'VARCHAR' },
      { name: 'line', type: 'INTEGER' },
    ],
    parse: parseIni,
  }],
})
