// article.js - "/articles/{id}": the article's text with every annotation
// highlighted by kind (entities, dates, claims), a legend that doubles as a
// set of switches, tooltips on hover and focus, and the lists of who and
// when the article mentions.

import {api, apiAll} from '../api.js';
import {h} from '../dom.js';
import {CLAIM_KINDS, entityTypeLabel, entityTypePlural, formatDay,
        formatNumber, formatTimex, outletName, plural, unitLabel}
  from '../format.js';
import {setTip} from '../tooltip.js';

// Highlight kinds, in legend order: the class on a span, the switch label.
const KINDS = [
  {key: 'person', label: 'People'},
  {key: 'org', label: 'Organisations'},
  {key: 'place', label: 'Places'},
  {key: 'date', label: 'Dates and times'},
  {key: 'quote', label: 'Quotes'},
  {key: 'statement', label: 'Reported speech'},
  {key: 'number', label: 'Numbers'},
];

// When spans share a start, the longer one and then the claim wraps.
const LAYER = {claim: 0, entity: 1, timex: 2};

// Code-point offset -> UTF-16 index into @text.
function codePointIndex(text) {
  const map = [];
  let i = 0;
  for (const ch of text) {
    map.push(i);
    i += ch.length;
  }
  map.push(i);
  return map;
}

function kindClass(span) {
  if (span.layer === 'entity') return `ann ent ent-${span.data.type}`;
  if (span.layer === 'timex') return `ann tx tx-${span.data.type}`;
  return `ann cl cl-${span.data.kind}`;
}

function claimRows(c) {
  if (c.kind === 'number')
    return [['Value', [c.qualifier, formatNumber(c.value),
                       unitLabel(c.unit, c.value)].filter(Boolean).join(' ')],
            ['Speaker', c.speaker && c.speaker.name]];
  return [['Speaker', c.speaker ? c.speaker.name : 'not found']];
}

// The element for one span, with its tooltip; children are appended by
// the caller. @known maps entity ids to entity items (canonical name,
// counts).
function spanElement(span, known) {
  const d = span.data;
  let el;
  if (span.layer === 'entity') {
    const entity = d.entity_id !== null && known.get(d.entity_id);
    el = d.entity_id !== null
      ? h('a', {href: `entities/${d.entity_id}`, class: kindClass(span)})
      : h('span', {class: kindClass(span), tabindex: '0'});
    setTip(el, entity ? entity.name : d.text, [
      ['Type', entityTypeLabel(d.type)],
      ['Here as', entity && entity.name !== d.text ? d.text : null],
      ['Coverage', entity ? `${plural(entity.mention_count, 'mention')} ` +
                            `in ${plural(entity.article_count, 'article')}`
                          : null]]);
  } else if (span.layer === 'timex') {
    const valid = /^\d{4}(-\d\d(-\d\d)?)?$|^\d{4}-W\d\d$/.test(d.value);
    el = h(valid ? 'time' : 'span', {
      class: kindClass(span), tabindex: '0',
      datetime: valid ? d.value : null});
    setTip(el, formatTimex(d.value), [['Value', d.value],
      ['Type', d.type.charAt(0).toUpperCase() + d.type.slice(1)]]);
  } else {
    el = h('span', {class: kindClass(span), tabindex: '0',
                    id: span.first ? `claim-${d.claim_id}` : null});
    setTip(el, CLAIM_KINDS[d.kind] || d.kind, claimRows(d));
  }
  return el;
}

// Appends text[from, to) to @el with the spans (sorted, inside the range)
// nested as elements. A span that crosses the end of an enclosing one is
// split in two.
function renderRange(el, text, map, from, to, spans, known) {
  let pos = from;
  const rest = spans.slice();
  while (rest.length) {
    const span = rest.shift();
    if (span.start < pos) continue;
    if (span.start > pos) el.append(text.slice(map[pos], map[span.start]));
    const inner = [];
    let split = false;
    while (rest.length && rest[0].start < span.end) {
      const child = rest.shift();
      if (child.end <= span.end) {
        inner.push(child);
      } else {
        inner.push({...child, end: span.end});
        rest.push({...child, start: span.end, first: false});
        split = true;
      }
    }
    if (split) rest.sort(bySpan);
    const node = spanElement(span, known);
    renderRange(node, text, map, span.start, span.end, inner, known);
    el.append(node);
    pos = span.end;
  }
  if (pos < to) el.append(text.slice(map[pos], map[to]));
}

function bySpan(a, b) {
  return a.start - b.start || b.end - a.end || LAYER[a.layer] - LAYER[b.layer];
}

