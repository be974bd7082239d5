// claims.js - "/claims": claim groups compared across outlets (a
// conflicting number group shows each value with its outlets side by
// side), then every single claim. Filters live in the URL.

import {api} from '../api.js';
import {fill, h} from '../dom.js';
import {scopeNote} from '../scope.js';
import {CLAIM_KINDS, STATUSES, formatDay, formatNumber, outletName, plural,
        unitLabel} from '../format.js';

const PAGE = 20;
const FILTERS = ['status', 'kind', 'speaker', 'article', 'source', 'entity'];

function speakerLink(speaker) {
  if (!speaker) return h('span', {class: 'muted'}, 'speaker unknown');
  return speaker.entity_id !== null
    ? h('a', {href: `entities/${speaker.entity_id}`, class: 'speaker'},
        speaker.name)
    : h('span', {class: 'speaker'}, speaker.name);
}

function amount(value, unit) {
  return [h('strong', {class: 'amount'}, formatNumber(value)),
          unit ? ` ${unitLabel(unit, value)}` : null];
}

function badge(kind, key, label) {
  return h('span', {class: `badge ${kind}-${key}`}, label || key);
}

// One claim as a list item; options.speaker = false leaves the speaker out
// (on the speaker's own page).
export function claimItem(c, {speaker = true} = {}) {
  const text = c.kind === 'quote' ? h('q', {class: 'claim-text'}, c.text)
                                  : h('span', {class: 'claim-text'}, c.text);
  return h('li', {class: `claim claim-${c.kind}`},
    h('p', {class: 'claim-body'},
      badge('kind', c.kind, CLAIM_KINDS[c.kind]), ' ', text,
      c.kind === 'number'
        ? [' ', h('span', {class: 'claim-amount'}, '(',
                  amount(c.value, c.unit), ')')]
        : null),
    h('p', {class: 'claim-meta'},
      speaker && c.kind !== 'number' ? [speakerLink(c.speaker), ' · '] : null,
      h('span', {class: 'outlet'}, outletName(c.source)),
      c.published ? [' · ', h('time', {datetime: c.published},
                              formatDay(c.published))] : null,
      ' · ',
      h('a', {href: `articles/${c.article_id}#claim-${c.id}`},
        'in context')));
}

function outletList(sources) {
  return h('ul', {class: 'outlets'},
    sources.map((s) => h('li', {}, outletName(s))));
}

function valuesBlock(group) {
  const unit = group.claims.length ? group.claims[0].unit : null;
  const values = group.values.slice().sort((a, b) =>
    b.sources.length - a.sources.length || a.value - b.value);
  return h('ul', {class: 'values', 'aria-label': 'Values reported'},
    values.map((v) => h('li', {class: 'value'},
      h('p', {class: 'value-figure'},
        h('strong', {}, formatNumber(v.value)),
        unit ? h('span', {class: 'value-unit'}, ` ${unitLabel(unit, v.value)}`)
             : null),
      v.qualifier ? h('p', {class: 'qualifier'}, v.qualifier) : null,
      h('p', {class: 'value-count'}, plural(v.sources.length, 'outlet')),
      outletList(v.sources))));
}

// Whether the group's label is just its first claim, shortened.
function labelIsText(group) {
  const first = group.claims[0];
  const label = group.label.replace(/…$/, '').trim();
  return !first || first.text.startsWith(label);
}

function quotesBlock(group) {
  const bySpeaker = new Map();
  for (const c of group.claims) {
    const key = c.speaker ? c.speaker.name : '';
    const entry = bySpeaker.get(key) || {speaker: c.speaker, claims: []};
    if (!entry.claims.some((o) => o.article_id === c.article_id))
      entry.claims.push(c);
    bySpeaker.set(key, entry);
  }
  const first = group.claims[0];
  return [
    first && !labelIsText(group) ? h('blockquote', {class: 'group-quote'},
      h('p', {}, first.kind === 'quote' ? `“${first.text}”` : first.text))
      : null,
    h('ul', {class: 'attributions', 'aria-label': 'Attributed to'},
      [...bySpeaker.values()].map((e) => h('li', {class: 'attribution'},
        h('p', {class: 'attribution-speaker'}, speakerLink(e.speaker)),
        h('p', {class: 'muted'}, 'in ',
          e.claims.map((c, i) => [i ? ', ' : '',
            h('a', {href: `articles/${c.article_id}#claim-${c.id}`},
              outletName(c.source))]))))),
  ];
}

