// Ace by DAISY on every EPUB of a release with one browser: publish's release validator
// (src/publish/release/validators.py). Run with Node, NODE_PATH naming the node_modules folder Ace is
// installed in (tools/ace). Each line read is "IN.epub<TAB>OUTDIR<TAB>TEMPDIR": Ace checks IN as
// `ace --force --silent --outdir OUTDIR --tempdir TEMPDIR IN` would (the same checker, options and
// report.json), then "done" (or "error <message>") is printed. The browser is launched for the first
// file and closed at the end of the input; Ace's own launch/close around each file are skipped.
'use strict';

const readline = require('readline');
const ace = require('@daisy/ace-core');
const logger = require('@daisy/ace-logger');
const runner = require('@daisy/ace-axe-runner-puppeteer');

logger.initLogger({ verbose: false, silent: true });

// Ace's puppeteer runner opens a new tab for every content document (a renderer process started, the
// document's fonts loaded, then the tab closed): here the same few tabs (as many as Ace checks at once) are
// kept and each one navigates to its next document. What runs in a tab is unchanged: the same document
// served the same way (file: XHTML as application/xhtml+xml, http(s) refused), the same scripts, Ace's
// own evaluation; a navigation starts a fresh document and JavaScript world, so nothing is carried over.
// tests/release/test_servers.py compares the reports with `ace` run on its own.
const utils = require('@daisy/puppeteer-utils');
const puppeteer = require('puppeteer');   // the module Ace's runner launches its browser with
const fs = require('fs');
const { pathToFileURL } = require('url');

let browser = null;
const launch = puppeteer.launch;
// One renderer process for every document: without these flags Chromium starts a renderer for each file: URL a
// tab navigates to (site isolation treats every file as an origin of its own), and each new renderer compiles
// Ace's and axe's scripts afresh. Measured on the sample's en and zh-Hans EPUBs (22 documents): Chromium's CPU
// 17.1 -> 14.4 s, Node's 2.4 -> 2.1 s, the same report.json. Nothing crosses between the documents (each
// navigation is a fresh document and JavaScript world; http(s) requests are refused below): isolation between
// sites protects nothing here, every document is a file of the EPUB under test.
const ONE_RENDERER = ['--disable-features=site-per-process,IsolateOrigins', '--disable-site-isolation-trials',
  '--renderer-process-limit=1'];
puppeteer.launch = async function (options, ...rest) {   // the runner's own launch (its options), its browser kept here
  const own = Object.assign({}, options || {});
  own.args = [...(own.args || []), ...ONE_RENDERER];
  browser = await launch.call(this, own, ...rest);
  return browser;
};

let launched = false;
const idle = [];
const shared = Object.create(runner);
shared.launch = async function () {
  if (!launched) {
    await runner.launch();
    launched = true;
  }
};
shared.close = async function () {};   // kept open for the next file

async function tab() {
  if (idle.length) return idle.pop();
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on('request', (request) => {   // as Ace's runner serves a document and its resources
    const url = request.url();
    if (url && /^https?:\/\//.test(url)) {
      request.abort();
      return;
    }
    if (request.resourceType() === 'document' && url && /^file:\//.test(url) && /\.html?$/.test(url)) {
      try {
        fs.readFile(new URL(url), 'utf8', (err, xhtml) => {
          if (err) {
            request.continue();
            return;
          }
          request.respond({ status: 200, contentType: 'application/xhtml+xml', body: xhtml });
        });
        return;
      } catch (ex) {
        // as Ace's runner: continue
      }
    }
    request.continue();
  });
  return page;
}

// Ace's scripts (axe.js: 1.3 MB) as puppeteer-utils' addScripts adds them (a script element marked data-ace,
// one after another), but with a file: URL for the browser to load instead of their text sent over the DevTools
// connection for every document: the same files run the same way, and Chromium, which sees the same script URL
// again, reuses the code it compiled. Measured on the sample's four EPUBs: Chromium's CPU 29.5 -> 23.0 s, Node's
// 3.1 -> 2.5 s, wall 22.4 -> 16.3 s, the same report.json (dates aside).
async function addScripts(paths, page) {
  for (const path of paths) {
    const element = await page.addScriptTag({ url: pathToFileURL(path).href });
    await page.evaluate((script) => { script.setAttribute('data-ace', ''); }, element);
  }
}

shared.run = async function (url, scripts, scriptContents) {
  const page = await tab();
  let results;
  try {
    await page.goto(url);
    await utils.addScriptContents(scriptContents, page);
    await addScripts(scripts, page);
    results = await page.evaluate(() => new Promise((resolve, reject) => {
      /* eslint-disable */
      try {
        window.tryAceAxe = () => {
          if (!window.daisy || !window.daisy.ace || !window.daisy.ace.run || !window.daisy.ace.createReport || !window.axe) {
            window.tryAceAxeN++;
            if (window.tryAceAxeN < 15) {
              setTimeout(window.tryAceAxe, 400);
              return;
            }
            reject("window.tryAceAxe " + window.tryAceAxeN);
            return;
          }
          window.daisy.ace.run((err, res) => {
            if (err) {
              reject(err);
              return;
            }
            resolve(res);
          });
        };
        window.tryAceAxeN = 0;
        window.tryAceAxe();
      } catch (exc) {
        reject(exc);
      }
      /* eslint-enable */
    }));
  } catch (err) {
    try {
      await page.close();   // a tab that failed is not used again
    } catch (_e) {}
    throw err;
  }
  await page.goto('about:blank');   // the document is let go of while the tab waits
  idle.push(page);
  return results;
};

async function main() {
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const [input, outdir, tmpdir] = line.split('\t');
    try {
      await ace(input, { cwd: process.cwd(), outdir, tmpdir, verbose: false, silent: true, jobId: '' }, shared);
      process.stdout.write('done\n');
    } catch (err) {
      process.stdout.write('error ' + String(err && err.message ? err.message : err).replace(/\n/g, ' ') + '\n');
    }
  }
  if (launched) {
    process.stdout.write(`cpu ${ownCpu()} ${treeCpu()}\n`);
    await runner.close();
  }
  process.exit(0);
}

// For the release's meter (publish.release.meter): Chromium's processes are not all reaped through Node
// (its zygotes outlive the browser and go to init), so their CPU would be missing from Node's wait4 usage.
// Before the browser closes, the CPU of every live process under this one (each one's own time and that of
// the children it reaped: nothing counted twice), and Node's own; in seconds. Linux only (else 0).
function ownCpu() {
  const used = process.cpuUsage();
  return ((used.user + used.system) / 1e6).toFixed(3);
}

function treeCpu() {
  const parent = {};
  const time = {};
  const ticks = 100;   // USER_HZ: 100 on every Linux the toolkit runs on
  try {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^[0-9]+$/.test(name)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parent[name] = fields[1];
        time[name] = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      } catch (_e) {}   // a process that just ended
    }
  } catch (_e) {
    return '0';
  }
  const me = String(process.pid);
  let total = 0;
  for (const pid of Object.keys(time)) {
    let up = parent[pid];
    for (let depth = 0; up && up !== me && depth < 64; depth++) up = parent[up];
    if (up === me) total += time[pid];
  }
  return (total / ticks).toFixed(3);
}

// a release stopped early (or its process gone: the server gets SIGTERM) closes the browser before Node
// exits: Chromium runs detached in its own process group and would outlive a killed Node
let stopping = false;
process.on('SIGTERM', async () => {
  if (stopping) return;
  stopping = true;
  try {
    if (launched) await runner.close();
  } finally {
    process.exit(143);
  }
});

main();
