// The page of `tcdocs serve`: a form for a document's data, checked by the service while it is written,
// with the problems beside their fields, a preview, downloads, a YAML view that follows the form both
// ways, attached documents for a document that refers to another, and a draft kept in the browser.
"use strict";

const $ = (id) => document.getElementById(id);
const TEXTS = JSON.parse($("texts").textContent);
const LANGUAGE = document.documentElement.lang || "sv";

/** A text of the page in the reader's language, with {name} filled in from values. */
function t(text, values) {
  const said = TEXTS[text] ?? text;
  return values ? said.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole)) : said;
}

const YAML_TYPE = "application/yaml";
const DRAFT_KEY = "tcdocs.draft";
const TOKEN_KEY = "tcdocs.token";
const DRAFT_FILES_LIMIT = 1000000; // characters of attached documents kept with the draft; larger ones are attached again
const LARGEST_FILE = 2000000; // bytes: a data file is a few kilobytes; anything this large is not one
const CHECK_DELAY = 0; // milliseconds after an edit before the data is checked: at once (a check for older data is cancelled)
const SLOW_ANSWER = 600; // milliseconds of waiting for a check before the status says it is on its way
const ANSWER_TIME = 90000; // milliseconds to wait for the service before saying it did not answer

// The form library's own words (buttons of lists), in the reader's language.
const LIBRARY_WORDS = {
  arrayAdd: t("Add"),
  arrayAddAfter: t("Add after"),
  arrayDelete: t("Remove"),
  arrayDeleteAll: t("Remove all"),
  arrayMoveUp: t("Move up"),
  arrayMoveDown: t("Move down"),
  arrayDrag: t("Drag"),
  arrayConfirmDelete: t("Remove this item?"),
  arrayConfirmDeleteAll: t("Remove all items?"),
  objectAddProperty: t("Add field"),
  objectPropertyAdded: t("the field was added to the form"),
  objectPropertyRemoved: t("the field was removed from the form"),
  propertiesToggle: t("Fields"),
  collapseToggle: t("Collapse"),
};
const FORM_WORDS = {
  choose: t("Choose …"),
  chooseFile: t("Choose an attached file …"),
  fileBranch: t("An attached file"),
  detailsBranch: t("The details, written out"),
  shapeOf: (field) => t("{field} is given as", { field }),
  dateFormat: t("YYYY-MM-DD"),
  timeFormat: t("HH:MM"),
  writtenAs: (format) => t("Written {format}.", { format }),
};

const state = {
  kind: null,
  schema: null, // the kind's form schema, as the service shapes it
  refers: false, // whether the kind refers to other documents, which are then sent with it
  form: null, // the DataForm
  yaml: "", // the data as sent to the service: exactly what the YAML view shows
  documentName: null, // the file the data was opened from
  files: [], // attached documents: [{name, text}]; text null when the draft could not keep it
  sent: 0, // sequence number of the latest check sent
  answered: 0, // sequence number of the latest check shown: an older answer never replaces a newer one
  sentName: null, // the document's name in the latest check, as problems name their file
  problems: [],
  warnings: [],
  touched: new Set(), // form paths the person changed: their problems are shown beside them at once
  showAll: false, // show every problem beside its field (after opening a file, or trying to download)
  preview: null, // the last preview without problems
  retry: null, // what "Try again" does
  checking: null, // the AbortController of the check on its way
  schemas: new Map(),
  inCase: null, // the case's document being written ({case, name, kind, base, …}; cases.js), or null: a document on its own
};
const timers = { check: 0, yaml: 0, draft: 0 };

// --- talking to the service ------------------------------------------------------------------------------

let tokenAsked = null;

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (error) { return null; }
}

/**
 * fetch() with the service's key, asking the person for the key when the service wants one. It gives up
 * after ANSWER_TIME (TimeoutError), or when options.signal is aborted (AbortError).
 */
async function api(path, options = {}) {
  const waiting = AbortSignal.timeout(ANSWER_TIME);
  const signal = options.signal ? AbortSignal.any([options.signal, waiting]) : waiting;
  for (;;) {
    const headers = new Headers(options.headers ?? {});
    const token = storedToken();
    if (token) headers.set("Authorization", `Bearer ${token}`);
    const response = await fetch(path, { ...options, headers, signal });
    if (response.status !== 401) return response;
    if (storedToken() !== token) continue; // a key was given while this request was on its way: try with it
    if (!(await askToken(Boolean(token)))) return response;
  }
}

