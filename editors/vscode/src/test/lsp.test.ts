// Starts the server command line that the extension builds (src/logic.ts) and checks that it is
// a language server: it answers `initialize` with its capabilities, then `shutdown`, and exits
// on `exit`. Uses $DOCKLINT if set (and fails if it is not an executable), else docklint on PATH;
// skipped, saying so, when there is neither.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import { spawn } from "node:child_process";
import * as logic from "../logic";

/** Content-Length framing (LSP base protocol). */
export function frame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
}

/** Splits a byte stream into LSP messages. */
export class Deframer {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): unknown[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const messages: unknown[] = [];
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) {
        return messages;
      }
      const header = this.buffer.subarray(0, end).toString("ascii");
      const m = /^content-length:\s*(\d+)\s*$/im.exec(header);
      if (!m) {
        throw new Error(`no Content-Length in header ${JSON.stringify(header)}`);
      }
      const length = Number(m[1]);
      if (this.buffer.length < end + 4 + length) {
        return messages;
      }
      messages.push(JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString("utf8")));
      this.buffer = this.buffer.subarray(end + 4 + length);
    }
  }
}

test("framing: messages split across chunks and several in one chunk", () => {
  const d = new Deframer();
  const a = frame({ jsonrpc: "2.0", id: 1, result: { text: "é" } });
  const b = frame({ jsonrpc: "2.0", method: "x" });
  assert.deepEqual(d.push(a.subarray(0, 10)), []);
  assert.deepEqual(d.push(Buffer.concat([a.subarray(10), b])), [
    { jsonrpc: "2.0", id: 1, result: { text: "é" } },
    { jsonrpc: "2.0", method: "x" },
  ]);
});

function locateDocklint(): { path?: string; why: string } {
  const fromEnv = process.env.DOCKLINT;
  const result = logic.findDocklint({
    setting: fromEnv ?? "",
    pathEnv: process.env.PATH,
    workspaceFolders: [],
    searchWorkspace: false,
    platform: process.platform,
    home: os.homedir(),
    isExecutable: logic.isExecutable,
  });
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    // asked for explicitly: a wrong path is a failure, not a skip
    assert.ok(result.found, `DOCKLINT=${fromEnv}: no executable docklint there (looked at ${result.looked.join(", ")})`);
  }
  return result.found
    ? { path: result.found.path, why: "" }
    : { why: "no docklint found: set DOCKLINT=/path/to/docklint or put docklint on PATH to run the LSP handshake" };
}

test("the server command line starts `docklint lsp`, which answers initialize", { timeout: 120_000 }, async (t) => {
  const found = locateDocklint();
  if (!found.path) {
    t.skip(found.why);
    return;
  }
  const cwd = fs.mkdtempSync(`${os.tmpdir()}/docklint-vscode-test-`);
  const cmd = logic.buildServerCommand(found.path, [], cwd);
  assert.deepEqual(cmd.args, ["lsp"]);
  const child = spawn(cmd.command, cmd.args, { ...cmd.options, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  // a server that exits early makes writes fail with EPIPE: the exit is reported instead, with stderr
  child.stdin.on("error", () => undefined);
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => resolve(code));
  });
  const deframer = new Deframer();
  type Response = { id?: number; method?: string; result?: unknown; error?: unknown };
  const waiting = new Map<number, (message: Response) => void>();
  child.stdout.on("data", (chunk: Buffer) => {
    for (const message of deframer.push(chunk) as Response[]) {
      if (message.id !== undefined && message.method === undefined) {
        waiting.get(message.id)?.(message);
      }
    }
  });
  const request = (id: number, method: string, params: unknown) =>
    new Promise<Response>((resolve, reject) => {
      waiting.set(id, resolve);
      exited.then(
        (code) => reject(new Error(`the server exited (${code}) before answering ${method}; stderr:\n${stderr}`)),
        (err: Error) => reject(new Error(`could not start ${cmd.command}: ${err.message}`)),
      );
      child.stdin.write(frame({ jsonrpc: "2.0", id, method, params }));
    });
  try {
    const init = await request(1, "initialize", {
      processId: process.pid,
      clientInfo: { name: "docklint-vscode-test" },
      rootUri: null,
      capabilities: {},
    });
    assert.equal(init.error, undefined, `initialize failed: ${JSON.stringify(init.error)}`);
    const result = init.result as { capabilities?: Record<string, unknown>; serverInfo?: { name?: string } };
    const capabilities = result.capabilities;
    assert.ok(typeof capabilities === "object" && capabilities !== null, `no capabilities in ${JSON.stringify(result)}`);
    assert.ok("textDocumentSync" in capabilities, `no textDocumentSync in ${JSON.stringify(capabilities)}`);
    child.stdin.write(frame({ jsonrpc: "2.0", method: "initialized", params: {} }));
    const shutdown = await request(2, "shutdown", null);
    assert.equal(shutdown.error, undefined, `shutdown failed: ${JSON.stringify(shutdown.error)}`);
    child.stdin.write(frame({ jsonrpc: "2.0", method: "exit" }));
    child.stdin.end();
    assert.equal(await exited, 0, `the server's exit status after shutdown/exit; stderr:\n${stderr}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
    }
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});
