/**
 * What ATTACH opens: a .grz file (created when missing unless READ_ONLY; locked, WAL replayed,
 * as Database.open does), ':memory:', or a .sql script run into a new in-memory database.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { AttachRequest } from '../binder/context.ts'
import type { FileSystem } from '../storage/io.ts'
import type { Database, OpenOptions } from '../database.ts'

export type OpenNow = (options: OpenOptions & { readonly path: string | null }) => Database

export function openAttached(request: AttachRequest, fs: FileSystem, openNow: OpenNow): Database {
  const base = { readOnly: request.readOnly, fileSystem: fs, ...(request.encryptionKey === null ? {} : { encryptionKey: request.encryptionKey }) }
  if (request.path === ':memory:' || request.path === '') return openNow({ ...base, readOnly: false, path: null })
  if (!request.path.toLowerCase().endsWith('.sql')) return withPosition(request, () => openNow({ ...base, path: request.path }))
  // a script: its statements build a new in-memory database (READ_ONLY applies to what follows)
  let script: string
  try {
    script = fs.readText(request.path)
  } catch (e) {
    throw new GrizzlyError(SqlState.undefinedFile, `cannot read "${request.path}": ${e instanceof Error ? e.message : String(e)}`, {
      position: request.position, hint: 'check the path of the .sql script', cause: e,
    })
  }
  const db = openNow({ ...base, readOnly: false, path: null })
  try {
    db.defaultSession.runNow(script)
  } catch (e) {
    db.closeNow()
    const message = e instanceof Error ? e.message : String(e)
    throw new GrizzlyError(e instanceof GrizzlyError ? e.code : SqlState.internalError, `the script "${request.path}" failed: ${message}`, {
      position: request.position, hint: 'fix the script; nothing was attached', cause: e,
    })
  }
  return db
}

function withPosition(request: AttachRequest, open: () => Database): Database {
  try {
    return open()
  } catch (e) {
    if (e instanceof GrizzlyError && e.position === undefined) throw e.withPosition(request.position)
    throw e
  }
}
