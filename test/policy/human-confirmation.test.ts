// Confirmation by a person, the parts that need no client: which kind of confirmation a call needs
// (rule, prod-profile defaults), the policy file's new options, the sealed request state of the
// 2026 rounds (the SDK's HMAC codec under our derived key: binding, expiry, tampering, single use,
// key rotation), how an answer is read, and the four-eyes rule. The client side is in
// test/e2e/human-confirmation.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { policyExplain } from '../../src/commands/policy.js';
import { evaluate, type CallFacts } from '../../src/policy/evaluate.js';
import { fourEyesRefusal } from '../../src/policy/four-eyes.js';
import { createHumanConfirmations, readAnswer } from '../../src/policy/human-confirmation.js';
import type { ContainerFacts } from '../../src/policy/preview.js';
import { parsePolicy, PolicyError } from '../../src/policy/source.js';

const POLICY = parsePolicy(`
version: 1
rules:
  - name: approvals
    match: { operations: [set_approve] }
    decision: allow
    fourEyes: true
  - name: generate-human
    match: { operations: [generate] }
    decision: confirm
    confirm: human
  - name: generate-token-qa
    match: { operations: [promote], levels: [QA] }
    decision: confirm
    confirm: token
  - name: everything-else
    match: { kinds: [write, destructive] }
    decision: confirm
`);
const facts = (operation: string, level?: string): CallFacts => ({ tool: `ispw_${operation}`, kind: 'write', operation, level });

describe('which confirmation a call needs', () => {
  it('the rule says it', () => {
    expect(evaluate(POLICY, facts('generate', 'DEV1'))).toMatchObject({
      effect: 'confirm',
      confirm: 'human',
      confirmWhy: 'rule generate-human says confirm: human',
    });
    expect(evaluate(POLICY, facts('promote', 'QA'), Date.now(), { profile: 'prod' })).toMatchObject({ confirm: 'token' });
  });

  it('otherwise any in dev and stage; a person for production levels and deploy/fallback/regress under prod', () => {
    expect(evaluate(POLICY, facts('deploy', 'PRD'))).toMatchObject({ confirm: 'any' });
    expect(evaluate(POLICY, facts('deploy', 'PRD'), Date.now(), { profile: 'stage' })).toMatchObject({ confirm: 'any' });
    for (const operation of ['deploy', 'fallback', 'regress']) {
      expect(evaluate(POLICY, facts(operation, 'QA'), Date.now(), { profile: 'prod' })).toMatchObject({
        confirm: 'human',
        confirmWhy: `prod profile: ${operation} needs a person`,
      });
    }
    expect(evaluate(POLICY, facts('promote', 'PRD'), Date.now(), { profile: 'prod' })).toMatchObject({ confirm: 'human' });
    expect(evaluate(POLICY, facts('promote', 'STG'), Date.now(), { profile: 'prod' })).toMatchObject({ confirm: 'any' });
    const site = parsePolicy(`{ version: 1, default: confirm, productionLevels: [PROD, LIVE*] }`);
    expect(evaluate(site, facts('promote', 'LIVE2'), Date.now(), { profile: 'prod' })).toMatchObject({ confirm: 'human' });
    expect(evaluate(site, facts('promote', 'PRD'), Date.now(), { profile: 'prod' })).toMatchObject({ confirm: 'any' });
  });

  it('four eyes rides on allow and confirm decisions; reads and denials never ask', () => {
    expect(evaluate(POLICY, facts('set_approve'))).toMatchObject({ effect: 'allow', fourEyes: true });
    expect(evaluate(POLICY, { tool: 'ispw_get_set', kind: 'read', operation: 'get_set' })).toMatchObject({ effect: 'allow' });
    expect(evaluate(POLICY, { tool: 'ispw_get_set', kind: 'read', operation: 'get_set' }).confirm).toBeUndefined();
  });

  it('refuses confirm on a rule that does not confirm, and four eyes on a denial', () => {
    expect(() => parsePolicy(`{ version: 1, rules: [{ name: x, decision: allow, confirm: human }] }`)).toThrow(PolicyError);
    expect(() => parsePolicy(`{ version: 1, rules: [{ name: x, decision: deny, fourEyes: true }] }`)).toThrow(/fourEyes applies to allow and confirm rules/);
    expect(() => parsePolicy(`{ version: 1, rules: [{ name: x, decision: confirm, confirm: maybe }] }`)).toThrow(PolicyError);
  });
});