function askToken(wrong) {
  tokenAsked ??= new Promise((resolve) => {
    const dialog = $("token-dialog");
    $("token-wrong").hidden = !wrong;
    $("token").value = "";
    const finish = (given) => {
      $("token-ok").onclick = $("token-cancel").onclick = $("token").onkeydown = dialog.onclose = null;
      if (dialog.open) dialog.close();
      tokenAsked = null;
      resolve(given);
    };
    $("token-ok").onclick = () => {
      const token = $("token").value.trim();
      if (!token) return;
      try { sessionStorage.setItem(TOKEN_KEY, token); } catch (error) { /* then it is asked again */ }
      finish(true);
    };
    $("token").onkeydown = (event) => {
      if (event.key !== "Enter") return;
      // Not also a press of the button the focus returns to when the dialog closes (Sign out, again).
      event.preventDefault();
      $("token-ok").click();
    };
    $("token-cancel").onclick = () => finish(false);
    dialog.onclose = () => finish(false);
    dialog.showModal();
    $("token").focus();
  });
  return tokenAsked;
}

/**
 * The request that carries the data: the YAML alone, or, for a kind that refers to other documents,
 * the YAML with the attached documents (so that the service resolves a reference by its file name).
 */
function dataRequest() {
  state.sentName = state.inCase?.name ?? state.documentName ?? `${state.kind}.yaml`;
  if (!state.refers || state.inCase) { // in a case, the service finds the documents it names among the case's
    return { method: "POST", headers: { "Content-Type": `${YAML_TYPE}; charset=utf-8` }, body: state.yaml };
  }
  const body = new FormData();
  body.append("document", new Blob([state.yaml], { type: YAML_TYPE }), state.sentName);
  for (const file of state.files.filter((known) => known.text !== null)) {
    body.append("files", new Blob([file.text], { type: YAML_TYPE }), file.name);
  }
  return { method: "POST", body };
}

async function detail(response) {
  try {
    return (await response.json()).detail ?? response.statusText;
  } catch (error) {
    return response.statusText;
  }
}

/** Where the data is checked and made: the service's addresses for a document of its own, or a case's. */
function addresses() {
  if (state.inCase) {
    const at = `/v1/cases/${state.inCase.case}/documents/${encodeURIComponent(state.inCase.name)}`;
    return { check: `${at}/check`, document: (format) => `${at}/document?format=${format}` };
  }
  const kind = encodeURIComponent(state.kind);
  return { check: `/v1/check/${kind}`, document: (format) => `/v1/documents/${kind}?format=${format}` };
}

// --- the status line -------------------------------------------------------------------------------------

function say(text, tone = "") {
  $("status").textContent = text;
  $("status").className = tone;
  $("retry").hidden = true;
  $("show-all").hidden = true;
}

function lost(retry, timedOut) {
  say(timedOut
    ? t("The service did not answer in time. Try again in a moment.")
    : t("No contact with the service. Check the network connection, or ask whoever runs the service whether it is running, then try again."), "error");
  state.retry = retry;
  $("retry").hidden = false;
  document.body.dataset.busy = "false";
}

/** Say why the service refused a request; when it wants its key, offer to try again (and so be asked for it). */
async function refused(response, retry) {
  say(t("The service refused the request: {reason}", { reason: await detail(response) }), "error");
  document.body.dataset.busy = "false";
  if (response.status === 401) {
    state.retry = retry;
    $("retry").hidden = false;
  }
}

const counted = (count, one, many) => (count === 1 ? one : many);

// --- checking the data -----------------------------------------------------------------------------------

function checkSoon(delay = CHECK_DELAY) {
  clearTimeout(timers.check);
  document.body.dataset.busy = "true";
  timers.check = setTimeout(check, delay);
}

/**
 * Check the data as it is now. A check still running for older data is cancelled: its answer is not
 * wanted any more; and an answer that arrives after a newer one is never shown.
 */
