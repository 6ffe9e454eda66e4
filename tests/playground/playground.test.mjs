// The playground page (GET / of the HTTP port) in Debian's headless Chromium,
// against a running activation-server. Every expected value is the same
// server's own answer to a JSON infer call made here, compared with what the
// page plotted and showed.
//   PLAYGROUND_URL  the page, e.g. http://127.0.0.1:8000/ (required)
//   ARTIFACTS_DIR   where the screenshots go (default: artifacts/ here)
//   CHROMIUM        the browser (default: /usr/bin/chromium)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const pageUrl = process.env.PLAYGROUND_URL;
if (!pageUrl) throw new Error('set PLAYGROUND_URL to the page, e.g. http://127.0.0.1:8000/');
const origin = new URL(pageUrl).origin;
const artifacts = process.env.ARTIFACTS_DIR || join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

// The server's JSON answer to f and f' of `xs` (numbers holding floats).
async function serverInfer(model, parameters, xs, shape = [xs.length]) {
  const response = await fetch(`${origin}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      parameters,
      inputs: [{ name: 'x', datatype: 'FP32', shape, data: xs }],
      outputs: [{ name: 'y' }, { name: 'grad_input' }],
    }),
  });
  const body = await response.json();
  if (response.status !== 200) return { status: response.status, error: body.error };
  const [y, grad] = body.outputs;
  assert.equal(y.name, 'y');
  assert.equal(grad.name, 'grad_input');
  return { status: 200, y: y.data, grad: grad.data };
}

// A value the page wrote with String(float) against the server's JSON value
// (null for NaN and infinities, which JSON cannot carry).
function assertSameFloat(shown, expected, what) {
  const value = Number(shown);
  if (expected === null) assert.ok(!Number.isFinite(value), `${what}: ${shown}, want a non-finite value`);
  else assert.equal(value, expected, `${what}: ${shown}, want ${expected}`);
}

// The page's shortest text for a float: it must read back to that float.
function assertShows(text, expected, what) {
  assert.equal(Math.fround(Number(text)), Math.fround(expected), `${what}: shows ${text}, want ${expected}`);
}

// The infer request the page made: its JSON header and x, from the binary body.
function decodeInfer(request) {
  const body = request.postDataBuffer();
  const length = Number(request.headers()['inference-header-content-length']);
  const header = JSON.parse(body.subarray(0, length).toString('utf8'));
  const x = [];
  for (let offset = length; offset < body.length; offset += 4) x.push(body.readFloatLE(offset));
  return { model: decodeURIComponent(new URL(request.url()).pathname.split('/')[3]), header, x };
}

describe('playground page', () => {
  let context;
  let page;
  let profile;
  let catalogue;
  const requests = [];
  const consoleErrors = [];
  const pageErrors = [];

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    catalogue = (await (await fetch(`${origin}/playground/catalogue.json`)).json()).activations;
    // A fresh profile, and no way to resolve any name: nothing but the
    // server's loopback address is reachable even if the page tried.
    profile = await mkdtemp(join(tmpdir(), 'playground-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${new URL(pageUrl).hostname}`],
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.on('request', (request) => requests.push(request));
    page = context.pages()[0] || (await context.newPage());
    page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(pageUrl);
  });

  after(async () => {
    if (context) await context.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  // Waits until the plot shows `model` with exactly `parameters` (as typed).
  async function plotOf(model, parameters, state = 'ready') {
    const svg = page.locator('#plot');
    await page.waitForFunction(([m, p, s]) => {
      const d = document.getElementById('plot').dataset;
      return d.model === m && d.parameters === p && d.state === s;
    }, [model, JSON.stringify(parameters), state]);
    return svg;
  }

  // The plotted x, and each series' values and drawn points.
  async function plottedData() {
    return page.evaluate(() => {
      const svg = document.getElementById('plot');
      const series = {};
      for (const path of svg.querySelectorAll('path.curve')) {
        series[path.dataset.series] = { values: path.dataset.values.split(' '), d: path.getAttribute('d') };
      }
      const d = svg.dataset;
      const scale = Object.fromEntries(['x0', 'x1', 'y0', 'y1', 'left', 'top', 'width', 'height'].map((k) => [k, Number(d[k])]));
      return { x: d.x.split(' ').map(Number), series, scale };
    });
  }

  // Each series equals the server's answer, and its line is drawn through
  // exactly those values on the plot's axes.
  function checkSeries(plotted, name, expected, label) {
    const series = plotted.series[name];
    assert.ok(series, `${label}: no curve '${name}' on the plot`);
    assert.equal(series.values.length, expected.length, `${label}: number of plotted values`);
    expected.forEach((want, i) => assertSameFloat(series.values[i], want, `${label} at x = ${plotted.x[i]}`));
    const { x0, x1, y0, y1, left, top, width, height } = plotted.scale;
    const points = [...series.d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const wanted = [];
    expected.forEach((y, i) => {
      if (y !== null) wanted.push([left + ((plotted.x[i] - x0) / (x1 - x0)) * width, top + ((y1 - y) / (y1 - y0)) * height]);
    });
    assert.equal(points.length, wanted.length, `${label}: points drawn`);
    points.forEach(([px, py], i) => {
      assert.ok(Math.abs(px - wanted[i][0]) < 1e-3 && Math.abs(py - wanted[i][1]) < 1e-3,
        `${label}: point ${i} drawn at (${px}, ${py}), want (${wanted[i][0]}, ${wanted[i][1]})`);
      assert.ok(py >= top - 1e-3 && py <= top + height + 1e-3, `${label}: point ${i} outside the plot`);
    });
  }

  it('lists the whole catalogue with formulas, parameters and accuracy', async () => {
    await page.locator('#catalogue tbody tr').first().waitFor();
    const rows = await page.locator('#catalogue tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      name: tr.dataset.name,
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      aliases: tr.querySelector('.alias')?.textContent || '',
    })));
    assert.ok(catalogue.length >= 25, `the server lists ${catalogue.length} activations`);
    assert.deepEqual(rows.map((r) => r.name), catalogue.map((a) => a.name));
    catalogue.forEach((a, i) => {
      const [formula, derivative, parameters, accuracy] = rows[i].cells;
      assert.equal(formula, a.formula, a.name);
      assert.equal(derivative, a.derivative_formula, a.name);
      for (const p of a.parameters) assert.ok(parameters.includes(`${p.name} `) && parameters.includes(p.range), `${a.name}: ${p.name}`);
      if (!a.parameters.length) assert.equal(parameters, 'none');
      assert.equal(accuracy, `${a.accuracy.forward_max_ulp} / ${a.accuracy.derivative_max_ulp}`, a.name);
      for (const alias of a.aliases) assert.ok(rows[i].aliases.includes(alias), `${a.name}: alias ${alias}`);
    });
    const options = await page.locator('#activation option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(options, catalogue.map((a) => a.name));
  });

  it('plots gelu with approximate=1: f and f\' are the server\'s answers', async () => {
    await page.selectOption('#activation', 'gelu');
    const field = page.getByLabel('approximate', { exact: true });
    await field.fill('1');
    await plotOf('gelu', { approximate: '1' });
    const plotted = await plottedData();
    assert.equal(plotted.x.length, 3001);
    assert.equal(plotted.x[0], -6);
    assert.equal(plotted.x.at(-1), 6);
    for (let i = 1; i < plotted.x.length; ++i) assert.ok(plotted.x[i] > plotted.x[i - 1], 'x increases');
    const want = await serverInfer('gelu', { approximate: 1 }, plotted.x);
    assert.equal(want.status, 200);
    checkSeries(plotted, 'f', want.y, "gelu f");
    checkSeries(plotted, 'df', want.grad, "gelu f'");
    // The parameter reached the server: the exact form differs.
    const exact = await serverInfer('gelu', {}, plotted.x);
    assert.ok(exact.y.some((y, i) => y !== want.y[i]), 'approximate=1 changes f');
    // One infer call, with those x and the parameter as typed.
    const calls = requests.filter((r) => r.method() === 'POST' && r.url() === `${origin}/v2/models/gelu/infer`);
    const last = decodeInfer(calls.at(-1));
    assert.deepEqual(last.header.parameters, { approximate: '1', binary_data_output: true });
    assert.deepEqual(last.header.outputs.map((o) => o.name), ['y', 'grad_input']);
    assert.deepEqual(last.x, plotted.x);
    // The legend names both curves.
    assert.deepEqual(await page.locator('#legend li').allTextContents(), ['gelu f(x)', "gelu f'(x)"]);
  });

  it('shows the server\'s message for an invalid parameter', async () => {
    const field = page.getByLabel('approximate', { exact: true });
    for (const typed of ['2', 'abc']) {
      await field.fill(typed);
      await plotOf('gelu', { approximate: typed }, 'error');
      const want = await serverInfer('gelu', { approximate: typed }, [0]);
      assert.equal(want.status, 400);
      assert.equal(await page.locator('#activation-error').textContent(), want.error);
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#activation-error').getAttribute('role'), 'alert');
    }
    await field.fill('1');
    await plotOf('gelu', { approximate: '1' });
    assert.equal(await page.locator('#activation-error').textContent(), '');
  });

  it('draws a second activation to compare', async () => {
    await page.selectOption('#compare', 'tanh');
    await page.waitForFunction(() => document.getElementById('plot').dataset.compare === 'tanh' &&
      document.getElementById('plot').dataset.state === 'ready');
    const plotted = await plottedData();
    const want = await serverInfer('tanh', {}, plotted.x);
    checkSeries(plotted, 'g', want.y, 'tanh f');
    checkSeries(plotted, 'dg', want.grad, "tanh f'");
    assert.deepEqual(await page.locator('#legend li').allTextContents(),
      ['gelu f(x)', "gelu f'(x)", 'tanh f(x)', "tanh f'(x)"]);
  });

  it('reads out x, f(x), f\'(x) under the pointer and from the keyboard', async () => {
    const plotted = await plottedData();
    const want = await serverInfer('gelu', { approximate: 1 }, plotted.x);
    const readout = page.locator('#readout');
    const check = async (i) => {
      const text = await readout.textContent();
      assert.equal(await readout.locator('span').count(), 5, text);
      const numbers = [...text.matchAll(/= (\S+)/g)].map((m) => m[1]);
      assertShows(numbers[0], plotted.x[i], 'readout x');
      assertShows(numbers[1], want.y[i], 'readout f(x)');
      assertShows(numbers[2], want.grad[i], "readout f'(x)");
    };
    await page.locator('#plot').focus();
    await page.keyboard.press('Home');
    await check(0);
    await page.keyboard.press('ArrowRight');
    await check(1);
    await page.keyboard.press('End');
    await check(plotted.x.length - 1);
    // The pointer in the middle of the plot area: x near 0.
    const box = await page.locator('#plot').boundingBox();
    const { left, width } = plotted.scale;
    const view = await page.locator('#plot').evaluate((svg) => svg.viewBox.baseVal.width);
    await page.mouse.move(box.x + ((left + width / 2) / view) * box.width, box.y + box.height / 2);
    const text = await readout.textContent();
    assert.ok(Math.abs(Number(/x = (\S+)/.exec(text)[1])) < 0.01, text);
    await page.keyboard.press('Home');
    await page.locator('#plot').focus();
    for (let i = 0; i < 6; ++i) await page.keyboard.press('Shift+ArrowRight');  // x = 1.2, for the screenshot
    await page.screenshot({ path: join(artifacts, 'playground.png') });
  });

  it('computes pasted numbers and a dropped .npy, with a download', async () => {
    const xs = [-3, -1, 0, 0.5, 2, 1e-7];
    await page.fill('#numbers', xs.join(', '));
    await page.click('#compute');
    await page.locator('#results tbody tr').first().waitFor();
    const want = await serverInfer('gelu', { approximate: 1 }, xs);
    const rows = await page.locator('#results tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.equal(rows.length, xs.length);
    rows.forEach(([x, y, d], i) => {
      assertShows(x, xs[i], 'x');
      assertShows(y, want.y[i], `f(${xs[i]})`);
      assertShows(d, want.grad[i], `f'(${xs[i]})`);
    });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const csv = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    assert.equal(csv[0], "x,f(x),f'(x)");
    csv.slice(1).forEach((line, i) => {
      const [x, y, d] = line.split(',');
      assertShows(x, xs[i], 'csv x');
      assertShows(y, want.y[i], 'csv f(x)');
      assertShows(d, want.grad[i], "csv f'(x)");
    });

    // A 2x3 float32 .npy: its shape goes to the server (softmax works along rows).
    await page.selectOption('#activation', 'softmax');
    const values = [1, 2, 3, -1, 0, 4];
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const padded = header.padEnd(118, ' ') + '\n';
    const npy = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]),
      Buffer.from(padded, 'latin1'), Buffer.from(new Float32Array(values).buffer)]);
    await page.setInputFiles('#file', { name: 'x.npy', mimeType: 'application/octet-stream', buffer: npy });
    await page.waitForFunction(() => /^softmax of 6/.test(document.getElementById('results-caption').textContent));
    const rowWise = await serverInfer('softmax', {}, values, [2, 3]);
    const shown = await page.locator('#results tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    shown.forEach(([x, y, d], i) => {
      assertShows(x, values[i], 'npy x');
      assertShows(y, rowWise.y[i], `softmax row-wise f at ${i}`);
      assertShows(d, rowWise.grad[i], `softmax row-wise f' at ${i}`);
    });
    const calls = requests.filter((r) => r.method() === 'POST' && r.url() === `${origin}/v2/models/softmax/infer`);
    assert.deepEqual(decodeInfer(calls.at(-1)).header.inputs[0].shape, [2, 3]);
    await page.screenshot({ path: join(artifacts, 'playground-full.png'), fullPage: true });
  });

  it('labels every field', async () => {
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((control) => !control.labels || control.labels.length === 0 || control.labels[0].textContent.trim() === '')
      .map((control) => control.id));
    assert.deepEqual(unlabelled, []);
  });

  it('is readable at phone width', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(pageUrl);
    await phone.waitForFunction(() => document.getElementById('plot').dataset.state === 'ready');
    const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(widths[0] <= widths[1], `page is ${widths[0]} px wide in a ${widths[1]} px window`);
    const plot = await phone.locator('#plot').boundingBox();
    assert.ok(plot.width >= 300 && plot.x >= 0 && plot.x + plot.width <= 390, `plot at ${JSON.stringify(plot)}`);
    await phone.screenshot({ path: join(artifacts, 'playground-phone.png'), fullPage: true });
    await phone.close();
  });

  it('asks nothing of anyone but the server', () => {
    assert.ok(requests.length > 0);
    const elsewhere = requests.map((r) => r.url()).filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
    assert.deepEqual(elsewhere, []);
    const paths = new Set(requests.map((r) => new URL(r.url()).pathname));
    for (const path of ['/', '/playground/playground.css', '/playground/playground.js', '/playground/catalogue.json']) {
      assert.ok(paths.has(path), `the page loaded ${path}`);
    }
    assert.deepEqual(pageErrors, []);
    // The browser logs each 400 answer (the invalid parameters), and would log
    // anything the page's policy refused to load; only the former may be here.
    assert.deepEqual(consoleErrors.filter((m) => !/status of 400/.test(m)), []);
  });
});
