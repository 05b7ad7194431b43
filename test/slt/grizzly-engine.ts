/**
 * Grizzly behind the runner's engine interface: one Database per file, named connections
 * opened with db.connect() on first use.
 */
import { classifyType, type SltColumn, type SltEngine, type SltOutcome } from './engine.ts'

interface QueryResultLike {
  readonly columns: readonly { readonly name: string; readonly type: string }[]
  readonly rows: readonly (readonly unknown[])[]
  textRows(): (string | null)[][]
}
interface SessionLike {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResultLike>
  exec?(script: string): Promise<QueryResultLike | undefined>
  close?(): Promise<void> | void
}
interface DatabaseLike extends SessionLike {
  connect(): SessionLike
  close(): Promise<void>
}

export async function openGrizzlyEngine(): Promise<SltEngine> {
  // loaded by path so the runner builds before and independently of the engine
  const entry = '../../index.ts'
  const mod = (await import(entry)) as { Database: { open(): Promise<DatabaseLike> } }
  const db = await mod.Database.open()
  const sessions = new Map<string, SessionLike>()
  const session = (name: string | undefined): SessionLike => {
    if (name === undefined) return db
    let s = sessions.get(name)
    if (s === undefined) { s = db.connect(); sessions.set(name, s) }
    return s
  }
  return {
    name: 'grizzly',
    async execute(sql: string, name: string | undefined): Promise<SltOutcome> {
      try {
        const s = session(name)
        const r = s.exec !== undefined ? await s.exec(sql) : await s.query(sql)
        if (r === undefined) return { kind: 'ok', result: { columns: [], rows: [], text: [] } }
        const columns: SltColumn[] = r.columns.map(c => ({ name: c.name, type: c.type, class: classifyType(c.type) }))
        return { kind: 'ok', result: { columns, rows: r.rows, text: r.textRows() } }
      } catch (e) {
        return errorOutcome(e)
      }
    },
    async close(): Promise<void> {
      for (const s of sessions.values()) await s.close?.()
      await db.close()
    },
  }
}

/** A GrizzlyError is an SQL error; anything else, or an InternalError, is an engine crash. */
export function errorOutcome(e: unknown): SltOutcome {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    const isGrizzly = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)
    const crash = !isGrizzly || code === 'XX000'
    return { kind: 'error', message: crash ? `${e.name}: ${e.message}${stackHead(e)}` : e.message, crash }
  }
  return { kind: 'error', message: String(e), crash: true }
}

function stackHead(e: Error): string {
  const frames = (e.stack ?? '').split('\n').filter(l => l.trim().startsWith('at ')).slice(0, 3)
  return frames.length > 0 ? `\n${frames.join('\n')}` : ''
}
