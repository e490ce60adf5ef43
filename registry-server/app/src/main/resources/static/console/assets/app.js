// Meshkeeper registry console: plain ES module, no build step. Talks to /api/v1 with the login session; every
// non-GET call carries the CSRF token of the XSRF-TOKEN cookie in the X-XSRF-TOKEN header.

import { serviceMap, sparkline } from './map.js';

const main = document.getElementById('main');
const POLL_MILLIS = 5000;
const HISTORY_MILLIS = 10000; // the registry samples each instance's history every 10 s by default

const state = { user: null, roles: [], route: null, lastData: null, live: 'polling' };

// ---------- HTTP ----------

const STATUS_TITLES = {
  400: 'Invalid request', 401: 'Not signed in', 403: 'Not allowed', 404: 'Not available', 409: 'Conflict',
  410: 'No longer in the history', 412: 'Changed meanwhile', 428: 'Version needed', 500: 'Server error',
  503: 'ZooKeeper unreachable',
};

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || STATUS_TITLES[status] || `HTTP ${status}`;
    this.detail = problem.detail || null;
    this.field = problem.field || null;
  }
}

function cookie(name) {
  const entry = document.cookie.split(';').map(c => c.trim()).find(c => c.startsWith(name + '='));
  return entry ? decodeURIComponent(entry.substring(name.length + 1)) : null;
}

async function csrfToken() {
  let token = cookie('XSRF-TOKEN');
  if (!token) {
    await loadSession(); // the session call puts the token cookie on its response
    token = cookie('XSRF-TOKEN');
  }
  return token;
}

function toLogin() {
  window.location.href = '/login';
}

/**
 * JSON.parse that keeps every number exactly as the server wrote it (a 64-bit counter, a decimal's trailing zeros),
 * where the browser supports JSON.rawJSON; shared data is shown and written back verbatim then.
 */
function parseExact(text) {
  if (typeof JSON.rawJSON !== 'function') return JSON.parse(text);
  return JSON.parse(text, (key, value, context) =>
    typeof value === 'number' && context && String(value) !== context.source ? JSON.rawJSON(context.source) : value);
}

async function api(method, path, { json, jsonText, text, headers = {}, exact = false } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (jsonText !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = jsonText;
  } else if (text !== undefined) {
    init.headers['Content-Type'] = 'text/plain';
    init.body = text;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = await csrfToken();
    if (token) {
      init.headers['X-XSRF-TOKEN'] = token;
    }
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (ex) {
    throw new ApiError(0, { title: 'Registry server unreachable', detail: `The request ${method} ${path} did not reach the registry server (${ex.message}). Check that it is running.` });
  }
  if (response.redirected && new URL(response.url).pathname === '/login') {
    toLogin();
    throw new ApiError(401, { title: 'Signed out', detail: 'Your session has ended: please sign in again.' });
  }
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.text().then(t => (exact ? parseExact(t) : JSON.parse(t))).catch(() => ({}))
    : await response.text();
  if (!response.ok) {
    const problem = typeof body === 'object' ? body : {};
    if (response.status === 401) {
      toLogin();
    }
    if (response.status === 403 && !problem.detail) {
      problem.detail = 'You are signed in as a viewer: this needs the operator role.';
    }
    if (response.status === 404 && !problem.detail) {
      problem.detail = `${path} is not available on this registry server (HTTP 404).`;
    }
    throw new ApiError(response.status, problem);
  }
  return { body, etag: response.headers.get('ETag') };
}

const get = async path => (await api('GET', path)).body;

async function loadSession() {
  const response = await fetch('/console/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.redirected || !response.ok || !(response.headers.get('Content-Type') || '').includes('json')) {
    toLogin();
    throw new ApiError(401, { detail: 'Please sign in.' });
  }
  const session = await response.json();
  state.user = session.user;
  state.roles = session.roles;
  return session;
}

const canWrite = () => state.roles.includes('operator');

// ---------- DOM ----------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.substring(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function errorBox(error, context) {
  const box = h('div', { class: 'error', role: 'alert' });
  box.append(h('strong', {}, context ? `${context}: ${error.title || 'failed'}` : (error.title || 'Failed')));
  let text = error.detail || error.message;
  if (error.status === 403) text = `${text} (Only operators may change things; you are signed in as ${state.user}, ${state.roles.join(', ')}.)`;
  box.append(h('span', {}, text));
  if (error.field) box.append(h('div', { class: 'muted' }, `Field: ${error.field}`));
  return box;
}

function writeButton(label, attrs, onclick) {
  const button = h('button', { type: 'button', ...attrs, onclick }, label);
  if (!canWrite()) {
    button.disabled = true;
    button.title = 'Needs the operator role';
  }
  return button;
}

