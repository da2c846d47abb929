// The extension's pure logic: finding the docklint executable, building the server's command
// line, and reading and comparing versions. No `vscode` import here, so that the tests run with
// Node alone (see src/test/).
import * as fs from "node:fs";
import * as path from "node:path";

/** The oldest docklint the extension works with (the version in the repository's pyproject). */
export const MIN_VERSION = "0.1.0";

/** How to install docklint with its language server. */
export const PIP_COMMAND = "pip install 'docklint[lsp]'";

/** How to upgrade an installed docklint. */
export const PIP_UPGRADE_COMMAND = "pip install --upgrade 'docklint[lsp]'";

/**
 * The documents the server is started for: the `dockerfile` language, and files named like
 * Dockerfiles that VS Code may not mark as such.
 */
export const DOCUMENT_SELECTOR: ReadonlyArray<{ scheme: string; language?: string; pattern?: string }> = [
  { scheme: "file", language: "dockerfile" },
  { scheme: "untitled", language: "dockerfile" },
  ...[
    "**/Dockerfile",
    "**/Dockerfile.*",
    "**/Dockerfile-*",
    "**/*.Dockerfile",
    "**/*.dockerfile",
    "**/Containerfile*",
  ].map((pattern) => ({ scheme: "file", pattern })),
];

export type Source = "setting" | "PATH" | "workspace";

export interface FindOptions {
  /** The `docklint.path` setting ("" or undefined: search). */
  setting?: string;
  /** The PATH environment variable. */
  pathEnv?: string;
  /** The workspace folders (file-system paths), in order. */
  workspaceFolders: readonly string[];
  /** Whether the workspace's virtual environments may be searched (false when untrusted). */
  searchWorkspace: boolean;
  /** process.platform ("win32" selects Windows paths and names). */
  platform: string;
  /** The home directory, for a leading `~` in the setting. */
  home?: string;
  /** Whether `file` is an executable regular file. */
  isExecutable: (file: string) => boolean;
}

export interface Found {
  path: string;
  source: Source;
}

export interface SearchResult {
  found?: Found;
  /** Every candidate tried, in order (for the "not found" message and the log). */
  looked: string[];
  /** The setting as it was expanded, when one was given. */
  setting?: string;
}

function pathModule(platform: string): typeof path.posix {
  return platform === "win32" ? path.win32 : path.posix;
}

/** The executable's file name on this platform. */
export function executableName(platform: string): string {
  return platform === "win32" ? "docklint.exe" : "docklint";
}

/** The candidates in a workspace folder's virtual environments, in search order. */
export function workspaceCandidates(folder: string, platform: string): string[] {
  const p = pathModule(platform);
  const bin = platform === "win32" ? "Scripts" : "bin";
  return [".venv", "venv"].map((env) => p.join(folder, env, bin, executableName(platform)));
}

/**
 * The directories of PATH, in order. Empty and relative entries are left out: they would resolve
 * against the current directory, which may be an untrusted workspace.
 */
export function pathDirectories(pathEnv: string | undefined, platform: string): string[] {
  if (!pathEnv) {
    return [];
  }
  const p = pathModule(platform);
  const delimiter = platform === "win32" ? ";" : ":";
  return pathEnv
    .split(delimiter)
    .map((dir) => (platform === "win32" ? dir.trim().replace(/^"(.*)"$/, "$1") : dir))
    .filter((dir) => dir !== "" && p.isAbsolute(dir));
}