function groupCard(group) {
  const number = group.kind === 'number' && group.values;
  const first = group.claims[0];
  const title = number || !labelIsText(group) ? group.label
              : first.kind === 'quote' ? `“${first.text}”` : first.text;
  return h('li', {class: `group group-${group.status}`},
    h('article', {'aria-labelledby': `group-${group.id}`},
      h('header', {class: 'group-header'},
        h('p', {class: 'group-tags'},
          badge('status', group.status, STATUSES[group.status]), ' ',
          badge('kind', group.kind, CLAIM_KINDS[group.kind])),
        h('h3', {id: `group-${group.id}`,
                 class: number ? 'group-label' : 'group-label group-said'},
          title),
        h('p', {class: 'meta'}, plural(group.source_count, 'outlet'), ': ',
          group.sources.map(outletName).join(', '))),
      number ? valuesBlock(group) : quotesBlock(group),
      h('details', {class: 'group-claims'},
        h('summary', {}, `The ${plural(group.claims.length, 'claim')}`),
        h('ul', {class: 'claim-list'},
          group.claims.map((c) => claimItem(c))))));
}

function radioGroup(name, legend, options) {
  return h('fieldset', {class: 'segmented'},
    h('legend', {}, legend),
    options.map(([v, label]) => h('label', {},
      h('input', {type: 'radio', name, value: v}),
      h('span', {}, label))));
}

// A list with a "More" button that follows next_cursor.
function pagedList(path, params, render, ctx, emptyText) {
  const list = h('ul', {class: 'plain-list'});
  const more = h('button', {type: 'button', class: 'button-quiet'}, 'More');
  const box = h('div', {'aria-busy': 'true'}, list, more);
  let cursor = null;
  async function next() {
    more.disabled = true;
    try {
      const page = await api(path, {...params, limit: PAGE, cursor},
                             ctx.signal);
      list.append(...page.items.map(render));
      if (!list.children.length)
        list.append(h('li', {class: 'empty'}, emptyText));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (err) {
      ctx.showError(box, err);
    }
    more.disabled = false;
    box.removeAttribute('aria-busy');
  }
  more.hidden = true;
  more.addEventListener('click', next);
  return {box, list, ready: next()};
}

export async function mount(ctx) {
  let params = {};
  const form = h('form', {class: 'claim-filters', action: 'claims'},
    radioGroup('status', 'Status', [['', 'All'], ...Object.entries(STATUSES)]),
    radioGroup('kind', 'Kind', [['', 'All'], ...Object.entries(CLAIM_KINDS)]));
  const scope = h('div');
  const groups = h('section', {'aria-labelledby': 'groups-title'});
  const claims = h('section', {'aria-labelledby': 'claims-title'});

  ctx.main.replaceChildren(h('div', {class: 'page page-claims'},
    h('h1', {class: 'page-title'}, 'Claims'),
    h('p', {class: 'lede'},
      'What was said and which figures were given, and where the outlets ',
      'agree or contradict each other.'),
    form, scope, groups, claims));

  form.addEventListener('change', () => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v && k !== 'status' && k !== 'kind') next.set(k, v);
    const data = new FormData(form);
    for (const k of ['status', 'kind'])
      if (data.get(k)) next.set(k, data.get(k));
    const query = next.toString();
    ctx.navigate(query ? `claims?${query}` : 'claims');
  });
  form.addEventListener('submit', (event) => event.preventDefault());

  async function load(p) {
    params = {};
    for (const f of FILTERS) if (p.get(f)) params[f] = p.get(f);
    for (const input of form.querySelectorAll('input[type=radio]'))
      input.checked = input.value === (params[input.name] || '');
    scopeNote(params, 'claims', ctx.signal)
      .then((note) => fill(scope, note))
      .catch((err) => ctx.showError(scope, err));
    // Groups answer to status, kind and entity only.
    let groupList = null;
    if (params.speaker || params.article || params.source) {
      fill(groups);
    } else {
      // Without a status, only what several outlets said is compared.
      groupList = pagedList('claim-groups', {
        status: params.status, kind: params.kind, entity: params.entity,
        min_sources: params.status ? null : 2},
                            groupCard, ctx,
                            'No claim groups match these filters yet.');
      groupList.list.className = 'groups';
      fill(groups,
        h('h2', {id: 'groups-title', class: 'section-title'},
          'Compared across outlets'), groupList.box);
    }
    const claimList = pagedList('claims', params, (c) => claimItem(c), ctx,
                                'No claims match these filters.');
    claimList.list.className = 'claim-list';
    fill(claims,
      h('h2', {id: 'claims-title', class: 'section-title'}, 'Every claim'),
      claimList.box);
    ctx.setTitle('Claims');
    await Promise.all([groupList && groupList.ready, claimList.ready]);
  }

  await load(ctx.params);
  return {update: (next) => load(next.params)};
}
