// The lifecycle policy: every rule type (allow, deny with reason, confirm), first match wins,
// patterns, the ticket rule for emergency changes, freeze windows in a time zone (DST included),
// the default, and file validation with clear problems.
import { describe, expect, it } from 'vitest';

import { callOperation } from '../../src/mcp/kit/access.js';
import { evaluate, type CallFacts } from '../../src/policy/evaluate.js';
import { setAction } from '../../src/tools/sets/set-action.js';
import { fallback } from '../../src/tools/tasks/fallback.js';
import { parsePolicy, PolicyError } from '../../src/policy/source.js';
import { zonedToInstant } from '../../src/policy/time.js';

const POLICY = `
version: 1
default: allow
ticket:
  changeTypes: [E]
  pattern: '(CHG|INC)[0-9]{7}'
freezes:
  - name: year-end
    start: '2026-12-20T00:00'
    end: '2027-01-05T00:00'
    timeZone: Europe/Berlin
    match: { operations: [promote, deploy], levels: [STG, PRD] }
rules:
  - name: no-prd-fallback
    match: { operations: [fallback], levels: [PRD] }
    decision: deny
    reason: fall back in production only through the change board
  - name: payroll-prd
    match: { operations: [deploy], levels: [PRD], applications: [PAYR] }
    decision: deny
    reason: payroll deploys go through the payroll release train
  - name: prd-confirm
    match: { operations: [promote, deploy, 'set_*'], levels: [STG, PRD] }
    decision: confirm
    reason: changes that reach production need a second look
  - name: set-delete-confirm
    match: { operations: [set_delete, set_terminate] }
    decision: confirm
  - name: dev-free
    match: { levels: ['DEV*'] }
    decision: allow
`;
const policy = parsePolicy(POLICY);
const base: CallFacts = { tool: 'ispw_promote', kind: 'destructive', operation: 'promote', level: 'DEV1' };
const at = (iso: string) => Date.parse(iso);
const outside = at('2026-11-02T10:00:00Z');