async function check() {
  clearTimeout(timers.check);
  timers.check = 0;
  const number = ++state.sent;
  state.checking?.abort();
  const checking = new AbortController();
  state.checking = checking;
  document.body.dataset.busy = "true";
  // Said only when the answer is slow in coming: at every keystroke it would flicker, and be read out.
  const slow = setTimeout(() => { if (number === state.sent) say(t("Checking …"), "busy"); }, SLOW_ANSWER);
  let answer;
  try {
    const response = await api(addresses().check, { ...dataRequest(), signal: checking.signal });
    if (!response.ok) {
      if (number === state.sent) await refused(response, check);
      return;
    }
    answer = await response.json();
  } catch (error) {
    if (error.name === "AbortError") return; // a newer check took its place
    if (number === state.sent) lost(check, error.name === "TimeoutError");
    return;
  } finally {
    clearTimeout(slow);
    if (state.checking === checking) state.checking = null;
  }
  if (number <= state.answered) return;
  state.answered = number;
  show(answer, number === state.sent);
}

/** Show a check's answer; *latest*: no newer check is on its way, so the status may say the outcome. */
function show(answer, latest) {
  state.problems = answer.problems;
  state.warnings = answer.warnings;
  if (answer.valid && answer.preview !== null) showPreview(answer.preview);
  else markStale();
  listFindings();
  annotate();
  if (!latest) return;
  if (!timers.check) document.body.dataset.busy = "false"; // else an edit since is about to be checked
  whenReleased(sayOutcome); // a longer or shorter status moves the buttons in the bar below it
}

/**
 * Say what the last answer means for the person: the problems listed (those of the fields they filled
 * in, or all of them once asked for), how many more there are, or that the document is ready.
 */
function sayOutcome() {
  const listed = state.problems.filter(isListed).length;
  const waiting = state.problems.length - listed;
  const warnings = state.warnings.length;
  if (listed > 0) {
    say(counted(listed, t("1 problem to fix."), t("{count} problems to fix.", { count: listed })), "error");
  } else if (waiting > 0) {
    say(counted(waiting, t("Not ready yet: 1 field is missing or needs fixing."),
      t("Not ready yet: {count} fields are missing or need fixing.", { count: waiting })));
  } else if (warnings > 0) {
    say(counted(warnings, t("No problems, but 1 warning."), t("No problems, but {count} warnings.", { count: warnings })), "warning");
  } else {
    say(t("No problems. The preview shows the document."), "ok");
  }
  $("show-all").hidden = waiting === 0;
}

/** Show every problem, in the list and beside its field, and move to the first one (the person asked). */
function showEverything() {
  state.showAll = true;
  showList();
  showBeside();
  sayOutcome();
  $("problems").querySelector("button")?.focus();
}

// The frame is never hidden: Chromium does not paint a frame that was loaded while hidden and shown after.
function showPreview(html) {
  state.preview = html;
  const view = $("view");
  if (view.srcdoc !== html) view.srcdoc = html;
  view.classList.remove("stale");
  $("stale").hidden = true;
}

function markStale() {
  const view = $("view");
  if (state.preview === null) {
    const note = document.createElement("p");
    note.textContent = t("The preview appears when the data has no problems.");
    const page = `<!DOCTYPE html><html lang="${LANGUAGE}"><meta charset="utf-8">`
      + `<body style="font: 1rem/1.45 system-ui, sans-serif; color: #4a4a4a; margin: 1.2rem">${note.outerHTML}</body></html>`;
    if (view.srcdoc !== page) view.srcdoc = page;
    view.classList.remove("stale");
    $("stale").hidden = true;
    return;
  }
  view.classList.add("stale");
  $("stale").hidden = false;
}

/** Whether a problem is in the document itself (not in one of the attached documents). */
const inDocument = (problem) => !problem.file || problem.file === state.sentName;

/** Whether a problem is shown beside its field: a field the person changed, or everything when asked. */
function showsBeside(pointer, problem) {
  if (problem.severity === "warning" || state.showAll) return true;
  if (state.touched.has(pointer)) return true;
  for (const touched of state.touched) if (touched.startsWith(`${pointer}/`)) return true;
  return false;
}

function annotate() {
  whenReleased(showBeside);
}

