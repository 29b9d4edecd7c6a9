// "Check a PDF", the page at /kontrollera: sends a PDF with its data (and any trusted roots) to
// POST /v1/verify and shows what the service says: verified or not, and a line for each signature.
"use strict";

const $ = (id) => document.getElementById(id);
const TEXTS = JSON.parse($("texts").textContent);
const LANGUAGE = document.documentElement.lang || "sv";
const TOKEN_KEY = "tcdocs.token"; // the key the main page keeps for this tab

/** A text of the page in the reader's language. */
function t(text) {
  return TEXTS[text] ?? text;
}

function show(message, kind, details) {
  const status = $("verify-status");
  status.textContent = message;
  status.className = kind;
  const list = $("verify-details");
  list.replaceChildren(...(details || []).map((line) => {
    const item = document.createElement("li");
    item.textContent = line;
    return item;
  }));
}

async function check(event) {
  event.preventDefault();
  const pdf = $("verify-pdf").files[0];
  if (!pdf) {
    show(t("Choose the PDF to check."), "problem-text");
    $("verify-pdf").focus();
    return;
  }
  const body = new FormData();
  body.append("pdf", pdf, pdf.name);
  const data = $("verify-data").files[0];
  if (data) body.append("document", data, data.name);
  for (const file of $("verify-files").files) body.append("files", file, file.name);
  for (const file of $("verify-trust").files) body.append("trust", file, file.name);
  const headers = new Headers({ "Accept-Language": LANGUAGE });
  let token = null;
  try { token = sessionStorage.getItem(TOKEN_KEY); } catch (error) { /* no key kept */ }
  if (token) headers.set("Authorization", `Bearer ${token}`);
  $("verify-go").disabled = true;
  show(t("Checking …"), "");
  try {
    const response = await fetch("/v1/verify", { method: "POST", body, headers });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 401) {
      show(t("The service needs a key: enter it on the documents page, then check again."), "problem-text");
    } else if (!response.ok) {
      const problems = (answer.problems || []).map((p) => p.message);
      show(answer.detail || t("The PDF could not be checked."), "problem-text", problems);
    } else {
      show(answer.message, answer.verified ? "" : "problem-text", answer.details);
    }
  } catch (error) {
    show(t("The service did not answer. Check the connection and try again."), "problem-text");
  } finally {
    $("verify-go").disabled = false;
  }
}

$("verify-form").addEventListener("submit", check);
