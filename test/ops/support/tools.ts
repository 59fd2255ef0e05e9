// The operations tools (promtool, amtool, alertmanager, otelcol-ispw) that scripts/ops/test.sh
// installs into .tools/bin, and a way to run them that never throws on a non-zero exit.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const repoPath = (path: string) => `${ROOT}${path}`;

export type OpsTool = 'promtool' | 'amtool' | 'alertmanager' | 'otelcol-ispw';

export function opsTool(name: OpsTool): string {
  const path = repoPath(`.tools/bin/${name}`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`bash scripts/install-tools.sh --ops\` (scripts/ops/test.sh does)`);
  return path;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and returns its exit code and output. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The version line a tool prints, for the report and the compliance manifest. */
export async function toolVersion(name: OpsTool): Promise<string> {
  const { stdout, stderr } = await run(opsTool(name), ['--version']);
  return (stdout || stderr).split('\n')[0]!.trim();
}