function showBeside() {
  if (state.form) state.form.show([...state.problems, ...state.warnings].filter(inDocument), showsBeside);
}

function listFindings() {
  whenReleased(showList);
}

function showList() {
  fill($("problems"), $("problems-heading"), state.problems.filter(isListed));
  fill($("warnings"), $("warnings-heading"), state.warnings);
}

/**
 * Whether a problem is in the list: one about a field the person filled in or changed (as beside the
 * field), or every one once the person asked for them, tried to download, or opened a file. A form
 * that has only just been opened lists nothing in red: the status says how much is still missing.
 */
function isListed(problem) {
  if (!inDocument(problem) || !problem.path || !state.form) return true;
  return showsBeside(state.form.instanceFor(problem.path).path, problem);
}

// --- a click on its way ----------------------------------------------------------------------------------

// A click is a press and a release on the same element. Whatever would move the page's parts while a
// button is held down (a message appearing beside a field, the list of problems drawn again) waits until
// it is released and the click has landed; the pointer's release ends the wait, or at the latest HOLD_LIMIT.
const pointer = { down: false, waiting: new Set(), limit: 0 };
const HOLD_LIMIT = 2000; // milliseconds

function whenReleased(update) {
  if (pointer.down) pointer.waiting.add(update);
  else update();
}

function pressed() {
  pointer.down = true;
  clearTimeout(pointer.limit);
  pointer.limit = setTimeout(released, HOLD_LIMIT);
}

function released() {
  clearTimeout(pointer.limit);
  pointer.down = false;
  const waiting = [...pointer.waiting];
  pointer.waiting.clear();
  for (const update of waiting) update();
}

function fill(list, heading, findings) {
  const said = JSON.stringify(findings);
  if (list.dataset.said !== said) {
    list.replaceChildren(...findings.map(finding));
    list.dataset.said = said;
  }
  list.hidden = heading.hidden = findings.length === 0;
}

/**
 * A problem in the list, named as the form names its field. One in the document moves to its field;
 * one about the YAML text as a whole (no field), to its line in the YAML view.
 */
function finding(problem) {
  const item = document.createElement("li");
  item.className = problem.severity === "warning" ? "warning" : "problem";
  if (!inDocument(problem)) {
    const said = problem.field ? `${problem.field}: ${problem.message}` : problem.message;
    item.textContent = t("In {file}: {problem}", { file: problem.file, problem: said });
    return item;
  }
  const field = (problem.path && state.form?.labelOf(problem.path)) || problem.field;
  const said = field ? `${field}: ${problem.message}` : problem.message;
  const inText = !problem.path && problem.line;
  const words = inText ? t("{problem} (the YAML view, line {line})", { problem: said, line: problem.line }) : said;
  item.append(button(words, "to-field", () => {
    if (inText) {
      toLine(problem.line, problem.column);
      return;
    }
    state.touched.add(state.form.instanceFor(problem.path).path);
    annotate();
    if (!state.form.focus(problem.path) && problem.line) toLine(problem.line, problem.column);
  }));
  return item;
}

function button(text, className, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = text;
  element.addEventListener("click", action);
  return element;
}

/** After a refused download: every problem beside its field, and the first one in view with the focus. */
function toFirstProblem() {
  state.showAll = true;
  listFindings();
  annotate();
  const first = state.problems.find(inDocument);
  if (!first) return;
  if (!state.form.focus(first.path) && first.line) toLine(first.line, first.column);
}

// --- downloads -------------------------------------------------------------------------------------------