/** Runs a write; shows its error inline in the given slot, reloads the page on success. */
async function write(slot, action, success) {
  slot.replaceChildren();
  try {
    const result = await action();
    state.editing = false;
    await refresh(true);
    if (success) {
      const target = document.getElementById('flash');
      if (target) target.replaceChildren(h('div', { class: 'ok-msg', role: 'status' }, success));
    }
    return result;
  } catch (error) {
    if (error.status === 412) {
      // Someone else changed it: show the current values, and say why nothing was written.
      state.editing = false;
      await refresh(true);
      const target = document.getElementById('flash');
      (target || slot).replaceChildren(errorBox({ ...error, detail: `${error.detail} The page now shows the current values: check them and try again.` }));
      return null;
    }
    slot.replaceChildren(errorBox(error));
    return null;
  }
}

function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (isNaN(date)) return iso;
  const pad = n => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function statusBadge(status) {
  const cls = status === 'UP' ? 'up' : status === 'OUT_OF_SERVICE' ? 'out' : 'other';
  return h('span', { class: `badge ${cls}` }, status || 'unknown');
}

const enc = encodeURIComponent;

// ---------- pages: each has load(params) -> data and view(data, params) -> nodes ----------

const settle = async promise => { try { return { value: await promise }; } catch (error) { return { error }; } };

const pages = {};

pages.overview = {
  title: 'Overview',
  async load() {
    const [cluster, services, config, locks, leaders, shared] = await Promise.all([
      settle(get('/api/v1/cluster')), settle(get('/api/v1/services')), settle(get('/api/v1/config')),
      settle(get('/api/v1/locks')), settle(get('/api/v1/leaders')), settle(get('/api/v1/data'))]);
    return { cluster, services, config, locks, leaders, shared };
  },
  view(data) {
    const card = (label, result, pick, small) => result.error
      ? h('div', { class: 'card unavailable' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, 'unavailable'))
      : h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: small ? 'value small' : 'value' }, pick(result.value)));
    const services = data.services;
    const cluster = data.cluster;
    const stats = cluster.value ? (cluster.value.statistics || {}) : {};
    const errors = [['Cluster state', cluster], ['Services', services], ['Config contexts', data.config],
      ['Locks', data.locks], ['Leader groups', data.leaders], ['Shared data', data.shared]].filter(([, r]) => r.error);
    return [
      h('h1', {}, 'Overview'),
      h('h2', {}, 'Mesh'),
      h('div', { class: 'cards' },
        card('Services', services, v => v.services.length),
        card('Instances', services, v => v.services.reduce((n, s) => n + s.instances, 0)),
        card('Instances up', services, v => v.services.reduce((n, s) => n + s.up, 0)),
        card('Config contexts', data.config, v => v.contexts.length),
        card('Locks', data.locks, v => v.locks.length),
        card('Leader groups', data.leaders, v => v.groups.length),
        card('Shared data', data.shared, v => v.length)),
      h('h2', {}, 'ZooKeeper'),
      h('div', { class: 'cards' },
        card('Role', cluster, v => `${v.role}${v.serving ? ', serving' : ', not serving'}`, true),
        card('Client port', cluster, v => v.clientPort ?? 'off', true),
        card('TLS client port', cluster, v => v.secureClientPort ?? 'off', true),
        card('ZooKeeper authentication', cluster, v => zookeeperAuthentication(v.zookeeperAuthentication), true),
        card('Znodes', cluster, () => stats.znodeCount ?? '—'),
        card('Watches', cluster, () => stats.watchCount ?? '—'),
        card('Connections', cluster, () => stats.aliveConnections ?? '—'),
        card('Latency min/avg/max ms', cluster, () => `${stats.minLatencyMillis ?? '—'} / ${typeof stats.avgLatencyMillis === 'number' ? stats.avgLatencyMillis.toFixed(1) : '—'} / ${stats.maxLatencyMillis ?? '—'}`, true)),
      cluster.value && cluster.value.ensemble ? h('p', { class: 'muted' }, `Ensemble: ${cluster.value.ensemble}`) : null,
      errors.map(([label, r]) => errorBox(r.error, label)),
    ];
  },
};

pages.map = {
  title: 'Map',
  load: () => get('/api/v1/topology'),
  view(data) {
    const calls = data.edges.reduce((n, e) => n + e.callsPerSecond, 0);
    return [
      h('h1', {}, 'Service map'),
      h('p', { class: 'muted' }, 'Services sized by instances and coloured by health; arrows are the calls the instances report over the last 60 s, thicker with the rate, red with errors. Click a service for its instances.'),
      data.nodes.length === 0 ? h('p', { class: 'notice' }, 'No service is registered and no instance reports calls yet.') :
        h('div', { class: 'map-wrap' }, serviceMap(data)),
      h('div', { class: 'legend' },
        h('span', {}, h('span', { class: 'swatch up' }), 'all instances up'),
        h('span', {}, h('span', { class: 'swatch partial' }), 'some out of service'),
        h('span', {}, h('span', { class: 'swatch down' }), 'none up'),
        h('span', {}, h('span', { class: 'swatch unknown' }), 'called, not registered'),
        h('span', { id: 'map-totals' }, `${data.nodes.length} services · ${data.edges.length} calls · ${calls.toFixed(1)} calls/s`)),
    ];
  },
};

