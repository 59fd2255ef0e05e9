// Metric selectors in PromQL, found with the Prometheus project's own grammar (@prometheus-io/lezer-promql,
// the parser of the Prometheus web UI) in strict mode: an expression that does not parse is an error,
// never a guess. Grafana's variables are replaced by sample values first.
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

const strict = parser.configure({ strict: true });

export interface Matcher {
  label: string;
  op: string;
  value: string;
}

export interface Selector {
  name: string;
  matchers: Matcher[];
}

const unquote = (literal: string): string => {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  if (literal.startsWith("'")) return JSON.parse(`"${literal.slice(1, -1).replace(/"/g, '\\"').replace(/\\'/g, "'")}"`) as string;
  return JSON.parse(literal) as string;
};

/** Grafana's built-in and dashboard variables, replaced by values of the right kind. */
export function withoutGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}/g, '5m')
    .replace(/\$__range/g, '1h')
    .replace(/\$\{?[a-z_]+\}?/g, (v) => `${v.replace(/[${}]/g, '')}-value`);
}

/** Every vector selector of `expr`, with its metric name and label matchers. Throws on a parse error. */
export function selectorsIn(expr: string): Selector[] {
  let tree;
  try {
    tree = strict.parse(expr);
  } catch (error) {
    throw new Error(`not valid PromQL (${(error as Error).message}): ${expr}`);
  }
  const text = (node: SyntaxNode) => expr.slice(node.from, node.to);
  const selectors: Selector[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const matchers: Matcher[] = [];
      for (const m of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        matchers.push({ label: text(m.getChild('LabelName')!), op: text(m.getChild('MatchOp')!), value: unquote(text(m.getChild('StringLiteral')!)) });
      }
      const identifier = node.getChild('Identifier');
      const byName = matchers.find((m) => m.label === '__name__' && m.op === '=');
      const name = identifier ? text(identifier) : byName?.value;
      if (name === undefined) throw new Error(`a selector without a fixed metric name cannot be checked: ${text(node)}`);
      selectors.push({ name, matchers: matchers.filter((m) => m.label !== '__name__') });
    },
  });
  return selectors;
}
