// harness.mjs - what every browser test needs: Debian's chromium driven
// by playwright-core, the server's URL (from run.sh), pages that record
// console errors, failed requests and CSP violations, and screenshots
// kept in artifacts/.

import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

// The server's root, ending in "/" (e.g. http://127.0.0.1:4321/news/).
export const BASE = (process.env.DOSSIER_URL || '').replace(/\/?$/, '/');
export const BASE_PATH = new URL(BASE).pathname;
export const LABEL = process.env.DOSSIER_LABEL || 'plain';
const ARTIFACTS = join(process.env.ARTIFACTS || join(here, 'artifacts'),
                       LABEL);

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

let profile = null;

export async function launch() {
  assert.ok(process.env.DOSSIER_URL, 'DOSSIER_URL is not set (use run.sh)');
  mkdirSync(ARTIFACTS, {recursive: true});
  const health = await (await fetch(BASE + 'api/v1/health')).json();
  assert.equal(health.articles, 5, 'the server should hold the five ' +
               'sample articles');
  profile = mkdtempSync(join(tmpdir(), 'dossier-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: {width: 1280, height: 900},
  });
  context.setDefaultTimeout(10000);
  return context;
}

export async function close(context) {
  if (context) await context.close();
  if (profile) rmSync(profile, {recursive: true, force: true});
}

// A fresh page that records problems in page.problems: console errors
// and warnings, uncaught exceptions, failed requests, HTTP errors of our
// own origin, and Content-Security-Policy violations.
export async function open(context, {width = 1280, height = 900} = {}) {
  const page = await context.newPage();
  await page.setViewportSize({width, height});
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning')
      page.problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.problems.push(`exception: ${err}`));
  page.on('requestfailed', (req) => {
    if (req.failure().errorText !== 'net::ERR_ABORTED')
      page.problems.push(`request failed: ${req.url()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && res.url().startsWith(BASE))
      page.problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return page;
}

// Loads @path (relative to the server root) and waits until the page has
// rendered (main no longer busy).
export async function visit(page, path) {
  const res = await page.goto(BASE + path);
  await page.waitForSelector('main:not([aria-busy])');
  return res;
}

export function noProblems(page, allowed = []) {
  const left = page.problems.filter((p) => !allowed.some((re) => re.test(p)));
  assert.deepEqual(left, [], 'the page reported problems');
}

// Saves a screenshot of the whole page, or of the viewport only with
// {fullPage: false} (a full-page shot resizes the view, which closes
// tooltips).
export async function shot(page, name, {fullPage = true} = {}) {
  await page.screenshot({path: join(ARTIFACTS, `${name}.png`), fullPage});
}

// The first item of an API list (for ids the tests look up).
export async function apiFirst(path) {
  const res = await fetch(BASE + 'api/v1/' + path);
  assert.equal(res.status, 200, `GET ${path}`);
  const body = await res.json();
  return body.items[0];
}