pages.services = {
  title: 'Services',
  async load([service]) {
    if (!service) return get('/api/v1/services');
    const data = await get(`/api/v1/services/${enc(service)}`);
    // each instance's last 15 minutes (kept by this registry server in memory; absent when the history is off)
    const histories = await Promise.all(data.instances.map(i =>
      settle(get(`/api/v1/services/${enc(service)}/instances/${enc(i.id)}/history?minutes=15`))));
    data.instances.forEach((i, n) => { i.history = histories[n].value ? histories[n].value.points : null; });
    return data;
  },
  view(data, [service]) {
    if (!service) {
      return [
        h('h1', {}, 'Services'),
        data.services.length === 0 ? h('p', { class: 'notice' }, 'No service is registered.') :
          h('div', { class: 'table-wrap' }, h('table', { id: 'services' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Service'), h('th', { class: 'num' }, 'Instances'), h('th', { class: 'num' }, 'Up'))),
            h('tbody', {}, data.services.map(s => h('tr', { dataset: { service: s.name } },
              h('td', {}, h('a', { href: `#/services/${enc(s.name)}` }, s.name)),
              h('td', { class: 'num' }, s.instances),
              h('td', { class: 'num' }, s.up === s.instances ? s.up : h('span', { class: 'badge out' }, s.up))))))),
      ];
    }
    const slot = h('div');
    return [
      h('div', { class: 'crumbs' }, h('a', { href: '#/services' }, 'Services'), ' / ', service),
      h('h1', {}, data.name),
      slot,
      h('div', { id: 'flash' }),
      h('div', { class: 'table-wrap' }, h('table', { id: 'instances' },
        h('thead', {}, h('tr', {}, ['Instance', 'Address', 'Zone', 'Weight', 'Load', 'Load (15 min)', 'p99 (15 min)', 'Version', 'Status', 'Registered', ''].map(t => h('th', {}, t)))),
        h('tbody', {}, data.instances.map(i => {
          const next = i.status === 'UP' ? 'OUT_OF_SERVICE' : 'UP';
          return h('tr', { dataset: { instance: i.id } },
            h('td', { class: 'mono' }, i.id),
            h('td', { class: 'mono' }, `${i.address}:${i.port}${i.sslPort ? ` (TLS ${i.sslPort})` : ''}`),
            h('td', {}, i.zone ?? '—'), h('td', {}, i.weight ?? '—'),
            h('td', { class: 'load' }, i.load == null ? '—' : i.load.toFixed(2)),
            h('td', { class: 'spark' }, i.history ? sparkline(i.history, 'load', { max: 1, label: 'load' }) : '—'),
            h('td', { class: 'spark' }, i.history ? sparkline(i.history, 'p99Millis', { label: 'p99 latency' }) : '—'),
            h('td', {}, i.version ?? '—'),
            h('td', {}, statusBadge(i.status)),
            h('td', {}, when(i.registrationTime)),
            h('td', {}, h('div', { class: 'row-actions' }, writeButton(next === 'UP' ? 'Put back in service' : 'Take out of service',
              { class: 'small secondary' },
              () => write(slot, () => api('PUT', `/api/v1/services/${enc(service)}/instances/${enc(i.id)}/status`, { json: { status: next } }),
                `${i.id} is now ${next}.`)))));
        })))),
    ];
  },
};

pages.config = {
  title: 'Config',
  async load([context]) {
    const list = await get('/api/v1/config');
    if (!context) return { list };
    const [read, history] = await Promise.all([api('GET', `/api/v1/config/${enc(context)}`), get(`/api/v1/config/${enc(context)}/history`)]);
    return { list, context: read.body, etag: read.etag, history };
  },
  view(data, [context]) {
    const slot = h('div');
    const side = h('div', {},
      h('div', { class: 'list', id: 'contexts' }, data.list.contexts.length === 0 ? h('div', { class: 'muted', style: 'padding:10px 14px' }, 'No contexts yet.') :
        data.list.contexts.map(c => h('a', { href: `#/config/${enc(c.name)}`, class: c.name === context ? 'active' : '', dataset: { context: c.name } },
          h('span', {}, c.name), h('span', { class: 'muted' }, `v${c.version} · ${c.keys} keys`)))),
      newContextForm(slot));
    const body = context ? contextView(data, slot) : [h('p', { class: 'notice' }, 'Choose a context on the left: application, {app} or {app},{profile}.'), slot];
    return [h('h1', {}, context ? `Config · ${context}` : 'Config'), h('div', { class: 'split' }, side, h('div', {}, body))];
  },
};

function newContextForm(slot) {
  const name = h('input', { type: 'text', name: 'context', placeholder: 'new context, e.g. order-service', disabled: !canWrite() });
  const key = h('input', { type: 'text', name: 'key', placeholder: 'first key', disabled: !canWrite() });
  const value = h('input', { type: 'text', name: 'value', placeholder: 'value', disabled: !canWrite() });
  const form = h('form', { class: 'panel', style: 'margin-top:12px', id: 'new-context' }, h('div', { class: 'muted', style: 'margin-bottom:6px' }, 'New context'),
    name, h('div', { style: 'height:6px' }), key, h('div', { style: 'height:6px' }), value, h('div', { style: 'height:8px' }),
    writeButton('Create', { type: 'submit' }));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const created = await write(slot, () => api('PUT', `/api/v1/config/${enc(name.value.trim())}`, { json: { properties: { [key.value.trim()]: value.value } } }));
    if (created) window.location.hash = `#/config/${enc(name.value.trim())}`;
  });
  return form;
}

