/**
 * Crash tests' child processes: the child prints `ready`, then one acknowledged commit id per
 * line; after every line `decide` may kill it. Resolves with the acknowledged ids once the child
 * died by SIGKILL, rejects (with its stderr) when it exited any other way.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export function runAckingChild(args: readonly string[], decide: (acked: readonly number[], line: string, kill: () => void) => void): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../..', import.meta.url)) })
    const acked: number[] = []
    const kill = (): void => { child.kill('SIGKILL') }
    let buffered = '', stderr = ''
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', d => { stderr += d })
    child.stdout.on('data', (d: string) => {
      buffered += d
      let nl: number
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        if (line !== 'ready') acked.push(Number(line))
        decide(acked, line, kill)
      }
    })
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`crash child exited with ${code ?? signal}: ${stderr}`))
      else resolve(acked)
    })
  })
}