describe('policy evaluation', () => {
  it('allows by an allow rule and by default', () => {
    expect(evaluate(policy, base, outside)).toEqual({ effect: 'allow', rule: 'rule:dev-free', reason: undefined });
    expect(evaluate(policy, { ...base, level: 'QA' }, outside)).toMatchObject({ effect: 'allow', rule: 'default' });
  });

  it('denies with the reason shown to the caller', () => {
    const d = evaluate(policy, { ...base, tool: 'ispw_fallback', operation: 'fallback', level: 'prd' }, outside);
    expect(d).toEqual({ effect: 'deny', rule: 'rule:no-prd-fallback', reason: 'fall back in production only through the change board' });
  });

  it('matches streams and applications, first match wins', () => {
    const deploy = { ...base, tool: 'ispw_deploy', operation: 'deploy', level: 'PRD' };
    expect(evaluate(policy, { ...deploy, application: 'PAYR' }, outside).rule).toBe('rule:payroll-prd');
    expect(evaluate(policy, { ...deploy, application: 'PLAY' }, outside)).toMatchObject({ effect: 'confirm', rule: 'rule:prd-confirm' });
    // Unknown application: the application rule does not match; the broader confirm rule does.
    expect(evaluate(policy, deploy, outside).rule).toBe('rule:prd-confirm');
  });

  it('asks for confirmation, with wildcard operations; reads are never confirmed', () => {
    expect(evaluate(policy, { ...base, level: 'STG' }, outside).effect).toBe('confirm');
    expect(
      evaluate(policy, { ...base, tool: 'ispw_set_action', operation: callOperation(setAction, { action: 'approve' }), level: 'PRD' }, outside).effect,
    ).toBe('confirm');
    expect(evaluate(policy, { ...base, tool: 'ispw_set_action', operation: 'set_delete', level: undefined }, outside).rule).toBe('rule:set-delete-confirm');
    expect(evaluate(policy, { tool: 'ispw_get_set', kind: 'read', operation: 'get_set', level: 'PRD' }, outside).effect).toBe('allow');
  });

  it('requires a matching ticket for emergency changes', () => {
    const emergency = { ...base, changeType: 'E' };
    expect(evaluate(policy, emergency, outside)).toMatchObject({ effect: 'deny', rule: 'ticket' });
    expect(evaluate(policy, { ...emergency, ticket: 'CHG12' }, outside)).toMatchObject({ effect: 'deny', rule: 'ticket' });
    expect(evaluate(policy, { ...emergency, ticket: 'XCHG0012345' }, outside)).toMatchObject({ effect: 'deny', rule: 'ticket' });
    expect(evaluate(policy, { ...emergency, ticket: 'CHG0012345' }, outside)).toMatchObject({ effect: 'allow' });
    expect(evaluate(policy, { ...base, changeType: 'S' }, outside).effect).toBe('allow');
  });

  it('denies matching promotes and deploys during a freeze window, in its time zone', () => {
    const prd = { ...base, level: 'PRD' };
    // 2026-12-19T23:30 in Berlin (UTC+1) is 22:30Z: before the window.
    expect(evaluate(policy, prd, at('2026-12-19T22:30:00Z')).effect).toBe('confirm');
    expect(evaluate(policy, prd, at('2026-12-19T23:00:00Z'))).toMatchObject({ effect: 'deny', rule: 'freeze:year-end' });
    expect(evaluate(policy, prd, at('2027-01-04T22:59:59Z')).rule).toBe('freeze:year-end');
    expect(evaluate(policy, prd, at('2027-01-04T23:00:00Z')).rule).not.toBe('freeze:year-end');
    // Other levels and operations are not frozen.
    expect(evaluate(policy, { ...base, level: 'DEV1' }, at('2026-12-24T10:00:00Z')).effect).toBe('allow');
    expect(evaluate(policy, { ...base, operation: 'generate', level: 'PRD' }, at('2026-12-24T10:00:00Z')).effect).toBe('allow');
  });

  it('converts local times across daylight saving time', () => {
    expect(new Date(zonedToInstant('2026-07-01T12:00', 'Europe/Berlin')).toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(new Date(zonedToInstant('2026-01-01T12:00', 'Europe/Berlin')).toISOString()).toBe('2026-01-01T11:00:00.000Z');
    expect(new Date(zonedToInstant('2026-03-08T12:00', 'America/New_York')).toISOString()).toBe('2026-03-08T16:00:00.000Z');
  });

  it('honours a deny default', () => {
    const strict = parsePolicy('version: 1\ndefault: deny\nrules:\n  - name: reads\n    match: { kinds: [read] }\n    decision: allow\n');
    expect(evaluate(strict, base, outside)).toMatchObject({ effect: 'deny', rule: 'default' });
    expect(evaluate(strict, { tool: 'ispw_get_set', kind: 'read', operation: 'get_set' }, outside).effect).toBe('allow');
  });

  it('refuses invalid policies with every problem and its path', () => {
    const bad = () =>
      parsePolicy(
        'version: 1\nrules:\n  - name: x\n    decision: maybe\n    match: { levls: [PRD] }\nfreezes:\n  - name: f\n    start: 2026-12-20\n    end: 2026-12-01T00:00\n    timeZone: Mars/Base\n',
      );
    expect(bad).toThrow(PolicyError);
    try {
      bad();
    } catch (error) {
      const text = (error as PolicyError).problems.join('\n');
      expect(text).toMatch(/rules\.0\.decision/);
      expect(text).toMatch(/rules\.0\.match/);
      expect(text).toMatch(/freezes\.0\.start/);
      expect(text).toMatch(/freezes\.0\.timeZone: unknown IANA time zone/);
    }
    expect(() => parsePolicy('version: 2')).toThrow(/version/);
    expect(() => parsePolicy('version: 1\nticket: { pattern: "(" }')).toThrow(/regular expression/);
    expect(() => parsePolicy('version: 1\nrules:\n  - { name: a, decision: allow }\n  - { name: a, decision: deny }\n')).toThrow(/used twice/);
  });

  it('set fallback (unverified CES evidence) needs a rule that names it: not the default, a wildcard or a rule for others', () => {
    const fallbackSet: CallFacts = { tool: 'ispw_fallback', kind: 'destructive', operation: 'fallback_set', level: 'QA' };
    expect(callOperation(fallback, { container_type: 'set', container_id: 'S000238582', level: 'QA' })).toBe('fallback_set');
    expect(callOperation(fallback, { container_type: 'assignment', container_id: 'PLAY000298', level: 'QA' })).toBe('fallback');
    expect(evaluate(parsePolicy('version: 1\ndefault: allow\n'), fallbackSet, outside)).toMatchObject({ effect: 'deny', rule: 'unverified-operation' });
    const wildcard = parsePolicy("version: 1\nrules:\n  - { name: all, match: { operations: ['fallback*'] }, decision: allow }\n");
    expect(evaluate(wildcard, fallbackSet, outside)).toMatchObject({ effect: 'deny', rule: 'unverified-operation' });
    const named = parsePolicy('version: 1\ndefault: deny\nrules:\n  - { name: set-fallback, match: { operations: [fallback_set] }, decision: confirm }\n');
    expect(evaluate(named, fallbackSet, outside)).toMatchObject({ effect: 'confirm', rule: 'rule:set-fallback' });
    // A deny keeps its own rule and reason; the other fallbacks are not affected.
    expect(evaluate(policy, { ...fallbackSet, level: 'PRD' }, outside).rule).toBe('unverified-operation');
    expect(evaluate(policy, { ...fallbackSet, operation: 'fallback' }, outside)).toMatchObject({ effect: 'allow', rule: 'default' });
  });
});
