// Polls /api/snapshot every second and redraws; plain DOM and canvas, no libraries.
'use strict';

const byId = (id) => document.getElementById(id);

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function show(value) {
  if (typeof value === 'number' && !Number.isInteger(value)) {
    return value.toFixed(2);
  }
  return String(value);
}

function renderDevices(devices) {
  const box = byId('devices');
  if (devices.length === 0) {
    box.textContent = 'no device state yet';
    return;
  }
  devices.forEach((device) => {
    let tile = box.querySelector(`.device[data-id="${CSS.escape(device.id)}"]`);
    if (!tile) {
      if (box.querySelector('.device') === null) {
        box.textContent = '';
      }
      tile = element('div', { class: 'tile device', 'data-id': device.id });
      tile.appendChild(element('h3', {}, device.id));
      box.appendChild(tile);
    }
    let changed = false;
    Object.entries(device.fields).forEach(([name, value]) => {
      let row = tile.querySelector(`.field[data-name="${CSS.escape(name)}"]`);
      if (!row) {
        row = element('div', { class: 'field', 'data-name': name });
        row.appendChild(element('span', {}, name));
        row.appendChild(element('span', { class: 'value' }));
        tile.appendChild(row);
      }
      const text = show(value);
      const cell = row.querySelector('.value');
      if (cell.textContent !== text) {
        cell.textContent = text;
        changed = true;
      }
    });
    if (changed) {
      tile.classList.remove('changed');
      void tile.offsetWidth; // restarts the flash
      tile.classList.add('changed');
    }
  });
}

function sparkline(canvas, values) {
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (values.length < 2) {
    return;
  }
  const top = Math.max(1, ...values);
  context.strokeStyle = '#2f80ed';
  context.lineWidth = 1.5;
  context.beginPath();
  values.forEach((value, i) => {
    const x = (i / (values.length - 1)) * (canvas.width - 2) + 1;
    const y = canvas.height - 2 - (value / top) * (canvas.height - 4);
    if (i === 0) {
      context.moveTo(x, y);
    } else {
      context.lineTo(x, y);
    }
  });
  context.stroke();
}

function renderStructures(structures) {
  const box = byId('structures');
  structures.forEach((structure) => {
    let tile = box.querySelector(`.structure[data-name="${CSS.escape(structure.name)}"]`);
    if (!tile) {
      tile = element('div', { class: 'tile structure', 'data-name': structure.name });
      tile.appendChild(element('h3', {}, `${structure.name}`));
      tile.appendChild(element('div', { class: 'muted' }, structure.kind));
      tile.appendChild(element('div', { class: 'field total' }));
      tile.appendChild(element('canvas', { width: 180, height: 40 }));
      box.appendChild(tile);
    }
    tile.querySelector('.total').textContent = `${structure.total} total, ${structure.perSecond.toFixed(1)}/s`;
    sparkline(tile.querySelector('canvas'), structure.history);
  });
}

function renderLatency(snapshot) {
  const body = byId('latency').querySelector('tbody');
  body.textContent = '';
  [['MQTT', snapshot.mqttLatency], ['CoAP', snapshot.coapLatency]].forEach(([flow, latency]) => {
    const row = element('tr', { 'data-flow': flow });
    const cells = latency.samples === 0 ? [flow, '-', '-', '-', '0']
      : [flow, `${latency.p50Millis} ms`, `${latency.p99Millis} ms`, `${latency.maxMillis} ms`, latency.samples];
    cells.forEach((cell) => row.appendChild(element('td', {}, String(cell))));
    body.appendChild(row);
  });
}

function renderAlerts(alerts) {
  const list = byId('alerts');
  list.textContent = '';
  alerts.forEach((alert) => {
    list.appendChild(element('li', {}, Object.entries(alert).map(([k, v]) => `${k} ${show(v)}`).join('  ')));
  });
  if (alerts.length === 0) {
    list.appendChild(element('li', { class: 'muted' }, 'none yet'));
  }
}

function renderSql(sql) {
  byId('sql-query').textContent = `sql> ${sql.query}`;
  const table = byId('sql');
  const head = table.querySelector('thead');
  const body = table.querySelector('tbody');
  head.textContent = '';
  body.textContent = '';
  const header = element('tr');
  sql.columns.forEach((column) => header.appendChild(element('th', {}, column)));
  head.appendChild(header);
  sql.rows.forEach((cells) => {
    const row = element('tr');
    cells.forEach((cell) => row.appendChild(element('td', {}, cell)));
    body.appendChild(row);
  });
  byId('sql-error').textContent = sql.error ? `no result yet: ${sql.error}` : '';
}

async function refresh() {
  try {
    const response = await fetch('/api/snapshot', { cache: 'no-store' });
    if (response.ok) {
      const snapshot = await response.json();
      byId('running').textContent = snapshot.devicesRunning;
      byId('updated').textContent = `updated ${new Date(snapshot.takenAtMillis).toLocaleTimeString()}`;
      renderDevices(snapshot.devices);
      renderStructures(snapshot.structures);
      renderLatency(snapshot);
      renderAlerts(snapshot.alerts);
      renderSql(snapshot.sql);
    }
  } catch (e) {
    byId('updated').textContent = `not reachable: ${e}`;
  } finally {
    setTimeout(refresh, 1000);
  }
}

refresh();
