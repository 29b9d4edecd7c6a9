// The page's Word round trip: a Word file that comes back edited is read against the form's data, and each
// field changed in it can be taken into the form, one by one; two versions can be compared as a Word file
// with tracked changes. It uses what app.js keeps (state, api, t, the form) and adds its own section.
"use strict";

const LARGEST_WORD_FILE = 20000000; // bytes: what the service reads at most; a tcdocs Word file is far smaller

/** The request that sends the form's data with *parts* (name → [blob, file name]) and the attached documents. */
function roundTripRequest(parts) {
  const body = new FormData();
  for (const [name, [blob, file]] of Object.entries(parts)) body.append(name, blob, file);
  for (const file of state.files.filter((known) => known.text !== null)) {
    body.append("files", new Blob([file.text], { type: YAML_TYPE }), file.name);
  }
  return { method: "POST", body };
}

function wordSay(text, tone = "") {
  $("word-status").textContent = text;
  $("word-status").className = tone;
}

/** What the service refused, in words: its problems (a Word file that is not one), or its detail. */
async function wordRefusal(response) {
  const body = await response.json().catch(() => ({}));
  const problems = Array.isArray(body.problems) ? body.problems.map((problem) => problem.message) : [];
  return problems.length ? problems.join(" ") : (body.detail ?? response.statusText);
}

async function readWordFile() {
  const [file] = $("word-file").files;
  $("word-file").value = "";
  if (!file) return;
  if (file.size > LARGEST_WORD_FILE) {
    wordSay(t("{file} is larger than a Word file of tcdocs can be; it was not read.", { file: file.name }), "error");
    return;
  }
  wordSay(t("Reading {file} …", { file: file.name }), "busy");
  const data = new Blob([state.yaml], { type: YAML_TYPE });
  let response;
  try {
    response = await api(`/v1/read/${encodeURIComponent(state.kind)}`,
      roundTripRequest({ word: [file, file.name], document: [data, state.documentName ?? `${state.kind}.yaml`] }));
  } catch (error) {
    wordSay(t("The service did not answer; try again."), "error");
    return;
  }
  if (!response.ok) {
    wordSay(t("{file} could not be read: {reason}", { file: file.name, reason: await wordRefusal(response) }), "error");
    return;
  }
  showReading(file.name, await response.json());
}

let wordItems = 0; // the ids of the findings' texts, which their buttons are described by

/** A list item with *text*, and a button when *action* is given, described by the text. */
function wordItem(text, action) {
  const item = document.createElement("li");
  const words = document.createElement("span");
  words.textContent = text;
  item.append(words);
  if (action) {
    wordItems += 1;
    words.id = `word-item-${wordItems}`;
    action.setAttribute("aria-describedby", words.id);
    item.append(" ", action);
  }
  return item;
}

function wordList(id, heading, items) {
  const list = $(id);
  list.replaceChildren(...items);
  list.hidden = $(heading).hidden = items.length === 0;
}

function showReading(name, reading) {
  const fields = reading.fields.map((change) => {
    const text = `${change.label}: ${change.old} → ${change.new} (${change.where.join("; ")})`;
    if (change.status !== "applied") return wordItem(`${text} ${change.message}`);
    const take = document.createElement("button");
    take.type = "button";
    take.textContent = t("Take into the form");
    take.addEventListener("click", () => {
      takeIntoForm(change);
      take.disabled = true;
      take.textContent = t("Taken into the form");
    });
    return wordItem(text, take);
  });
  const texts = reading.texts.map((change) => wordItem(
    `${change.where}: ${[change.before && `${t("before")}: ${change.before}`, change.after && `${t("after")}: ${change.after}`]
      .filter(Boolean).join(" — ")}`));
  const comments = reading.comments.map((comment) => wordItem(
    `${comment.where}: ${comment.author}, ${comment.date.slice(0, 10)}: ${comment.text}${comment.anchor ? ` («${comment.anchor}»)` : ""}`));
  const revisions = reading.revisions.map((revision) => wordItem(
    `${revision.where}: ${revision.author}, ${revision.date.slice(0, 10)}: «${revision.text}»`));
  wordList("word-fields", "word-fields-heading", fields);
  wordList("word-texts", "word-texts-heading", texts);
  wordList("word-comments", "word-comments-heading", comments);
  wordList("word-revisions", "word-revisions-heading", revisions);
  if (reading.unchanged) wordSay(t("{file}: nothing was changed, commented or tracked.", { file: name }), "ok");
  else wordSay(t("{file} is read: take the changed fields into the form one by one.", { file: name }), "ok");
  $("word-findings").hidden = reading.unchanged;
}

/** Set the form's value at the field's place to its new value, as the data's file writes it. */
function takeIntoForm(change) {
  const data = state.form.document();
  let parent = data;
  const keys = change.keys;
  for (const key of keys.slice(0, -1)) {
    parent[key] ??= typeof key === "number" ? [] : {};
    parent = parent[key];
  }
  const last = keys[keys.length - 1];
  parent[last] = typeof parent[last] === "number" && Number.isFinite(Number(change.new)) ? Number(change.new) : change.new;
  state.form.setDocument(data);
  formChanged();
}

async function compareWith() {
  const [file] = $("compare-file").files;
  $("compare-file").value = "";
  if (!file) return;
  wordSay(t("Comparing {file} with the form's data …", { file: file.name }), "busy");
  const data = new Blob([state.yaml], { type: YAML_TYPE });
  let response;
  try {
    response = await api(`/v1/compare/${encodeURIComponent(state.kind)}`,
      roundTripRequest({ old: [file, file.name], new: [data, state.documentName ?? `${state.kind}.yaml`] }));
  } catch (error) {
    wordSay(t("The service did not answer; try again."), "error");
    return;
  }
  if (!response.ok) {
    wordSay(t("The versions could not be compared: {reason}", { reason: await wordRefusal(response) }), "error");
    return;
  }
  const name = fileName(response.headers.get("Content-Disposition"), `${state.kind}-ändringar.docx`);
  saveFile(await response.blob(), name);
  wordSay(t("{file} is downloaded: the form's data, with what differs from {old} as tracked changes.", { file: name, old: file.name }), "ok");
}

$("word-read").addEventListener("click", () => $("word-file").click());
$("word-file").addEventListener("change", readWordFile);
$("compare").addEventListener("click", () => $("compare-file").click());
$("compare-file").addEventListener("change", compareWith);
