import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDestination } from './destination.ts';

test('destinations are checked per kind, with their checksums', () => {
  assert.deepEqual(parseDestination('usdt_trc20', ' TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE '), {
    ok: true,
    value: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE',
  });
  assert.equal(parseDestination('usdt_trc20', '0x52908400098527886E0F7030069857D2E4169EE7').ok, false);
  assert.equal(parseDestination('usdt_erc20', '0x52908400098527886E0F7030069857D2E4169EE7').ok, true);
  assert.deepEqual(parseDestination('card', '4242 4242 4242 4242'), { ok: true, value: '4242424242424242' });
  assert.equal(parseDestination('card', '4242 4242 4242 4241').ok, false);
  assert.deepEqual(parseDestination('iban', 'de89 3704 0044 0532 0130 00'), {
    ok: true,
    value: 'DE89370400440532013000',
  });
  assert.equal(parseDestination('iban', 'DE89370400440532013001').ok, false);
  assert.equal(parseDestination('paypal', 'Someone@Example.com').ok, true);
  assert.equal(parseDestination('paypal', 'not an email').ok, false);
  assert.equal(parseDestination('other', 'abc').ok, false);
});
