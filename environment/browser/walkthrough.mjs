// The walkthrough notebook as a person uses it: JupyterLab in Chromium, the notebook opened from the file browser,
// Run > Run All Cells, then a look at what the page shows. environment/browser-test.sh starts JupyterLab and runs this.
//
// usage: node walkthrough.mjs BASE_URL TOKEN OUT_DIR      (BASE_URL like http://127.0.0.1:8890)
// Exit 0 when every check passes; otherwise 1 with the failed checks on stderr. Screenshots go to OUT_DIR.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, token, out] = process.argv.slice(2);
if (!base || !token || !out) {
  console.error('usage: node walkthrough.mjs BASE_URL TOKEN OUT_DIR');
  process.exit(2);
}
const NOTEBOOK = '01-walkthrough.ipynb';
// The copy of the notebook the server shows: how many code cells the page must end up with.
const codeCells = JSON.parse(readFileSync(join(out, 'notebooks', NOTEBOOK), 'utf8'))
  .cells.filter((c) => c.cell_type === 'code').length;
const RUN_LIMIT_MS = 20 * 60 * 1000; // the notebook runs a small study: about 2-4 minutes on 2 busy cores

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const log = (line) => console.log(`[${seconds()} s] ${line}`);
const failures = [];
const check = (ok, what) => {
  log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const profile = mkdtempSync(join(tmpdir(), 'segattr-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-quic', '--no-first-run'],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  // JupyterLab's debugger panel asks a kernel without a debugger for a session; the rest is worth a line.
  page.on('pageerror', (e) => { if (!/No active debugger session/.test(e.message)) log(`page error: ${e.message}`); });

  // 1. The front end lists the notebooks.
  await page.goto(`${base}/lab?token=${token}`);
  const entry = page.locator('.jp-DirListing-item', { hasText: NOTEBOOK });
  await entry.waitFor({ timeout: 120_000 });
  check(await entry.isVisible(), `the file browser lists ${NOTEBOOK}`);
  await page.screenshot({ path: join(out, '1-file-browser.png') });

  // 2. Open it, as a person does: a double click.
  await entry.dblclick();
  const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  await panel.locator('.jp-Cell').first().waitFor({ timeout: 60_000 });
  // The status bar names the notebook's kernel ("Java (segattr) | ..."; JupyterLab shows "Unknown" as its state
  // until the kernel's first reply to one of its own requests, so the state is checked after the run).
  const status = page.locator('.jp-StatusBar-Widget', { hasText: /Java \(segattr\)/ }).first();
  await status.waitFor({ timeout: 120_000 });
  check(true, `the notebook opens on segattr's kernel ("${(await status.innerText()).split('\n')[1] ?? ''}")`);
  await page.waitForFunction((n) => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell').length === n,
    codeCells, { timeout: 60_000 });
  log(`${codeCells} code cells on the page`);

  // 3. Edit > Clear Outputs of All Cells (so every output and count seen below is this run's), then Run > Run All Cells.
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Edit$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Clear Outputs of All Cells$/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output').length === 0,
    null, { timeout: 30_000 });
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
  const runStart = Date.now();
  // Done when every code cell shows an execution count ("[12]:", not "[*]:" or "[ ]:") and the kernel is idle.
  await page.waitForFunction((n) => {
    const root = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const prompts = [...root.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map((p) => p.textContent.trim());
    const indicator = root.querySelector('.jp-Notebook-ExecutionIndicator');
    return prompts.length === n && prompts.every((p) => /^\[\d+\]:$/.test(p))
      && (!indicator || indicator.getAttribute('data-status') === 'idle');
  }, codeCells, { timeout: RUN_LIMIT_MS, polling: 1000 });
  log(`all ${codeCells} cells ran in ${((Date.now() - runStart) / 1000).toFixed(1)} s`);
  check(/Java \(segattr\) \| Idle/.test(await status.innerText()), `the kernel is idle after the run ("${(await status.innerText()).split('\n')[1] ?? ''}")`);

  // 4. What a person sees.
  const outputs = panel.locator('.jp-OutputArea-output');
  const errors = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
  const errorTexts = await errors.allInnerTexts();
  check(errorTexts.length === 0, `no error output${errorTexts.length ? ': ' + errorTexts.map((t) => t.slice(0, 300)).join(' | ') : ''}`);
  check(await outputs.count() >= codeCells / 2, `outputs shown (${await outputs.count()})`);

  // The heat map of the study's trace: tokens coloured, segments boxed (solid: selected, dashed: not).
  const boxes = panel.locator('.jp-OutputArea-output span[style*="border:1px solid"], .jp-OutputArea-output span[style*="border:1px dashed"]');
  const boxCount = await boxes.count();
  check(boxCount >= 2, `the heat map's segment boxes (${boxCount})`);
  if (boxCount > 0) {
    const first = boxes.first();
    await first.scrollIntoViewIfNeeded();
    const box = await first.boundingBox();
    check(box !== null && box.width > 0 && box.height > 0, 'a segment box is on screen with a size');
    const border = await first.evaluate((e) => getComputedStyle(e).borderTopStyle);
    check(border === 'solid' || border === 'dashed', `the box has a border (${border})`);
    const heatMap = first.locator('xpath=ancestor::div[contains(@class,"jp-OutputArea-output")][1]');
    await heatMap.screenshot({ path: join(out, '2-heat-map.png') });
  }

  // The attribution's default display: one row per segment, a row opens to its tokens.
  const rows = panel.locator('details.sgv-row');
  const rowCount = await rows.count();
  check(rowCount >= 2, `the segment view's rows (${rowCount})`);
  if (rowCount > 0) {
    const row = rows.first();
    await row.locator('summary').scrollIntoViewIfNeeded();
    const tokensHidden = !(await row.locator('.hm').isVisible());
    await row.locator('summary').click();
    const opened = await row.locator('.hm').isVisible();
    check(tokensHidden && opened, 'a row opens to its heat map on a click');
    const coloured = await row.locator('.hm i').count();
    check(coloured > 0, `its tokens are coloured (${coloured})`);
    await row.locator('xpath=ancestor::div[contains(@class,"jp-OutputArea-output")][1]').screenshot({ path: join(out, '3-segment-view.png') });
  }

  // A rendered table (the segment table, the summaries).
  const tables = panel.locator('.jp-OutputArea-output table');
  const tableCount = await tables.count();
  check(tableCount >= 1, `rendered tables (${tableCount})`);
  if (tableCount > 0) {
    const table = tables.first();
    await table.scrollIntoViewIfNeeded();
    const bodyRows = await table.locator('tr').count();
    check(bodyRows >= 2 && await table.isVisible(), `a table with rows on screen (${bodyRows} rows)`);
    await table.screenshot({ path: join(out, '4-table.png') });
  }

  // A chart image that the browser decoded.
  const images = panel.locator('.jp-OutputArea-output img');
  const imageCount = await images.count();
  check(imageCount >= 1, `chart images (${imageCount})`);
  if (imageCount > 0) {
    const img = images.first();
    await img.scrollIntoViewIfNeeded();
    const size = await img.evaluate((e) => [e.complete, e.naturalWidth, e.naturalHeight]);
    check(size[0] && size[1] > 100 && size[2] > 100, `the first chart is a decoded image of ${size[1]} x ${size[2]} pixels`);
    await img.screenshot({ path: join(out, '5-chart.png') });
  }
  await page.screenshot({ path: join(out, '6-notebook.png') });
  writeFileSync(join(out, 'result.json'), JSON.stringify({ seconds: Number(seconds()), codeCells, failures }, null, 2));
} catch (e) {
  failures.push(String(e.message ?? e).split('\n')[0]);
  log(`FAIL ${failures.at(-1)}`);
  try {
    await context.pages()[0]?.screenshot({ path: join(out, 'failure.png') });
  } catch (ignored) {
    // the browser is gone: nothing to show
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
log(failures.length ? `${failures.length} check(s) failed` : 'every check passed');
process.exit(failures.length ? 1 : 0);
