// search.js - "/" and "/search": full-text search as you type, with outlet
// and date filters, the total and paging. The URL holds the whole state
// (q, source, since, until, sort, cursor, page, and limit if not the
// default).

import {api} from '../api.js';
import {fill, h, trustedHtml} from '../dom.js';
import {entityTypeLabel, formatDay, formatNumber, outletName, plural}
  from '../format.js';

const FIELDS = ['q', 'source', 'since', 'until', 'sort'];
const PAGE_SIZE = 10;
const TYPING_DELAY_MS = 120;

// The cursor that led to each page, so "Previous" works without a server
// round trip; kept per tab.
function previousCursor(cursor) {
  return sessionStorage.getItem(`dossier.prev.${cursor}`);
}

function rememberPrevious(next, cursor) {
  sessionStorage.setItem(`dossier.prev.${next}`, cursor || '');
}

function stateFrom(params) {
  const state = {};
  for (const f of FIELDS) state[f] = (params.get(f) || '').trim();
  state.cursor = params.get('cursor') || '';
  state.page = Math.max(1, parseInt(params.get('page'), 10) || 1);
  const limit = parseInt(params.get('limit'), 10);
  state.limit = limit >= 1 && limit <= 100 ? limit : 0;
  return state;
}

function hrefFor(state) {
  const params = new URLSearchParams();
  for (const f of FIELDS) if (state[f]) params.set(f, state[f]);
  if (state.limit) params.set('limit', state.limit);
  if (state.cursor) {
    params.set('cursor', state.cursor);
    params.set('page', state.page);
  }
  const query = params.toString();
  return query ? `search?${query}` : './';
}

function resultItem(item) {
  const title = item.title
    ? h('a', {href: `articles/${item.id}`}, item.title)
    : h('a', {href: `articles/${item.id}`, class: 'untitled'},
        `Untitled article, ${outletName(item.source)}`);
  return h('li', {class: 'result'},
    h('article', {},
      h('h3', {class: 'result-title'}, title),
      h('p', {class: 'meta'},
        h('span', {class: 'outlet'}, outletName(item.source)),
        item.published ? [' · ', h('time', {datetime: item.published},
                                   formatDay(item.published))] : null,
        item.word_count ? ` · ${plural(item.word_count, 'word')}` : null),
      item.snippet ? trustedHtml('p', {class: 'snippet'}, item.snippet)
                   : null));
}

function summaryText(state, data) {
  const n = data.total;
  const count = data.total_exact === false ? `More than ${formatNumber(n)}`
                                           : formatNumber(n);
  const noun = n === 1 ? 'article' : 'articles';
  const parts = [`${count} ${noun}`];
  if (state.q) parts.push(`match “${state.q}”`);
  if (state.source) parts.push(`from ${state.source}`);
  if (state.since && state.until)
    parts.push(`between ${formatDay(state.since)} and ` +
               formatDay(state.until));
  else if (state.since) parts.push(`since ${formatDay(state.since)}`);
  else if (state.until) parts.push(`until ${formatDay(state.until)}`);
  return parts.join(' ');
}

function sideList(title, items) {
  return h('section', {class: 'side-block'},
    h('h2', {class: 'side-title'}, title),
    h('ul', {class: 'side-list'}, items));
}

async function fillAside(aside, sources, signal) {
  const entities = await api('entities', {limit: 12}, signal);
  fill(aside,
    entities.items.length ? sideList('Most mentioned',
      entities.items.map((e) => h('li', {},
        h('a', {href: `entities/${e.id}`, class: `dot dot-${e.type}`,
                title: entityTypeLabel(e.type)}, e.name),
        h('span', {class: 'count'}, formatNumber(e.mention_count))))) : null,
    sideList('Outlets', sources.map((s) => h('li', {},
      s.source ? h('a', {href: hrefFor({source: s.source})}, s.source)
               : h('span', {class: 'muted'}, outletName(null)),
      h('span', {class: 'count'}, formatNumber(s.article_count))))));
}