function contextView(data, slot) {
  const { context, etag, history } = data;
  const ifMatch = { 'If-Match': etag || `"${context.version}"` };
  const base = `/api/v1/config/${enc(context.context)}`;
  const keys = Object.keys(context.properties).sort();
  const rows = keys.map(key => {
    const value = context.properties[key];
    const cell = h('td', { class: 'value-cell mono' }, value);
    const actions = h('div', { class: 'row-actions' });
    const edit = writeButton('Edit', { class: 'small secondary', dataset: { action: 'edit' } }, () => {
      const input = h('input', { type: 'text', name: 'value', value });
      const form = h('form', { class: 'inline' }, input,
        h('button', { type: 'submit', class: 'small', dataset: { action: 'save' } }, 'Save'),
        h('button', { type: 'button', class: 'small secondary', onclick: () => { state.editing = false; refresh(true); } }, 'Cancel'));
      form.addEventListener('submit', event => {
        event.preventDefault();
        state.editing = false;
        write(slot, () => api('PUT', `${base}/properties/${enc(key)}`, { text: input.value, headers: ifMatch }), `${key} saved.`);
      });
      state.editing = true;
      cell.replaceChildren(form);
      input.focus();
      input.select();
    });
    const remove = writeButton('Delete', { class: 'small danger', dataset: { action: 'delete' } },
      () => write(slot, () => api('DELETE', `${base}/properties/${enc(key)}`, { headers: ifMatch }), `${key} deleted.`));
    actions.append(edit, remove);
    return h('tr', { dataset: { key } }, h('td', { class: 'mono' }, key), cell, h('td', {}, actions));
  });

  const newKey = h('input', { type: 'text', name: 'new-key', placeholder: 'key, e.g. orders.max-quantity', disabled: !canWrite() });
  const newValue = h('input', { type: 'text', name: 'new-value', placeholder: 'value', disabled: !canWrite() });
  const add = h('form', { class: 'inline', id: 'add-key', style: 'margin-top:12px' }, newKey, newValue, writeButton('Add key', { type: 'submit' }));
  add.addEventListener('submit', event => {
    event.preventDefault();
    write(slot, () => api('PUT', base, { json: { properties: { [newKey.value.trim()]: newValue.value } }, headers: ifMatch }), `${newKey.value.trim()} added.`);
  });

  return [
    h('p', { class: 'muted' }, `ZooKeeper path ${context.path} · version ${context.version}`),
    slot,
    h('div', { id: 'flash' }),
    h('div', { class: 'table-wrap' }, h('table', { id: 'properties' },
      h('thead', {}, h('tr', {}, h('th', { style: 'width:34%' }, 'Key'), h('th', {}, 'Value'), h('th', { style: 'width:150px' }, ''))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No keys.'))))),
    add,
    historyView(context, history, base, slot),
  ];
}

function diffLines(changes) {
  return h('div', { class: 'diff' }, changes.map(c => [
    c.oldValue !== null && c.oldValue !== undefined ? h('div', { class: 'del' }, `- ${c.key}=${c.oldValue}`) : null,
    c.newValue !== null && c.newValue !== undefined ? h('div', { class: 'add' }, `+ ${c.key}=${c.newValue}`) : null,
  ]));
}

function historyView(context, history, base, slot) {
  const compareSlot = h('div');
  const versions = [...history.changes.map(c => c.version), Math.min(...history.changes.map(c => c.version - 1), context.version)]
    .filter((v, i, all) => v >= 0 && all.indexOf(v) === i).sort((a, b) => a - b);
  const select = (name, selected) => h('select', { name }, versions.map(v => h('option', { value: v, selected: v === selected }, `v${v}`)));
  const from = select('from', versions[Math.max(0, versions.length - 2)]);
  const to = select('to', versions[versions.length - 1]);
  const compare = h('form', { class: 'inline', id: 'compare' }, h('span', { class: 'muted' }, 'Compare'), from, h('span', {}, 'with'), to,
    h('button', { type: 'submit', class: 'small secondary' }, 'Show differences'));
  compare.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const diff = await get(`${base}/diff?from=${from.value}&to=${to.value}`);
      compareSlot.replaceChildren(h('div', { class: 'panel', id: 'compare-result' }, h('div', { class: 'muted' }, `From v${diff.from} to v${diff.to}`),
        diff.changes.length ? diffLines(diff.changes) : h('div', {}, 'No differences.')));
    } catch (error) {
      compareSlot.replaceChildren(errorBox(error, 'Compare'));
    }
  });
  return [
    h('h2', {}, 'History'),
    history.changes.length === 0 ? h('p', { class: 'muted' }, 'No recorded changes.') : [
      compare, compareSlot,
      h('div', { class: 'table-wrap', style: 'margin-top:10px' }, h('table', { id: 'history' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'When'), h('th', {}, 'Who'), h('th', {}, 'Change'), h('th', {}, ''))),
        h('tbody', {}, history.changes.map(change => h('tr', { dataset: { version: change.version } },
          h('td', { class: 'version' }, `v${change.version}`),
          h('td', {}, when(change.when)),
          h('td', {}, change.who ?? '—'),
          h('td', {}, h('div', {}, change.operation + (change.rollbackOf !== null && change.rollbackOf !== undefined ? ` (back to v${change.rollbackOf})` : '')), diffLines(change.changes)),
          h('td', {}, change.version === context.version ? h('span', { class: 'muted' }, 'current') :
            writeButton(`Roll back to v${change.version}`, { class: 'small secondary', dataset: { action: 'rollback' } },
              () => write(slot, () => api('POST', `${base}/rollback`, { json: { version: change.version }, headers: { 'If-Match': `"${context.version}"` } }),
                `Rolled back to the values of v${change.version}.`)))))))),
    ],
    h('p', { class: 'muted' }, `The last ${history.historyLimit} changes are kept.`),
  ];
}

