import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as logic from "../logic";

// A file system of the given executables.
function fsOf(...files: string[]): (file: string) => boolean {
  const set = new Set(files);
  return (file) => set.has(file);
}

const posix = {
  platform: "linux",
  pathEnv: "/usr/local/bin:/usr/bin",
  workspaceFolders: ["/ws/one", "/ws/two"],
  searchWorkspace: true,
  home: "/home/me",
};

test("PATH comes first, in PATH order", () => {
  const r = logic.findDocklint({
    ...posix,
    isExecutable: fsOf("/usr/bin/docklint", "/usr/local/bin/docklint", "/ws/one/.venv/bin/docklint"),
  });
  assert.deepEqual(r.found, { path: "/usr/local/bin/docklint", source: "PATH" });
  assert.deepEqual(r.looked, ["/usr/local/bin/docklint"]);
});

test("then each workspace folder's .venv, then venv", () => {
  const r = logic.findDocklint({
    ...posix,
    isExecutable: fsOf("/ws/one/venv/bin/docklint", "/ws/two/.venv/bin/docklint"),
  });
  assert.deepEqual(r.found, { path: "/ws/one/venv/bin/docklint", source: "workspace" });
  assert.deepEqual(r.looked, [
    "/usr/local/bin/docklint",
    "/usr/bin/docklint",
    "/ws/one/.venv/bin/docklint",
    "/ws/one/venv/bin/docklint",
  ]);
  const second = logic.findDocklint({ ...posix, isExecutable: fsOf("/ws/two/.venv/bin/docklint") });
  assert.deepEqual(second.found, { path: "/ws/two/.venv/bin/docklint", source: "workspace" });
});

test("an untrusted workspace's virtual environments are not searched", () => {
  const r = logic.findDocklint({ ...posix, searchWorkspace: false, isExecutable: fsOf("/ws/one/.venv/bin/docklint") });
  assert.equal(r.found, undefined);
  assert.deepEqual(r.looked, ["/usr/local/bin/docklint", "/usr/bin/docklint"]);
  assert.match(logic.missingMessage(r, false), /not searched in an untrusted workspace/);
});

test("empty and relative PATH entries are skipped", () => {
  const r = logic.findDocklint({
    ...posix,
    pathEnv: ":bin:./tools::/opt/bin",
    workspaceFolders: [],
    isExecutable: fsOf("bin/docklint", "tools/docklint", "docklint"),
  });
  assert.equal(r.found, undefined);
  assert.deepEqual(r.looked, ["/opt/bin/docklint"]);
});

test("nothing found: the message names the places and the pip command", () => {
  const r = logic.findDocklint({ ...posix, isExecutable: fsOf() });
  assert.equal(r.found, undefined);
  assert.equal(r.looked.length, 6);
  assert.equal(
    logic.missingMessage(r, true),
    "docklint was not found on PATH or in the workspace's virtual environment (.venv, venv). " +
      "Install it with: pip install 'docklint[lsp]' (or set \"docklint.path\").",
  );
});

test("the setting wins, and nothing else is searched when it is wrong", () => {
  const everywhere = fsOf("/usr/bin/docklint", "/opt/docklint/bin/docklint", "/ws/one/.venv/bin/docklint");
  assert.deepEqual(logic.findDocklint({ ...posix, setting: " /opt/docklint/bin/docklint ", isExecutable: everywhere }).found, {
    path: "/opt/docklint/bin/docklint",
    source: "setting",
  });
  const wrong = logic.findDocklint({ ...posix, setting: "/nowhere/docklint", isExecutable: everywhere });
  assert.equal(wrong.found, undefined);
  assert.deepEqual(wrong.looked, ["/nowhere/docklint"]);
  assert.equal(
    logic.missingMessage(wrong, true),
    'docklint: "docklint.path" is set to "/nowhere/docklint", but no executable docklint is there. ' +
      "Fix the setting, or install docklint with: pip install 'docklint[lsp]'",
  );
});

