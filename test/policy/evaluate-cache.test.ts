// What evaluation derives from a policy (freeze instants, the ticket RegExp, whether CES facts are
// needed) is computed once per policy object, not per write call; a policy edited in place is still
// judged by its current values. Intl.DateTimeFormat constructions are counted on the platform's own
// constructor, wrapped for the duration of each test; the ticket pattern is checked by identity.
import { afterEach, describe, expect, it, vi } from 'vitest';

import { activeFreeze, evaluate, needsContainerFacts, ticketRegExp, type CallFacts } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/source.js';
import { zonedToInstant } from '../../src/policy/time.js';

const POLICY = `
version: 1
ticket: { changeTypes: [E], pattern: 'CHG[0-9]{7}' }
freezes:
  - name: berlin
    start: '2026-12-20T00:00'
    end: '2027-01-05T00:00'
    timeZone: Europe/Berlin
  - name: tokyo
    start: '2026-03-01T00:00'
    end: '2026-03-02T00:00'
    timeZone: Asia/Tokyo
rules:
  - name: dev
    match: { levels: ['DEV*'] }
    decision: allow
`;

const write = (over: Partial<CallFacts> = {}): CallFacts => ({ tool: 'ispw_promote', kind: 'write', operation: 'promote', level: 'DEV1', ...over });
const JUNE = Date.UTC(2026, 5, 1);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('policy evaluation caches per policy object', () => {
  it('builds no Intl.DateTimeFormat and compiles the ticket pattern once on repeated write calls', () => {
    const policy = parsePolicy(POLICY);
    expect(evaluate(policy, write({ changeType: 'E', ticket: 'CHG0000001' }), JUNE)).toMatchObject({ effect: 'allow', rule: 'rule:dev' });
    const formats = vi.spyOn(Intl, 'DateTimeFormat');
    const compiled = ticketRegExp(policy.ticket!);
    for (let i = 0; i < 50; i++) {
      expect(evaluate(policy, write({ changeType: 'E', ticket: 'CHG0000001' }), JUNE).effect).toBe('allow');
      expect(evaluate(policy, write({ changeType: 'E', ticket: 'bad' }), JUNE).rule).toBe('ticket');
      expect(evaluate(policy, write(), Date.UTC(2026, 11, 25)).rule).toBe('freeze:berlin');
    }
    expect(formats).not.toHaveBeenCalled();
    // The evaluations above used the one compiled pattern: the same object comes back.
    expect(ticketRegExp(policy.ticket!)).toBe(compiled);
  });

  it('a fresh policy object with the same zones reuses the per-zone formatters', () => {
    const policy = parsePolicy(POLICY);
    activeFreeze(policy.freezes[0]!, JUNE); // warm the zone (another test may have done it)
    activeFreeze(policy.freezes[1]!, JUNE);
    const formats = vi.spyOn(Intl, 'DateTimeFormat');
    const again = parsePolicy(POLICY);
    formats.mockClear(); // parsing validates each time zone by constructing a formatter
    expect(evaluate(again, write(), Date.UTC(2026, 2, 1, 12)).rule).toBe('freeze:tokyo');
    expect(formats).not.toHaveBeenCalled();
  });

  it('a policy edited in place is judged by its current values', () => {
    const policy = parsePolicy(POLICY);
    const freeze = policy.freezes[0]!;
    expect(activeFreeze(freeze, JUNE)).toBe(false);
    freeze.start = '2026-05-01T00:00';
    expect(activeFreeze(freeze, JUNE)).toBe(true);
    expect(zonedToInstant(freeze.start, freeze.timeZone)).toBe(Date.UTC(2026, 3, 30, 22));

    expect(evaluate(policy, write({ changeType: 'E', ticket: 'INC0000001' }), Date.UTC(2027, 5, 1)).rule).toBe('ticket');
    const before = ticketRegExp(policy.ticket!);
    policy.ticket!.pattern = '(CHG|INC)[0-9]{7}';
    expect(ticketRegExp(policy.ticket!)).not.toBe(before);
    expect(evaluate(policy, write({ changeType: 'E', ticket: 'INC0000001' }), Date.UTC(2027, 5, 1)).rule).toBe('rule:dev');

    expect(needsContainerFacts(policy)).toBe(false);
    policy.rules = [...policy.rules, { name: 'payroll', match: { applications: ['PAYR'] }, decision: 'deny' }];
    expect(needsContainerFacts(policy)).toBe(true);
  });
});
