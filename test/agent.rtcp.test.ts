import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BitrateController, ntpMiddle, parseRtcp } from '../agent/rtcp.ts';

const header = (count: number, type: number, words: number) =>
  Buffer.from([0x80 | count, type, (words >> 8) & 0xff, words & 0xff]);

function receiverReport(fractionLost: number, jitter: number, lastSr: number, delaySinceSr: number): Buffer {
  const body = Buffer.alloc(28);
  body.writeUInt32BE(0x1234, 0); // the viewer's SSRC
  body.writeUInt32BE(42, 4); // the stream's SSRC
  body[8] = Math.round(fractionLost * 256);
  body.writeUInt32BE(jitter, 16);
  body.writeUInt32BE(lastSr, 20);
  body.writeUInt32BE(delaySinceSr, 24);
  return Buffer.concat([header(1, 201, 7), body]);
}

const feedback = (type: 205 | 206, fmt: number, extra = Buffer.alloc(0)) =>
  Buffer.concat([header(fmt, type, 2 + extra.length / 4), Buffer.alloc(8), extra]);

function remb(bps: number): Buffer {
  let exponent = 0;
  while (bps >= 2 ** 18) {
    bps = Math.floor(bps / 2);
    exponent += 1;
  }
  const body = Buffer.alloc(12);
  body.write('REMB', 0, 'latin1');
  body[4] = 1;
  body[5] = (exponent << 2) | (bps >> 16);
  body.writeUInt16BE(bps & 0xffff, 6);
  body.writeUInt32BE(42, 8);
  return Buffer.concat([header(15, 206, 4), Buffer.alloc(8), body]);
}

test('a compound packet: receiver report with a round trip, PLI, FIR, NACKs and REMB', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  // The sender report left 40 ms ago; the viewer held it 15 ms: the round trip is 25 ms.
  const lastSr = ntpMiddle(now - 40);
  const packet = Buffer.concat([
    receiverReport(0.1, 900, lastSr, Math.round(0.015 * 65536)),
    feedback(206, 1),
    feedback(206, 4, Buffer.alloc(8)),
    feedback(205, 1, Buffer.alloc(8)),
    remb(2_500_000),
  ]);
  const read = parseRtcp(packet, now);
  assert.equal(read.keyframeRequests, 2);
  assert.equal(read.nacks, 2);
  assert.ok(Math.abs((read.fractionLost ?? 0) - 0.1) < 0.004);
  assert.equal(read.jitter, 900);
  assert.ok(Math.abs((read.rttMs ?? 0) - 25) < 0.1, String(read.rttMs));
  assert.ok(Math.abs((read.rembBps ?? 0) - 2_500_000) / 2_500_000 < 0.001);
  // Without a sender report yet (LSR 0) there is no round trip.
  assert.equal(parseRtcp(receiverReport(0, 0, 0, 0), now).rttMs, undefined);
});

test('any bytes at all parse without throwing', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const read = parseRtcp(Buffer.from(bytes), Date.now());
      assert.ok(read.keyframeRequests >= 0 && read.nacks >= 0);
    }),
  );
});

test('bitrate: down 30% after two lossy reports, capped by REMB, floored; back up after ten clean seconds', () => {
  const rate = new BitrateController(6000, 0);
  const lossy = { keyframeRequests: 0, nacks: 0, fractionLost: 0.08 };
  const clean = { keyframeRequests: 0, nacks: 0, fractionLost: 0 };
  assert.equal(rate.onReport(lossy, 1000), null, 'one lossy report is noise');
  assert.equal(rate.onReport(lossy, 2000), 4200);
  assert.equal(rate.onReport(lossy, 3000), null);
  assert.equal(rate.onReport({ ...lossy, rembBps: 1_500_000 }, 4000), 1500);
  for (let t = 5000; t < 30_000; t += 1000) rate.onReport(lossy, t);
  assert.equal(rate.current, 1200, 'never below a fifth of the asked bitrate');
  assert.equal(rate.onReport(clean, 35_000), null, 'not clean for ten seconds yet');
  assert.equal(rate.onReport(clean, 40_000), 1380);
  for (let t = 41_000; t < 200_000; t += 1000) rate.onReport(clean, t);
  assert.equal(rate.current, 6000, 'back to the asked bitrate, never above');
});