test("the setting: ${workspaceFolder}, ~, relative paths and bare names", () => {
  const isExecutable = fsOf("/ws/one/tools/docklint", "/home/me/.local/bin/docklint", "/usr/bin/docklint-dev");
  const find = (setting: string) => logic.findDocklint({ ...posix, setting, isExecutable }).found?.path;
  assert.equal(find("${workspaceFolder}/tools/docklint"), "/ws/one/tools/docklint");
  assert.equal(find("tools/docklint"), "/ws/one/tools/docklint");
  assert.equal(find("~/.local/bin/docklint"), "/home/me/.local/bin/docklint");
  assert.equal(find("docklint-dev"), "/usr/bin/docklint-dev");
  assert.equal(find("   "), undefined); // blank: the default search, which finds nothing here
});

test("Windows: Scripts\\docklint.exe, ; in PATH, quoted entries", () => {
  const win = {
    platform: "win32",
    pathEnv: '"C:\\Program Files\\Python\\Scripts";relative;C:\\Tools',
    workspaceFolders: ["C:\\ws"],
    searchWorkspace: true,
  };
  const none = logic.findDocklint({ ...win, isExecutable: fsOf() });
  assert.deepEqual(none.looked, [
    "C:\\Program Files\\Python\\Scripts\\docklint.exe",
    "C:\\Tools\\docklint.exe",
    "C:\\ws\\.venv\\Scripts\\docklint.exe",
    "C:\\ws\\venv\\Scripts\\docklint.exe",
  ]);
  assert.deepEqual(logic.findDocklint({ ...win, isExecutable: fsOf("C:\\ws\\venv\\Scripts\\docklint.exe") }).found, {
    path: "C:\\ws\\venv\\Scripts\\docklint.exe",
    source: "workspace",
  });
  assert.equal(
    logic.findDocklint({ ...win, setting: "D:\\py\\docklint.exe", isExecutable: fsOf("D:\\py\\docklint.exe") }).found?.path,
    "D:\\py\\docklint.exe",
  );
  assert.equal(
    logic.findDocklint({ ...win, setting: ".venv\\Scripts\\docklint.exe", isExecutable: fsOf("C:\\ws\\.venv\\Scripts\\docklint.exe") })
      .found?.path,
    "C:\\ws\\.venv\\Scripts\\docklint.exe",
  );
});

test("the server's command line", () => {
  assert.deepEqual(logic.buildServerCommand("/v/bin/docklint", [], "/ws"), {
    command: "/v/bin/docklint",
    args: ["lsp"],
    options: { cwd: "/ws" },
  });
  // extra arguments go after `lsp`, unchanged (no shell: spaces and quotes stay in one argument)
  assert.deepEqual(logic.buildServerCommand("/p q/docklint", logic.normalizeArgs(["--stdio", "a b", "'c'"])), {
    command: "/p q/docklint",
    args: ["lsp", "--stdio", "a b", "'c'"],
    options: {},
  });
  assert.deepEqual(logic.buildVersionCommand("docklint").args, ["--version"]);
});

test("docklint.args: only strings are kept", () => {
  assert.deepEqual(logic.normalizeArgs(["--x", 3, null, { a: 1 }, "y"]), ["--x", "y"]);
  assert.deepEqual(logic.normalizeArgs("--x"), []);
  assert.deepEqual(logic.normalizeArgs(undefined), []);
});

test("the document selector covers the dockerfile language and the Dockerfile names", () => {
  const patterns = logic.DOCUMENT_SELECTOR.filter((f) => f.pattern).map((f) => f.pattern);
  assert.deepEqual(patterns, [
    "**/Dockerfile",
    "**/Dockerfile.*",
    "**/Dockerfile-*",
    "**/*.Dockerfile",
    "**/*.dockerfile",
    "**/Containerfile*",
  ]);
  assert.ok(logic.DOCUMENT_SELECTOR.some((f) => f.language === "dockerfile" && f.scheme === "file"));
});