// The body as paragraphs (one per non-empty line) with highlights.
function renderBody(body, annotations, known) {
  const map = codePointIndex(body);
  const length = map.length - 1;
  const spans = [];
  const add = (layer, list) => {
    for (const data of list)
      if (data.start >= 0 && data.end <= length && data.start < data.end)
        spans.push({layer, data, start: data.start, end: data.end,
                    first: true});
  };
  add('claim', annotations.claims);
  add('entity', annotations.entities);
  add('timex', annotations.timexes);
  spans.sort(bySpan);

  const paragraphs = [];
  const chars = Array.from(body);
  let start = 0;
  for (let i = 0; i <= length; i++) {
    if (i < length && chars[i] !== '\n') continue;
    if (chars.slice(start, i).join('').trim()) {
      const p = h('p');
      const inside = [];
      for (const s of spans) {
        if (s.end <= start || s.start >= i) continue;
        inside.push({...s, start: Math.max(s.start, start),
                     end: Math.min(s.end, i), first: s.start >= start});
      }
      renderRange(p, body, map, start, i, inside, known);
      paragraphs.push(p);
    }
    start = i + 1;
  }
  return paragraphs;
}

function legend(bodyEl, counts) {
  const items = KINDS.filter((k) => counts[k.key]).map((k) => {
    const box = h('input', {type: 'checkbox', checked: true,
                            id: `show-${k.key}`});
    box.addEventListener('change', () =>
      bodyEl.classList.toggle(`hide-${k.key}`, !box.checked));
    return h('li', {}, box,
      h('label', {for: `show-${k.key}`},
        h('span', {class: `swatch swatch-${k.key}`, 'aria-hidden': 'true'}),
        `${k.label} `,
        h('span', {class: 'count'}, formatNumber(counts[k.key]))));
  });
  if (!items.length) return null;
  return h('fieldset', {class: 'legend'},
    h('legend', {}, 'Highlights'), h('ul', {}, items));
}

function entityLists(annotations, known, types) {
  const byId = new Map();
  for (const m of annotations.entities) {
    if (m.entity_id === null) continue;
    const e = byId.get(m.entity_id) ||
              {id: m.entity_id, type: m.type, count: 0, text: m.text};
    e.count++;
    byId.set(m.entity_id, e);
  }
  const groups = [];
  for (const type of types) {
    const list = [...byId.values()].filter((e) => e.type === type)
      .sort((a, b) => b.count - a.count);
    if (!list.length) continue;
    groups.push(h('section', {class: 'side-block'},
      h('h3', {class: 'side-title'}, entityTypePlural(type)),
      h('ul', {class: 'side-list'}, list.map((e) => h('li', {},
        h('a', {href: `entities/${e.id}`, class: `dot dot-${e.type}`},
          known.has(e.id) ? known.get(e.id).name : e.text),
        h('span', {class: 'count', title: 'mentions in this article'},
          formatNumber(e.count)))))));
  }
  return groups;
}

function dateList(annotations) {
  const seen = new Map();
  for (const t of annotations.timexes)
    if (t.type === 'date' || t.type === 'time')
      if (!seen.has(t.value)) seen.set(t.value, t);
  if (!seen.size) return null;
  const list = [...seen.values()].sort((a, b) =>
    a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  return h('section', {class: 'side-block'},
    h('h3', {class: 'side-title'}, 'Dates'),
    h('ul', {class: 'side-list dates'}, list.map((t) => h('li', {},
      h('span', {class: 'date-value'}, formatTimex(t.value)),
      h('span', {class: 'muted'}, ` “${t.text}”`)))));
}

export async function mount(ctx) {
  const {signal, id} = ctx;
  const [article, annotations, entities] = await Promise.all([
    api(`articles/${id}`, {}, signal),
    api(`articles/${id}/annotations`, {}, signal),
    apiAll('entities', {article: id}, signal),
  ]);
  const known = new Map(entities.map((e) => [e.id, e]));
  const counts = {};
  for (const e of annotations.entities)
    counts[e.type] = (counts[e.type] || 0) + 1;
  counts.date = annotations.timexes.length;
  for (const c of annotations.claims)
    counts[c.kind] = (counts[c.kind] || 0) + 1;

  const title = article.title || 'Untitled article';
  const bodyEl = h('div', {class: 'article-body'},
    renderBody(article.body, annotations, known));
  const types = [...new Set(['person', 'org', 'place',
                             ...annotations.entities.map((e) => e.type)])];
  ctx.setTitle(article.title ||
               `Untitled article, ${outletName(article.source)}`);
  ctx.main.replaceChildren(h('div', {class: 'page page-article'},
    h('article', {class: 'story', 'aria-labelledby': 'story-title'},
      h('header', {class: 'story-header'},
        h('p', {class: 'kicker'}, outletName(article.source)),
        h('h1', {id: 'story-title', class: article.title ? '' : 'untitled'},
          title),
        h('p', {class: 'meta'},
          article.published ? h('time', {datetime: article.published},
                                formatDay(article.published)) : null,
          article.word_count ? ` · ${plural(article.word_count, 'word')}`
                             : null,
          article.url ? [' · ', h('a', {href: article.url, rel: 'noopener',
                                         class: 'external'}, 'Original')]
                      : null)),
      legend(bodyEl, counts),
      bodyEl),
    h('aside', {class: 'story-aside', 'aria-label': 'In this article'},
      h('h2', {class: 'section-title'}, 'In this article'),
      entityLists(annotations, known, types),
      dateList(annotations),
      annotations.claims.length
        ? h('p', {class: 'side-note'},
            h('a', {href: `claims?article=${id}`},
              `${plural(annotations.claims.length, 'claim')} in this article`))
        : null)));
}