async function download(format) {
  const name = format === "pdf" ? "PDF" : "Word";
  say(t("Making the {format} file …", { format: name }), "busy");
  let response;
  try {
    response = await api(addresses().document(format), dataRequest());
  } catch (error) {
    lost(() => download(format), error.name === "TimeoutError");
    return;
  }
  if (response.status === 422) {
    const body = await response.json().catch(() => ({}));
    if (Array.isArray(body.problems)) {
      state.problems = body.problems;
      listFindings();
      markStale();
      toFirstProblem();
      const count = body.problems.length;
      say(counted(count, t("The document was not made: 1 problem to fix."),
        t("The document was not made: {count} problems to fix.", { count })), "error");
      return;
    }
    say(t("The document was not made: {reason}", { reason: body.detail ?? response.statusText }), "error");
    return;
  }
  if (!response.ok) {
    await refused(response, () => download(format));
    return;
  }
  const file = fileName(response.headers.get("Content-Disposition"), `${state.kind}.${format}`);
  saveFile(await response.blob(), file);
  const warnings = Number(response.headers.get("X-Tcdocs-Warnings") ?? 0);
  if (warnings === 0) say(t("{file} is downloaded.", { file }), "ok");
  else {
    say(counted(warnings, t("{file} is downloaded, with 1 warning: see the list.", { file }),
      t("{file} is downloaded, with {count} warnings: see the list.", { file, count: warnings })), "warning");
  }
}

/** The file name a download's Content-Disposition gives, the UTF-8 one (filename*) first. */
function fileName(disposition, fallback) {
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? "");
  if (utf8) {
    try { return decodeURIComponent(utf8[1]); } catch (error) { /* the plain name below */ }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition ?? "");
  return plain ? plain[1] : fallback;
}

function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// --- the YAML view ---------------------------------------------------------------------------------------

const dump = (data) => jsyaml.dump(data, { lineWidth: -1, schema: jsyaml.CORE_SCHEMA });
const parse = (text) => jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });

function showYaml(marked = 0) {
  const area = $("yaml");
  if (document.activeElement !== area && area.value !== state.yaml) area.value = state.yaml;
  numberLines(marked);
}

/** The line numbers beside the YAML text; *marked*: a line to mark (the one a problem is on). */
function numberLines(marked = 0) {
  const area = $("yaml");
  const gutter = $("yaml-lines");
  const count = area.value.split("\n").length;
  if (Number(gutter.dataset.count) !== count || Number(gutter.dataset.marked) !== marked) {
    const lines = [];
    for (let line = 1; line <= count; line += 1) {
      const number = document.createElement("span");
      number.textContent = `${line}\n`;
      if (line === marked) number.className = "marked";
      lines.push(number);
    }
    gutter.replaceChildren(...lines);
    gutter.dataset.count = String(count);
    gutter.dataset.marked = String(marked);
  }
  gutter.scrollTop = area.scrollTop;
}

/** Put the cursor on a line (and column) of the YAML view and bring it into view. */
function toLine(line, column = 1) {
  $("yaml-view").open = true;
  const area = $("yaml");
  const text = area.value;
  let start = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf("\n", start);
    if (next < 0) break;
    start = next + 1;
  }
  const end = text.indexOf("\n", start) < 0 ? text.length : text.indexOf("\n", start);
  const at = Math.min(start + Math.max((column ?? 1) - 1, 0), end);
  area.focus({ preventScroll: true });
  area.setSelectionRange(at, at);
  const height = parseFloat(getComputedStyle(area).lineHeight) || 20;
  area.scrollTop = Math.max(0, (line - 1) * height - area.clientHeight / 3);
  numberLines(line);
  area.scrollIntoView({ block: "nearest" });
}

function yamlTyped() {
  state.yaml = $("yaml").value;
  numberLines();
  checkSoon();
  keepDraftSoon();
  clearTimeout(timers.yaml);
  timers.yaml = setTimeout(readYaml, 400);
}

/** The form follows the YAML view: read the text, and if it is a document, show it in the form. */
function readYaml() {
  let data;
  try {
    data = parse($("yaml").value) ?? {};
  } catch (error) {
    const at = error.mark ? t("line {line}", { line: error.mark.line + 1 }) : "";
    $("yaml-status").textContent = t("The form waits for the text to be YAML again ({where}).", { where: at || error.message });
    return;
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    $("yaml-status").textContent = t("The form waits for the text to be a YAML mapping (field: value).");
    return;
  }
  $("yaml-status").textContent = "";
  state.showAll = true; // whoever writes the YAML sees every problem
  state.form.setDocument(data);
  listFindings();
  annotate();
  if (state.answered === state.sent && !timers.check) sayOutcome();
}

// --- the form --------------------------------------------------------------------------------------------

