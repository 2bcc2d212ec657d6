import { describe } from 'vitest';
import { smokeTests } from './smoke';

describe('claims of Wang et al. (W), smoke tier', async () => {
  await smokeTests('W');
});
