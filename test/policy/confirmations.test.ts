// Confirmation tokens: bound to caller, tool, canonical arguments and CES state; expiring;
// single use per replica; forgeries (other key, altered payload, alg none) refused; a shared key
// lets another replica (another issuer instance) redeem.
import { describe, expect, it } from 'vitest';

import { ConfirmationError, createConfirmations } from '../../src/policy/confirmations.js';

const KEY = 'k'.repeat(40);
const binding = {
  subject: 'alice',
  tool: 'ispw_promote',
  args: { container_id: 'PLAY000313', level: 'STG', srid: 'CW09' },
  state: 'digest-1',
  rule: 'rule:prd',
};
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    if (error instanceof ConfirmationError) return error.failure;
    throw error;
  }
  return 'accepted';
};

describe('confirmation tokens', () => {
  it('are redeemed once, at another replica sharing the key', async () => {
    const a = createConfirmations({ key: () => KEY, ttlSeconds: 60 });
    const b = createConfirmations({ key: () => KEY, ttlSeconds: 60 });
    const { token, expiresAt } = await a.issue(binding);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    // Argument order does not matter: the binding is canonical.
    await b.redeem(token, { ...binding, args: { srid: 'CW09', level: 'STG', container_id: 'PLAY000313' } });
    expect(await failure(b.redeem(token, binding))).toBe('replayed');
    // At the first replica the state it was bound to has changed once the operation ran.
    expect(await failure(a.redeem(token, { ...binding, state: 'digest-2' }))).toBe('state');
  });

  it('refuse other callers, tools, arguments and state', async () => {
    const c = createConfirmations({ key: () => KEY, ttlSeconds: 60 });
    const { token } = await c.issue(binding);
    expect(await failure(c.redeem(token, { ...binding, subject: 'mallory' }))).toBe('caller');
    expect(await failure(c.redeem(token, { ...binding, tool: 'ispw_deploy' }))).toBe('tool');
    expect(await failure(c.redeem(token, { ...binding, args: { ...binding.args, level: 'PRD' } }))).toBe('arguments');
    expect(await failure(c.redeem(token, { ...binding, args: { ...binding.args, extra: true } }))).toBe('arguments');
    expect(await failure(c.redeem(token, { ...binding, state: 'other' }))).toBe('state');
    // None of the refusals spent it.
    expect(await failure(c.redeem(token, binding))).toBe('accepted');
  });

  it('expire', async () => {
    let now = Date.now();
    const c = createConfirmations({ key: () => KEY, ttlSeconds: 30, now: () => now });
    const { token } = await c.issue(binding);
    now += 31_000;
    expect(await failure(c.redeem(token, binding))).toBe('expired');
  });

  it('cannot be forged', async () => {
    const real = createConfirmations({ key: () => KEY, ttlSeconds: 60 });
    const other = createConfirmations({ key: () => 'x'.repeat(40), ttlSeconds: 60 });
    const local = createConfirmations({ ttlSeconds: 60 }); // random per-process key
    const { token } = await other.issue(binding);
    expect(await failure(real.redeem(token, binding))).toBe('invalid');
    expect(await failure(real.redeem((await local.issue(binding)).token, binding))).toBe('invalid');
    // Altering the payload (another level's digest) breaks the signature.
    const good = (await real.issue(binding)).token;
    const [h, p, s] = good.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'mallory' })).toString('base64url')}.${s}`;
    expect(await failure(real.redeem(altered, { ...binding, subject: 'mallory' }))).toBe('invalid');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'ispw-confirm+jwt' })).toString('base64url')}.${p}.`;
    expect(await failure(real.redeem(none, binding))).toBe('invalid');
    expect(await failure(real.redeem('garbage', binding))).toBe('invalid');
  });

  it('refuse to work with a short or missing shared key', async () => {
    const c = createConfirmations({ key: () => 'short', ttlSeconds: 60 });
    expect(await failure(c.issue(binding))).toBe('invalid');
  });
});
