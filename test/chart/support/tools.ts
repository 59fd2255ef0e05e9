// The pinned tools the chart tests drive (installed into .tools/bin by
// `scripts/install-tools.sh --kube`), and one way to run them: never throwing on a non-zero exit,
// so a test can assert on the code and the message.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CHART = join(ROOT, 'charts/ispw-mcp');
export const BIN = join(ROOT, '.tools/bin');
/** The Kubernetes version the tests render for and run (scripts/tools/kubernetes/go.mod). */
export const KUBE_VERSION = '1.37.2';

export type Tool = 'helm' | 'kubectl' | 'kubeconform' | 'checkov' | 'crane' | 'etcd' | 'kube-apiserver' | 'kube-controller-manager';

export function tool(name: Tool): string {
  const path = join(BIN, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/install-tools.sh --kube (or scripts/chart/test.sh)`);
  return path;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  /** Added to the test's environment, or (with replaceEnv) the whole environment. */
  env?: Record<string, string>;
  replaceEnv?: boolean;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs a command to completion; the result carries the exit code instead of throwing. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      {
        env: options.replaceEnv ? options.env : { ...process.env, ...options.env },
        cwd: options.cwd ?? ROOT,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr: stderr || (error && code === -1 ? String(error) : '') });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like run(), but fails with the command's own message when it exits non-zero. */
export async function runOk(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}
