// Loads the policy file and follows it: the file is re-checked at most once a second (like secret
// files); a changed file that parses and validates replaces the policy, a broken one is logged and
// the last good policy stays in force. At start-up a broken policy is an error: never start open.
import { readFileSync } from 'node:fs';

import { fileSource, type FileSource } from '../shared/file-source.js';
import { parseYaml } from '../shared/lazy-yaml.js';
import type { Logger } from '../telemetry/logger.js';
import { OPEN_POLICY, PolicySchema, type Policy } from './schema.js';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`policy ${file}: ${problems.join('; ')}`);
  }
}

/** Parses and validates policy text; throws PolicyError listing every problem with its path. */
export function parsePolicy(text: string, file = '(policy)'): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new PolicyError(file, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const result = PolicySchema.safeParse(raw);
  if (!result.success) {
    throw new PolicyError(
      file,
      result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
  const names = new Set<string>();
  const dupes = result.data.rules.filter((r) => (names.has(r.name) ? true : (names.add(r.name), false))).map((r) => r.name);
  if (dupes.length)
    throw new PolicyError(
      file,
      dupes.map((n) => `rules: the name "${n}" is used twice`),
    );
  return result.data;
}

export function readPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyError(path, [`cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return parsePolicy(text, path);
}

export interface PolicySource {
  /** The policy in force now. */
  current(): Policy;
  close(): void;
}

/** A fixed policy (tests, or no file configured). */
export const staticPolicy = (policy: Policy = OPEN_POLICY): PolicySource => ({ current: () => policy, close: () => undefined });

/** Follows a policy file. Throws PolicyError when the file is broken at start-up. */
export function watchPolicyFile(path: string, options: { logger?: Logger; checkEveryMs?: number } = {}): PolicySource {
  let policy = readPolicyFile(path);
  const source: FileSource = fileSource(path, { logger: options.logger, checkEveryMs: options.checkEveryMs ?? 1000, trim: false });
  let lastText = source();
  options.logger?.info({ file: path, rules: policy.rules.length, freezes: policy.freezes.length }, 'policy loaded');
  return {
    current() {
      const text = source();
      if (text !== undefined && text !== lastText) {
        lastText = text;
        try {
          policy = parsePolicy(text, path);
          options.logger?.info({ file: path, rules: policy.rules.length, freezes: policy.freezes.length }, 'policy reloaded');
        } catch (error) {
          options.logger?.error({ file: path, problems: (error as PolicyError).problems }, 'policy file is invalid; keeping the last good policy');
        }
      }
      return policy;
    },
    close: () => source.close(),
  };
}
