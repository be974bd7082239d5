// format.js - how dates, numbers, outlets and TimeML values read on the
// pages. Dates are formatted in UTC: they are calendar dates, not instants.

const dayFmt = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC'});
const longDayFmt = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
  timeZone: 'UTC'});
const monthFmt = new Intl.DateTimeFormat('en-GB', {
  month: 'long', year: 'numeric', timeZone: 'UTC'});
const numberFmt = new Intl.NumberFormat('en-US');

const REFS = {
  PRESENT_REF: 'the present',
  PAST_REF: 'the past',
  FUTURE_REF: 'the future',
};
const SEASONS = {SP: 'spring', SU: 'summer', FA: 'autumn', WI: 'winter'};
const UNITS = {
  Y: 'year', M: 'month', W: 'week', D: 'day', H: 'hour', MIN: 'minute',
  S: 'second', DE: 'decade', CE: 'century',
};

// "Thursday 30 December 2021" (en-GB puts a comma after the weekday).
function longDay(date) {
  return longDayFmt.format(date).replace(',', '');
}

export function formatNumber(n) {
  return numberFmt.format(n);
}

export function plural(n, one, many = one + 's') {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

// An article without a source counts as an outlet of its own.
export function outletName(source) {
  return source || 'Unnamed outlet';
}

// "YYYY-MM-DD" (or a full timestamp) -> Date at UTC midnight, or null.
export function parseDay(value) {
  const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(value || '');
  return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3])) : null;
}

export function formatDay(value) {
  const d = parseDay(value);
  return d ? dayFmt.format(d) : value || '';
}

// The interval [start, end) in ms that a TimeML date value covers, or null
// for values that are not on the calendar (PRESENT_REF, durations, ...).
export function timexRange(value) {
  let m = /^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?:T(\d\d):(\d\d))?/.exec(value);
  if (m && !/^\d{4}-W/.test(value)) {
    const [y, mo, d] = [+m[1], m[2] ? m[2] - 1 : 0, m[3] ? +m[3] : 1];
    const start = Date.UTC(y, mo, d, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0);
    const end = m[4] ? start + 60000
              : m[3] ? Date.UTC(y, mo, d + 1)
              : m[2] ? Date.UTC(y, mo + 1, 1)
              : Date.UTC(y + 1, 0, 1);
    return [start, end];
  }
  m = /^(\d{4})-W(\d\d)/.exec(value);
  if (m) {
    // ISO week 1 holds the year's first Thursday.
    const jan4 = Date.UTC(+m[1], 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 864e5;
    const start = monday + (m[2] - 1) * 7 * 864e5;
    return [start, start + 7 * 864e5];
  }
  return null;
}

function formatDuration(value) {
  const m = /^P(?:T)?(\d+(?:\.\d+)?|X)(MIN|DE|CE|[YMWDHS])$/.exec(value);
  if (!m) return null;
  const unit = value.startsWith('PT') && m[2] === 'M' ? 'minute'
             : UNITS[m[2]];
  return m[1] === 'X' ? `some ${unit}s` : plural(+m[1], unit);
}

// A TimeML value in words: "Thursday 30 December 2021", "December 2021",
// "week 52 of 2021", "3 days", "the present". Unknown shapes come back as
// they are.
export function formatTimex(value) {
  if (!value) return '';
  if (REFS[value]) return REFS[value];
  let m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d)/.exec(value);
  if (m) return `${longDay(parseDay(value))}, ${m[4]}`;
  if (/^\d{4}-\d\d-\d\d$/.test(value)) return longDay(parseDay(value));
  m = /^(\d{4})-(\d\d)$/.exec(value);
  if (m) return monthFmt.format(new Date(Date.UTC(+m[1], m[2] - 1, 1)));
  m = /^(\d{4})-W(\d\d)(-WE)?$/.exec(value);
  if (m) return `${m[3] ? 'weekend of ' : ''}week ${+m[2]} of ${m[1]}`;
  m = /^(\d{4})-(SP|SU|FA|WI)$/.exec(value);
  if (m) return `${SEASONS[m[2]]} ${m[1]}`;
  m = /^(\d{4})-Q(\d)$/.exec(value);
  if (m) return `Q${m[2]} ${m[1]}`;
  if (/^\d{4}$/.test(value)) return value;
  if (/^\d{3}$/.test(value)) return `the ${value}0s`;
  return formatDuration(value) || value;
}

// An event date at its precision, short: "10 Jan 2022", "January 2022".
export function formatEventDate(value, precision) {
  if (precision === 'day' || precision === 'time') {
    const d = parseDay(value);
    if (d) return dayFmt.format(d);
  }
  return formatTimex(value);
}

// "troop" -> "troops" for a count other than one.
export function unitLabel(unit, value) {
  if (!unit) return '';
  if (value === 1 || /s$/.test(unit)) return unit;
  return /(?:[^aeiou]y)$/.test(unit) ? unit.slice(0, -1) + 'ies' : unit + 's';
}

const ENTITY_TYPES = {
  person: 'Person',
  org: 'Organisation',
  place: 'Place',
};

const ENTITY_PLURALS = {person: 'People', org: 'Organisations',
                        place: 'Places'};

export function entityTypePlural(type) {
  return ENTITY_PLURALS[type] || `${entityTypeLabel(type)}s`;
}

export function entityTypeLabel(type) {
  return ENTITY_TYPES[type] || type.charAt(0).toUpperCase() + type.slice(1);
}

export const CLAIM_KINDS = {
  quote: 'Quote',
  statement: 'Statement',
  number: 'Number',
};

export const STATUSES = {
  conflicting: 'Conflicting',
  corroborated: 'Corroborated',
  single: 'Single source',
};