async function formSchema(kind) {
  if (!state.schemas.has(kind)) {
    const response = await api(`/v1/form/${encodeURIComponent(kind)}`);
    if (!response.ok) throw new Error(await detail(response));
    state.schemas.set(kind, await response.json());
  }
  return state.schemas.get(kind);
}

/** Draw the form of *kind* with *data*; *text*: the YAML it was read from (kept as it is), if any. */
async function showKind(kind, data, text) {
  state.schema = await formSchema(kind);
  state.kind = kind;
  $("kind").value = kind;
  state.form?.destroy();
  state.form = new TcForm.DataForm({
    container: $("form"),
    schema: state.schema,
    language: LANGUAGE,
    translations: LIBRARY_WORDS,
    words: FORM_WORDS,
    files: state.files.map((file) => file.name),
    data,
  });
  state.form.onChange(formChanged);
  state.form.onEdit((pointer) => state.touched.add(pointer));
  state.refers = TcForm.refersToOthers(state.schema);
  $("attachments").hidden = !state.refers || Boolean(state.inCase);
  state.yaml = text ?? dump(state.form.document());
  showYaml();
}

/** The YAML view follows the form. */
function formChanged() {
  state.yaml = dump(state.form.document());
  showYaml();
  listFindings();
  annotate();
  checkSoon();
  keepDraftSoon();
}


/** Start again with *data* of *kind* (an empty form, a template, an opened file). */
async function startWith(kind, data, text, name) {
  state.answered = state.sent; // answers about the data being replaced are not shown
  state.problems = [];
  state.warnings = [];
  state.touched.clear();
  state.showAll = Boolean(text);
  state.preview = null;
  state.documentName = name ?? null;
  $("yaml-status").textContent = "";
  note($("open-note"), "");
  await showKind(kind, data, text);
  markStale();
  listFindings();
  keepDraft();
  await check();
}

/** Whether the data may be replaced: yes when nothing is filled in, else the person is asked. */
async function mayReplace(question, yes) {
  return hasData() ? ask(question, yes) : true;
}

/** Whether anything has been filled in, in the form or in the YAML view. */
function hasData() {
  if (state.form?.isFilled()) return true;
  let data;
  try {
    data = parse(state.yaml);
  } catch (error) {
    return true; // text that is not YAML yet is still someone's work
  }
  if (data === null || data === undefined) return false;
  return typeof data !== "object" || Object.keys(data).some((key) => key !== "kind");
}

