import { describe } from 'vitest';
import { smokeTests } from './smoke';

describe('claims of Hu et al. (H), smoke tier', async () => {
  await smokeTests('H');
});
