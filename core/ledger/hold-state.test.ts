import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorCode } from '../errors.ts';
import { holdStatus, RESOLUTION_KIND, transitionHold, type HoldAction } from './hold-state.ts';
import type { HoldStatus } from './types.ts';

type Expected = { ok: HoldStatus } | { error: ErrorCode };

/**
 * The whole table, written out by hand rather than derived: status × action × timedOut. A resolved hold refuses
 * everything with the code of how it was resolved; a pending hold past its timeout can only expire.
 */
const TABLE: [HoldStatus, HoldAction, boolean, Expected][] = [
  ['pending', 'post', false, { ok: 'posted' }],
  ['pending', 'post', true, { error: 'HOLD_EXPIRED' }],
  ['pending', 'void', false, { ok: 'voided' }],
  ['pending', 'void', true, { error: 'HOLD_EXPIRED' }],
  ['pending', 'expire', false, { error: 'HOLD_NOT_YET_EXPIRED' }],
  ['pending', 'expire', true, { ok: 'expired' }],
  ['posted', 'post', false, { error: 'HOLD_ALREADY_POSTED' }],
  ['posted', 'post', true, { error: 'HOLD_ALREADY_POSTED' }],
  ['posted', 'void', false, { error: 'HOLD_ALREADY_POSTED' }],
  ['posted', 'void', true, { error: 'HOLD_ALREADY_POSTED' }],
  ['posted', 'expire', false, { error: 'HOLD_ALREADY_POSTED' }],
  ['posted', 'expire', true, { error: 'HOLD_ALREADY_POSTED' }],
  ['voided', 'post', false, { error: 'HOLD_ALREADY_VOIDED' }],
  ['voided', 'post', true, { error: 'HOLD_ALREADY_VOIDED' }],
  ['voided', 'void', false, { error: 'HOLD_ALREADY_VOIDED' }],
  ['voided', 'void', true, { error: 'HOLD_ALREADY_VOIDED' }],
  ['voided', 'expire', false, { error: 'HOLD_ALREADY_VOIDED' }],
  ['voided', 'expire', true, { error: 'HOLD_ALREADY_VOIDED' }],
  ['expired', 'post', false, { error: 'HOLD_EXPIRED' }],
  ['expired', 'post', true, { error: 'HOLD_EXPIRED' }],
  ['expired', 'void', false, { error: 'HOLD_EXPIRED' }],
  ['expired', 'void', true, { error: 'HOLD_EXPIRED' }],
  ['expired', 'expire', false, { error: 'HOLD_EXPIRED' }],
  ['expired', 'expire', true, { error: 'HOLD_EXPIRED' }],
];

describe('transitionHold', () => {
  test('the table covers every status × action × timedOut once', () => {
    const statuses: HoldStatus[] = ['pending', 'posted', 'voided', 'expired'];
    const actions: HoldAction[] = ['post', 'void', 'expire'];
    const cells = new Set(TABLE.map(([status, action, timedOut]) => `${status}/${action}/${timedOut}`));
    assert.equal(TABLE.length, statuses.length * actions.length * 2);
    assert.equal(cells.size, TABLE.length);
  });

  for (const [status, action, timedOut, expected] of TABLE) {
    const label = 'ok' in expected ? `→ ${expected.ok}` : `fails ${expected.error}`;
    test(`${status} + ${action}${timedOut ? ' after the timeout' : ' before the timeout'} ${label}`, () => {
      const result = transitionHold(status, action, timedOut);
      if ('ok' in expected) assert.deepEqual(result, { ok: true, value: expected.ok });
      else assert.deepEqual(result, { ok: false, error: expected.error });
    });
  }

  test('only pending holds ever leave their status: resolution happens exactly once', () => {
    for (const [status, action, timedOut] of TABLE) {
      const result = transitionHold(status, action, timedOut);
      if (result.ok) assert.equal(status, 'pending');
    }
  });
});

describe('holdStatus', () => {
  test('maps a hold’s one resolution to its status', () => {
    assert.equal(holdStatus(null), 'pending');
    assert.equal(holdStatus('post_pending'), 'posted');
    assert.equal(holdStatus('void_pending'), 'voided');
    assert.equal(holdStatus('expire_pending'), 'expired');
  });

  test('throws on transfer kinds that do not resolve a hold (a bug, not a business failure)', () => {
    assert.throws(() => holdStatus('posted'), /does not resolve a hold/);
    assert.throws(() => holdStatus('pending'), /does not resolve a hold/);
  });

  test('each action writes the resolution kind that maps back to its target status', () => {
    assert.deepEqual(RESOLUTION_KIND, { post: 'post_pending', void: 'void_pending', expire: 'expire_pending' });
    for (const action of ['post', 'void', 'expire'] as const) {
      const result = transitionHold('pending', action, action === 'expire');
      assert.ok(result.ok);
      assert.equal(holdStatus(RESOLUTION_KIND[action]), result.value);
    }
  });
});