function ask(question, yes) {
  return new Promise((resolve) => {
    const dialog = $("ask");
    $("ask-text").textContent = question;
    $("ask-yes").textContent = yes;
    const finish = (answer) => {
      $("ask-yes").onclick = $("ask-no").onclick = dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    $("ask-yes").onclick = () => finish(true);
    $("ask-no").onclick = () => finish(false);
    dialog.onclose = () => finish(false);
    dialog.showModal();
    $("ask-no").focus();
  });
}

async function changeKind() {
  const kind = $("kind").value;
  const replace = await mayReplace(
    t("Change the kind of document? The form will be empty: the data filled in now is replaced. Save the data first to keep it."),
    t("Change and empty the form"));
  if (!replace) {
    $("kind").value = state.kind;
    return;
  }
  await startWith(kind, {});
}

async function fromStarter() {
  const replace = await mayReplace(
    t("Start from the template? The data filled in now is replaced by the template's example data."),
    t("Replace with the template"));
  if (!replace) return;
  let response;
  try {
    response = await api(`/v1/starter/${encodeURIComponent(state.kind)}`);
  } catch (error) {
    lost(fromStarter, error.name === "TimeoutError");
    return;
  }
  if (!response.ok) {
    await refused(response, fromStarter);
    return;
  }
  const text = await response.text();
  await startWith(state.kind, parse(text), text);
}

async function emptyForm() {
  const replace = await mayReplace(
    t("Empty the form? The data filled in now is removed, here and from this browser."), t("Empty the form"));
  if (replace) await startWith(state.kind, {});
}

async function openFile() {
  const input = $("open-file");
  const [file] = input.files;
  input.value = "";
  if (!file) return;
  // Said beside the button, where a check's answer does not replace it.
  const read = await readData(file, (text) => note($("open-note"), text));
  if (read === null) return;
  note($("open-note"), "");
  if (state.inCase && read.kind !== state.inCase.kind) {
    note($("open-note"), t("{file} holds the data of another kind of document ({kind}) than this one.",
      { file: file.name, kind: kindTitle(read.kind) }));
    return;
  }
  const replace = await mayReplace(
    t("Open {file}? The data filled in now is replaced by the file's.", { file: file.name }), t("Open and replace"));
  if (replace) await startWith(read.kind, read.data, read.text, file.name);
}

/**
 * A file of data as this page saves it ({text, data, kind}), or null, having said in plain words why the
 * file is not one: too large, a finished document or a picture, text that is not data, or data of no kind.
 */
async function readData(file, tell) {
  const saved = { file: file.name, button: t("Save the data") };
  if (file.size > LARGEST_FILE) {
    tell(t("{file} is too large to be a file of data. Open the file saved with “{button}”.", saved));
    return null;
  }
  let text;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.includes(0)) throw new TypeError("binary");
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    tell(/\.(pdf|docx?|odt|rtf)$/i.test(file.name)
      ? t("{file} is a finished document. Open the data it was made from: the file saved with “{button}”.", saved)
      : t("{file} is not a file of data (it may be a document or a picture). Open the file saved with “{button}”.", saved));
    return null;
  }
  let data;
  try {
    data = parse(text);
  } catch (error) {
    const line = error.mark ? error.mark.line + 1 : 0;
    tell(line
      ? t("{file} cannot be read: its text is not written as data (line {line}). Open the file saved with “{button}”.", { ...saved, line })
      : t("{file} cannot be read: its text is not written as data. Open the file saved with “{button}”.", saved));
    return null;
  }
  const kind = data && typeof data === "object" ? data.kind : undefined;
  if (!state.kinds.includes(kind)) {
    tell(t("{file} does not say which document its data is for. Open the file saved with “{button}”.", saved));
    return null;
  }
  return { text, data, kind };
}

/** A kind of document by its name, as the list of kinds shows it. */
function kindTitle(kind) {
  return [...$("kind").options].find((option) => option.value === kind)?.textContent ?? kind;
}

/** Say *text* in a note of the page (nothing: the note goes). */
function note(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function saveData() {
  const dnr = String(state.form.document().dnr ?? "").trim();
  const stem = [state.kind, dnr].filter(Boolean).join("-").replace(/[^\p{L}\p{N}._-]+/gu, "-").replace(/-+$/, "");
  saveFile(new Blob([state.yaml], { type: `${YAML_TYPE}; charset=utf-8` }), `${stem}.yaml`);
  say(t("The data is saved as {file}.", { file: `${stem}.yaml` }), "ok");
}

// --- attached documents ----------------------------------------------------------------------------------

async function attach() {
  const input = $("attach-files");
  const chosen = [...input.files];
  input.value = "";
  document.body.dataset.busy = "true"; // the files are read, then the data is checked with them
  const refused = [];
  let taken = 0;
  for (const file of chosen) {
    const read = await readData(file, (text) => refused.push(text));
    if (read === null) continue;
    state.files = state.files.filter((known) => known.name !== file.name).concat({ name: file.name, text: read.text });
    taken += 1;
  }
  // Said beside the attached documents: the check that follows has the status line.
  note($("attach-note"), refused.join(" "));
  if (taken === 0) {
    if (!timers.check && state.answered === state.sent) document.body.dataset.busy = "false";
    return;
  }
  filesChanged();
  const byKind = {};
  for (const file of state.files) {
    let kind;
    try { kind = file.text === null ? undefined : parse(file.text)?.kind; } catch (error) { kind = undefined; }
    if (typeof kind === "string") (byKind[kind] ??= []).push(file.name);
  }
  state.form.chooseReferences(byKind);
}

function detach(name) {
  state.files = state.files.filter((file) => file.name !== name);
  filesChanged();
  $("attach").focus();
}

function filesChanged() {
  listFiles();
  state.form.rebuild(state.files.map((file) => file.name));
  annotate();
  keepDraft();
  checkSoon(0);
}

function listFiles() {
  $("attached").replaceChildren(...state.files.map((file) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "file-name";
    name.textContent = file.name;
    item.append(name);
    if (file.text === null) item.append(" ", t("(not kept in this browser: attach it again)"));
    const remove = button(t("Remove"), "remove", () => detach(file.name));
    remove.setAttribute("aria-label", t("Remove {file}", { file: file.name }));
    item.append(" ", remove);
    return item;
  }));
}