test("versions are read from docklint --version", () => {
  assert.equal(logic.extractVersion("docklint, version 0.1.0\n"), "0.1.0");
  assert.equal(logic.extractVersion("docklint, version 0.2.0.dev3+g1234abc\n"), "0.2.0.dev3+g1234abc");
  assert.equal(logic.extractVersion("docklint 1.2rc1"), "1.2rc1");
  assert.equal(logic.extractVersion("Traceback (most recent call last)"), undefined);
  assert.equal(logic.parseVersion("not.a.version"), undefined);
  assert.deepEqual(logic.parseVersion("1!2.0-ALPHA.1.post2.dev3+Ubuntu.4"), {
    epoch: 1,
    release: [2, 0],
    pre: ["a", 1],
    post: 2,
    dev: 3,
    local: ["ubuntu", 4],
  });
});

test("versions compare as PEP 440 orders them, pre-release and dev versions included", () => {
  const ordered = [
    "0.0.9",
    "0.1.0.dev0",
    "0.1.0.dev2",
    "0.1.0a1.dev1",
    "0.1.0a1",
    "0.1.0a2",
    "0.1.0b1",
    "0.1.0rc1",
    "0.1.0",
    "0.1.0+local.1",
    "0.1.0.post1.dev1",
    "0.1.0.post1",
    "0.1.1.dev0",
    "0.2.0",
    "0.10.0",
    "1!0.0.1",
  ];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      const expected = Math.sign(i - j);
      assert.equal(Math.sign(logic.compareVersionStrings(ordered[i], ordered[j])), expected, `${ordered[i]} vs ${ordered[j]}`);
    }
  }
  assert.equal(logic.compareVersionStrings("1.0", "1.0.0"), 0);
  assert.equal(logic.compareVersionStrings("1.0c1", "1.0rc1"), 0);
  assert.equal(logic.compareVersionStrings("1.0-1", "1.0.post1"), 0);
  assert.equal(logic.compareVersionStrings("v1.0", "1.0"), 0);
  assert.throws(() => logic.compareVersionStrings("1.0", "banana"), /not a version: banana/);
});

test("the version check", () => {
  assert.deepEqual(logic.checkVersion("docklint, version 0.1.0", "0.1.0"), { status: "ok", version: "0.1.0" });
  assert.deepEqual(logic.checkVersion("docklint, version 0.3.0.dev1", "0.2.0"), { status: "ok", version: "0.3.0.dev1" });
  // a pre-release or dev build of the minimum version is older than it
  assert.deepEqual(logic.checkVersion("docklint, version 0.2.0rc1", "0.2.0"), { status: "old", version: "0.2.0rc1", minimum: "0.2.0" });
  assert.deepEqual(logic.checkVersion("docklint, version 0.2.0.dev4", "0.2.0"), { status: "old", version: "0.2.0.dev4", minimum: "0.2.0" });
  assert.deepEqual(logic.checkVersion("docklint, version 0.0.9"), { status: "old", version: "0.0.9", minimum: logic.MIN_VERSION });
  assert.deepEqual(logic.checkVersion("something odd\n"), { status: "unknown", output: "something odd" });
  assert.equal(
    logic.tooOldMessage("0.0.9", "0.1.0", "/usr/bin/docklint"),
    "docklint 0.0.9 (/usr/bin/docklint) is too old: this extension needs docklint 0.1.0 or newer. " +
      "Upgrade it with: pip install --upgrade 'docklint[lsp]'",
  );
});

test("the minimum version is not newer than the repository's version", (t) => {
  // out/test/ -> editors/vscode -> the repository: pyproject.toml's [project] version, or (it is
  // dynamic there) linter/__init__.py's __version__
  const root = path.resolve(__dirname, "..", "..", "..", "..");
  const pyproject = path.join(root, "pyproject.toml");
  if (!fs.existsSync(pyproject)) {
    t.skip(`not inside the docklint repository (no ${pyproject})`);
    return;
  }
  const project = fs.readFileSync(pyproject, "utf8");
  const init = path.join(root, "linter", "__init__.py");
  const m =
    /^version\s*=\s*"([^"]+)"/m.exec(project) ??
    /^__version__\s*=\s*["']([^"']+)["']/m.exec(fs.existsSync(init) ? fs.readFileSync(init, "utf8") : "");
  assert.ok(m, "no version in pyproject.toml or linter/__init__.py");
  assert.ok(logic.compareVersionStrings(logic.MIN_VERSION, m[1]) <= 0, `MIN_VERSION ${logic.MIN_VERSION} > ${m[1]}`);
});
