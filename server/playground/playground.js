// The playground: the catalogue from the server, and f and f' from the
// server's Open Inference Protocol endpoint. Nothing is computed here: every
// value shown or plotted is one the server returned.
'use strict';

const POINTS = 3001;          // samples of one plot: one infer call
const SHOWN_ROWS = 100;       // rows of the results table; the download has all
const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = { left: 64, right: 16, top: 14, bottom: 40 };

const $ = (id) => document.getElementById(id);
let catalogue = [];           // ActivationInfo, as the server lists them
let plotted = null;           // what the plot shows: { xs, series: [{name, cls, label, values}] }
let cursor = -1;              // index into plotted.xs under the readout
let plotTimer = 0;
let plotAbort = null;

// ---- numbers ----

// The shortest decimal that reads back as the same float32: what the server's
// float is, without the digits of its double.
function formatFloat(v) {
  if (v === null || Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Object.is(v, -0)) return '-0';
  for (let digits = 1; digits < 9; ++digits) {
    const text = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(text)) === v) return text;
  }
  return String(v);
}

// A number as the user may type it, with inf and nan; null when it is not one.
function parseNumber(text) {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

// Catalogue bounds come as numbers or, when infinite, "Infinity" / "-Infinity".
const bound = (v) => Number(v);

// ---- the Open Inference Protocol ----

class ServerError extends Error {}

// One POST /v2/models/{model}/infer with x as binary tensor data, both outputs
// asked for as binary data; parameters are sent as typed, so the server
// validates them. Resolves to { y, grad } (Float32Array).
async function infer(model, parameters, xs, shape, signal) {
  const header = new TextEncoder().encode(JSON.stringify({
    parameters: { ...parameters, binary_data_output: true },
    inputs: [{ name: 'x', datatype: 'FP32', shape, parameters: { binary_data_size: xs.length * 4 } }],
    outputs: [{ name: 'y' }, { name: 'grad_input' }],
  }));
  const body = new Uint8Array(header.length + xs.length * 4);
  body.set(header, 0);
  const data = new DataView(body.buffer, header.length);
  for (let i = 0; i < xs.length; ++i) data.setFloat32(i * 4, xs[i], true);
  const response = await fetch(`v2/models/${encodeURIComponent(model)}/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
    body,
    signal,
  });
  const bytes = await response.arrayBuffer();
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try { message = JSON.parse(new TextDecoder().decode(bytes)).error || message; } catch (_) { /* not JSON */ }
    throw new ServerError(message);
  }
  const length = Number(response.headers.get('Inference-Header-Content-Length'));
  const answer = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 0, length)));
  const outputs = {};
  let offset = length;
  for (const output of answer.outputs) {
    const size = output.parameters.binary_data_size;
    const view = new DataView(bytes, offset, size);
    const values = new Float32Array(size / 4);
    for (let i = 0; i < values.length; ++i) values[i] = view.getFloat32(i * 4, true);
    outputs[output.name] = values;
    offset += size;
  }
  return { y: outputs.y, grad: outputs.grad_input };
}

// ---- activation choosers (the main one and the comparison) ----

function findActivation(name) { return catalogue.find((a) => a.name === name) || null; }

function describeParam(p) {
  const text = p.required ? 'required' : `default ${formatFloat(p.default_value)}`;
  return `${text}; valid ${p.range}`;
}

// Shows the activation's formulas and a field per parameter under `prefix`.
function showActivation(prefix, activation) {
  const info = $(`${prefix}-info`);
  const params = $(`${prefix}-params`);
  info.replaceChildren();
  params.replaceChildren();
  $(`${prefix}-error`).textContent = '';
  if (!activation) return;
  const line = (label, text) => {
    const p = document.createElement('p');
    const b = document.createElement('b');
    b.textContent = `${label} `;
    const code = document.createElement('code');
    code.textContent = text;
    p.append(b, code);
    info.append(p);
  };
  const text = (content) => {
    const p = document.createElement('p');
    p.textContent = content;
    info.append(p);
  };
  if (activation.description) text(activation.description);
  line('f(x) =', activation.formula);
  line("f'(x) =", activation.derivative_formula);
  text(`Max error: ${activation.accuracy.forward_max_ulp} ULP (f), ${activation.accuracy.derivative_max_ulp} ULP (f').`);
  if (activation.rowwise) text('Row-wise: the plotted points form one row.');
  if (activation.gradient_note) text(`Gradient: ${activation.gradient_note}`);
  for (const p of activation.parameters) {
    const div = document.createElement('div');
    div.className = 'param';
    const id = `${prefix}-param-${p.name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = p.name;
    const input = document.createElement('input');
    input.type = 'text';
    input.inputMode = 'decimal';
    input.autocomplete = 'off';
    input.id = id;
    input.name = p.name;
    input.dataset.param = p.name;
    input.value = p.required ? '' : formatFloat(p.default_value);
    input.setAttribute('aria-describedby', `${id}-hint ${prefix}-error`);
    input.addEventListener('input', schedulePlot);
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.id = `${id}-hint`;
    hint.textContent = describeParam(p) + (p.description ? ` — ${p.description}` : '');
    div.append(label, input, hint);
    params.append(div);
  }
}

// The parameters as typed: an empty field is left out (the server's default,
// or its message for a required one); anything else goes to the server as is.
function parametersOf(prefix) {
  const parameters = {};
  for (const input of $(`${prefix}-params`).querySelectorAll('input[data-param]')) {
    if (input.value.trim() !== '') parameters[input.dataset.param] = input.value.trim();
  }
  return parameters;
}

function markInvalid(prefix, message) {
  $(`${prefix}-error`).textContent = message;
  for (const input of $(`${prefix}-params`).querySelectorAll('input')) {
    // The server's messages name the parameter: mark the field they name.
    const named = message !== '' && new RegExp(`\\b${input.dataset.param}\\b`).test(message);
    input.setAttribute('aria-invalid', named ? 'true' : 'false');
  }
}

// ---- the plot ----

function el(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (parent) parent.append(node);
  return node;
}

// About `count` round tick values covering [lo, hi].
function ticks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) || 10 * power;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function tickLabel(v) { return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(v); }

function readRange() {
  const from = parseNumber($('x-from').value);
  const to = parseNumber($('x-to').value);
  let message = '';
  if (from === null || !Number.isFinite(from)) message = 'from: enter a finite number';
  else if (to === null || !Number.isFinite(to)) message = 'to: enter a finite number';
  else if (!(Math.fround(from) < Math.fround(to))) message = 'from must be less than to';
  $('range-error').textContent = message;
  $('x-from').setAttribute('aria-invalid', String(message.startsWith('from')));
  $('x-to').setAttribute('aria-invalid', String(message.startsWith('to')));
  return message ? null : [from, to];
}

// Evenly spaced float32 samples of [from, to], ends included.
function samples(from, to) {
  const xs = new Float32Array(POINTS);
  for (let i = 0; i < POINTS; ++i) xs[i] = from + (to - from) * (i / (POINTS - 1));
  xs[POINTS - 1] = to;
  return xs;
}

function schedulePlot() {
  clearTimeout(plotTimer);
  plotTimer = setTimeout(plot, 200);
}

async function plot() {
  const svg = $('plot');
  const name = $('activation').value;
  const compareName = $('compare').value;
  const range = readRange();
  if (!name || !range) return;
  if (plotAbort) plotAbort.abort();
  plotAbort = new AbortController();
  const { signal } = plotAbort;
  svg.dataset.state = 'loading';
  const xs = samples(range[0], range[1]);
  const parameters = parametersOf('activation');
  const compareParameters = parametersOf('compare');
  const calls = [infer(name, parameters, xs, [xs.length], signal)];
  if (compareName) calls.push(infer(compareName, compareParameters, xs, [xs.length], signal));
  const results = await Promise.allSettled(calls);
  if (signal.aborted) return;
  const failed = (i) => results[i] && results[i].status === 'rejected' && !(results[i].reason instanceof ServerError) ? results[i].reason : null;
  const network = failed(0) || failed(1);
  if (network) {
    $('status').textContent = `The server did not answer: ${network.message}`;
  }
  markInvalid('activation', results[0].status === 'rejected' && results[0].reason instanceof ServerError ? results[0].reason.message : '');
  markInvalid('compare', results[1] && results[1].status === 'rejected' && results[1].reason instanceof ServerError ? results[1].reason.message : '');
  const series = [];
  if (results[0].status === 'fulfilled') {
    series.push({ name: 'f', cls: 'f', label: `${name} f(x)`, values: results[0].value.y });
    series.push({ name: 'df', cls: 'df', label: `${name} f'(x)`, values: results[0].value.grad });
  }
  if (results[1] && results[1].status === 'fulfilled') {
    series.push({ name: 'g', cls: 'g', label: `${compareName} f(x)`, values: results[1].value.y });
    series.push({ name: 'dg', cls: 'dg', label: `${compareName} f'(x)`, values: results[1].value.grad });
  }
  plotted = { xs, series, message: results[0].status === 'fulfilled' ? '' : `${name}: ${results[0].reason.message}` };
  draw(svg, plotted.message);
  // What was asked, for readers of the page (and its test) to match with the curves.
  svg.dataset.model = name;
  svg.dataset.parameters = JSON.stringify(parameters);
  svg.dataset.compare = compareName;
  svg.dataset.compareParameters = JSON.stringify(compareParameters);
  svg.dataset.state = results[0].status === 'fulfilled' ? 'ready' : 'error';
}

function draw(svg, message) {
  for (const child of [...svg.children]) if (child.tagName !== 'title') child.remove();
  // One unit of the drawing is one CSS pixel, so text keeps its size on a phone.
  const box = { width: Math.round(Math.max(300, Math.min(960, svg.clientWidth || 720))) };
  box.height = Math.round(Math.max(260, Math.min(480, box.width * 0.6)));
  svg.setAttribute('viewBox', `0 0 ${box.width} ${box.height}`);
  plotted.width = box.width;
  const { xs, series } = plotted;
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const s of series) {
    for (const v of s.values) if (Number.isFinite(v)) { y0 = Math.min(y0, v); y1 = Math.max(y1, v); }
  }
  if (!(y0 <= y1)) { y0 = -1; y1 = 1; }
  if (y1 - y0 < 1e-30 * Math.max(1, Math.abs(y0))) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const left = MARGIN.left;
  const top = MARGIN.top;
  const width = box.width - MARGIN.left - MARGIN.right;
  const height = box.height - MARGIN.top - MARGIN.bottom;
  const px = (x) => left + ((x - x0) / (x1 - x0)) * width;
  const py = (y) => top + ((y1 - y) / (y1 - y0)) * height;
  Object.assign(svg.dataset, { x0, x1, y0, y1, left, top, width, height });
  svg.dataset.x = Array.from(xs, String).join(' ');

  const grid = el('g', { class: 'grid' }, svg);
  const axes = el('g', { class: 'axis' }, svg);
  for (const t of ticks(x0, x1, Math.max(4, Math.round(width / 80)))) {
    el('line', { x1: px(t), x2: px(t), y1: top, y2: top + height }, grid);
    el('line', { x1: px(t), x2: px(t), y1: top + height, y2: top + height + 5 }, axes);
    el('text', { x: px(t), y: top + height + 18, 'text-anchor': 'middle' }, axes).textContent = tickLabel(t);
  }
  for (const t of ticks(y0, y1, Math.max(4, Math.round(height / 60)))) {
    el('line', { x1: left, x2: left + width, y1: py(t), y2: py(t) }, grid);
    el('line', { x1: left - 5, x2: left, y1: py(t), y2: py(t) }, axes);
    el('text', { x: left - 8, y: py(t) + 4, 'text-anchor': 'end' }, axes).textContent = tickLabel(t);
  }
  el('rect', { class: 'frame', x: left, y: top, width, height }, axes);
  if (y0 < 0 && y1 > 0) el('line', { class: 'zero', x1: left, x2: left + width, y1: py(0), y2: py(0) }, svg);
  if (x0 < 0 && x1 > 0) el('line', { class: 'zero', x1: px(0), x2: px(0), y1: top, y2: top + height }, svg);
  el('text', { x: left + width, y: box.height - 6, 'text-anchor': 'end' }, axes).textContent = 'x';

  for (const s of series) {
    // A non-finite value breaks the line.
    let d = '';
    let pen = 'M';
    for (let i = 0; i < xs.length; ++i) {
      if (!Number.isFinite(s.values[i])) { pen = 'M'; continue; }
      d += `${pen}${px(xs[i]).toFixed(3)} ${py(s.values[i]).toFixed(3)}`;
      pen = 'L';
    }
    const path = el('path', { class: `curve ${s.cls}`, d, 'data-series': s.name }, svg);
    path.dataset.values = Array.from(s.values, String).join(' ');
  }
  if (message) el('text', { class: 'message', x: left + 12, y: top + 24 }, svg).textContent = message;

  const cursorGroup = el('g', { class: 'cursor-group', visibility: 'hidden' }, svg);
  el('line', { class: 'cursor', x1: 0, x2: 0, y1: top, y2: top + height }, cursorGroup);
  for (const s of series) el('circle', { class: s.cls, r: 3.5, cx: 0, cy: 0, 'data-series': s.name }, cursorGroup);
  plotted.px = px;
  plotted.py = py;
  plotted.y0 = y0;
  plotted.y1 = y1;

  const legend = $('legend');
  legend.replaceChildren();
  for (const s of series) {
    const li = document.createElement('li');
    const swatch = el('svg', { width: 28, height: 10, 'aria-hidden': 'true' });
    el('line', { class: s.cls, x1: 0, x2: 28, y1: 5, y2: 5 }, swatch);
    li.append(swatch, s.label);
    legend.append(li);
  }
  $('plot-title').textContent = series.length
    ? `Plot of ${series.map((s) => s.label).join(', ')} for x from ${formatFloat(x0)} to ${formatFloat(x1)}`
    : 'Nothing plotted';
  if (cursor >= 0) moveCursor(Math.min(cursor, xs.length - 1));
}

function moveCursor(i) {
  if (!plotted || !plotted.px) return;
  const { xs, series, px, py, y0, y1 } = plotted;
  cursor = Math.max(0, Math.min(xs.length - 1, i));
  const group = $('plot').querySelector('.cursor-group');
  group.setAttribute('visibility', 'visible');
  const line = group.querySelector('line');
  line.setAttribute('x1', px(xs[cursor]));
  line.setAttribute('x2', px(xs[cursor]));
  const parts = [`x = ${formatFloat(xs[cursor])}`];
  for (const s of series) {
    const v = s.values[cursor];
    const dot = group.querySelector(`circle[data-series="${s.name}"]`);
    const visible = Number.isFinite(v) && v >= y0 && v <= y1;
    dot.setAttribute('visibility', visible ? 'visible' : 'hidden');
    if (visible) { dot.setAttribute('cx', px(xs[cursor])); dot.setAttribute('cy', py(v)); }
    parts.push(`${s.label.replace('(x)', `(${formatFloat(xs[cursor])})`)} = ${formatFloat(v)}`);
  }
  // A span each, spaced by CSS; the spaces between them are for screen readers.
  $('readout').replaceChildren(...parts.flatMap((part) => {
    const span = document.createElement('span');
    span.textContent = part;
    return [span, ' '];
  }));
}

function pointerMoved(event) {
  if (!plotted || !plotted.px) return;
  const svg = $('plot');
  const matrix = svg.getScreenCTM();
  if (!matrix) return;
  const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
  const { xs } = plotted;
  const fraction = (point.x - MARGIN.left) / (plotted.width - MARGIN.left - MARGIN.right);
  moveCursor(Math.round(fraction * (xs.length - 1)));
}

function keyPressed(event) {
  if (!plotted || !plotted.px) return;
  const last = plotted.xs.length - 1;
  const step = event.shiftKey ? Math.round(last / 10) : 1;
  const at = cursor < 0 ? Math.round(last / 2) : cursor;
  const moves = { ArrowLeft: at - step, ArrowDown: at - step, ArrowRight: at + step, ArrowUp: at + step, Home: 0, End: last };
  if (!(event.key in moves)) return;
  event.preventDefault();
  moveCursor(cursor < 0 && event.key.startsWith('Arrow') ? at : moves[event.key]);
}

// ---- the catalogue table ----

function fillCatalogue() {
  const body = $('catalogue').querySelector('tbody');
  body.replaceChildren();
  for (const a of catalogue) {
    const row = document.createElement('tr');
    row.dataset.name = a.name;
    const nameCell = document.createElement('th');
    nameCell.scope = 'row';
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = a.name;
    button.setAttribute('aria-label', `plot ${a.name}`);
    button.addEventListener('click', () => {
      $('activation').value = a.name;
      activationChanged();
      $('plot-heading').scrollIntoView({ behavior: 'smooth' });
      $('activation').focus({ preventScroll: true });
    });
    nameCell.append(button);
    if (a.aliases.length) {
      const alias = document.createElement('div');
      alias.className = 'alias';
      alias.textContent = `alias ${a.aliases.join(', ')}`;
      nameCell.append(alias);
    }
    const cell = (text, label) => {
      const td = document.createElement('td');
      td.textContent = text;
      td.dataset.label = label;
      return td;
    };
    const params = a.parameters.length
      ? a.parameters.map((p) => `${p.name} ${p.required ? 'required' : formatFloat(p.default_value)}, ${p.range}`).join('; ')
      : 'none';
    row.append(nameCell, cell(a.formula, 'f(x)'), cell(a.derivative_formula, "f'(x)"), cell(params, 'parameters'),
      cell(`${a.accuracy.forward_max_ulp} / ${a.accuracy.derivative_max_ulp}`, "max ULP f / f'"));
    body.append(row);
  }
  $('catalogue-summary').firstChild.textContent = `All ${catalogue.length} activations of this server's catalogue (`;
}

function activationChanged() {
  const name = $('activation').value;
  showActivation('activation', findActivation(name));
  for (const row of $('catalogue').querySelectorAll('tbody tr')) {
    row.setAttribute('aria-current', String(row.dataset.name === name));
  }
  schedulePlot();
}

function compareChanged() {
  showActivation('compare', findActivation($('compare').value));
  schedulePlot();
}

// ---- your numbers ----

// The numbers of the last file read, until the box is typed in: kept as read
// (a large file is never written out into the box).
let fileNumbers = null;    // { name, values: Float32Array, shape }

function parseList(text) {
  const values = [];
  for (const token of text.split(/[\s,;]+/)) {
    if (token === '') continue;
    const v = parseNumber(token);
    if (v === null) throw new Error(`'${token.slice(0, 40)}' is not a number`);
    values.push(v);
  }
  return values;
}

// Rows of numbers; a first line that is not numbers is a header. Rectangular
// rows keep their shape (row-wise activations work along each row).
function parseCsv(text) {
  const rows = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (rows.length && /[a-df-z_]/i.test(rows[0].replace(/\b(inf|infinity|nan)\b/gi, ''))) rows.shift();
  const parsed = rows.map((line, i) => {
    try { return parseList(line); } catch (e) { throw new Error(`line ${i + 1}: ${e.message}`); }
  });
  const width = parsed.length ? parsed[0].length : 0;
  const rectangular = parsed.length > 1 && width > 1 && parsed.every((r) => r.length === width);
  return { values: parsed.flat(), shape: rectangular ? [parsed.length, width] : null };
}

// NumPy's .npy format: magic, version, a header dict, then the data in C order.
function parseNpy(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) throw new Error('not a .npy file');
  const view = new DataView(buffer);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeText) throw new Error('.npy header not understood');
  if (fortran[1] === 'True') throw new Error('.npy in Fortran order: save it in C order');
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  const readers = {
    '<f4': [4, (i) => view.getFloat32(offset + 4 * i, true)],
    '<f8': [8, (i) => view.getFloat64(offset + 8 * i, true)],
    '<i4': [4, (i) => view.getInt32(offset + 4 * i, true)],
    '<i8': [8, (i) => Number(view.getBigInt64(offset + 8 * i, true))],
  };
  const reader = readers[descr[1]];
  if (!reader) throw new Error(`.npy dtype ${descr[1]}: float32, float64, int32 or int64 (little-endian) only`);
  if (offset + reader[0] * count > buffer.byteLength) throw new Error('.npy file is shorter than its shape says');
  const values = new Float32Array(count);
  for (let i = 0; i < count; ++i) values[i] = reader[1](i);
  return { values, shape };
}

