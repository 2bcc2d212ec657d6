/**
 * Typed claim settings (issue 16): `defineClaim` infers the setting's type from the claim's
 * own `setting`, so `run` and `resources` read it without casts. The type checks below are
 * real checks: `npm test` runs `tsc --noEmit` over test/ first, and each `@ts-expect-error`
 * fails the build if the line it marks ever stops being an error.
 */
import { describe, expect, it } from 'vitest';
import { type AnyClaimDefinition, defineClaim, resolvedSetting, settingRecord } from '../../src/runner/define';
import { rngFor } from '../../src/random';

const base = {
  paper: 'toy', source: 'none', title: 'typed setting', statement: 's', expectation: 'e',
  sweep: { variable: 'n' as const, values: { smoke: [1, 2, 4, 8], standard: [1, 2, 4, 8], paper: [1, 2, 4, 8] }, trials: { smoke: 3, standard: 3, paper: 3 } },
  observables: { a: { label: 'a' } },
  predictions: [{ kind: 'bounded' as const, observable: 'a' }],
};

describe('typed claim settings', () => {
  const claim = defineClaim({
    ...base,
    id: 'TY1',
    setting: { gamma: 0.5, kind: 'single' as const, sizes: [1, 2, 3] },
    tierSetting: { smoke: { gamma: 0.25 } },
    resources: (x, s) => ({ work: x * s.gamma * s.sizes.length }),
    run: ({ x, setting }) => {
      // Typed reads: a number, a literal union and an array, no casts.
      const g: number = setting.gamma;
      const k: 'single' = setting.kind;
      const total: number = setting.sizes.reduce((a, b) => a + b, 0);
      // @ts-expect-error: a field the setting does not have is a type error, not `unknown`
      void setting.missing;
      return { values: { a: x * g + total + (k === 'single' ? 0 : 1) } };
    },
  });

  it('run and resources see the resolved setting with its own type', async () => {
    const s = resolvedSetting(claim, 'smoke');
    expect(s.gamma).toBe(0.25);
    expect(s.sizes).toEqual([1, 2, 3]);
    const out = await claim.run({ claimId: 'TY1', tier: 'smoke', x: 4, trial: 0, setting: s, rng: rngFor(1, 'TY1'), keepDetail: false });
    expect(out.values.a).toBe(4 * 0.25 + 6);
    expect(claim.resources!(8, s).work).toBe(8 * 0.25 * 3);
  });

  it('a claim of any setting type registers as a plain one; the runner reads a plain record', () => {
    const registered: AnyClaimDefinition = claim;
    expect(settingRecord(registered, 'standard')).toEqual({ gamma: 0.5, kind: 'single', sizes: [1, 2, 3] });
  });

  it('tier overrides and a swept constant must name fields of the setting (type errors)', () => {
    const bad = () =>
      defineClaim({
        ...base,
        id: 'TY2',
        setting: { gamma: 0.5 },
        // @ts-expect-error: 'gama' is not a field of the setting
        tierSetting: { smoke: { gama: 0.25 } },
        run: () => ({ values: { a: 1 } }),
      });
    expect(bad).not.toThrow();
    const badConstant = () =>
      defineClaim({
        ...base,
        id: 'TY3',
        setting: { gamma: 1 },
        // @ts-expect-error: the swept constant's key must be a field of the setting
        constant: { key: 'c', symbol: 'c', label: 'c', favours: 'larger', values: { smoke: [1, 4] } },
        run: () => ({ values: { a: 1 } }),
      });
    // At run time the first value must be the setting's: setting.c is undefined, so it is rejected.
    expect(badConstant).toThrow(/constant 'c' at tier smoke: the first value \(1\) must be the one setting\.c holds \(undefined\)/);
  });
});
