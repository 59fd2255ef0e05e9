// Spawns the built server (dist/src/main.js) as a real process, for end-to-end tests over stdio
// and HTTP. Run `npm run build` first; the test suite's command does.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` before the e2e tests`);
}

export interface ServerProcess {
  readonly proc: ChildProcess;
  /** The MCP URL printed by an HTTP server (or demo). */
  readonly url: string;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Environment for the server: only what the test gives, plus PATH. */
export const serverEnv = (extra: Record<string, string>): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  ISPW_MCP_LOG_LEVEL: 'info',
  ...extra,
});

/** Starts `node dist/src/main.js <args>` and waits until it prints its MCP URL. */
export async function startServerProcess(args: string[], env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
  assertBuilt();
  const proc = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave a half-started server behind.
      proc.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${stderr}`));
    }, timeoutMs);
    proc.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /(https?:\/\/[^\s"]+\/mcp)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return {
    proc,
    url,
    stderr: () => stderr,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        proc.kill(signal);
      }),
  };
}
