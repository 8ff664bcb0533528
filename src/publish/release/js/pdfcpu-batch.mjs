// pdfcpu (its WebAssembly build) on every print file of a release in one Node process: publish's
// release validator (src/publish/release/pdfcpu.py). Run as `node pdfcpu-batch.mjs PDFCPU.wasm`.
// The module is compiled once; each line read is "OUT<TAB>ARG<TAB>ARG…" (the arguments of the pdfcpu
// command line, files as absolute paths): a fresh instance in a worker thread of its own (an instance
// that has exited cannot run again, and V8 is not left in a state to run a second one in the thread
// Go's exit unwound) runs them as `pdfcpu ARG…` would, its stdout and stderr written to the file OUT;
// then "done <exit code>" (or "error <message>") is printed.
import { closeSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { WASI } from "node:wasi";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

if (isMainThread) {
  const module = await WebAssembly.compile(await readFile(process.argv[2]));
  for await (const line of createInterface({ input: process.stdin, terminal: false })) {
    const [out, ...args] = line.split("\t");
    let fd;
    try {
      fd = openSync(out, "w");
      const code = await new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { module, args, fd } });
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.once("exit", (n) => reject(new Error(`the worker ended (${n}) before pdfcpu did`)));
      });
      process.stdout.write(`done ${code}\n`);
    } catch (err) {
      process.stdout.write("error " + String(err && err.message ? err.message : err).replace(/\n/g, " ") + "\n");
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
} else {
  const { module, args, fd } = workerData;
  const wasi = new WASI({ version: "preview1", args: ["pdfcpu", ...args], env: { HOME: "/tmp" },
                          preopens: { "/": "/" }, returnOnExit: true, stdout: fd, stderr: fd });
  const imports = wasi.getImportObject ? wasi.getImportObject() : { wasi_snapshot_preview1: wasi.wasiImport };
  parentPort.postMessage(wasi.start(await WebAssembly.instantiate(module, imports)));
}
