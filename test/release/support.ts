// Helpers for the supply-chain tests: the repository's scripts and pinned tools (.tools/bin, from
// scripts/install-tools.sh --release), a child-process runner that never throws (tests assert on
// exit codes), throw-away directories, and a loopback OCI registry (crane registry serve).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TOOLS = join(ROOT, '.tools/bin');
export const tool = (name: string) => join(TOOLS, name);
export const script = (name: string) => join(ROOT, 'scripts/release', name);
export const FIXTURES = join(ROOT, 'test/release/fixtures');

/** Names of podman images and containers made by these tests: unique per run, prefixed by the area. */
export const unique = (what: string) => `issue-15-${what}-${process.pid}-${Date.now().toString(36)}`;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; resolves with its exit code and output, never rejects. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 900_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    // A program that exits without reading its stdin must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Like run(), but throws with the program's own output when it fails. */
export async function runOk(command: string, args: string[], options?: Parameters<typeof run>[2]): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

export const bash = (scriptName: string, args: string[], options?: Parameters<typeof run>[2]) => run('bash', [script(scriptName), ...args], options);

/** A directory removed by the returned cleanup function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `issue-15-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Registry {
  /** 127.0.0.1:PORT */
  host: string;
  stop: () => Promise<void>;
}

/** A loopback OCI registry on a free port (crane's registry, blobs on disk in DIR). */
export function startRegistry(dir: string): Promise<Registry> {
  mkdirSync(dir, { recursive: true }); // crane writes uploads into it and does not create it
  return new Promise((resolve, reject) => {
    const child = spawn(tool('crane'), ['registry', 'serve', '--address', '127.0.0.1:0', '--disk', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const port = /serving on port (\d+)/.exec(log)?.[1];
      if (!port) return;
      child.stderr.off('data', onData);
      child.stderr.resume(); // keep draining the request log
      resolve({
        host: `127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`crane registry exited ${code}: ${log}`)));
  });
}

/** OSV-Scanner's offline layout <dir>/osv-scalibr/npm/all.zip, from the fixture records, with its snapshot note. */
export async function buildFixtureOsvDb(dir: string): Promise<{ snapshotDate: string; advisories: number }> {
  const records = join(FIXTURES, 'osv');
  const files = readdirSync(records)
    .filter((f) => f.endsWith('.json'))
    .sort();
  mkdirSync(join(dir, 'osv-scalibr', 'npm'), { recursive: true });
  await runOk('zip', ['-q', '-X', join(dir, 'osv-scalibr', 'npm', 'all.zip'), ...files], { cwd: records });
  const snapshotDate = files
    .map((f) => (JSON.parse(readFileSync(join(records, f), 'utf8')) as { modified: string }).modified.slice(0, 10))
    .sort()
    .at(-1)!;
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ source: 'fixture records test/release/fixtures/osv', date: snapshotDate }));
  return { snapshotDate, advisories: files.length };
}
