// The page's stored cases: the cases a user may see, one case's road, deadlines, problems, documents and
// their versions, its calendar and its log; a document of the case is written in the page's form (app.js),
// saved in the case with a note, and a save that comes second is shown the other's version beside its own.
// Uses the page's api, t, state, say, ask, note, startWith, openDraft, saveFile and fileName (app.js).
"use strict";

(() => {
  const cases = { user: null, opened: null, pending: null };
  const when = new Intl.DateTimeFormat("sv-SE", { dateStyle: "short", timeStyle: "short" });
  const shownTime = (iso) => when.format(new Date(iso));
  const caseAddress = (id) => `/v1/cases/${id}`;
  const documentAddress = (id, name) => `${caseAddress(id)}/documents/${encodeURIComponent(name)}`;

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = text;
    if (className) made.className = className;
    return made;
  }

  function action(text, run, label) {
    const made = button(text, "", run);
    if (label) made.setAttribute("aria-label", label);
    return made;
  }

  // --- the two views ---------------------------------------------------------------------------------------

  function view(name) {
    document.body.dataset.view = name;
    $("to-cases").setAttribute("aria-pressed", String(name === "cases"));
    $("to-form").setAttribute("aria-pressed", String(name === "form"));
  }

  /** Tell what happened in the cases view; *tone*: "error" for what went wrong. */
  function tell(text, tone = "") {
    $("cases-note").textContent = text;
    $("cases-note").className = tone;
  }

  /** The answer's JSON, or null having said why there is none (a refusal, no contact). */
  async function fetchJson(path, options = {}) {
    let response;
    try {
      response = await api(path, options);
    } catch (error) {
      tell(error.name === "TimeoutError" ? t("The service did not answer in time. Try again in a moment.")
        : t("No contact with the service. Check the network connection, or ask whoever runs the service whether it is running, then try again."), "error");
      return null;
    }
    if (response.status === 401) {
      signedOut();
      return null;
    }
    if (!response.ok && response.status !== 409) {
      tell(t("The service refused the request: {reason}", { reason: await detail(response) }), "error");
      return null;
    }
    return { status: response.status, body: await response.json() };
  }

  function signedOut() {
    cases.user = null;
    $("cases-who").textContent = t("Sign in with the key you were given to see your cases.");
    $("sign-in").hidden = false;
    $("sign-out").hidden = true;
    $("case-list").hidden = true;
    $("case").hidden = true;
    tell("");
  }

  function signedIn(user) {
    cases.user = user;
    $("cases-who").textContent = t("Signed in as {name}, {role}.", { name: user.name, role: user.role_name });
    $("sign-in").hidden = true;
    $("sign-out").hidden = false;
  }

  // --- the list of cases -----------------------------------------------------------------------------------

  async function showCases() {
    view("cases");
    $("case").hidden = true;
    tell(t("Fetching the cases …"), "busy");
    const answer = await fetchJson("/v1/cases");
    if (answer === null) return;
    tell("");
    const { user, cases: found, can_open: canOpen } = answer.body;
    signedIn(user);
    $("case-list").hidden = false;
    $("cases-list").replaceChildren(...found.map(caseItem));
    if (found.length === 0) $("cases-list").replaceChildren(element("li", t("No cases yet.")));
    $("new-case").hidden = !canOpen;
    if (canOpen && !$("new-case-region").value) $("new-case-region").value = user.region ?? "";
    $("cases-heading").focus();
  }

  function caseItem(found) {
    const item = element("li", null, "case-item");
    const name = t("Teknikcollege {region}", { region: found.region });
    item.append(action(name, () => showCase(found.id)));
    const parts = [];
    if (found.dnr) parts.push(t("Dnr {dnr}", { dnr: found.dnr }));
    parts.push(found.current_step
      ? t("step {number} {name}", { number: found.current_step.step, name: found.current_step.name })
      : t("no step taken yet"));
    parts.push(found.next_deadline
      ? t("next deadline: {date} {name}", { date: found.next_deadline.due, name: found.next_deadline.name })
      : t("no deadline ahead"));
    item.append(element("span", ` ${parts.join(" · ")}`));
    for (const late of found.late) item.append(" ", element("span", t("LATE: {date} {name}", { date: late.due, name: late.name }), "late"));
    if (found.problems) item.append(" ", element("span", t("{count} problems between the documents", { count: found.problems }), "late"));
    return item;
  }

  async function openNewCase() {
    const region = $("new-case-region").value.trim();
    if (!region) {
      tell(t("Write the region's name, as its documents give it."), "error");
      $("new-case-region").focus();
      return;
    }
    const answer = await fetchJson("/v1/cases", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ region }),
    });
    if (answer !== null) await showCase(answer.body.case.id);
  }

  // --- one case --------------------------------------------------------------------------------------------

  async function showCase(id, focus = true) {
    view("cases");
    const answer = await fetchJson(caseAddress(id));
    if (answer === null) return;
    tell("");
    const opened = answer.body;
    cases.opened = opened;
    signedIn(opened.user);
    const status = opened.status;
    $("case-list").hidden = true;
    $("case").hidden = false;
    const heading = t("Case {id}, Teknikcollege {region}", { id: opened.case.id, region: opened.case.region });
    const dnr = status.dnr ? t("Dnr {dnr}", { dnr: status.dnr }) : "";
    $("case-heading").textContent = [heading, dnr].filter(Boolean).join(", ");
    $("case-road").tBodies[0].replaceChildren(...status.steps.map((step, index) => stepRow(step, status.steps[index - 1])));
    $("case-deadlines").replaceChildren(...(status.deadlines.length ? status.deadlines.map(deadlineItem) : [element("li", t("None yet."))]));
    $("case-problems").replaceChildren(...(status.problems.length ? status.problems.map(problemItem) : [element("li", t("None."))]));
    $("case-documents").replaceChildren(...(opened.documents.length ? opened.documents.map(documentItem) : [element("li", t("None yet."))]));
    const writable = opened.kinds.filter((kind) => kind.writable);
    $("case-new-kind").replaceChildren(...writable.map((kind) => {
      const option = element("option", kind.title);
      option.value = kind.kind;
      return option;
    }));
    $("case-new-document").hidden = $("case-add-files-row").hidden = $("case-add-hint").hidden = writable.length === 0;
    $("case-calendar").value = "";
    $("case-log-table").tBodies[0].replaceChildren(...opened.log.map(logRow));
    if (focus) $("case-heading").focus();
  }

  function stepRow(step, before) {
    const row = element("tr");
    let state;
    if (step.done) state = t("done");
    else if (step.date) state = t("planned");
    else state = !before || before.done ? t("next") : t("ahead");
    for (const text of [`${step.step} ${step.name}`, step.date ?? "", step.documents.join(", "), state]) row.append(element("td", text));
    return row;
  }

  function deadlineItem(deadline) {
    let state;
    if (deadline.met) state = deadline.late ? t("kept late, {date}", { date: deadline.met }) : t("met {date}", { date: deadline.met });
    else state = deadline.late ? t("LATE") : t("ahead");
    return element("li", `${deadline.due} ${deadline.name}: ${state}`, deadline.late && !deadline.met ? "late" : "");
  }

  function problemItem(problem) {
    const where = [problem.file, problem.field].filter(Boolean).join(": ");
    return element("li", where ? `${where}: ${problem.message}` : problem.message, problem.severity === "warning" ? "warning" : "problem");
  }

  function versionText(version) {
    const said = t("version {number}, saved {when} by {who}", { number: version.version, when: shownTime(version.saved), who: version.author });
    return version.note ? `${said}: ${version.note}` : said;
  }

  function documentItem(found) {
    const item = element("li", null, "case-document");
    const heading = element("p");
    heading.append(element("strong", found.title), " ", element("span", found.document, "file-name"), `, ${versionText(found)}`);
    item.append(heading);
    const buttons = element("div", null, "row");
    const named = { document: found.title };
    buttons.append(
      found.writable
        ? action(t("Change in the form"), () => openDocument(found.document), t("Change in the form: {document}", named))
        : action(t("Read in the form"), () => openDocument(found.document), t("Read in the form: {document}", named)),
      action(t("PDF"), () => downloadVersion(found.document, null, "pdf"), t("Download {document} as PDF", named)),
      action(t("Word"), () => downloadVersion(found.document, null, "docx"), t("Download {document} as Word", named)),
    );
    item.append(buttons);
    const versions = element("details", null, "versions");
    const summary = element("summary", t("Versions of {document}", named));
    versions.append(summary);
    versions.addEventListener("toggle", () => { if (versions.open && versions.children.length === 1) fillVersions(versions, found); });
    item.append(versions);
    return item;
  }

  async function fillVersions(box, found) {
    const answer = await fetchJson(documentAddress(cases.opened.case.id, found.document));
    if (answer === null) return;
    const { versions } = answer.body;
    const list = element("ol", null, "version-list");
    for (const version of [...versions].reverse()) {
      const item = element("li", versionText(version));
      const named = { number: version.version };
      item.append(" ",
        action(t("Open"), () => openDocument(found.document, version.version), t("Open version {number}", named)),
        action(t("PDF"), () => downloadVersion(found.document, version.version, "pdf"), t("Version {number} as PDF", named)),
        action(t("Word"), () => downloadVersion(found.document, version.version, "docx"), t("Version {number} as Word", named)));
      list.append(item);
    }
    box.append(list);
    if (versions.length < 2) return;
    const compare = element("div", null, "row");
    const choice = (label, chosen) => {
      const select = element("select");
      select.setAttribute("aria-label", label);
      for (const version of versions) {
        const option = element("option", t("version {number}", { number: version.version }));
        option.value = String(version.version);
        option.selected = version.version === chosen;
        select.append(option);
      }
      return select;
    };
    const from = choice(t("Compare from version"), versions[versions.length - 2].version);
    const to = choice(t("Compare with version"), versions[versions.length - 1].version);
    const result = element("div", null, "table");
    result.setAttribute("aria-live", "polite");
    compare.append(element("span", t("Compare")), from, element("span", t("with")), to,
      action(t("Show the differences"), () => showChanges(found.document, from.value, to.value, result)));
    box.append(compare, result);
  }

  async function showChanges(name, from, to, box) {
    const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const answer = await fetchJson(`${documentAddress(cases.opened.case.id, name)}/changes?${query}`);
    if (answer === null) return;
    const { changes } = answer.body;
    if (changes.length === 0) {
      box.replaceChildren(element("p", t("Version {from} and version {to} have the same data.", { from, to })));
      return;
    }
    box.replaceChildren(changesTable(changes, t("Version {number}", { number: from }), t("Version {number}", { number: to }),
      t("What differs between version {from} and version {to}", { from, to })));
  }

  function changesTable(changes, before, after, caption) {
    const table = element("table", null, "changes");
    table.append(element("caption", caption));
    const head = element("tr");
    for (const text of [t("Field"), before, after]) {
      const cell = element("th", text);
      cell.scope = "col";
      head.append(cell);
    }
    table.append(element("thead"));
    table.tHead.append(head);
    const body = element("tbody");
    for (const change of changes) {
      const row = element("tr");
      row.append(element("th", change.field), element("td", change.before ?? t("(none)")), element("td", change.after ?? t("(none)")));
      row.firstChild.scope = "row";
      body.append(row);
    }
    table.append(body);
    return table;
  }

  async function downloadVersion(name, number, format) {
    const query = `format=${format}${number ? `&version=${number}` : ""}`;
    let response;
    try {
      response = await api(`${documentAddress(cases.opened.case.id, name)}/file?${query}`);
    } catch (error) {
      tell(t("No contact with the service. Check the network connection, or ask whoever runs the service whether it is running, then try again."), "error");
      return;
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const problems = Array.isArray(body.problems) ? body.problems.length : 0;
      tell(problems
        ? t("{document} cannot be made yet: it has {count} problems; open it in the form to see them.", { document: name, count: problems })
        : t("The service refused the request: {reason}", { reason: body.detail ?? response.statusText }), "error");
      return;
    }
    const file = fileName(response.headers.get("Content-Disposition"), `${name}.${format}`);
    saveFile(await response.blob(), file);
    tell(t("{file} is downloaded.", { file }), "ok");
  }

  function logRow(entry) {
    const row = element("tr");
    const version = entry.version ? t("version {number}", { number: entry.version }) : "";
    const documentText = [entry.document, version].filter(Boolean).join(" ");
    for (const text of [shownTime(entry.time), entry.actor, entry.what, documentText, entry.detail]) row.append(element("td", text));
    return row;
  }

  // --- adding documents from files -------------------------------------------------------------------------

  async function addFiles() {
    const input = $("case-files");
    const chosen = [...input.files];
    input.value = "";
    const id = cases.opened.case.id;
    const said = [];
    for (const file of chosen) {
      const text = await file.text();
      const known = cases.opened.documents.find((found) => found.document === file.name);
      const answer = await fetchJson(documentAddress(id, file.name), {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text, base: known ? known.version : null, note: t("from the file {file}", { file: file.name }) }),
      });
      if (answer === null) {
        said.push(`${file.name}: ${$("cases-note").textContent}`);
      } else if (answer.status === 409) {
        said.push(`${file.name}: ${answer.body.detail}`);
      } else {
        said.push(t("{file}: saved as version {number}", { file: file.name, number: answer.body.version.version }));
      }
    }
    await showCase(id, false);
    $("case-added").replaceChildren(...said.map((text) => element("li", text)));
    tell(said.join(" "));
    $("case-add-files").focus();
  }

  // --- a document of the case in the form ------------------------------------------------------------------

  /** The case's documents that a document may name, for the form's choices: {kind: [file names]}. */
  function namesByKind(except) {
    const found = {};
    for (const known of cases.opened.documents) if (known.document !== except) (found[known.kind] ??= []).push(known.document);
    return found;
  }

  function inCaseFiles(except) {
    return cases.opened.documents.filter((known) => known.document !== except).map((known) => ({ name: known.document, text: null }));
  }

  async function openDocument(name, number) {
    const id = cases.opened.case.id;
    const answer = await fetchJson(`${documentAddress(id, name)}${number ? `?version=${number}` : ""}`);
    if (answer === null) return;
    const { version, text, versions } = answer.body;
    const latest = versions[versions.length - 1];
    const writable = cases.opened.documents.find((known) => known.document === name)?.writable ?? false;
    const what = { id, region: cases.opened.case.region, document: kindTitle(version.kind), file: name };
    const saved = { number: version.version, count: latest.version, when: shownTime(version.saved), who: version.author };
    let said = t("Case {id}, Teknikcollege {region}: {document} ({file}), version {number} of {count}, saved {when} by {who}.", { ...what, ...saved });
    if (version.version !== latest.version && writable) {
      const next = t("Saved, it becomes version {next}, the newest.", { next: latest.version + 1 });
      said = `${said} ${next}`;
    }
    const readOnly = t("You can read this document but not change it.");
    if (!writable) said = `${said} ${readOnly}`;
    await writeInCase({ case: id, name, kind: version.kind, base: latest.version, writable }, parse(text) ?? {}, text, said);
  }

  async function newDocument() {
    const id = cases.opened.case.id;
    const kind = $("case-new-kind").value;
    const taken = new Set(cases.opened.documents.map((known) => known.document));
    let name = `${kind}.yaml`;
    for (let number = 2; taken.has(name); number += 1) name = `${kind}-${number}.yaml`;
    const said = t("Case {id}, Teknikcollege {region}: a new {document} ({file}). The documents it names come from the case.",
      { id, region: cases.opened.case.region, document: kindTitle(kind), file: name });
    await writeInCase({ case: id, name, kind, base: null, writable: true }, {}, undefined, said);
    state.form.chooseReferences(namesByKind(name)); // the documents it names, from the case
  }

  async function writeInCase(where, data, text, said) {
    document.body.dataset.busy = "true"; // until the document's form is drawn and its data checked
    $("in-case-what").textContent = said;
    state.inCase = { ...where, region: cases.opened.case.region };
    state.files = inCaseFiles(where.name);
    view("form");
    $("in-case").hidden = false;
    $("kind").disabled = true;
    $("save-note").value = "";
    $("save-in-case").hidden = $("save-note-label").hidden = $("save-note").hidden = $("in-case-hint").hidden = !where.writable;
    $("draft-hint").hidden = true; // a case's document is kept by saving it in the case, not in this browser
    $("conflict").hidden = true;
    note($("in-case-note"), "");
    await startWith(where.kind, data, text, where.name);
    $("document-heading").focus();
  }

  async function saveInCase() {
    const where = state.inCase;
    const noteText = $("save-note").value.trim();
    note($("in-case-note"), t("Saving …"));
    const answer = await fetchJson(documentAddress(where.case, where.name), {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: state.yaml, base: where.base, note: noteText }),
    });
    if (answer === null) {
      note($("in-case-note"), $("cases-note").textContent);
      return;
    }
    if (answer.status === 409) {
      showConflict(answer.body);
      return;
    }
    const { version } = answer.body;
    where.base = version.version;
    $("save-note").value = "";
    $("conflict").hidden = true;
    note($("in-case-note"), t("Saved in the case as version {number}.", { number: version.version }));
    $("in-case-what").textContent = t("Case {id}, Teknikcollege {region}: {document} ({file}), version {number}, saved {when} by {who}.", {
      id: where.case, region: where.region, document: kindTitle(where.kind), file: where.name,
      number: version.version, when: shownTime(version.saved), who: version.author,
    });
  }

  /** Someone saved first: say who, when and with what note, and show their version beside this one, field by field. */
  function showConflict(answer) {
    const other = answer.other;
    cases.pending = other;
    note($("in-case-note"), "");
    const noted = other.note ? ` (${other.note})` : "";
    $("conflict-text").textContent = t("{who} saved version {number} of this document at {when}{note}, after the version you started from. Nothing was written over: your text is still in the form. Below, their version and yours, field by field.", {
      who: other.author, number: other.version, when: shownTime(other.saved), note: noted,
    });
    $("conflict-caption").textContent = t("Their version {number} and yours", { number: other.version });
    $("conflict-changes").tBodies[0].replaceChildren(...answer.differences.map((change) => {
      const row = element("tr");
      row.append(element("th", change.field), element("td", change.before ?? t("(none)")), element("td", change.after ?? t("(none)")));
      row.firstChild.scope = "row";
      return row;
    }));
    $("conflict-changes").hidden = answer.differences.length === 0;
    $("conflict").hidden = false;
    $("conflict-heading").focus();
  }

  async function saveMine() {
    state.inCase.base = cases.pending.version;
    await saveInCase();
  }

  async function openTheirs() {
    const replace = await ask(t("Show their version in the form instead of yours? Yours stays in the table below until you save."), t("Show theirs"));
    if (!replace) return;
    const other = cases.pending;
    state.inCase.base = other.version;
    await startWith(state.inCase.kind, parse(other.text) ?? {}, other.text, state.inCase.name);
    note($("in-case-note"), t("Their version {number} is in the form.", { number: other.version }));
  }

  async function backToCase() {
    const id = state.inCase.case;
    await leaveCase();
    await showCase(id);
  }

  /** The form is a document of its own again: the draft kept in this browser comes back. */
  async function leaveCase() {
    state.inCase = null;
    $("in-case").hidden = $("save-in-case").hidden = true;
    $("draft-hint").hidden = false;
    note($("in-case-note"), "");
    $("kind").disabled = false;
    await openDraft();
  }

  // --- the calendar ----------------------------------------------------------------------------------------

  async function showCalendar(fresh) {
    if (fresh) {
      const sure = await ask(t("Make a new calendar address? The old one stops working, also for those you gave it to."), t("Make a new address"));
      if (!sure) return;
    }
    const answer = await fetchJson(`${caseAddress(cases.opened.case.id)}/calendar`, { method: fresh ? "POST" : "GET" });
    if (answer === null) return;
    $("case-calendar").value = answer.body.url;
    $("case-calendar").focus();
    $("case-calendar").select();
  }

  // --- start -----------------------------------------------------------------------------------------------

  function start() {
    $("to-cases").addEventListener("click", () => (cases.opened && !$("case").hidden ? showCase(cases.opened.case.id) : showCases()));
    $("to-form").addEventListener("click", () => view("form"));
    $("sign-in").addEventListener("click", showCases);
    $("sign-out").addEventListener("click", async () => {
      try { sessionStorage.removeItem(TOKEN_KEY); } catch (error) { /* nothing kept */ }
      if (state.inCase) await leaveCase();
      cases.opened = null;
      await showCases();
    });
    $("new-case-open").addEventListener("click", openNewCase);
    $("new-case-region").addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      openNewCase();
    });
    $("case-back").addEventListener("click", showCases);
    $("case-new").addEventListener("click", newDocument);
    $("case-add-files").addEventListener("click", () => $("case-files").click());
    $("case-files").addEventListener("change", addFiles);
    $("case-calendar-show").addEventListener("click", () => showCalendar(false));
    $("case-calendar-new").addEventListener("click", () => showCalendar(true));
    $("save-in-case").addEventListener("click", saveInCase);
    $("save-note").addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      saveInCase();
    });
    $("back-to-case").addEventListener("click", backToCase);
    $("conflict-mine").addEventListener("click", saveMine);
    $("conflict-theirs").addEventListener("click", openTheirs);
    signedOut();
  }

  start();
})();