async function readFile(file) {
  $('numbers-error').textContent = '';
  try {
    const { values, shape } = /\.npy$/i.test(file.name) ? parseNpy(await file.arrayBuffer()) : parseCsv(await file.text());
    fileNumbers = { name: file.name, values: Float32Array.from(values), shape: shape || [values.length] };
    $('numbers').value = '';
    $('numbers').placeholder = `${file.name}: ${values.length} numbers, shape [${fileNumbers.shape.join(', ')}]`;
    await compute();
  } catch (e) {
    $('numbers-error').textContent = `${file.name}: ${e.message}`;
  } finally {
    $('file').value = '';  // the same file chosen again is read again
  }
}

let downloadUrl = '';

async function compute() {
  const name = $('activation').value;
  $('numbers-error').textContent = '';
  let xs = fileNumbers ? fileNumbers.values : null;
  const shape = fileNumbers ? fileNumbers.shape : null;
  if (!xs) {
    try {
      xs = Float32Array.from(parseList($('numbers').value));
    } catch (e) {
      $('numbers-error').textContent = e.message;
      return;
    }
  }
  if (!xs.length) { $('numbers-error').textContent = 'Enter some numbers first.'; return; }
  let answer;
  try {
    answer = await infer(name, parametersOf('activation'), xs, shape || [xs.length]);
  } catch (e) {
    $('numbers-error').textContent = e.message;
    return;
  }
  const table = $('results');
  const body = table.querySelector('tbody');
  body.replaceChildren();
  for (let i = 0; i < Math.min(xs.length, SHOWN_ROWS); ++i) {
    const row = document.createElement('tr');
    for (const v of [xs[i], answer.y[i], answer.grad[i]]) {
      const td = document.createElement('td');
      td.textContent = formatFloat(v);
      row.append(td);
    }
    body.append(row);
  }
  table.hidden = false;
  $('results-caption').textContent = `${name} of ${xs.length} number${xs.length === 1 ? '' : 's'}` +
    (xs.length > SHOWN_ROWS ? ` (the first ${SHOWN_ROWS} shown; the download has all)` : '');
  $('numbers-summary').textContent = `${name}: ${xs.length} value${xs.length === 1 ? '' : 's'}` +
    (fileNumbers ? ` of ${fileNumbers.name}` : '') + ' computed by the server.';
  const lines = ["x,f(x),f'(x)"];
  for (let i = 0; i < xs.length; ++i) lines.push(`${formatFloat(xs[i])},${formatFloat(answer.y[i])},${formatFloat(answer.grad[i])}`);
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
  const link = $('download');
  link.href = downloadUrl;
  link.download = `${name}.csv`;
  link.hidden = false;
}