pages.data = {
  title: 'Data',
  async load([name]) {
    const list = await get('/api/v1/data');
    if (!name) return { list };
    const read = await api('GET', `/api/v1/data/${enc(name)}`, { exact: true });
    return { list, item: read.body, etag: read.etag };
  },
  view(data, [name]) {
    const slot = h('div');
    const side = h('div', {},
      h('div', { class: 'list', id: 'data-names' }, data.list.length === 0 ? h('div', { class: 'muted', style: 'padding:10px 14px' }, 'No shared data yet.') :
        data.list.map(d => h('a', { href: `#/data/${enc(d.name)}`, class: d.name === name ? 'active' : '', dataset: { name: d.name } },
          h('span', {}, d.name), h('span', { class: 'muted' }, d.kind === 'map' ? `map · ${d.entries} entries` : d.kind)))),
      newDataForm(slot));
    const body = name ? (data.item.kind === 'map' ? mapView(data, slot) : valueView(data, slot))
      : [h('p', { class: 'notice' }, 'Choose a name on the left: the values, maps and counters the applications share.'), slot];
    return [h('h1', {}, name ? `Data · ${name}` : 'Data'), h('div', { class: 'split' }, side, h('div', {}, body))];
  },
};

const compact = value => JSON.stringify(value);

function newDataForm(slot) {
  const name = h('input', { type: 'text', name: 'data-name', placeholder: 'name, e.g. feature-flags', disabled: !canWrite() });
  const key = h('input', { type: 'text', name: 'data-key', placeholder: 'key (only for a map entry)', disabled: !canWrite() });
  const value = h('textarea', { name: 'data-json', rows: 3, placeholder: 'JSON, e.g. {"checkout":true} or 42 for a counter', disabled: !canWrite() });
  const form = h('form', { class: 'panel', style: 'margin-top:12px', id: 'new-data' }, h('div', { class: 'muted', style: 'margin-bottom:6px' }, 'New value, counter or map entry'),
    name, h('div', { style: 'height:6px' }), key, h('div', { style: 'height:6px' }), value, h('div', { style: 'height:8px' }),
    writeButton('Create', { type: 'submit' }));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const target = name.value.trim();
    const path = key.value.trim() ? `/api/v1/data/${enc(target)}/${enc(key.value.trim())}` : `/api/v1/data/${enc(target)}`;
    const created = await write(slot, () => api('PUT', path, { jsonText: value.value, headers: { 'If-None-Match': '*' } }));
    if (created) window.location.hash = `#/data/${enc(target)}`;
  });
  return form;
}

function valueView(data, slot) {
  const { item, etag } = data;
  const base = `/api/v1/data/${enc(item.name)}`;
  const ifMatch = { 'If-Match': etag || `"${item.version}"` };
  const shown = h('pre', { id: 'data-value', class: 'panel mono' }, JSON.stringify(item.value, null, 2));
  const edit = writeButton('Edit', { class: 'secondary', dataset: { action: 'edit' } }, () => {
    const input = h('textarea', { name: 'value', rows: 8, class: 'mono' });
    input.value = JSON.stringify(item.value, null, 2);
    const form = h('form', { id: 'edit-value' }, input, h('div', { class: 'row-actions', style: 'margin-top:8px;justify-content:flex-start' },
      h('button', { type: 'submit', dataset: { action: 'save' } }, 'Save'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { state.editing = false; refresh(true); } }, 'Cancel')));
    form.addEventListener('submit', event => {
      event.preventDefault();
      state.editing = false;
      write(slot, () => api('PUT', base, { jsonText: input.value, headers: ifMatch }), `${item.name} saved.`);
    });
    state.editing = true;
    shown.replaceWith(form);
    input.focus();
  });
  const remove = writeButton(`Delete ${item.kind}`, { class: 'danger', dataset: { action: 'delete' } },
    () => write(slot, async () => { await api('DELETE', base, { headers: ifMatch }); window.location.hash = '#/data'; return true; }, `${item.name} deleted.`));
  return [
    h('p', { class: 'muted' }, `${item.kind} · ZooKeeper path ${item.path} · version ${item.version}`),
    item.problem ? h('div', { class: 'error' }, item.problem) : null,
    slot,
    h('div', { id: 'flash' }),
    shown,
    h('div', { class: 'row-actions', style: 'justify-content:flex-start' }, edit, remove),
  ];
}

