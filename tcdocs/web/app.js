// The preview page of `tcdocs serve`: choose a kind, paste or upload YAML, see problems or a preview, download.
"use strict";

const $ = (id) => document.getElementById(id);
const YAML = "application/yaml; charset=utf-8";
let timer = null;

function say(text) { $("status").textContent = text; }

function showProblems(problems) {
  const list = $("problems");
  list.replaceChildren();
  for (const p of problems || []) {
    const item = document.createElement("li");
    const where = p.line ? `rad ${p.line}${p.column ? `, kolumn ${p.column}` : ""}: ` : "";
    item.textContent = `${where}${p.path ? p.path + ": " : ""}${p.message}`;
    if (p.severity === "warning") item.className = "warning";
    list.append(item);
  }
}

async function post(path) {
  return fetch(`${path}/${encodeURIComponent($("kind").value)}`, {
    method: "POST", headers: { "Content-Type": YAML }, body: $("data").value,
  });
}

async function failure(response) {
  let body = {};
  try { body = await response.json(); } catch (error) { body = { detail: response.statusText }; }
  showProblems(body.problems);
  say(body.problems ? `${body.problems.length} problem att rätta.` : body.detail || `Fel ${response.status}`);
}

async function preview() {
  say("Granskar …");
  const response = await post("/v1/preview");
  if (!response.ok) { $("view").srcdoc = ""; return failure(response); }
  showProblems([]);
  $("view").srcdoc = await response.text();
  say("Förhandsgranskningen är klar.");
}

async function download(format) {
  say(`Skapar ${format.toUpperCase()} …`);
  const response = await fetch(`/v1/documents/${encodeURIComponent($("kind").value)}?format=${format}`, {
    method: "POST", headers: { "Content-Type": YAML }, body: $("data").value,
  });
  if (!response.ok) return failure(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = (disposition.match(/filename="([^"]+)"/) || [null, `dokument.${format}`])[1];
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  say(`${name} är nedladdad.`);
}

async function fillStarter() {
  const response = await fetch(`/v1/starter/${encodeURIComponent($("kind").value)}`);
  $("data").value = await response.text();
  preview();
}

async function start() {
  const kinds = await (await fetch("/v1/kinds")).json();
  for (const [kind, title] of Object.entries(kinds)) {
    const option = document.createElement("option");
    option.value = kind;
    option.textContent = title;
    $("kind").append(option);
  }
  $("kind").addEventListener("change", fillStarter);
  $("starter").addEventListener("click", fillStarter);
  $("preview").addEventListener("click", preview);
  $("pdf").addEventListener("click", () => download("pdf"));
  $("docx").addEventListener("click", () => download("docx"));
  $("data").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(preview, 600); });
  $("file").addEventListener("change", async () => {
    const file = $("file").files[0];
    if (file) { $("data").value = await file.text(); preview(); }
  });
  await fillStarter();
}

start();
