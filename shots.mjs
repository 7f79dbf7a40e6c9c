import { chromium } from 'playwright-core';
const [file, out, w, h, n] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) } });
await page.goto(`file://${file}`);
const total = await page.evaluate('document.documentElement.scrollHeight');
console.log('height', total);
for (let i = 0; i < Number(n); i++) {
  await page.evaluate(`window.scrollTo(0, ${i * Number(h)})`);
  await page.screenshot({ path: `${out}-${i}.png` });
}
await browser.close();