describe('policy explain', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ispw-explain-')), 'policy.yaml');
  writeFileSync(file, `{ version: 1, default: confirm, rules: [{ name: approvals, match: { operations: [set_approve] }, decision: allow, fourEyes: true }] }`);
  const explain = (tool: string, args: Record<string, unknown>, profile?: string) => {
    const lines: string[] = [];
    const code = policyExplain({ policy: file, tool, args: JSON.stringify(args), profile }, { print: (line) => lines.push(line) });
    return { code, text: lines.join('\n') };
  };

  it('says which confirmation a call needs and why, per profile', () => {
    const deploy = { container_type: 'assignment', container_id: 'PLAY000313', level: 'QA' };
    expect(explain('ispw_deploy', deploy, 'prod')).toMatchObject({
      code: 3,
      text: expect.stringMatching(/confirm: {3}human \(a person answers in the client.*\) — prod profile: deploy needs a person/),
    });
    expect(explain('ispw_deploy', deploy).text).toMatch(/confirm: {3}any \(a person when the client can ask, otherwise a confirmation token\)/);
  });

  it('names four eyes', () => {
    expect(explain('ispw_set_action', { set_id: 'S000238584', action: 'approve', approver: 'MGR01' }).text).toMatch(
      /four eyes: whoever requested the change cannot approve it/,
    );
  });
});

describe('the sealed request state of the 2026 rounds', () => {
  const KEY = 'a-confirmation-key-of-at-least-32-bytes!!';
  const binding = { subject: 'id-alice', tool: 'ispw_generate', args: { container_id: 'PLAY000313', level: 'DEV1' }, state: 'digest-1', rule: 'rule:g' };

  it('opens for the same caller, tool and arguments, at any replica sharing the key, once per replica', async () => {
    const a = createHumanConfirmations({ key: () => KEY, ttlSeconds: 60 });
    const b = createHumanConfirmations({ key: () => KEY, ttlSeconds: 60 });
    const { requestState, id } = await a.seal(binding);
    // Arguments in another order are the same arguments.
    const opened = await b.open(requestState, { ...binding, args: { level: 'DEV1', container_id: 'PLAY000313' } });
    expect(opened).toMatchObject({ id, stateShown: 'digest-1' });
    b.spend(opened.id);
    await expect(b.open(requestState, binding)).rejects.toMatchObject({ failure: 'replayed' });
    // Never carried in clear: the subject is a digest, and there is no raw argument value.
    const body = Buffer.from(requestState.split('.')[1]!, 'base64url').toString('utf8');
    expect(body).not.toContain('id-alice');
    expect(body).not.toContain('PLAY000313');
  });

  it('refuses another caller, tool or arguments, a tampered or foreign state, and a rotated key', async () => {
    const a = createHumanConfirmations({ key: () => KEY, ttlSeconds: 60 });
    const { requestState } = await a.seal(binding);
    await expect(a.open(requestState, { ...binding, subject: 'id-carol' })).rejects.toMatchObject({ failure: 'caller' });
    await expect(a.open(requestState, { ...binding, tool: 'ispw_promote' })).rejects.toMatchObject({ failure: 'tool' });
    await expect(a.open(requestState, { ...binding, args: { ...binding.args, level: 'DEV2' } })).rejects.toMatchObject({ failure: 'arguments' });
    await expect(a.open(requestState, { ...binding, rule: 'rule:another' })).rejects.toThrow(/policy changed since the question was asked/);
    const [v, body, mac] = requestState.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')), exp: 9_999_999_999 })).toString('base64url');
    await expect(a.open([v, forged, mac].join('.'), binding)).rejects.toMatchObject({ failure: 'invalid' });
    await expect(a.open('not a state', binding)).rejects.toMatchObject({ failure: 'invalid' });
    const other = createHumanConfirmations({ ttlSeconds: 60 }); // its own per-process key
    await expect(other.open(requestState, binding)).rejects.toMatchObject({ failure: 'invalid' });
    let key = KEY;
    const rotating = createHumanConfirmations({ key: () => key, ttlSeconds: 60 });
    const before = await rotating.seal(binding);
    key = 'another-confirmation-key-of-32-bytes-or-more';
    await expect(rotating.open(before.requestState, binding)).rejects.toMatchObject({ failure: 'invalid' });
  });

  it('expires', async () => {
    const a = createHumanConfirmations({ key: () => KEY, ttlSeconds: 1 });
    const { requestState } = await a.seal(binding);
    await new Promise((r) => setTimeout(r, 2_100));
    await expect(a.open(requestState, binding)).rejects.toMatchObject({ failure: 'expired' });
  });

  it('refuses to work with a key file that is too short', async () => {
    const a = createHumanConfirmations({ key: () => 'short', ttlSeconds: 60 });
    await expect(a.seal(binding)).rejects.toThrow(/confirmation key file is missing or shorter than 32 bytes/);
  });
});