function mapView(data, slot) {
  const { item, etag } = data;
  const base = `/api/v1/data/${enc(item.name)}`;
  const rows = item.entries.map(entry => {
    const ifMatch = { 'If-Match': `"${entry.version}"` };
    const cell = h('td', { class: 'value-cell mono' }, compact(entry.value));
    const edit = writeButton('Edit', { class: 'small secondary', dataset: { action: 'edit' } }, () => {
      const input = h('input', { type: 'text', name: 'value', class: 'mono' });
      input.value = compact(entry.value);
      const form = h('form', { class: 'inline' }, input,
        h('button', { type: 'submit', class: 'small', dataset: { action: 'save' } }, 'Save'),
        h('button', { type: 'button', class: 'small secondary', onclick: () => { state.editing = false; refresh(true); } }, 'Cancel'));
      form.addEventListener('submit', event => {
        event.preventDefault();
        state.editing = false;
        write(slot, () => api('PUT', `${base}/${enc(entry.key)}`, { jsonText: input.value, headers: ifMatch }), `${entry.key} saved.`);
      });
      state.editing = true;
      cell.replaceChildren(form);
      input.focus();
      input.select();
    });
    const remove = writeButton('Delete', { class: 'small danger', dataset: { action: 'delete' } },
      () => write(slot, () => api('DELETE', `${base}/${enc(entry.key)}`, { headers: ifMatch }), `${entry.key} deleted.`));
    return h('tr', { dataset: { key: entry.key } }, h('td', { class: 'mono' }, entry.key), h('td', { class: 'version' }, `v${entry.version}`),
      cell, h('td', {}, h('div', { class: 'row-actions' }, edit, remove)));
  });
  const newKey = h('input', { type: 'text', name: 'new-key', placeholder: 'key, e.g. sku-1', disabled: !canWrite() });
  const newValue = h('input', { type: 'text', name: 'new-value', placeholder: 'JSON, e.g. {"available":5}', disabled: !canWrite() });
  const add = h('form', { class: 'inline', id: 'add-entry', style: 'margin-top:12px' }, newKey, newValue, writeButton('Add entry', { type: 'submit' }));
  add.addEventListener('submit', event => {
    event.preventDefault();
    write(slot, () => api('PUT', `${base}/${enc(newKey.value.trim())}`, { jsonText: newValue.value, headers: { 'If-None-Match': '*' } }), `${newKey.value.trim()} added.`);
  });
  const removeMap = writeButton('Delete map', { class: 'danger', id: 'delete-map' },
    () => write(slot, async () => { await api('DELETE', base, { headers: { 'If-Match': etag } }); window.location.hash = '#/data'; return true; }, `${item.name} deleted.`));
  return [
    h('p', { class: 'muted' }, `map · ZooKeeper path ${item.path} · ${item.entries.length} entries`),
    slot,
    h('div', { id: 'flash' }),
    h('div', { class: 'table-wrap' }, h('table', { id: 'data-entries' },
      h('thead', {}, h('tr', {}, h('th', { style: 'width:24%' }, 'Key'), h('th', { style: 'width:70px' }, 'Version'), h('th', {}, 'Value'), h('th', { style: 'width:150px' }, ''))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No entries.'))))),
    add,
    h('div', { style: 'margin-top:16px' }, removeMap),
  ];
}

pages.locks = {
  title: 'Locks',
  load: () => get('/api/v1/locks'),
  view: data => [
    h('h1', {}, 'Locks'),
    data.locks.length === 0 ? h('p', { class: 'notice' }, 'No lock is held or awaited.') :
      h('div', { class: 'table-wrap' }, h('table', { id: 'locks' },
        h('thead', {}, h('tr', {}, ['Lock', 'Holder', 'Fencing token', 'Held since', 'Waiters'].map(t => h('th', {}, t)))),
        h('tbody', {}, data.locks.map(lock => h('tr', {},
          h('td', {}, h('div', {}, lock.name), h('div', { class: 'muted mono' }, lock.path)),
          h('td', {}, lock.holder ? [h('div', { class: 'mono' }, lock.holder.instanceId ?? '—'), h('div', { class: 'muted' }, lock.holder.thread ?? '')] : h('span', { class: 'muted' }, 'free')),
          h('td', { class: 'mono' }, lock.fencingToken ?? '—'),
          h('td', {}, when(lock.heldSince)),
          h('td', {}, lock.waiters.length === 0 ? h('span', { class: 'muted' }, 'none') :
            h('ol', { style: 'margin:0;padding-left:18px' }, lock.waiters.map(w => h('li', {}, h('span', { class: 'mono' }, w.instanceId ?? '—'), ` ${w.thread ?? ''} since ${when(w.since)}`))))))))),
  ],
};

pages.leaders = {
  title: 'Leaders',
  load: () => get('/api/v1/leaders'),
  view: data => [
    h('h1', {}, 'Leaders'),
    data.groups.length === 0 ? h('p', { class: 'notice' }, 'No leader group exists.') :
      h('div', { class: 'table-wrap' }, h('table', { id: 'leaders' },
        h('thead', {}, h('tr', {}, ['Group', 'Leader', 'Members'].map(t => h('th', {}, t)))),
        h('tbody', {}, data.groups.map(group => h('tr', {},
          h('td', {}, group.group),
          h('td', { class: 'mono' }, group.leader ?? h('span', { class: 'badge out' }, 'no leader')),
          h('td', { class: 'mono' }, group.members.map(m => h('div', {}, m)))))))),
  ],
};

const PLACEMENT_ITEMS_SHOWN = 200;

pages.placement = {
  title: 'Placement',
  load: () => get('/api/v1/placement'),
  view: data => [
    h('h1', {}, 'Placement'),
    h('p', { class: 'muted' }, 'Work groups: the items the group\'s leader assigned to each member, and where each runs now.'),
    data.groups.length === 0 ? h('p', { class: 'notice' }, 'No work group exists.') :
      data.groups.map(group => h('section', { class: 'placement-group' },
        h('h2', {}, group.group),
        h('p', {}, 'Leader ', h('span', { class: 'mono' }, group.leader ?? '—'),
          ` · generation ${group.generation} · epoch ${group.epoch} · `,
          group.moving === 0 ? h('span', { class: 'badge up' }, 'settled')
            : h('span', { class: 'badge out' }, `${group.moving} moving`)),
        h('div', { class: 'table-wrap' }, h('table', { class: 'placement-members' },
          h('thead', {}, h('tr', {}, ['Member', 'Weight', 'Assigned', 'Running'].map(t => h('th', {}, t)))),
          h('tbody', {}, group.members.map(m => h('tr', {},
            h('td', { class: 'mono' }, m.instanceId), h('td', {}, m.weight), h('td', {}, m.assigned),
            h('td', {}, m.running)))))),
        h('div', { class: 'table-wrap' }, h('table', { class: 'placement-items' },
          h('thead', {}, h('tr', {}, ['Item', 'Assigned to', 'Running on', 'Fencing token'].map(t => h('th', {}, t)))),
          h('tbody', {}, group.items.slice(0, PLACEMENT_ITEMS_SHOWN).map(item => h('tr', {},
            h('td', { class: 'mono' }, item.item),
            h('td', { class: 'mono' }, item.assignedTo ?? '—'),
            h('td', { class: 'mono' }, item.runningOn ?? h('span', { class: 'badge out' }, 'not running')),
            h('td', { class: 'mono' }, item.fencingToken ?? '—')))))),
        group.items.length > PLACEMENT_ITEMS_SHOWN
          ? h('p', { class: 'muted' }, `First ${PLACEMENT_ITEMS_SHOWN} of ${group.items.length} items.`) : null,
        (group.recentMoves ?? []).length === 0 ? null : h('div', { class: 'table-wrap' },
          h('table', { class: 'placement-moves' },
            h('caption', {}, 'Recent moves'),
            h('thead', {}, h('tr', {}, ['Item', 'From', 'To', 'Generation', 'At'].map(t => h('th', {}, t)))),
            h('tbody', {}, group.recentMoves.map(move => h('tr', {},
              h('td', { class: 'mono' }, move.item), h('td', { class: 'mono' }, move.from),
              h('td', { class: 'mono' }, move.to), h('td', {}, move.generation),
              h('td', { class: 'mono' }, move.at)))))))),
  ],
};

pages.timeline = {
  title: 'Timeline',
  load: () => get('/api/v1/timeline?limit=100'),
  view: data => [
    h('h1', {}, 'Timeline'),
    h('p', { class: 'muted' }, 'What happened in the mesh, newest first (last 100): registrations, status changes, config keys (never values), leadership and placement moves. Kept in this registry server\'s memory only: lost when it restarts.'),
    data.entries.length === 0 ? h('p', { class: 'notice' }, 'Nothing has happened since the registry started.') :
      h('div', { class: 'table-wrap' }, h('table', { id: 'timeline' },
        h('thead', {}, h('tr', {}, ['When', 'Kind', 'Subject', 'Detail'].map(t => h('th', {}, t)))),
        h('tbody', {}, data.entries.map(e => h('tr', { class: `timeline-${e.kind}` },
          h('td', {}, when(e.at)),
          h('td', {}, h('span', { class: `badge ${TIMELINE_BADGES[e.kind] ?? 'other'}` }, e.kind)),
          h('td', { class: 'mono' }, e.service ? h('a', { href: `#/services/${enc(e.service)}` }, e.subject) : e.subject),
          h('td', {}, e.detail)))))),
  ],
};

const TIMELINE_BADGES = { registration: 'up', deregistration: 'out', status: 'out' };

pages.audit = {
  title: 'Audit log',
  load: () => get('/api/v1/audit?limit=100'),
  view: data => [
    h('h1', {}, 'Audit log'),
    h('p', { class: 'muted' }, 'Every change made through the API, newest first (last 100).'),
    data.entries.length === 0 ? h('p', { class: 'notice' }, 'Nothing has been changed yet.') :
      h('div', { class: 'table-wrap' }, h('table', { id: 'audit' },
        h('thead', {}, h('tr', {}, ['When', 'Who', 'Request', 'Status', 'Summary'].map(t => h('th', {}, t)))),
        h('tbody', {}, data.entries.map(e => h('tr', {},
          h('td', {}, when(e.when)), h('td', {}, e.who),
          h('td', { class: 'mono' }, `${e.method} ${e.path}`),
          h('td', {}, h('span', { class: `badge ${e.status < 400 ? 'up' : 'out'}` }, e.status)),
          h('td', {}, e.summary ?? '')))))),
  ],
};

// ---------- routing and live updates ----------

function parseRoute() {
  const parts = (window.location.hash.replace(/^#\/?/, '') || 'overview').split('/').map(decodeURIComponent);
  const name = pages[parts[0]] ? parts[0] : 'overview';
  return { name, params: parts.slice(1), key: parts.join('/') };
}

let rendering = Promise.resolve();

/** Reloads the current page's data; a background refresh leaves a page alone while the user is typing into it. */
function refresh(force = false) {
  const run = () => render(force);
  rendering = rendering.then(run, run);
  return rendering;
}

function typing() {
  const focused = document.activeElement;
  return state.editing || (main.contains(focused) && ['INPUT', 'TEXTAREA', 'SELECT'].includes(focused.tagName));
}

async function render(force) {
  const route = parseRoute();
  const page = pages[route.name];
  const changedRoute = state.route !== route.key;
  if (!changedRoute && !force && typing()) return; // never replace a form the user is typing into
  let data;
  let failure = null;
  try {
    data = await page.load(route.params);
  } catch (error) {
    failure = error;
  }
  const signature = failure ? `error:${failure.status}:${failure.detail}` : JSON.stringify(data);
  if (!changedRoute && !force && signature === state.lastData) return;
  if (parseRoute().key !== route.key) return; // the user moved on meanwhile
  state.route = route.key;
  state.lastData = signature;
  state.editing = false;
  document.title = `${page.title} · Meshkeeper registry`;
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.page === route.name));
  main.replaceChildren(...[failure
    ? [h('h1', {}, page.title), errorBox(failure, `${page.title} could not be loaded`)]
    : page.view(data, route.params)].flat(Infinity).filter(Boolean));
}

function zookeeperAuthentication(auth) {
  if (!auth || !auth.enabled) return 'off';
  const apps = auth.applications.length;
  return `${auth.required ? 'required' : 'optional'}, ${apps} application${apps === 1 ? '' : 's'}`;
}

function startLiveUpdates() {
  const live = document.getElementById('live');
  const poll = () => {
    state.live = 'polling';
    live.className = 'live';
    live.textContent = `refreshing every ${POLL_MILLIS / 1000} s`;
  };
  poll();
  setInterval(() => { if (state.live === 'polling') refresh(); }, POLL_MILLIS);
  // a service page's sparklines grow with every sample, which no event announces
  setInterval(() => { const route = parseRoute(); if (route.name === 'services' && route.params.length) refresh(); }, HISTORY_MILLIS);
  if (!('EventSource' in window)) return;
  const events = new EventSource('/api/v1/events');
  events.onopen = () => {
    state.live = 'sse';
    live.className = 'live sse';
    live.textContent = 'live';
  };
  events.onerror = () => {
    if (events.readyState === EventSource.CLOSED) poll();
  };
  ['services', 'config', 'locks', 'leaders', 'placement', 'audit', 'data', 'timeline'].forEach(type => events.addEventListener(type, () => refresh()));
  // topology changes arrive every few seconds under load: only the pages that draw them reload
  events.addEventListener('topology', () => { if (['map', 'services'].includes(parseRoute().name)) refresh(); });
}

async function logout() {
  const token = await csrfToken().catch(() => null);
  try {
    await fetch('/logout', { method: 'POST', credentials: 'same-origin', headers: token ? { 'X-XSRF-TOKEN': token } : {} });
  } finally {
    window.location.href = '/login?logout';
  }
}

async function start() {
  try {
    await loadSession();
  } catch {
    return;
  }
  document.getElementById('user').replaceChildren(h('span', { id: 'user-name' }, state.user),
    ...state.roles.filter(r => r === 'operator' || state.roles.length === 1).map(r => h('span', { class: 'role' }, r)));
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', () => { state.editing = false; refresh(true); });
  await refresh();
  startLiveUpdates();
}

start();
