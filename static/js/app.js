// app.js - the pages' entry point: a small client-side router over clean
// URLs relative to <base href> (so the pages work under any base_path),
// link interception, focus and scroll handling, and the error view.

import {ApiError} from './api.js';
import {h} from './dom.js';
import * as tooltip from './tooltip.js';
import * as search from './pages/search.js';
import * as article from './pages/article.js';
import * as entity from './pages/entity.js';
import * as claims from './pages/claims.js';
import * as timeline from './pages/timeline.js';

const ROUTES = [
  {re: /^(?:|search|index\.html)$/, page: search, nav: 'search'},
  {re: /^articles\/(\d+)$/, page: article, nav: 'search'},
  {re: /^entities\/(\d+)$/, page: entity, nav: 'search'},
  {re: /^claims$/, page: claims, nav: 'claims'},
  {re: /^timeline$/, page: timeline, nav: 'timeline'},
];

const main = document.getElementById('main');
const announcer = document.getElementById('announcer');
let current = null;        // {route, controller, abort, key}

// The path below <base href>: "" for the home page, "articles/3", ...
function routePath(url) {
  const base = new URL(document.baseURI).pathname;
  const path = url.pathname;
  if (path === base.replace(/\/$/, '')) return '';
  return path.startsWith(base) ? decodeURIComponent(path.slice(base.length))
                               : null;
}

function match(path) {
  for (const route of ROUTES) {
    const m = route.re.exec(path);
    if (m) return {...route, id: m[1]};
  }
  return null;
}

function setTitle(title) {
  document.title = title ? `${title} — dossier` : 'dossier';
}

function notFound(message) {
  main.replaceChildren(h('div', {class: 'page page-narrow error-page'},
    h('h1', {tabindex: '-1'}, 'Not found'),
    h('p', {class: 'lede'}, message),
    h('p', {}, h('a', {href: './'}, 'Search the articles'))));
  setTitle('Not found');
}

// Shown in place of a page (or a part of one) when a request failed.
function showError(where, err) {
  if (err && err.name === 'AbortError') return;
  if (err instanceof ApiError && err.status === 404 && where === main) {
    notFound(err.message);
    return;
  }
  where.replaceChildren(h('p', {class: 'notice notice-error', role: 'alert'},
    err instanceof ApiError ? err.message : 'Something went wrong.'));
  if (!(err instanceof ApiError)) console.warn(err);
}

function markNav(nav) {
  for (const a of document.querySelectorAll('[data-nav]'))
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
}

async function render(how) {
  const url = new URL(location.href);
  const path = routePath(url);
  const route = path === null ? null : match(path);
  const ctx = {
    main, id: route && route.id, params: url.searchParams, navigate,
    setTitle, showError, how,
  };

  tooltip.hide();
  if (current && route && current.route.page === route.page &&
      current.route.id === route.id && current.controller &&
      current.controller.update) {
    current.controller.update(ctx);
    return;
  }
  if (current) {
    current.abort.abort();
    current = null;
  }
  if (!route) {
    markNav(null);
    notFound('There is no page at this address.');
    return;
  }
  const abort = new AbortController();
  current = {route, abort, controller: null};
  ctx.signal = abort.signal;
  markNav(route.nav);
  main.setAttribute('aria-busy', 'true');
  if (how === 'push') window.scrollTo(0, 0);
  try {
    current.controller = await route.page.mount(ctx);
  } catch (err) {
    if (current && current.abort === abort) showError(main, err);
  }
  if (abort.signal.aborted) return;
  main.removeAttribute('aria-busy');
  performance.mark('dossier:rendered');    // a User Timing for audits
  if (how === 'push') {
    main.focus({preventScroll: true});
    announcer.textContent = document.title;
  }
  if (how === 'pop' && history.state && history.state.scrollY)
    window.scrollTo(0, history.state.scrollY);
  else if (url.hash) scrollToId(url.hash.slice(1));
}

function scrollToId(id) {
  const target = document.getElementById(id);
  if (!target) return;
  if (!target.hasAttribute('tabindex') && !target.matches('a, button, input'))
    target.setAttribute('tabindex', '-1');
  target.scrollIntoView({block: 'start'});
  target.focus({preventScroll: true});
}

function rememberScroll() {
  history.replaceState({...history.state, scrollY: window.scrollY}, '');
}

// Goes to @href (relative to <base href>). Same page and query but another
// fragment only scrolls. {replace: true} rewrites the current entry (used
// while typing a search); @state is kept with the entry (history.state).
function navigate(href, {replace = false, state = {}} = {}) {
  const url = new URL(href, document.baseURI);
  const here = new URL(location.href);
  if (url.href === here.href) return;
  if (replace) {
    history.replaceState(state, '', url);
  } else {
    rememberScroll();
    history.pushState(state, '', url);
  }
  if (url.hash && url.pathname === here.pathname &&
      url.search === here.search) {
    scrollToId(url.hash.slice(1));
    return;
  }
  render(replace ? 'replace' : 'push');
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey ||
      event.ctrlKey || event.shiftKey || event.altKey)
    return;
  const a = event.target.closest('a[href]');
  const target = a && a.getAttribute('target');
  if (!a || (target && target !== '_self') || a.hasAttribute('download'))
    return;
  const raw = a.getAttribute('href');
  if (raw.startsWith('#')) {
    // In-page anchors (resolved against <base href> they would leave the
    // page): scroll within the current page.
    event.preventDefault();
    scrollToId(raw.slice(1));
    return;
  }
  const url = new URL(raw, document.baseURI);     // also for SVG links
  const path = url.origin === location.origin ? routePath(url) : null;
  if (path === null || path.startsWith('api/') || path === 'metrics')
    return;
  event.preventDefault();
  navigate(url.href);
}

history.scrollRestoration = 'manual';
document.addEventListener('click', onClick);
window.addEventListener('popstate', () => render('pop'));
tooltip.install();
render('load');