function searchPath(name: string, opts: FindOptions, looked: string[]): string | undefined {
  const p = pathModule(opts.platform);
  // On Windows a bare name without an extension means NAME.exe (pip installs docklint.exe;
  // Node cannot spawn .cmd/.bat files without a shell).
  const file = opts.platform === "win32" && p.extname(name) === "" ? `${name}.exe` : name;
  for (const dir of pathDirectories(opts.pathEnv, opts.platform)) {
    const candidate = p.join(dir, file);
    looked.push(candidate);
    if (opts.isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** Expand `${workspaceFolder}` (the first folder) and a leading `~` in the setting. */
export function expandSetting(setting: string, opts: Pick<FindOptions, "workspaceFolders" | "home" | "platform">): string {
  let value = setting.trim();
  const folder = opts.workspaceFolders[0];
  if (folder !== undefined) {
    value = value.split("${workspaceFolder}").join(folder);
  }
  if (opts.home && (value === "~" || value.startsWith("~/") || (opts.platform === "win32" && value.startsWith("~\\")))) {
    value = opts.home + value.slice(1);
  }
  return value;
}

/**
 * Find docklint. With the `docklint.path` setting: that file (a bare name is looked up on PATH,
 * a relative path is taken from the first workspace folder), and nowhere else. Without it: PATH,
 * then each workspace folder's `.venv` and `venv` (bin/docklint; on Windows Scripts\docklint.exe),
 * the latter only when `searchWorkspace` is true.
 */
export function findDocklint(opts: FindOptions): SearchResult {
  const p = pathModule(opts.platform);
  const looked: string[] = [];
  const raw = (opts.setting ?? "").trim();
  if (raw !== "") {
    const setting = expandSetting(raw, opts);
    const bare = !/[\\/]/.test(setting) && !(opts.platform === "win32" && /^[A-Za-z]:/.test(setting));
    if (bare) {
      const onPath = searchPath(setting, opts, looked);
      return { found: onPath ? { path: onPath, source: "setting" } : undefined, looked, setting };
    }
    const folder = opts.workspaceFolders[0];
    const candidate = p.isAbsolute(setting) || folder === undefined ? setting : p.resolve(folder, setting);
    looked.push(candidate);
    const ok = opts.isExecutable(candidate);
    return { found: ok ? { path: candidate, source: "setting" } : undefined, looked, setting };
  }
  const onPath = searchPath("docklint", opts, looked);
  if (onPath) {
    return { found: { path: onPath, source: "PATH" }, looked };
  }
  if (opts.searchWorkspace) {
    for (const folder of opts.workspaceFolders) {
      for (const candidate of workspaceCandidates(folder, opts.platform)) {
        looked.push(candidate);
        if (opts.isExecutable(candidate)) {
          return { found: { path: candidate, source: "workspace" }, looked };
        }
      }
    }
  }
  return { looked };
}

/** The `docklint.args` setting as a list of strings (anything else is dropped). */
export function normalizeArgs(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter((arg): arg is string => typeof arg === "string");
}

export interface CommandLine {
  command: string;
  args: string[];
  options: { cwd?: string };
}

/**
 * The language server's command line: `docklint lsp` plus the extra arguments, run in the first
 * workspace folder (spawned without a shell, so nothing in it is interpreted).
 */
export function buildServerCommand(executable: string, extraArgs: readonly string[], cwd?: string): CommandLine {
  return { command: executable, args: ["lsp", ...extraArgs], options: cwd === undefined ? {} : { cwd } };
}

/** The command line that prints docklint's version. */
export function buildVersionCommand(executable: string): CommandLine {
  return { command: executable, args: ["--version"], options: {} };
}

// --- Versions (PEP 440) ------------------------------------------------------------------------

export interface Version {
  epoch: number;
  release: number[];
  /** Pre-release: phase ("a", "b" or "rc") and number. */
  pre?: [string, number];
  post?: number;
  dev?: number;
  local?: Array<number | string>;
}

const VERSION_RE = new RegExp(
  "^v?" +
    "(?:(\\d+)!)?" + // epoch
    "(\\d+(?:\\.\\d+)*)" + // release
    "(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d+)?)?" + // pre-release
    "(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?" + // post-release
    "(?:[-_.]?(dev)[-_.]?(\\d+)?)?" + // development release
    "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$", // local version
  "i",
);

const PRE_PHASE: Record<string, string> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

/** Parse a PEP 440 version ("0.1.0", "1.2rc1", "0.2.0.dev3", "1.0.post1+local"); undefined if it is not one. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) {
    return undefined;
  }
  const version: Version = {
    epoch: m[1] ? Number(m[1]) : 0,
    release: m[2].split(".").map(Number),
  };
  if (m[3]) {
    version.pre = [PRE_PHASE[m[3].toLowerCase()], m[4] ? Number(m[4]) : 0];
  }
  if (m[5] !== undefined) {
    version.post = Number(m[5]);
  } else if (m[6]) {
    version.post = m[7] ? Number(m[7]) : 0;
  }
  if (m[8]) {
    version.dev = m[9] ? Number(m[9]) : 0;
  }
  if (m[10]) {
    version.local = m[10]
      .toLowerCase()
      .split(/[-_.]/)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  }
  return version;
}

/** The version in `docklint --version`'s output ("docklint, version 0.1.0"). */
export function extractVersion(output: string): string | undefined {
  const labelled = /\bversion\s+(\S+)/i.exec(output);
  if (labelled && parseVersion(labelled[1])) {
    return labelled[1];
  }
  for (const token of output.split(/[\s,]+/)) {
    if (/^v?\d/.test(token) && parseVersion(token)) {
      return token;
    }
  }
  return undefined;
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Order of the pre-release part: a development release of a final version (1.0.dev1) comes
// before its pre-releases; a version without a pre-release after them.
function preKey(v: Version): [number, number] {
  if (v.pre) {
    return [["a", "b", "rc"].indexOf(v.pre[0]), v.pre[1]];
  }
  if (v.dev !== undefined && v.post === undefined) {
    return [-1, 0];
  }
  return [3, 0];
}

function compareLocal(a: Version["local"], b: Version["local"]): number {
  if (!a || !b) {
    return cmp(a ? 1 : 0, b ? 1 : 0);
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) {
      return x === undefined ? -1 : 1;
    }
    if (typeof x !== typeof y) {
      return typeof x === "number" ? 1 : -1; // a number sorts after a string
    }
    const c = typeof x === "number" ? cmp(x, y as number) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) {
      return c;
    }
  }
  return 0;
}

/** Compare two versions as PEP 440 orders them: negative, 0 or positive. */
export function compareVersions(a: Version, b: Version): number {
  let c = cmp(a.epoch, b.epoch);
  if (c !== 0) {
    return c;
  }
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    c = cmp(a.release[i] ?? 0, b.release[i] ?? 0);
    if (c !== 0) {
      return c;
    }
  }
  const [pa, pb] = [preKey(a), preKey(b)];
  c = cmp(pa[0], pb[0]) || cmp(pa[1], pb[1]);
  if (c !== 0) {
    return c;
  }
  c = cmp(a.post ?? -1, b.post ?? -1);
  if (c !== 0) {
    return c;
  }
  c = cmp(a.dev ?? Infinity, b.dev ?? Infinity);
  if (c !== 0) {
    return c;
  }
  return compareLocal(a.local, b.local);
}

/** Compare two version strings; throws on a string that is not a version. */
export function compareVersionStrings(a: string, b: string): number {
  const [va, vb] = [parseVersion(a), parseVersion(b)];
  if (!va || !vb) {
    throw new Error(`not a version: ${!va ? a : b}`);
  }
  return compareVersions(va, vb);
}

export type VersionCheck =
  | { status: "ok"; version: string }
  | { status: "old"; version: string; minimum: string }
  | { status: "unknown"; output: string };

/** Check `docklint --version`'s output against the minimum version. */
export function checkVersion(output: string, minimum: string = MIN_VERSION): VersionCheck {
  const version = extractVersion(output);
  const parsed = version === undefined ? undefined : parseVersion(version);
  const min = parseVersion(minimum);
  if (!min) {
    throw new Error(`not a version: ${minimum}`);
  }
  if (version === undefined || !parsed) {
    return { status: "unknown", output: output.trim().slice(0, 200) };
  }
  return compareVersions(parsed, min) < 0 ? { status: "old", version, minimum } : { status: "ok", version };
}

// --- Messages ----------------------------------------------------------------------------------

/** The notification shown when docklint is not found. */
export function missingMessage(result: SearchResult, searchedWorkspace: boolean): string {
  if (result.setting !== undefined) {
    return (
      `docklint: "docklint.path" is set to "${result.setting}", but no executable docklint is there. ` +
      `Fix the setting, or install docklint with: ${PIP_COMMAND}`
    );
  }
  const where = searchedWorkspace
    ? "on PATH or in the workspace's virtual environment (.venv, venv)"
    : "on PATH (the workspace's virtual environment is not searched in an untrusted workspace)";
  return `docklint was not found ${where}. Install it with: ${PIP_COMMAND} (or set "docklint.path").`;
}

/** The notification shown when docklint is older than the minimum version. */
export function tooOldMessage(version: string, minimum: string, executable: string): string {
  return (
    `docklint ${version} (${executable}) is too old: this extension needs docklint ${minimum} or newer. ` +
    `Upgrade it with: ${PIP_UPGRADE_COMMAND}`
  );
}

/** Whether `file` is a regular file this process may execute (on Windows: exists). */
export function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}
