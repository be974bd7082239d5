// tooltip.js - one shared tooltip for highlighted spans: shown on hover
// and on keyboard focus, tied to the span with aria-describedby so screen
// readers read it too; Escape hides it.

import {fill, h} from './dom.js';

const tips = new WeakMap();
let tip = null;
let owner = null;

// Gives @el a tooltip: a heading and [label, value] rows.
export function setTip(el, title, rows = []) {
  tips.set(el, {title, rows: rows.filter((row) => row[1])});
  el.classList.add('has-tip');
}

function place(el) {
  const rects = el.getClientRects();
  const r = rects.length ? rects[0] : el.getBoundingClientRect();
  const width = tip.offsetWidth;
  const height = tip.offsetHeight;
  const maxLeft = document.documentElement.clientWidth - width - 8;
  let top = r.top - height - 8;
  if (top < 8) top = r.bottom + 8;
  tip.style.left = `${Math.max(8, Math.min(r.left, maxLeft)) + scrollX}px`;
  tip.style.top = `${top + scrollY}px`;
}

function show(el) {
  const data = tips.get(el);
  if (!data) return;
  if (owner && owner !== el) owner.removeAttribute('aria-describedby');
  owner = el;
  fill(tip,
    h('strong', {class: 'tooltip-title'}, data.title),
    data.rows.length ? h('dl', {},
      data.rows.map(([label, value]) => [h('dt', {}, label),
                                         h('dd', {}, value)])) : null);
  tip.hidden = false;
  el.setAttribute('aria-describedby', 'tooltip');
  place(el);
}

export function hide() {
  if (!tip) return;
  tip.hidden = true;
  if (owner) owner.removeAttribute('aria-describedby');
  owner = null;
}

function target(event) {
  return event.target instanceof Element ? event.target.closest('.has-tip')
                                         : null;
}

export function install() {
  tip = document.getElementById('tooltip');
  document.addEventListener('mouseover', (event) => {
    const el = target(event);
    if (el) show(el);
    else if (owner && owner !== document.activeElement) hide();
  });
  document.addEventListener('focusin', (event) => {
    const el = target(event);
    if (el) show(el);
    else hide();
  });
  document.addEventListener('focusout', (event) => {
    if (target(event) === owner) hide();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hide();
  });
  window.addEventListener('resize', hide);
}
