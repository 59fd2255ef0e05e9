// Podman helpers for the container tests: the image under test (ISPW_MCP_TEST_IMAGE, set by
// scripts/image/test.sh), the runtime flags that work on hosts like ours, and the hardening flags
// every container in these tests runs with (read-only, non-root, no capabilities, our seccomp).
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const IMAGE = process.env.ISPW_MCP_TEST_IMAGE ?? 'localhost/ispw-mcp:dev';
export const SECCOMP = `${ROOT}deploy/seccomp/ispw-mcp.json`;

/** Global flags: runc (crun fails on cgroup-v1 sandboxes); override with PODMAN_RUNTIME. */
export const GLOBAL = ['--runtime', process.env.PODMAN_RUNTIME ?? 'runc'];
/** Explicit ulimits: the defaults podman asks for cannot be raised inside our sandbox. */
export const ULIMITS = (process.env.PODMAN_ULIMITS ?? '--ulimit nofile=4096:4096 --ulimit nproc=4096:4096').split(' ');
/** The hardening the issue demands, exactly as an operator would run it. */
export const HARDENED = [
  '--read-only',
  '--user',
  '65532:65532',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--security-opt',
  `seccomp=${SECCOMP}`,
  ...ULIMITS,
];

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `podman <args>`; never throws on a non-zero exit (the tests assert on it). */
export async function podman(args: string[], timeoutMs = 120_000): Promise<Result> {
  try {
    const { stdout, stderr } = await run('podman', [...GLOBAL, ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

/** Like podman() but fails the test with podman's own message when the command fails. */
export async function podmanOk(args: string[], timeoutMs?: number): Promise<string> {
  const result = await podman(args, timeoutMs);
  if (result.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result.stdout;
}

/** Runs a program to completion, feeding `input` on stdin. */
export function runWithInput(command: string, args: string[], input: string, timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

export const uniqueName = (what: string) => `ispw-mcp-test-${what}-${process.pid}-${Date.now().toString(36)}`;
