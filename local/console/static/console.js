// The sfnkit console's script: checks JSON fields before a form is sent,
// shows a state's details when it is clicked on the graph or in the
// table, and refreshes a running execution's page. It only reads and
// moves elements the server rendered (and escaped); it never builds HTML
// from data.
'use strict';

// checkJSON refuses to send a form whose JSON field does not parse, and
// says why beside the field.
function checkJSON(form) {
  const field = form.elements[form.dataset.jsonField];
  const note = form.querySelector('.json-error');
  form.addEventListener('submit', (event) => {
    try {
      JSON.parse(field.value.trim() === '' ? '{}' : field.value);
      note.hidden = true;
    } catch (err) {
      event.preventDefault();
      note.textContent = 'The ' + field.name + ' is not JSON: ' + err.message;
      note.hidden = false;
      field.focus();
    }
  });
}

let selected = '';

// select shows the details of the state name and marks it on the graph
// and in the table.
function select(name) {
  selected = name;
  const panel = document.getElementById('state-panel');
  if (!panel) return;
  let found = false;
  for (const d of panel.querySelectorAll('.state-detail')) {
    d.hidden = d.dataset.for !== name;
    found = found || !d.hidden;
  }
  const empty = panel.querySelector('[data-empty]');
  if (empty) {
    empty.hidden = found;
    if (!found && name) empty.textContent = name + ' has not run in this execution.';
  }
  for (const g of document.querySelectorAll('g.state')) g.classList.toggle('selected', g.dataset.state === name);
  for (const tr of document.querySelectorAll('tr[data-state-row]')) tr.classList.toggle('selected', tr.dataset.stateRow === name);
}

function wire(root) {
  for (const form of root.querySelectorAll('form[data-json-field]')) checkJSON(form);
  for (const el of root.querySelectorAll('g.state, tr[data-state-row]')) {
    const name = el.dataset.state ?? el.dataset.stateRow;
    el.addEventListener('click', () => select(name));
    el.addEventListener('keydown', (e) => { if (e.key === 'Enter') select(name); });
  }
  if (selected) select(selected);
}

// poll reloads a running execution's page every second and swaps it in
// when its history grew, keeping the selected state, until it ends.
function poll() {
  const current = document.getElementById('execution');
  if (!current || !current.dataset.poll) return;
  setTimeout(async () => {
    try {
      const res = await fetch(location.href, { headers: { 'Accept': 'text/html' }, cache: 'no-store' });
      if (res.ok) {
        const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
        const next = doc.getElementById('execution');
        const busy = document.activeElement && document.activeElement.closest('form');
        if (next && !busy && (next.dataset.version !== current.dataset.version || next.dataset.status !== current.dataset.status)) {
          current.replaceWith(next);
          wire(next);
        }
      }
    } catch (err) {
      // The server may be restarting: try again on the next tick.
    }
    poll();
  }, 1000);
}

document.addEventListener('DOMContentLoaded', () => {
  wire(document);
  poll();
});
