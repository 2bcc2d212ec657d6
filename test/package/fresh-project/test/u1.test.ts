// test/u1.test.ts — the claim as an assertion in your own vitest suite.
import { expect, test } from 'vitest';
import 'ntk-verify/vitest';
import { runClaim } from 'ntk-verify';
import u1 from '../claims/U1-gaussian-frobenius';

test('U1 holds at the smoke tier', async () => {
  const r = await runClaim(u1, { tier: 'smoke' });
  expect(r).toBeConfirmed();
  expect(r).toHaveSlope('fro', 1, 0.05);
  expect(r).not.toHaveSlope('fro', 0.5, 0.1);
});
