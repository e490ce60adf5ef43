// Meshkeeper registry console: the service map and sparklines, drawn as plain SVG (no library, no inline style,
// so the console's Content-Security-Policy holds).

const SVG = 'http://www.w3.org/2000/svg';

const COLOURS = {
  up: '#137a3f', partial: '#d08a00', down: '#b42318', unknown: '#98a2b3',
  ok: '#6b7fa8', warn: '#d08a00', bad: '#b42318',
};

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** up: every instance UP; partial: some; down: none of its registered instances; unknown: seen in calls only. */
export function health(node) {
  if (node.instances === 0) return 'unknown';
  if (node.up === node.instances) return 'up';
  return node.up === 0 ? 'down' : 'partial';
}

/** ok below 1% errors, warn below 5%, bad from 5%. */
export function errorLevel(edge) {
  return edge.errorRate >= 0.05 ? 'bad' : edge.errorRate >= 0.01 ? 'warn' : 'ok';
}

const rate = value => value >= 10 ? value.toFixed(0) : value.toFixed(value >= 1 ? 1 : 2);

/** The map: services on a circle, sized by instances and coloured by health; calls as arrows weighted by rate. */
export function serviceMap(topology, { width = 1100, height = 560 } = {}) {
  const nodes = topology.nodes;
  const cx = width / 2, cy = height / 2;
  const rx = Math.max(10, width / 2 - 150), ry = Math.max(10, height / 2 - 80);
  const radius = n => 16 + 6 * Math.sqrt(Math.max(0, n.instances));
  const at = new Map();
  nodes.forEach((n, i) => {
    const angle = nodes.length === 1 ? 0 : Math.PI + (2 * Math.PI * i) / nodes.length; // first on the left
    const x = nodes.length === 1 ? cx : cx + rx * Math.cos(angle);
    const y = nodes.length === 1 ? cy : cy + ry * Math.sin(angle);
    at.set(n.service, { x, y, r: radius(n) });
  });
  const edges = topology.edges.filter(e => at.has(e.from) && at.has(e.to)).map(e => {
    const a = at.get(e.from), b = at.get(e.to);
    const level = errorLevel(e);
    const colour = COLOURS[level];
    const weight = 1.5 + Math.min(8, Math.log2(1 + e.callsPerSecond) * 1.5);
    const label = `${rate(e.callsPerSecond)}/s · ${(e.errorRate * 100).toFixed(e.errorRate > 0 && e.errorRate < 0.01 ? 1 : 0)}% err`
      + (e.p99Millis != null ? ` · p99 ${e.p99Millis.toFixed(e.p99Millis < 10 ? 1 : 0)} ms` : '');
    if (e.from === e.to) {
      return s('g', { class: 'map-edge', 'data-from': e.from, 'data-to': e.to, 'data-errors': level },
        s('circle', { cx: a.x + a.r, cy: a.y - a.r, r: a.r * 0.7, fill: 'none', stroke: colour, 'stroke-width': weight }),
        s('text', { x: a.x + a.r * 2, y: a.y - a.r * 1.8, class: 'map-edge-label' }, label));
    }
    const dx = b.x - a.x, dy = b.y - a.y, length = Math.hypot(dx, dy) || 1;
    const ux = dx / length, uy = dy / length;
    const x1 = a.x + ux * a.r, y1 = a.y + uy * a.r;
    const x2 = b.x - ux * (b.r + 4), y2 = b.y - uy * (b.r + 4);
    const head = 8 + weight;
    const px = -uy * head * 0.5, py = ux * head * 0.5;
    const bx = x2 - ux * head, by = y2 - uy * head;
    return s('g', { class: 'map-edge', 'data-from': e.from, 'data-to': e.to, 'data-errors': level },
      s('title', {}, `${e.from} → ${e.to}: ${label}`),
      s('line', { x1, y1, x2: bx, y2: by, stroke: colour, 'stroke-width': weight, 'stroke-linecap': 'round' }),
      s('polygon', { points: `${x2},${y2} ${bx + px},${by + py} ${bx - px},${by - py}`, fill: colour }),
      s('text', { x: (x1 + x2) / 2 + px * 1.6, y: (y1 + y2) / 2 + py * 1.6, class: 'map-edge-label', 'text-anchor': 'middle' }, label));
  });
  const circles = nodes.map(n => {
    const p = at.get(n.service);
    const state = health(n);
    return s('g', { class: 'map-node', 'data-service': n.service, 'data-health': state },
      s('title', {}, `${n.service}: ${n.up} of ${n.instances} instances up`),
      s('a', { href: `#/services/${encodeURIComponent(n.service)}` },
        s('circle', { cx: p.x, cy: p.y, r: p.r, fill: COLOURS[state], stroke: '#fff', 'stroke-width': 3 }),
        s('text', { x: p.x, y: p.y + 5, class: 'map-node-count', 'text-anchor': 'middle' }, `${n.up}/${n.instances}`),
        s('text', { x: p.x, y: p.y + p.r + 18, class: 'map-node-label', 'text-anchor': 'middle' }, n.service)));
  });
  return s('svg', { id: 'service-map', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': 'Service map' }, s('g', {}, edges), s('g', {}, circles));
}

/** A small line of one figure of an instance's history; a gap where the figure is unknown. */
export function sparkline(points, field, { width = 140, height = 28, max = null, label = '' } = {}) {
  const values = points.map(p => p[field]);
  const known = values.filter(v => typeof v === 'number');
  const svg = s('svg', { class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, 'data-field': field,
    'data-points': known.length, role: 'img', 'aria-label': `${label || field}, last ${points.length} samples` });
  if (known.length === 0) {
    svg.append(s('text', { x: 2, y: height / 2 + 4, class: 'sparkline-empty' }, 'no data'));
    return svg;
  }
  const top = max ?? Math.max(...known, 1e-9);
  const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
  let path = '';
  let pen = false;
  values.forEach((v, i) => {
    if (typeof v !== 'number') { pen = false; return; }
    const x = 2 + i * step, y = height - 3 - (Math.min(v, top) / top) * (height - 6);
    path += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
    pen = true;
  });
  const out = points.map((p, i) => p.status && p.status !== 'UP'
    ? s('rect', { x: 2 + i * step - step / 2, y: 0, width: Math.max(step, 2), height, fill: '#fde8e6' }) : null);
  svg.append(...out.filter(Boolean), s('path', { d: path.trim(), fill: 'none', stroke: '#2457c5', 'stroke-width': 1.5 }));
  return svg;
}
