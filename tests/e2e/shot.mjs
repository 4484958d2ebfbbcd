// Screenshots of the built page (light, dark, phone width) for a look: node shot.mjs OUTDIR
import { serve, launch, openPage } from './lib.mjs';
import fs from 'node:fs';

const out = process.argv[2] || '/tmp/gmp-shots';
fs.mkdirSync(out, { recursive: true });
const srv = await serve();
const { context: ctx, close } = await launch();
try {
  for (const [name, opts] of [
    ['light', { colorScheme: 'light' }],
    ['dark', { colorScheme: 'dark' }],
    ['phone', { colorScheme: 'light', viewport: { width: 390, height: 844 } }],
  ]) {
    const { page, errors } = await openPage(ctx, srv.url, opts);
    for (let i = 0; i < 23; i++) await page.click('[data-testid=step-forward]');
    await page.click('[data-p="0"] .chip');
    await page.keyboard.press('Tab');
    await page.screenshot({ path: `${out}/${name}.png`, fullPage: name !== 'phone' });
    if (name === 'phone') await page.screenshot({ path: `${out}/${name}-full.png`, fullPage: true });
    console.log(name, errors.length ? errors : 'no errors');
    await page.close();
  }
} finally {
  await close();
  await srv.close();
}
