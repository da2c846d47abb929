// The VS Code side: find docklint, check its version, start `docklint lsp`, and show the state
// in the status bar. The decisions are in ./logic (tested without VS Code).
import * as os from "node:os";
import { execFile } from "node:child_process";
import * as vscode from "vscode";
import { Executable, LanguageClient, LanguageClientOptions, State } from "vscode-languageclient/node";
import * as logic from "./logic";

const COPY_INSTALL = "Copy pip command";
const OPEN_SETTINGS = "Open Settings";
const SHOW_OUTPUT = "Show Output";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
// Starts and stops run one after the other (a settings change during a start waits for it).
let queue: Promise<void> = Promise.resolve();

function runVersion(executable: string): Promise<string> {
  const cmd = logic.buildVersionCommand(executable);
  return new Promise((resolve, reject) => {
    execFile(cmd.command, cmd.args, { timeout: 20_000, maxBuffer: 64 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${err.message}${stderr ? `\n${stderr}` : ""}`));
      } else {
        resolve(`${stdout}${stderr}`);
      }
    });
  });
}

function setStatus(text: string, tooltip: string, warning: boolean): void {
  status.text = text;
  status.tooltip = tooltip;
  status.backgroundColor = warning ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  status.show();
}

async function offerInstall(message: string, command: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, COPY_INSTALL, OPEN_SETTINGS, SHOW_OUTPUT);
  if (choice === COPY_INSTALL) {
    await vscode.env.clipboard.writeText(command);
    void vscode.window.showInformationMessage(`Copied: ${command}`);
  } else if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "docklint.path");
  } else if (choice === SHOW_OUTPUT) {
    output.show();
  }
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("docklint");
  const folders = (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === "file")
    .map((folder) => folder.uri.fsPath);
  // In an untrusted workspace VS Code hides the workspace's values of docklint.path and
  // docklint.args (restrictedConfigurations in package.json); its virtual environments are skipped.
  const trusted = vscode.workspace.isTrusted;
  const search = logic.findDocklint({
    setting: config.get<string>("path", ""),
    pathEnv: process.env.PATH,
    workspaceFolders: folders,
    searchWorkspace: trusted,
    platform: process.platform,
    home: os.homedir(),
    isExecutable: logic.isExecutable,
  });
  output.appendLine(`Looked for docklint in: ${search.looked.join(", ") || "(nowhere: PATH is empty)"}`);
  if (!search.found) {
    const message = logic.missingMessage(search, trusted);
    output.appendLine(message);
    setStatus("$(error) docklint missing", message, true);
    void offerInstall(message, logic.PIP_COMMAND);
    return;
  }
  const executable = search.found.path;
  output.appendLine(`Using ${executable} (from ${search.found.source})`);

  let versionOutput: string;
  try {
    versionOutput = await runVersion(executable);
  } catch (err) {
    const message = `docklint: "${executable} --version" failed: ${(err as Error).message}`;
    output.appendLine(message);
    setStatus("$(error) docklint", message, true);
    void offerInstall(message, logic.PIP_COMMAND);
    return;
  }
  const check = logic.checkVersion(versionOutput, logic.MIN_VERSION);
  if (check.status === "old") {
    const message = logic.tooOldMessage(check.version, check.minimum, executable);
    output.appendLine(message);
    setStatus(`$(warning) docklint ${check.version} (too old)`, message, true);
    void offerInstall(message, logic.PIP_UPGRADE_COMMAND);
    return;
  }
  const version = check.status === "ok" ? check.version : "?";
  if (check.status === "unknown") {
    output.appendLine(`Could not read a version in "${check.output}"; starting the server anyway.`);
  }

  const cmd = logic.buildServerCommand(executable, logic.normalizeArgs(config.get("args")), folders[0]);
  const serverOptions: Executable = { command: cmd.command, args: cmd.args, options: cmd.options };
  const clientOptions: LanguageClientOptions = {
    documentSelector: logic.DOCUMENT_SELECTOR.map((filter) => ({ ...filter })),
    outputChannel: output,
  };
  // The client id "docklint" makes the client follow the docklint.trace.server setting.
  const newClient = new LanguageClient("docklint", "docklint", serverOptions, clientOptions);
  newClient.onDidChangeState((event) => {
    if (event.newState === State.Stopped && client === newClient) {
      setStatus(`$(error) docklint ${version} (stopped)`, "The docklint language server stopped: see the output.", true);
    }
  });
  client = newClient;
  setStatus(`$(sync~spin) docklint ${version}`, `Starting ${cmd.command} ${cmd.args.join(" ")}`, false);
  try {
    await newClient.start();
    setStatus(`$(check) docklint ${version}`, `docklint ${version}: ${executable} (from ${search.found.source})`, false);
  } catch (err) {
    const message =
      `docklint: "${cmd.command} ${cmd.args.join(" ")}" did not start: ${(err as Error).message}. ` +
      `If the output says the lsp extra is missing, install it with: ${logic.PIP_COMMAND}`;
    output.appendLine(message);
    setStatus(`$(error) docklint ${version}`, message, true);
    void offerInstall(message, logic.PIP_COMMAND);
  }
}

async function stop(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop();
    } catch (err) {
      output.appendLine(`Stopping the server: ${(err as Error).message}`);
    }
  }
}

function restart(): Promise<void> {
  queue = queue
    .then(stop)
    .then(start)
    .catch((err) => output.appendLine(`docklint: ${String(err)}`));
  return queue;
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("docklint");
  status = vscode.window.createStatusBarItem("docklint.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "docklint";
  status.command = "docklint.showOutput";
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand("docklint.restart", restart),
    vscode.commands.registerCommand("docklint.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("docklint.path") || event.affectsConfiguration("docklint.args")) {
        void restart();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void restart()),
  );
  return restart();
}

export function deactivate(): Promise<void> {
  queue = queue.then(stop);
  return queue;
}
