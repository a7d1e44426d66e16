import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_DESCRIPTIONS } from './error-docs.ts';

test('each documented error reads as the comment on its code in core/errors.ts', () => {
  const source = readFileSync(new URL('../../core/errors.ts', import.meta.url), 'utf8');
  const comments = new Map(
    [...source.matchAll(/\/\*\*\s*([^*]*?)\s*\*\/\s*\n\s*([A-Z_]+):/g)].map((m) => [
      m[2],
      (m[1] ?? '').replace(/\s+/g, ' '),
    ]),
  );
  for (const [code, description] of Object.entries(ERROR_DESCRIPTIONS))
    assert.equal(description, comments.get(code), code);
});
