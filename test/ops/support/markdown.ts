// Reading the project's Markdown pages as an on-call engineer would: headings and their anchors,
// relative links, inline and fenced code, and the `ispw-mcp` commands written in that code.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { repoPath, ROOT } from './tools.js';

/** GitHub-style anchors of a page's headings. */
export function headingAnchors(markdown: string): string[] {
  return [...withoutFencedCode(markdown).matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-'),
  );
}

const withoutFencedCode = (markdown: string) => markdown.replace(/^```[\s\S]*?^```$/gm, '');

/** The text of every fenced block and inline code span. */
export function codeSnippets(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const inline = [...withoutFencedCode(markdown).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...fenced, ...inline];
}

export interface LinkProblem {
  link: string;
  problem: string;
}

/**
 * Relative links of a page (`path` from the repository root; its text, or `text` instead) whose
 * file or heading does not exist.
 */
export function brokenLinks(path: string, text?: string): LinkProblem[] {
  const markdown = withoutFencedCode(text ?? readFileSync(repoPath(path), 'utf8'));
  const problems: LinkProblem[] = [];
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const link = m[1]!;
    if (/^[a-z]+:/.test(link)) continue;
    const [file, anchor] = link.split('#') as [string, string | undefined];
    const target = file === '' ? repoPath(path) : join(dirname(repoPath(path)), file);
    if (!target.startsWith(ROOT)) {
      problems.push({ link, problem: 'points outside the repository' });
      continue;
    }
    if (!existsSync(target)) {
      problems.push({ link, problem: `${relative(ROOT, target)} does not exist` });
      continue;
    }
    if (anchor && target.endsWith('.md') && !headingAnchors(readFileSync(target, 'utf8')).includes(anchor)) {
      problems.push({ link, problem: `no heading #${anchor} in ${relative(ROOT, target)}` });
    }
  }
  return problems;
}

export interface CliUse {
  /** The command path, e.g. ['audit', 'verify']. */
  command: string[];
  flags: string[];
  text: string;
}

const SEPARATORS = new Set(['|', '||', '&&', ';', '\\', '>', '2>', '<']);

/**
 * Uses of the server's CLI in code: `ispw-mcp <command> …` or `…/main.js <command> …`, with the
 * words that follow (the command path is resolved against the CLI's help by the caller).
 */
export function cliUses(snippets: string[]): { words: string[]; flags: string[]; text: string }[] {
  const uses: { words: string[]; flags: string[]; text: string }[] = [];
  for (const snippet of snippets) {
    for (const line of snippet.split('\n')) {
      const tokens = line.trim().split(/\s+/);
      tokens.forEach((token, i) => {
        if (token !== 'ispw-mcp' && !token.endsWith('/main.js') && token !== 'main.js') return;
        const rest: string[] = [];
        for (const t of tokens.slice(i + 1)) {
          if (SEPARATORS.has(t)) break;
          rest.push(t);
        }
        const words = [];
        for (const t of rest) {
          if (!/^[a-z][a-z-]*$/.test(t)) break;
          words.push(t);
        }
        if (words.length === 0) return; // the name alone, or a placeholder such as <command>
        const flags = rest.filter((t) => t.startsWith('--')).map((t) => t.split('=')[0]!);
        uses.push({ words, flags, text: line.trim() });
      });
    }
  }
  return uses;
}
