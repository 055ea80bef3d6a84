// form.js: the forms every action uses. A submission gets one
// Idempotency-Key, made when it is first sent and sent again on a retry of
// it (an answer lost, a 502/503/504, or the person pressing the button
// again after such a failure), so it is recorded once; the button is
// disabled while the request is in flight; a refusal shows the server's
// message in words next to the button.

import { h, nextID, uuid } from './dom.js';
import { retryable } from './api.js';

// field is a labelled control. kind is 'text' (default), 'textarea',
// 'select' (options: [[value, label]…]), 'number', 'date',
// 'datetime-local' or 'radio' (options as for select).
export function field({ label, name, kind = 'text', value = '', required = false, hint, options = [], attrs = {} }) {
  const id = nextID('f-' + name);
  const hintID = hint ? id + '-hint' : null;
  const common = { id, name, required, 'aria-describedby': hintID, ...attrs };
  let control;
  if (kind === 'radio') return radios({ label, name, value, required, hint, options });
  if (kind === 'textarea') {
    control = h('textarea', { rows: 4, ...common });
    control.value = value;
  } else if (kind === 'select') {
    control = h('select', common, options.map(([v, l]) => h('option', { value: v, selected: v === value, text: l })));
  } else {
    control = h('input', { type: kind, value, ...common });
  }
  return h('div', { class: 'field' },
    h('label', { for: id, text: label + (required || kind === 'select' ? '' : ' (optional)') }),
    hint ? h('p', { class: 'hint', id: hintID, text: hint }) : null,
    control);
}

// radios is a group of radio buttons in a fieldset: arrow keys move between
// them, Space picks one.
function radios({ label, name, value, required, hint, options }) {
  const hintID = hint ? nextID('hint') : null;
  return h('fieldset', { class: 'field radios', 'aria-describedby': hintID },
    h('legend', { text: label }),
    hint ? h('p', { class: 'hint', id: hintID, text: hint }) : null,
    h('div', { class: 'radio-row' }, options.map(([v, l]) => {
      const id = nextID('r-' + name);
      return h('span', { class: 'radio ' + v },
        h('input', { type: 'radio', id, name, value: v, checked: v === value, required }),
        h('label', { for: id, text: l }));
    })));
}

// values returns the form's fields as strings by name.
export function values(form) {
  const out = {};
  for (const [k, v] of new FormData(form)) out[k] = typeof v === 'string' ? v : '';
  return out;
}

// actionForm builds a form of fields with a submit button labelled submit.
// run(values, key) sends the command; done(answer) follows its success.
export function actionForm({ fields, submit, run, done, cls = '', extra = null, danger = false }) {
  const button = h('button', { type: 'submit', class: danger ? 'danger' : 'primary', text: submit });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'action-form ' + cls }, fields, h('div', { class: 'form-foot' }, button, extra, error));
  let key = null;
  let busy = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    error.textContent = '';
    key = key || uuid();
    try {
      const out = await run(values(form), key);
      key = null;
      if (done) done(out, form);
    } catch (err) {
      // A refusal is an answer: the next press is a new submission. A lost
      // answer is not: pressing again retries this one, with its key.
      if (!retryable(err)) key = null;
      error.textContent = err.message || String(err);
    } finally {
      busy = false;
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

// actionButton is a one-press command (no fields) with its own error line,
// in a small form so that it has the same key, busy and error behaviour.
export function actionButton({ label, run, done, cls = '', danger = false, describedBy = null }) {
  const form = actionForm({ fields: [], submit: label, run: (_, key) => run(key), done, cls: 'inline ' + cls, danger });
  if (describedBy) form.querySelector('button').setAttribute('aria-describedby', describedBy);
  return form;
}

// number reads a field as a number, or throws a plain error naming it.
export function number(v, name, optional = false) {
  if (optional && (v == null || String(v).trim() === '')) return undefined;
  const n = Number(v);
  if (String(v).trim() === '' || !Number.isFinite(n)) throw new Error(`${name} must be a number.`);
  return n;
}