export async function mount(ctx) {
  const {signal} = ctx;
  let state = stateFrom(ctx.params);
  let request = null;
  let typingTimer = 0;

  const input = h('input', {
    id: 'q', type: 'search', name: 'q', autocomplete: 'off',
    spellcheck: 'false', 'aria-describedby': 'q-help',
    'aria-controls': 'results',
    placeholder: 'troops, "phone call", Putin -Biden'});
  const source = h('select', {id: 'f-source', name: 'source'},
    h('option', {value: ''}, 'All outlets'));
  const since = h('input', {id: 'f-since', type: 'date', name: 'since'});
  const until = h('input', {id: 'f-until', type: 'date', name: 'until'});
  const sort = h('select', {id: 'f-sort', name: 'sort'},
    h('option', {value: ''}, 'Best match'),
    h('option', {value: '-published'}, 'Newest first'),
    h('option', {value: 'published'}, 'Oldest first'));
  const form = h('form', {class: 'search-form', role: 'search',
                          action: 'search'},
    h('label', {for: 'q', class: 'search-label'}, 'Search the articles'),
    h('div', {class: 'search-box'}, input),
    h('p', {id: 'q-help', class: 'hint'},
      'Results update as you type. Use quotes for a phrase, OR, -word ',
      'to exclude, and prefix* for word starts.'),
    h('fieldset', {class: 'filters'},
      h('legend', {class: 'sr-only'}, 'Filters'),
      h('div', {class: 'field'}, h('label', {for: 'f-source'}, 'Outlet'),
        source),
      h('div', {class: 'field'}, h('label', {for: 'f-since'}, 'From'),
        since),
      h('div', {class: 'field'}, h('label', {for: 'f-until'}, 'To'), until),
      h('div', {class: 'field'}, h('label', {for: 'f-sort'}, 'Order'),
        sort)));
  const summary = h('p', {class: 'results-summary', role: 'status'});
  const heading = h('h2', {id: 'results-heading', class: 'section-title'});
  const results = h('ol', {id: 'results', class: 'results',
                           'aria-labelledby': 'results-heading'});
  const pager = h('nav', {class: 'pager', 'aria-label': 'Result pages'});
  const aside = h('aside', {class: 'search-aside',
                            'aria-label': 'In the coverage'});

  ctx.main.replaceChildren(h('div', {class: 'page page-search'},
    h('h1', {class: 'page-title'}, 'Who said what, and when'),
    h('p', {class: 'lede'},
      'Search the coverage, then follow the people, claims and dates ',
      'the articles mention.'),
    form,
    h('div', {class: 'search-layout'},
      h('section', {class: 'search-results',
                    'aria-labelledby': 'results-heading'},
        heading, summary, results, pager),
      aside)));

  function syncForm() {
    if (input.value.trim() !== state.q) input.value = state.q;
    source.value = state.source;
    if (source.value !== state.source)
      source.append(h('option', {value: state.source, selected: true},
                      state.source));
    since.value = state.since;
    until.value = state.until;
    sort.value = state.sort;
    sort.options[0].textContent = state.q ? 'Best match' : 'Newest first';
  }

  function renderPager(data) {
    const links = [];
    if (state.cursor) {
      const prev = previousCursor(state.cursor);
      links.push(prev === null
        ? h('a', {href: hrefFor({...state, cursor: ''}), rel: 'first'},
            '« First page')
        : h('a', {href: hrefFor({...state, cursor: prev,
                                 page: state.page - 1}), rel: 'prev'},
            '‹ Previous'));
    }
    if (state.cursor || data.next_cursor)
      links.push(h('span', {class: 'page-number', 'aria-current': 'page'},
                   `Page ${state.page}`));
    if (data.next_cursor) {
      rememberPrevious(data.next_cursor, state.cursor);
      links.push(h('a', {href: hrefFor({...state, cursor: data.next_cursor,
                                        page: state.page + 1}),
                         rel: 'next'}, 'Next ›'));
    }
    fill(pager, ...links);
    pager.hidden = !links.length;
  }

  async function load() {
    if (request) request.abort();
    request = new AbortController();
    const mine = request;
    signal.addEventListener('abort', () => mine.abort(), {once: true});
    heading.textContent = state.q || state.source || state.since ||
                          state.until ? 'Results' : 'Latest articles';
    results.setAttribute('aria-busy', 'true');
    try {
      const data = await api('articles', {
        q: state.q, source: state.source, since: state.since,
        until: state.until, sort: state.sort, cursor: state.cursor,
        limit: state.limit || PAGE_SIZE}, mine.signal);
      summary.textContent = summaryText(state, data);
      fill(results, ...data.items.map(resultItem));
      if (!data.items.length)
        results.append(h('li', {class: 'empty'},
          state.q ? 'Nothing matches. Try fewer or shorter words.'
                  : 'No articles yet.'));
      renderPager(data);
    } catch (err) {
      if (err.name === 'AbortError') return;
      summary.textContent = '';
      pager.hidden = true;
      ctx.showError(results, err);
    } finally {
      if (request === mine) results.removeAttribute('aria-busy');
    }
  }

  // Typing keeps one history entry per search; other changes add one.
  function go(next, typing) {
    state = {...next, limit: state.limit, cursor: '', page: 1};
    const replace = typing && history.state && history.state.typing;
    ctx.navigate(hrefFor(state), {replace, state: {typing}});
  }

  function fromForm() {
    return {q: input.value.trim(), source: source.value, since: since.value,
            until: until.value, sort: sort.value};
  }

  input.addEventListener('input', () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      if (input.value.trim() !== state.q) go(fromForm(), true);
    }, TYPING_DELAY_MS);
  });
  form.addEventListener('change', (event) => {
    if (event.target !== input) go(fromForm(), false);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typingTimer);
    go(fromForm(), false);
  });

  ctx.setTitle(state.q ? `“${state.q}”` : '');
  syncForm();
  const sourcesP = api('sources', {}, signal);
  const resultsP = load();
  sourcesP.then((data) => {
    for (const s of data.items)
      if (s.source && s.source !== state.source)
        source.append(h('option', {value: s.source}, s.source));
    syncForm();
    return fillAside(aside, data.items, signal);
  }).catch((err) => ctx.showError(aside, err));
  await resultsP;
  if (ctx.how === 'load' && !state.q) input.focus({preventScroll: true});

  return {
    update(next) {
      state = stateFrom(next.params);
      ctx.setTitle(state.q ? `“${state.q}”` : '');
      syncForm();
      load();
      if (next.how === 'push' || next.how === 'pop') window.scrollTo(0, 0);
    },
  };
}
