// dom.js - tiny helpers to build HTML and SVG elements from scripts.
//
// h('a', {href: 'x', class: 'y'}, 'text', child, [more]) creates an
// element; attributes named on* that hold functions become listeners,
// null/undefined/false attributes and children are skipped, strings are
// text (never HTML).

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function')
      el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

// An element whose content is trusted HTML from the API (search snippets:
// escaped text plus <mark>).
export function trustedHtml(tag, attrs, html) {
  const el = h(tag, attrs);
  el.innerHTML = html;
  return el;
}

// Replaces @el's content with @children (skipping null, flattening arrays).
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