// --- the draft, kept in this browser ---------------------------------------------------------------------

function keepDraftSoon() {
  clearTimeout(timers.draft);
  timers.draft = setTimeout(keepDraft, 300);
}

function keepDraft() {
  clearTimeout(timers.draft);
  if (state.inCase) return; // a case's document is kept by saving it in the case
  let room = DRAFT_FILES_LIMIT;
  const files = state.files.map((file) => {
    const kept = file.text !== null && file.text.length <= room;
    if (kept) room -= file.text.length;
    return { name: file.name, text: kept ? file.text : null };
  });
  const draft = { version: 1, kind: state.kind, yaml: state.yaml, name: state.documentName, files };
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch (error) {
    say(t("This browser cannot keep the draft. Save the data as a file so as not to lose it."), "warning");
  }
}

function storedDraft() {
  try {
    const draft = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? "null");
    return draft && draft.version === 1 && state.kinds.includes(draft.kind) && typeof draft.yaml === "string" ? draft : null;
  } catch (error) {
    return null;
  }
}

/** Show the draft kept in this browser, or an empty form of the first kind. */
async function openDraft() {
  const draft = storedDraft();
  state.files = [];
  if (draft) {
    state.files = (Array.isArray(draft.files) ? draft.files : [])
      .filter((file) => typeof file?.name === "string")
      .map((file) => ({ name: file.name, text: typeof file.text === "string" ? file.text : null }));
    state.documentName = draft.name ?? null;
    listFiles();
    let data = {};
    try { data = parse(draft.yaml) ?? {}; } catch (error) { data = {}; }
    await showKind(draft.kind, data, draft.yaml);
    await check();
  } else {
    listFiles();
    await startWith(state.kinds[0], {});
  }
}

// --- start -----------------------------------------------------------------------------------------------

async function start() {
  state.kinds = [...$("kind").options].map((option) => option.value);
  $("kind").addEventListener("change", changeKind);
  $("starter").addEventListener("click", fromStarter);
  $("open").addEventListener("click", () => $("open-file").click());
  $("open-file").addEventListener("change", openFile);
  $("save").addEventListener("click", saveData);
  $("clear").addEventListener("click", emptyForm);
  $("attach").addEventListener("click", () => $("attach-files").click());
  $("attach-files").addEventListener("change", attach);
  $("pdf").addEventListener("click", () => download("pdf"));
  $("docx").addEventListener("click", () => download("docx"));
  $("show-all").addEventListener("click", showEverything);
  $("retry").addEventListener("click", () => {
    $("retry").hidden = true;
    state.retry?.();
  });
  // The outcome's height, for the room the page keeps free under it where it stays at the window's bottom.
  new ResizeObserver(([entry]) => {
    document.documentElement.style.setProperty("--outcome-height", `${Math.ceil(entry.borderBoxSize[0].blockSize)}px`);
  }).observe($("outcome"));
  document.addEventListener("pointerdown", pressed, true);
  document.addEventListener("click", released, true); // the click has found its element: the page may change
  for (const type of ["pointerup", "pointercancel"]) {
    document.addEventListener(type, () => setTimeout(released), true); // a release that makes no click
  }
  window.addEventListener("blur", released);
  $("form").addEventListener("input", formChanged); // the YAML view and the check follow each keystroke
  $("yaml").addEventListener("input", yamlTyped);
  $("yaml").addEventListener("scroll", () => { $("yaml-lines").scrollTop = $("yaml").scrollTop; });
  $("yaml").addEventListener("blur", () => showYaml());

  try {
    await openDraft();
  } catch (error) {
    if (error.name === "TypeError" || error.name === "TimeoutError") {
      lost(() => window.location.reload(), error.name === "TimeoutError");
    } else {
      say(t("The form could not be shown: {reason}", { reason: error.message }), "error");
    }
  }
  document.body.dataset.ready = "true";
}

start();
