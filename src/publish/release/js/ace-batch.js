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

let launched = false;
const shared = Object.create(runner);
shared.launch = async function () {
  if (!launched) {
    await runner.launch();
    launched = true;
  }
};
shared.close = async function () {};   // kept open for the next file
shared.run = runner.run.bind(runner);

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
  if (launched) await runner.close();
  process.exit(0);
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
