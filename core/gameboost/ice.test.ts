import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { iceServersFor, iceServerStrings } from './ice.ts';

test('TURN credentials expire and verify with the shared secret', () => {
  const config = {
    stunUrls: ['stun:stun.example:3478'],
    turnUrls: ['turn:turn.example:3478'],
    turnSecret: 's3cret',
    turnTtlSeconds: 600,
  };
  const [stun, turn] = iceServersFor(config, 'session-1', 1_000_000_000_000);
  assert.deepEqual(stun, { urls: ['stun:stun.example:3478'] });
  assert.equal(turn?.username, '1000000600:session-1');
  assert.equal(turn?.credential, createHmac('sha1', 's3cret').update('1000000600:session-1').digest('base64'));
  assert.deepEqual(iceServersFor({ ...config, turnSecret: undefined }, 'x').length, 1, 'no TURN without its secret');
  assert.match(iceServerStrings([turn])[0] ?? '', /^turn:1000000600%3Asession-1:[^@]+@turn\.example:3478$/);
});