// ---- start ----

async function start() {
  try {
    const response = await fetch('playground/catalogue.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    catalogue = (await response.json()).activations;
  } catch (e) {
    $('status').textContent = `Could not load the catalogue from the server: ${e.message}`;
    return;
  }
  for (const a of catalogue) {
    for (const p of a.parameters) { p.min = bound(p.min); p.max = bound(p.max); }
  }
  const select = $('activation');
  const compare = $('compare');
  compare.append(new Option('none', ''));
  for (const a of catalogue) {
    select.append(new Option(a.name, a.name));
    compare.append(new Option(a.name, a.name));
  }
  select.value = findActivation('gelu') ? 'gelu' : catalogue[0].name;
  select.disabled = false;
  compare.disabled = false;
  fillCatalogue();
  $('status').textContent = `${catalogue.length} activations.`;

  select.addEventListener('change', activationChanged);
  compare.addEventListener('change', compareChanged);
  $('x-from').addEventListener('input', schedulePlot);
  $('x-to').addEventListener('input', schedulePlot);
  $('controls').addEventListener('submit', (event) => { event.preventDefault(); plot(); });
  const svg = $('plot');
  svg.addEventListener('pointermove', pointerMoved);
  svg.addEventListener('pointerdown', pointerMoved);
  svg.addEventListener('keydown', keyPressed);
  $('compute').addEventListener('click', compute);
  $('numbers').addEventListener('input', () => {
    fileNumbers = null;
    $('numbers').placeholder = '-2 -1 0 0.5 1 2';
  });
  $('file').addEventListener('change', () => { if ($('file').files[0]) readFile($('file').files[0]); });
  const drop = $('drop');
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    if (event.dataTransfer.files[0]) readFile(event.dataTransfer.files[0]);
  });
  // Redrawn at the new width (the values stay: no new call).
  new ResizeObserver(() => {
    if (plotted && plotted.width !== Math.round(Math.max(300, Math.min(960, svg.clientWidth)))) draw(svg, plotted.message);
  }).observe(svg);
  activationChanged();
}

start();
