// dialog.js: modal dialogs that keep the focus inside while open (Tab and
// Shift+Tab wrap around) and give it back to whatever opened them.

import { h, nextID, selectorOf } from './dom.js';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
}

// trap keeps Tab inside el.
function trap(el, e) {
  if (e.key !== 'Tab') return;
  const list = focusables(el);
  if (!list.length) return;
  const first = list[0];
  const last = list[list.length - 1];
  if (e.shiftKey && (document.activeElement === first || !el.contains(document.activeElement))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (document.activeElement === last || !el.contains(document.activeElement))) {
    e.preventDefault();
    first.focus();
  }
}

// openDialog shows a modal dialog titled title with body (an element, or a
// function given the close function that returns one). It returns close.
// Escape and the close button close it; focus goes to the first field, and
// back to the element that had it when the dialog closes.
export function openDialog(title, body, { wide = false, onClose } = {}) {
  const opener = document.activeElement;
  const openerSel = selectorOf(opener);
  const titleID = nextID('dlg-title');
  const dlg = h('dialog', { class: 'dialog' + (wide ? ' wide' : ''), 'aria-labelledby': titleID });
  const close = () => { if (dlg.open) dlg.close(); };
  const content = typeof body === 'function' ? body(close) : body;
  dlg.append(
    h('div', { class: 'dialog-head' },
      h('h2', { id: titleID, text: title }),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: close, text: '×' })),
    content);
  dlg.addEventListener('keydown', (e) => trap(dlg, e));
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (onClose) onClose();
    // The opener may have been rebuilt by a live update meanwhile: its twin
    // takes the focus then.
    const twin = openerSel && document.querySelector(openerSel);
    const back = opener && opener.isConnected ? opener : twin || document.getElementById('main');
    if (back) back.focus();
  });
  document.body.append(dlg);
  dlg.showModal();
  const first = dlg.querySelector('[autofocus]') || focusables(content)[0];
  if (first) first.focus();
  return close;
}
