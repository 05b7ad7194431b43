/**
 * The `grizzly` command (DESIGN §7):
 *   grizzly [FILE] [-c SQL]… [--format table|json|csv|markdown] [--sample]
 * With -c it runs the statements and exits; with a pipe on stdin it runs the script; otherwise
 * it opens the interactive shell.
 */
import { readFileSync } from 'node:fs'
import { Database } from '../index.ts'
import { GrizzlyError } from '../core/errors.ts'
import { splitStatements } from '../core/parser/index.ts'
import { formatResult, isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from './format.ts'
import { loadSampleData } from './sample.ts'
import { runShell } from './shell.ts'
import { runExt } from './ext.ts'
import { type StatementWatcher, watchStatement } from './progress.ts'

interface Options {
  file: string | undefined
  commands: string[]
  format: OutputFormat | undefined
  sample: boolean
  policy: string | undefined
  extensionDirectory: string | undefined
}

const USAGE = `usage: grizzly [FILE] [-c SQL]... [--format ${OUTPUT_FORMATS.join('|')}] [--sample]
       grizzly ext <command> …   (extension tools; grizzly ext --help)

  FILE            database to open (omit for an in-memory database)
  -c SQL          run SQL (may be repeated) and exit
  --format F      output format: ${OUTPUT_FORMATS.join(', ')} (default: table; json prints
                  one JSON array of row objects per statement that returns rows)
  --sample        load the sample tables customers, products and orders
  --policy FILE   extension policy (JSON) for LOAD EXTENSION and CREATE FUNCTION … LANGUAGE
  --extension-dir DIR
                  where INSTALL puts extensions (default ~/.grizzly/extensions/<engine API>)
  -h, --help      show this help
  --version       print the version

With input piped on stdin, grizzly runs it as a script.`

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { file: undefined, commands: [], format: undefined, sample: false, policy: undefined, extensionDirectory: undefined }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${a} needs a value`)
      return v
    }
    if (a === '-c' || a === '--command') o.commands.push(value())
    else if (a === '--format' || a === '-f') {
      const f = value()
      if (!isOutputFormat(f)) throw new UsageError(`unknown format "${f}"; use one of ${OUTPUT_FORMATS.join(', ')}`)
      o.format = f
    } else if (a.startsWith('--format=')) {
      const f = a.slice('--format='.length)
      if (!isOutputFormat(f)) throw new UsageError(`unknown format "${f}"; use one of ${OUTPUT_FORMATS.join(', ')}`)
      o.format = f
    } else if (a === '--sample') o.sample = true
    else if (a === '--policy') o.policy = value()
    else if (a === '--extension-dir') o.extensionDirectory = value()
    else if (a === '-h' || a === '--help') { process.stdout.write(USAGE + '\n'); process.exit(0) }
    else if (a === '--version') { process.stdout.write(version() + '\n'); process.exit(0) }
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`)
    else if (o.file === undefined) o.file = a
    else throw new UsageError(`unexpected argument ${a}`)
  }
  return o
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return `grizzly ${pkg.version}`
}

export function describeError(e: unknown): string {
  if (e instanceof GrizzlyError) {
    const hint = e.hint === undefined ? '' : `\nHINT: ${e.hint}`
    return `Error [${e.code}]: ${e.message}${hint}`
  }
  return `Error: ${e instanceof Error ? e.message : String(e)}`
}

/** Runs a script statement by statement, printing each result; returns false on the first error. */
export async function runScript(db: Database, script: string, format: OutputFormat, write: (s: string) => void,
  watch?: () => StatementWatcher): Promise<boolean> {
  let pieces: { text: string }[]
  try {
    pieces = splitStatements(script)
  } catch (e) {
    process.stderr.write(describeError(e) + '\n')
    return false
  }
  for (const piece of pieces) {
    const watcher = watch?.()
    try {
      const r = await db.query(piece.text, [], watcher?.options)
      watcher?.done()
      if (r.columns.length > 0 && !r.isChangeCount) write(formatResult(r, format) + '\n')
    } catch (e) {
      watcher?.done()
      process.stderr.write(describeError(e) + '\n')
      return false
    }
  }
  return true
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = []
  for await (const chunk of process.stdin) parts.push(chunk as Buffer)
  return Buffer.concat(parts).toString('utf8')
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'ext') return runExt(argv.slice(1), s => { process.stdout.write(s) })
  let options: Options
  try {
    options = parseArgs(argv)
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`grizzly: ${e.message}\n\n${USAGE}\n`); return 2 }
    throw e
  }
  let db: Database
  try {
    db = await Database.open(options.file, {
      ...(options.policy === undefined ? {} : { policy: options.policy }),
      ...(options.extensionDirectory === undefined ? {} : { extensionDirectory: options.extensionDirectory }),
    })
    if (options.sample) await loadSampleData(db)
  } catch (e) {
    process.stderr.write(describeError(e) + '\n')
    return 1
  }
  const write = (s: string) => { process.stdout.write(s) }
  try {
    if (options.commands.length > 0) {
      const bar = process.stderr.isTTY ? () => watchStatement(process.stderr, false) : undefined
      for (const c of options.commands) if (!(await runScript(db, c, options.format ?? 'table', write, bar))) return 1
      return 0
    }
    if (!process.stdin.isTTY) {
      const script = await readStdin()
      return (await runScript(db, script, options.format ?? 'table', write)) ? 0 : 1
    }
    await runShell(db, { format: options.format ?? 'table', sample: options.sample })
    return 0
  } finally {
    await db.close()
  }
}

const code = await main(process.argv.slice(2))
process.exitCode = code
