import { it, expect } from 'vitest';
import { startTestApp } from '../test/helpers/app.ts';
it('malformed path', async () => {
  const app = await startTestApp();
  const res = await fetch(`${app.url}/%zz`);
  console.log('STATUS', res.status, await res.text());
  await app.stop();
});
