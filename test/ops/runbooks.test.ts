// The runbooks (docs/runbooks): every page has the sections an on-call engineer looks for and is in
// the index; in them and the other operations pages (SLOs, SIEM, retention, DR, policies) links and
// anchors resolve, and every `ispw-mcp` command and flag named exists in the CLI's own help (the
// built server's). Metric names in their PromQL are checked
// against a real scrape by metric-names.test.ts. The command check is shown to catch mistakes.
import { readFileSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

import { assertBuilt, MAIN } from '../support/server-process.js';
import { OPERATIONS_DOCS, runbookPages } from './support/expressions.js';
import { brokenLinks, cliUses, codeSnippets } from './support/markdown.js';
import { repoPath, run } from './support/tools.js';

const SECTIONS = ['Symptom', 'Impact', 'Confirm', 'Mitigate', 'Root causes', 'Escalate'];
const INDEX = 'docs/runbooks/README.md';
const pages = () => runbookPages().filter((p) => p !== INDEX);

interface Help {
  commands: Set<string>;
  flags: Set<string>;
}

const helps = new Map<string, Help>();

/** The CLI's help for a command path, parsed: its subcommands and its flags. */
async function help(path: string[]): Promise<Help> {
  const key = path.join(' ');
  const cached = helps.get(key);
  if (cached) return cached;
  const { code, stdout } = await run(process.execPath, [MAIN, ...path, '--help']);
  expect(code, `ispw-mcp ${key} --help`).toBe(0);
  const commands = new Set<string>();
  const flags = new Set<string>();
  let section = '';
  for (const line of stdout.split('\n')) {
    if (/^[A-Z][a-z]+:/.test(line)) section = line.split(':')[0]!;
    else if (section === 'Commands' && /^ {2}[a-z]/.test(line)) commands.add(line.trim().split(/\s+/)[0]!);
    else if (section === 'Options' && /^ {2}-/.test(line))
      for (const f of line
        .trim()
        .split(/\s{2,}/)[0]!
        .matchAll(/--[a-z][a-z0-9-]*/g))
        flags.add(f[0]);
  }
  commands.delete('help');
  const parsed = { commands, flags };
  helps.set(key, parsed);
  return parsed;
}

/** Problems with the `ispw-mcp` commands in a page's code. */
async function commandProblems(markdown: string): Promise<string[]> {
  const problems: string[] = [];
  for (const use of cliUses(codeSnippets(markdown))) {
    const path: string[] = [];
    let current = await help([]);
    let unknown = false;
    for (const word of use.words) {
      if (current.commands.size === 0) break; // the rest are arguments
      if (!current.commands.has(word)) {
        problems.push(`"${use.text}": ispw-mcp ${[...path, word].join(' ')} is not a command`);
        unknown = true;
        break;
      }
      path.push(word);
      current = await help(path);
    }
    if (unknown) continue;
    if (current.commands.size > 0) problems.push(`"${use.text}": ispw-mcp ${path.join(' ')} needs a subcommand`);
    for (const flag of use.flags) if (!current.flags.has(flag)) problems.push(`"${use.text}": ispw-mcp ${path.join(' ')} has no option ${flag}`);
  }
  return problems;
}

beforeAll(() => assertBuilt());

describe('runbooks', () => {
  it('exist for the situations an operator meets', () => {
    const names = pages().map((p) => p.replace('docs/runbooks/', ''));
    for (const needed of [
      'ces-token-rotation.md',
      'ces-client-certificate.md',
      'listener-certificate.md',
      'confirmation-key-rotation.md',
      'ces-down-slow.md',
      'audit-sink-failing.md',
      'policy-emergency-change.md',
      'scale-out-saturation.md',
      'pod-crashloop-readiness.md',
      'suspected-token-leak.md',
      'dr-restore.md',
    ]) {
      expect(names).toContain(needed);
    }
  });

  it('each has the sections an on-call engineer looks for, and is in the index', () => {
    const index = readFileSync(repoPath(INDEX), 'utf8');
    for (const page of pages()) {
      const text = readFileSync(repoPath(page), 'utf8');
      expect(text, page).toMatch(/^# \S/);
      for (const section of SECTIONS) expect(text, `${page}: ## ${section}`).toMatch(new RegExp(`^## ${section}$`, 'm'));
      expect(index, `${page} is not linked from ${INDEX}`).toContain(`](${page.replace('docs/runbooks/', '')})`);
    }
  });

  it('and the other operations pages link only to files and headings that exist', () => {
    for (const page of OPERATIONS_DOCS()) expect(brokenLinks(page), page).toEqual([]);
  });

  it('and the other operations pages name only ispw-mcp commands and options that exist', async () => {
    let checked = 0;
    for (const page of OPERATIONS_DOCS()) {
      const markdown = readFileSync(repoPath(page), 'utf8');
      checked += cliUses(codeSnippets(markdown)).length;
      expect(await commandProblems(markdown), page).toEqual([]);
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('the command check catches a misspelt command, subcommand or option', async () => {
    const problems = await commandProblems(
      [
        '```sh',
        'ispw-mcp audit verfy /var/log/audit.jsonl',
        'ispw-mcp config check --profil prod',
        'ispw-mcp frobnicate',
        'ispw-mcp policy',
        '```',
        'and `ispw-mcp healthcheck --uri http://x`',
      ].join('\n'),
    );
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/ispw-mcp audit verfy is not a command/);
    expect(problems[1]).toMatch(/has no option --profil/);
    expect(problems[2]).toMatch(/ispw-mcp frobnicate is not a command/);
    expect(problems[3]).toMatch(/ispw-mcp policy needs a subcommand/);
    expect(problems[4]).toMatch(/has no option --uri/);
  });

  it('the link check catches a missing page, a missing heading and a path outside the repository', () => {
    const problems = brokenLinks(
      'docs/runbooks/example.md',
      '[a](nope.md) [b](ces-down-slow.md#no-such-heading) [c](ces-down-slow.md#breaker-open) [d](../../../etc/passwd)',
    );
    expect(problems.map((p) => p.link)).toEqual(['nope.md', 'ces-down-slow.md#no-such-heading', '../../../etc/passwd']);
  });
});