describe('reading the answer', () => {
  it('accept counts only with the box ticked; anything else is no', () => {
    expect(readAnswer({ action: 'accept', content: { confirm: true } })).toBe('accept');
    expect(readAnswer({ action: 'accept', content: { confirm: false } })).toBe('decline');
    expect(readAnswer({ action: 'accept', content: { confirm: 'true' } })).toBe('decline');
    expect(readAnswer({ action: 'accept' })).toBe('decline');
    expect(readAnswer({ action: 'decline' })).toBe('decline');
    expect(readAnswer({ action: 'cancel' })).toBe('cancel');
    expect(readAnswer(undefined)).toBe('cancel');
    expect(readAnswer({ action: 'yes please' })).toBe('cancel');
  });
});

describe('four eyes', () => {
  const set = (owner: string | undefined): ContainerFacts => ({ container: { type: 'set', id: 'S000238584' }, owner, tasks: [], taskCount: 0, state: 's' });
  const approve = { operation: 'set_approve' };

  it('refuses the requester, an approval in another name, a shared identity and an unknown owner', () => {
    expect(fourEyesRefusal({ ...approve, cesIdentity: 'user:USER05', approver: 'USER05', container: set('USER05') })).toMatch(/you requested set S000238584/);
    expect(fourEyesRefusal({ ...approve, cesIdentity: 'user:user05', approver: undefined, container: set('USER05') })).toMatch(/you requested/);
    expect(fourEyesRefusal({ ...approve, cesIdentity: 'user:MGR01', approver: 'USER05', container: set('USER05') })).toMatch(/approver must be you \(MGR01\)/);
    expect(fourEyesRefusal({ ...approve, cesIdentity: 'service', approver: 'MGR01', container: set('USER05') })).toMatch(/needs per-user CES identities/);
    expect(fourEyesRefusal({ ...approve, cesIdentity: 'user:MGR01', approver: 'MGR01', container: set(undefined) })).toMatch(/did not say who requested/);
  });

  it('lets another person approve, and is about approvals only', () => {
    expect(fourEyesRefusal({ ...approve, cesIdentity: 'user:MGR01', approver: 'mgr01', container: set('USER05') })).toBeUndefined();
    expect(fourEyesRefusal({ operation: 'set_hold', cesIdentity: 'service', approver: undefined, container: undefined })).toBeUndefined();
  });
});
