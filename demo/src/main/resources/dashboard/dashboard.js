// Polls /api/snapshot every second and redraws; plain DOM and canvas, no libraries. Text from devices and servers
// is only ever set as textContent, never parsed as HTML.
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

// A field shows two decimals once any of its values had a fraction, so that 21 and 21.5 line up as 21.00 and 21.50.
const fractionalFields = new Set();

function number(name, value) {
  if (!Number.isInteger(value)) {
    fractionalFields.add(name);
  }
  return fractionalFields.has(name) ? value.toFixed(2) : String(value);
}

const TIME_FIELD = /^(ts|timestamp|time)$|_(ts|time|at)$/i;

function isTime(name, value) {
  return typeof value === 'number' && TIME_FIELD.test(name) && value > 1e11; // epoch milliseconds
}

function clock(millis) {
  return new Date(millis).toLocaleTimeString();
}

function age(millis, now) {
  const seconds = Math.max(0, Math.round((now - millis) / 1000));
  if (seconds < 120) {
    return `${seconds} s ago`;
  }
  return seconds < 7200 ? `${Math.floor(seconds / 60)} min ago` : `${Math.floor(seconds / 3600)} h ago`;
}

// A device value as people read it: points in time as local time and age, numbers with consistent decimals.
function show(name, value, now) {
  if (isTime(name, value)) {
    return `${clock(value)} (${age(value, now)})`;
  }
  return typeof value === 'number' ? number(name, value) : String(value);
}

// The commands a tile offers: a reading interval and the LED (the device answers each; see the Commands section).
const INTERVALS = [['250 ms', 250], ['1 s', 1000], ['2.5 s', 2500], ['5 s', 5000]];

async function sendCommand(deviceId, action, value) {
  const status = byId('command-status');
  try {
    const response = await fetch('/api/commands', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ device_id: deviceId, action, value }),
    });
    const text = await response.text();
    status.textContent = response.ok ? `sent ${JSON.parse(text).commandId}: ${deviceId} ${action} ${value}`
      : `not sent: ${text}`;
  } catch (e) {
    status.textContent = `not sent: ${e}`;
  }
}

function controls(deviceId) {
  const box = element('div', { class: 'controls' });
  const select = element('select', { class: 'interval', 'aria-label': `${deviceId}'s reading interval` });
  INTERVALS.forEach(([label, ms]) => select.appendChild(element('option', { value: String(ms) }, label)));
  const apply = element('button', { type: 'button', class: 'set-interval' }, 'set interval');
  apply.addEventListener('click', () => sendCommand(deviceId, 'interval', Number(select.value)));
  const led = element('button', { type: 'button', class: 'led' }, 'LED on');
  led.addEventListener('click', () => sendCommand(deviceId, 'led', led.dataset.next || 'on'));
  [select, apply, led].forEach((node) => box.appendChild(node));
  return box;
}

// Tiles of devices (the map device_state) or CoAP sensors (readings from queue dev), each with its controls.
function renderTiles(box, devices, snapshot, empty) {
  const now = snapshot.takenAtMillis;
  if (devices.length === 0) {
    box.textContent = empty;
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
      tile.appendChild(element('div', { class: 'rate' }));
      tile.appendChild(element('div', { class: 'seen' }));
      tile.appendChild(controls(device.id));
      box.appendChild(tile);
    }
    let changed = false;
    Object.entries(device.fields).forEach(([name, value]) => {
      let row = tile.querySelector(`.field[data-name="${CSS.escape(name)}"]`);
      if (!row) {
        row = element('div', { class: 'field', 'data-name': name });
        row.appendChild(element('span', {}, name));
        row.appendChild(element('span', { class: 'value' }));
        tile.insertBefore(row, tile.querySelector('.rate'));
      }
      const raw = JSON.stringify(value);
      if (row.dataset.raw !== raw) {
        row.dataset.raw = raw;
        changed = true;
      }
      row.querySelector('.value').textContent = show(name, value, now);
    });
    tile.querySelector('.rate').textContent = device.intervalMillis > 0
      ? `a reading every ${(device.intervalMillis / 1000).toFixed(2)} s (${(1000 / device.intervalMillis).toFixed(1)}/s)`
      : 'a reading every ... (measuring)';
    const led = tile.querySelector('button.led');
    led.dataset.next = device.fields.led === 'on' ? 'off' : 'on';
    led.textContent = `LED ${led.dataset.next}`;
    const silentFor = now - device.updatedAtMillis;
    const silent = silentFor > Math.max(snapshot.deviceSilentAfterMillis, 3 * device.intervalMillis);
    tile.classList.toggle('silent', silent);
    tile.querySelector('.seen').textContent = silent ? `silent for ${Math.round(silentFor / 1000)} s`
      : `updated ${age(device.updatedAtMillis, now)}`;
    if (changed && !silent) {
      tile.classList.remove('changed');
      void tile.offsetWidth; // restarts the flash
      tile.classList.add('changed');
    }
  });
}

function renderDevices(snapshot) {
  renderTiles(byId('devices'), snapshot.devices, snapshot, 'no device state yet');
  renderTiles(byId('coap-sensors'), snapshot.coapSensors, snapshot, 'no CoAP readings yet');
}

function renderCommands(snapshot) {
  const loop = snapshot.commands;
  const trip = loop.roundTrip;
  byId('round-trip').textContent = trip.samples === 0 ? 'no command answered in the last minute'
    : `round trip p50 ${Math.round(trip.p50Millis)} ms, p99 ${Math.round(trip.p99Millis)} ms, `
      + `max ${Math.round(trip.maxMillis)} ms (${trip.samples} in the last minute)`;
  const body = byId('commands').querySelector('tbody');
  body.textContent = '';
  loop.recent.forEach((command) => {
    const row = element('tr', { 'data-id': command.commandId, 'data-device': command.deviceId,
      'data-state': command.state });
    const since = (millis) => (millis > 0 ? `+${Math.max(0, millis - command.sentAtMillis)} ms` : '-');
    [clock(command.sentAtMillis), command.commandId, command.deviceId, `${command.action} ${command.value}`,
      command.state, command.result || '', since(command.deliveredAtMillis), since(command.acknowledgedAtMillis),
      command.roundTripMillis > 0 ? `${command.roundTripMillis} ms` : '-']
      .forEach((cell, i) => row.appendChild(element('td', i >= 6 ? { class: 'number' } : {}, String(cell))));
    row.children[4].classList.add(`command-${command.state}`);
    body.appendChild(row);
  });
}

// A rate over the last minute, with its axes: the rate's unit and scale on the left, the time below.
function chart(canvas, values, unit) {
  const context = canvas.getContext('2d');
  const left = 34;
  const bottom = canvas.height - 14;
  const top = 12;
  const right = canvas.width - 4;
  const scale = Math.max(1, ...values);
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.strokeStyle = '#c4ccd4';
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(left, top);
  context.lineTo(left, bottom);
  context.lineTo(right, bottom);
  context.stroke();
  context.fillStyle = '#6b7785';
  context.font = '10px system-ui, sans-serif';
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  context.fillText(scale.toFixed(1), left - 4, top);
  context.fillText('0', left - 4, bottom);
  context.textAlign = 'left';
  context.textBaseline = 'top';
  context.fillText(unit, left + 4, 0);
  context.fillText('60 s ago', left, bottom + 3);
  context.textAlign = 'right';
  context.fillText('now', right, bottom + 3);
  canvas.setAttribute('aria-label', `${unit} over the last 60 s, from 0 to ${scale.toFixed(1)} ${unit}`);
  if (values.length < 2) {
    return;
  }
  context.strokeStyle = '#2f80ed';
  context.lineWidth = 1.5;
  context.beginPath();
  values.forEach((value, i) => {
    const x = left + 1 + (i / (values.length - 1)) * (right - left - 1);
    const y = bottom - 1 - (value / scale) * (bottom - top - 1);
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
      tile.appendChild(element('canvas', { width: 220, height: 72, role: 'img' }));
      box.appendChild(tile);
    }
    tile.querySelector('.total').textContent = `${structure.total.toLocaleString('en')} ${structure.totalUnit}, `
      + `${structure.perSecond.toFixed(1)} ${structure.rateUnit}`;
    chart(tile.querySelector('canvas'), structure.history, structure.rateUnit);
  });
}

function renderConnectors(snapshot) {
  const body = byId('connectors').querySelector('tbody');
  body.textContent = '';
  snapshot.connectors.forEach((connector) => {
    const row = element('tr', { 'data-name': connector.name });
    row.appendChild(element('td', {}, connector.name));
    row.appendChild(element('td', { class: `state-${connector.state.toLowerCase()}` }, connector.state));
    const tasks = element('td');
    connector.tasks.forEach((task) => {
      tasks.appendChild(element('div', { class: `task state-${task.state.toLowerCase()}` }, `task ${task.id} ${task.state}`));
    });
    [connector.trace, ...connector.tasks.map((task) => task.trace)].filter((trace) => trace)
      .forEach((trace) => tasks.appendChild(element('div', { class: 'trace' }, trace)));
    row.appendChild(tasks);
    body.appendChild(row);
  });
  byId('connect-rest').textContent = `GET ${snapshot.connectRest}?expand=status`;
}

function renderDeadLetters(snapshot) {
  const list = byId('dead-letters');
  list.textContent = '';
  snapshot.deadLetters.forEach((topic) => {
    const item = element('li', { 'data-connector': topic.connector },
      `${topic.connector}: ${topic.count.toLocaleString('en')} in topic ${topic.topic}`);
    if (topic.count > 0) {
      item.appendChild(element('div', { class: 'reason' },
        `last ${clock(topic.lastAtMillis)} (${age(topic.lastAtMillis, snapshot.takenAtMillis)}): ${topic.lastReason}`));
    }
    list.appendChild(item);
  });
}

function renderLatency(snapshot) {
  const body = byId('latency').querySelector('tbody');
  body.textContent = '';
  [['MQTT', snapshot.mqttLatency], ['CoAP', snapshot.coapLatency]].forEach(([flow, latency]) => {
    const row = element('tr', { 'data-flow': flow });
    const ms = (value) => `${Math.round(value)} ms`;
    const cells = latency.samples === 0 ? [flow, '-', '-', '-', '0']
      : [flow, ms(latency.p50Millis), ms(latency.p99Millis), ms(latency.maxMillis), latency.samples.toLocaleString('en')];
    cells.forEach((cell, i) => row.appendChild(element('td', i === 0 ? {} : { class: 'number' }, String(cell))));
    body.appendChild(row);
  });
}

function renderAlerts(snapshot) {
  const list = byId('alerts');
  list.textContent = '';
  snapshot.alerts.forEach((alert) => {
    list.appendChild(element('li', {}, Object.entries(alert)
      .map(([name, value]) => `${name} ${show(name, value, snapshot.takenAtMillis)}`).join('  ')));
  });
  if (snapshot.alerts.length === 0) {
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
      byId('updated').textContent = `updated ${clock(snapshot.takenAtMillis)}`;
      renderDevices(snapshot);
      renderCommands(snapshot);
      renderStructures(snapshot.structures);
      renderConnectors(snapshot);
      renderDeadLetters(snapshot);
      renderLatency(snapshot);
      renderAlerts(snapshot);
      renderSql(snapshot.sql);
    }
  } catch (e) {
    byId('updated').textContent = `not reachable: ${e}`;
  } finally {
    setTimeout(refresh, 1000);
  }
}

refresh();
