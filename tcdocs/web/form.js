// The data form of the page: a Jedison form drawn from a kind's form schema (GET /v1/form/KIND), the
// document that the form's value stands for, and the way from a problem's path (parties[2].org_number)
// to its field. No words live here: the page passes in every word the form shows.
"use strict";

(() => {
  const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
  const isEmpty = (value) => value === undefined || value === null || value === "";
  const typeOf = (node) => [].concat(node.type ?? [])[0] ?? (node.properties ? "object" : undefined);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const NOTHING = { value: undefined, filled: false };

  /** The branch of a reference (x-reference) that holds the other document's details written out. */
  const details = (node) => node.anyOf.find((arm) => arm["x-branch"] === "details") ?? {};

  /**
   * The document a form value stands for: what the person filled in, in the schema's order. An empty
   * field, and an optional field still at its default, is left out, so the document reads like one
   * written by hand. Returns {value, filled}: filled tells whether anything at all was filled in.
   */
  function prune(value, node, required) {
    if (node["x-reference"]) {
      if (isObject(value)) return prune(value, details(node), required);
      return isEmpty(value) ? NOTHING : { value, filled: true };
    }
    if (node.anyOf) return isEmpty(value) ? NOTHING : { value, filled: true };
    if (node.const !== undefined) return { value: node.const, filled: false };
    const type = typeOf(node);
    if (type === "object") {
      if (!isObject(value)) return NOTHING;
      const needed = new Set(node.required ?? []);
      const out = {};
      let filled = false;
      for (const [key, part] of Object.entries(node.properties ?? {})) {
        const result = prune(value[key], part, needed.has(key));
        if (result.value !== undefined) out[key] = result.value;
        filled = filled || result.filled;
      }
      return filled ? { value: out, filled } : NOTHING;
    }
    if (type === "array") {
      if (!Array.isArray(value)) return NOTHING;
      const item = node.items ?? {};
      const results = value.map((element) => (typeOf(item) === "object" || item["x-reference"]
        ? prune(element, item, true)
        : { value: element, filled: !isEmpty(element) }));
      if (!results.some((result) => result.filled)) return NOTHING;
      // Every item stays, an empty one too, so that a problem's index is the index of its item in the form.
      return { value: results.map((result) => result.value ?? {}), filled: true };
    }
    if (isEmpty(value)) return NOTHING;
    if (node.default !== undefined && same(value, node.default)) return required ? { value, filled: false } : NOTHING;
    if (node["x-format"] === "money" && /^\d+(\.\d+)?$/.test(value)) return { value: Number(value), filled: true };
    return { value, filled: true };
  }

  /** The inverse: a form value with every field of the schema, so that no field is hidden for lack of a value. */
  function complete(value, node) {
    if (node["x-reference"]) return isObject(value) ? complete(value, details(node)) : typeof value === "string" ? value : "";
    if (node.anyOf) return value ?? null;
    if (node.const !== undefined) return node.const;
    const type = typeOf(node);
    if (type === "object") {
      const source = isObject(value) ? value : {};
      const out = {};
      for (const [key, part] of Object.entries(node.properties ?? {})) out[key] = complete(source[key], part);
      return out;
    }
    if (type === "array") return Array.isArray(value) ? value.map((element) => complete(element, node.items ?? {})) : [];
    if (!isEmpty(value)) {
      // YAML reads 40000 and 1.0 as numbers; a text field shows them as written.
      if (type === "string" && (typeof value === "number" || typeof value === "boolean")) return String(value);
      return value;
    }
    if (node.default !== undefined && node.default !== null) return structuredClone(node.default);
    if (node["x-format"] === "number-nullable") return null;
    if (type === "boolean") return false;
    return type === "string" ? "" : value;
  }

  /** A problem's path as the service writes it (parties[2].org_number) as a form path (#/parties/2/org_number). */
  function toPointer(path) {
    const parts = String(path ?? "").replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean);
    return ["#", ...parts.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1"))].join("/");
  }

  /** Call visit(node, value) for every reference field of a document, in any depth. */
  function eachReference(node, value, visit, pointer = "#") {
    if (!isObject(node)) return;
    if (node["x-reference"]) {
      visit(node, value, pointer);
      if (isObject(value)) eachReference(details(node), value, visit, pointer);
      return;
    }
    for (const [key, part] of Object.entries(node.properties ?? {})) {
      eachReference(part, isObject(value) ? value[key] : undefined, visit, `${pointer}/${key}`);
    }
    if (isObject(node.items) && Array.isArray(value)) {
      value.forEach((element, index) => eachReference(node.items, element, visit, `${pointer}/${index}`));
    }
  }

  /**
   * Which parts of a form must be filled in: a Map from form path to true, each list position written
   * as "*" so that one entry stands for every item. A field is needed when its group needs it and the
   * group is needed itself; an item of a list is there because the person added it, so what it needs
   * is needed.
   */
  function neededParts(schema) {
    const needed = new Map();
    const walk = (node, path, required) => {
      if (!isObject(node)) return;
      needed.set(path, needed.get(path) || required);
      for (const arm of node.anyOf ?? []) walk(arm, path, required);
      const inside = new Set(node.required ?? []);
      for (const [key, part] of Object.entries(node.properties ?? {})) walk(part, `${path}/${key}`, required && inside.has(key));
      if (isObject(node.items)) walk(node.items, `${path}/*`, true);
    };
    walk(schema, "#", true);
    return needed;
  }

  /** Whether a document of this form refers to other documents (and so may come with attached files). */
  function refersToOthers(schema) {
    return JSON.stringify(schema).includes('"x-reference"');
  }

  /**
   * The form schema as this page draws it: the page's words in it, the names of the attached files
   * offered in every reference, and no warning signs of the library's own (the service judges the data).
   */
  function prepare(schema, words, names) {
    const walk = (node) => {
      if (Array.isArray(node)) return node.map(walk);
      if (!isObject(node)) return node;
      const out = {};
      for (const [key, part] of Object.entries(node)) out[key] = key === "default" || key === "const" ? part : walk(part);
      if (Array.isArray(out["x-enumTitles"])) {
        out["x-enumTitles"] = out["x-enumTitles"].map((title, index) => (out.enum[index] === "" ? words.choose : title));
      }
      const written = { date: words.dateFormat, time: words.timeFormat }[out["x-format"]];
      if (written && !String(out.description ?? "").includes(written)) {
        // How a date is written, where its help does not say it already.
        out.description = [out.description, words.writtenAs(written)].filter(Boolean).join(" ");
      }
      if (out["x-branch"] === "file") {
        out.enum = ["", ...names];
        out["x-enumTitles"] = [words.chooseFile, ...names];
        out["x-switcherTitle"] = words.fileBranch;
      } else if (out["x-branch"] === "details") {
        out["x-switcherTitle"] = words.detailsBranch;
      }
      const type = typeOf(out);
      if (type === "object" || type === "array") out["x-navWarning"] = false;
      return out;
    };
    return walk(schema);
  }

  /** The first field of a part of the form a person would type into or choose in, if any. */
  const firstField = (container) => container?.querySelector(
    "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])");

  /**
   * A group of fields that stays in place when a value changes. The library empties a group and puts
   * every field back after each change; a field taken out of the page and put back loses a click that
   * was on its way to it (the button under the pointer is pressed before a field's change, and released
   * after it), and its focus. Here a field is moved only when it is out of its place.
   */
  class ObjectEditor extends Jedison.EditorObject {
    static resolves(schema) {
      return typeOf(schema) === "object" && schema.format === undefined && schema["x-format"] === undefined;
    }

    refreshEditors() {
      const slot = this.control.childrenSlot;
      const disabled = this.disabled || this.instance.isReadOnly();
      let previous = null;
      for (const child of this.instance.children) {
        const box = child.ui.control.container;
        if (!child.isActive) {
          box.remove();
          continue;
        }
        const expected = previous ? previous.nextSibling : slot.firstChild;
        if (box !== expected) slot.insertBefore(box, expected);
        previous = box;
        if (child.ui.disabled !== disabled) child.ui[disabled ? "disable" : "enable"]();
      }
      for (let extra = previous ? previous.nextSibling : slot.firstChild; extra; extra = previous ? previous.nextSibling : slot.firstChild) {
        extra.remove();
      }
    }
  }

  /**
   * A list that draws its items again only when they change (an item added, removed or moved), not
   * when a value inside one changes: then every item, its buttons and fields stay where they are.
   * After a person adds an item the focus goes to its first field; after they remove one, to the
   * item that took its place (or the one before it, or the list's add button).
   */
  class ArrayEditor extends Jedison.EditorArray {
    static resolves(schema) {
      return typeOf(schema) === "array" && schema.format === undefined && schema["x-format"] === undefined
        && schema.prefixItems === undefined;
    }

    addEventListeners() {
      super.addEventListeners();
      this.instance.on("item-add", (initiator, item) => {
        if (initiator === "user") firstField(item?.ui?.control?.container)?.focus();
      });
    }

    getButtons(index) {
      const buttons = super.getButtons(index);
      // After the library's own listener, which removes the item.
      buttons.deleteBtn.addEventListener("click", () => {
        const items = this.instance.children;
        const neighbour = items[Math.min(index, items.length - 1)];
        (firstField(neighbour?.ui?.control?.container) ?? this.control.addBtn).focus();
      });
      return buttons;
    }

    refreshUI() {
      const items = this.instance.children;
      if (this.drawn && this.drawn.length === items.length && this.drawn.every((item, index) => item === items[index])) {
        Jedison.Editor.prototype.refreshUI.call(this);
        this.refreshAddBtn();
        this.refreshDeleteAllBtn();
        this.refreshLegendWarning();
        return;
      }
      super.refreshUI();
      this.drawn = [...items];
    }
  }

  /**
   * A date (ÅÅÅÅ-MM-DD) or a time (TT:MM) as one text field: one Tab stop, and the same way of writing
   * it whatever the browser's language (a browser's own date field follows its locale, 11/22/2026).
   * A date written without dashes (20261122) or with one-digit parts (2026-1-5) is written out in full.
   */
  class DateEditor extends Jedison.EditorStringInput {
    static resolves(schema) {
      return schema.type === "string" && ["date", "time"].includes(schema["x-format"]);
    }

    build() {
      super.build();
      const input = this.control.input;
      input.type = "text";
      input.inputMode = "numeric";
      input.autocomplete = "off";
      input.spellcheck = false;
    }

    addEventListeners() {
      const input = this.control.input;
      input.addEventListener("change", () => {
        const written = DateEditor.tidy(input.value, this.instance.schema["x-format"]);
        if (written !== input.value) input.value = written;
        this.instance.setValue(written, true, "user");
      });
    }

    static tidy(text, format) {
      const value = text.trim();
      const date = /^(\d{4})-?(\d{1,2})-?(\d{1,2})$/.exec(value);
      if (format === "date" && date && (value.includes("-") || value.length === 8)) {
        return `${date[1]}-${date[2].padStart(2, "0")}-${date[3].padStart(2, "0")}`;
      }
      const time = /^(\d{1,2})[:.](\d{2})$/.exec(value);
      if (format === "time" && time) return `${time[1].padStart(2, "0")}:${time[2]}`;
      return value;
    }
  }

  /** A Jedison form for one kind's form schema. */
  class DataForm {
    /**
     * options: container (element), schema (the form schema), language, translations (Jedison's own
     * strings), words ({choose, chooseFile, fileBranch, detailsBranch, shapeOf(title), dateFormat,
     * timeFormat, writtenAs(format)}), files (names of attached files), data (the document to show).
     */
    constructor(options) {
      this.schema = options.schema;
      this.container = options.container;
      this.showing = []; // the messages shown beside their fields: [{path, errors}]
      this.quiet = false;
      this.changed = () => {};
      this.edited = () => {};
      this.build(options);
    }

    build({ language, translations, words, files = [], data = {} }) {
      this.options = { language, translations, words, files };
      // Every reference offers the attached files, and the file names the data gives (attached or not yet).
      const names = new Set([...files, ...this.referenceNames(data)]);
      this.names = names;
      this.showing = [];
      this.container.replaceChildren();
      this.jedison = new Jedison.Create({
        container: this.container,
        theme: new Jedison.Theme(),
        schema: prepare(this.schema, words, [...names]),
        language,
        translations: { [language]: translations },
        id: "tc",
        btnIcons: false, // no icon font: every button shows its words
        arrayDeleteConfirm: false, // a deleted item can be added again; a dialog for each would slow the work
        // The service judges the data and its messages are shown beside the fields (show()); the library's
        // own messages would repeat them in other words, and sooner than a person has finished a field.
        showErrors: "never",
        useConstraintAttributes: false,
        customEditors: [DateEditor, ObjectEditor, ArrayEditor],
        enforceMinItems: false, // an item comes when the person adds one, not with the list around it
      });
      this.jedison.on("change", (initiator) => {
        this.reshow();
        this.accessible();
        if (!this.quiet) this.changed(initiator);
      });
      this.jedison.on("instance-change", (instance, initiator) => {
        // A field, not the groups and lists around it (they change with it, or when an item is added).
        const field = instance?.ui?.control?.input ?? instance?.ui?.control?.switcher;
        if (!this.quiet && initiator !== "api" && field) this.edited(instance.path);
      });
      this.setDocument(data);
    }

    /** Draw the form again (the attached files changed), keeping its data. */
    rebuild(files) {
      const data = this.document();
      this.jedison.destroy();
      this.build({ ...this.options, files, data });
    }

    destroy() {
      this.jedison.destroy();
      this.container.replaceChildren();
    }

    /** Call fn(initiator) after every change of the form's value. */
    onChange(fn) { this.changed = fn; }

    /** Call fn(path) when the person changes a field, with the field's path (#/parties/2/org_number). */
    onEdit(fn) { this.edited = fn; }

    /**
     * The document the form stands for. A field being typed in counts with its text as it is now:
     * the library takes a field's value only when it is left.
     */
    document() {
      const value = this.jedison.getValue();
      const typing = this.typing();
      if (typing) {
        const keys = typing.instance.path.split("/").slice(1);
        let parent = value;
        for (const key of keys.slice(0, -1)) parent = parent?.[key];
        if (isObject(parent) || Array.isArray(parent)) parent[keys.at(-1)] = typing.value;
      }
      const document = prune(value, this.schema, true).value ?? {};
      const kind = this.schema.properties?.kind?.const;
      return kind ? { kind, ...document } : document;
    }

    /** The instance whose text field has the focus, and its text as a value, if it differs from the library's. */
    typing() {
      const input = document.activeElement;
      if (!input || !this.container.contains(input) || !["INPUT", "TEXTAREA"].includes(input.tagName)) return null;
      if (!["text", "textarea", "number", "date", "time", "email", "tel", "url"].includes(input.type)) return null;
      for (const instance of this.jedison.instances.values()) {
        if (instance.ui?.control?.input !== input) continue;
        const numeric = instance.schema["x-format"] === "number-nullable";
        const value = numeric ? (input.value === "" ? null : Number(input.value)) : input.value;
        return same(value, instance.getValue()) ? null : { instance, value };
      }
      return null;
    }

    /** Whether anything at all has been filled in. */
    isFilled() {
      return prune(this.jedison.getValue(), this.schema, true).filled;
    }

    /** The file names the references of *data* give. */
    referenceNames(data) {
      const names = [];
      eachReference(this.schema, data, (node, value) => { if (typeof value === "string" && value) names.push(value); });
      return names;
    }

    /** Show *data* (a document, as read from YAML) in the form, without reporting it as a change. */
    setDocument(data) {
      if (this.referenceNames(data).some((name) => !this.names.has(name))) {
        // A file name the references do not offer yet: the form is drawn again to offer it.
        this.jedison.destroy();
        this.build({ ...this.options, data });
        return;
      }
      this.quiet = true;
      try {
        this.jedison.setValue(complete(isObject(data) ? data : {}, this.schema));
      } finally {
        this.quiet = false;
      }
      this.accessible();
    }

    /** Set every empty reference to a document of its kind when exactly one such file is attached: {kind: [names]}. */
    chooseReferences(namesByKind) {
      const data = this.document();
      let chosen = false;
      eachReference(this.schema, data, (node, value, pointer) => {
        const names = namesByKind[node["x-reference"]] ?? [];
        const instance = this.jedison.getInstance(pointer);
        if (isEmpty(value) && names.length === 1 && instance) {
          instance.setValue(names[0], true, "user");
          chosen = true;
        }
      });
      return chosen;
    }

    /**
     * A field as the form names it, by the titles from the document down to it, an item of a list by its
     * own name (parties[0].org_number is "Part 1 › Organisationsnummer"); null if the form has no such field.
     */
    labelOf(path) {
      let node = this.schema;
      const names = [];
      for (const part of toPointer(path).split("/").slice(1)) {
        const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
        if (node["x-reference"]) node = details(node);
        if (/^\d+$/.test(key) && isObject(node.items)) {
          node = node.items;
          names.pop(); // the list's title: its item names itself
          names.push(String(node.title ?? "").replace("{{ i1 }}", String(Number(key) + 1)).trim());
        } else if (isObject(node.properties?.[key])) {
          node = node.properties[key];
          names.push(node.title ?? key);
        } else {
          return null;
        }
      }
      return names.join(" › ");
    }

    /** The form's nearest part for a problem's path: the field itself, or the list or group that holds it. */
    instanceFor(path) {
      let pointer = toPointer(path);
      while (pointer.includes("/") && !this.jedison.getInstance(pointer)) pointer = pointer.slice(0, pointer.lastIndexOf("/"));
      return this.jedison.getInstance(pointer) ?? this.jedison.getInstance("#");
    }

    /**
     * Show the service's messages beside their fields: problems [{path, message, severity}], each
     * shown only if shown(pointer, problem) says so. Earlier messages go.
     */
    show(problems, shown) {
      const byPointer = new Map();
      for (const problem of problems) {
        const instance = this.instanceFor(problem.path);
        if (!instance || !shown(instance.path, problem)) continue;
        if (!byPointer.has(instance.path)) byPointer.set(instance.path, []);
        byPointer.get(instance.path).push({
          path: instance.path,
          type: problem.severity === "warning" ? "warning" : "error",
          constraint: "service",
          messages: [problem.message],
        });
      }
      const before = new Map(this.showing.map((entry) => [entry.path, entry.errors]));
      this.showing = [...byPointer].map(([path, errors]) => ({ path, errors }));
      for (const path of before.keys()) {
        if (!byPointer.has(path)) this.showOn(path, []);
      }
      for (const { path, errors } of this.showing) {
        if (!same(before.get(path), errors)) this.showOn(path, errors);
      }
    }

    /**
     * Show the messages show() showed last once more: the library clears a field's messages (and those of
     * the groups around it) when its value changes; they stay until the service has judged the new value.
     */
    reshow() {
      for (const { path, errors } of this.showing) this.showOn(path, errors);
    }

    showOn(path, errors) {
      const instance = this.jedison.getInstance(path);
      if (instance) this.shownOn(instance).ui?.showValidationErrors(errors, true);
    }

    /** Where a part shows its messages: a choice between shapes (a reference) shows them on the shape chosen. */
    shownOn(instance) {
      return instance.activeInstance?.ui ? instance.activeInstance : instance;
    }

    /** Move the focus to a problem's field (or the first field of the group that holds it) and bring it into view. */
    focus(path) {
      const instance = this.shownOn(this.instanceFor(path));
      const control = instance?.ui?.control;
      if (!control) return false;
      const target = control.input ?? control.switcher?.input
        ?? control.container.querySelector("input:not([type=hidden]), select, textarea, button") ?? control.container;
      if (target === control.container) target.setAttribute("tabindex", "-1");
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
      return true;
    }

    /**
     * Mark what must be filled in: a field (an asterisk after its label, and aria-required) and a list that
     * needs at least one item. A group says nothing of its own: its fields do.
     */
    markNeeded() {
      this.needed ??= neededParts(this.schema);
      for (const part of this.container.querySelectorAll("[data-path]")) {
        const type = part.dataset.type;
        const node = this.jedison.getInstance(part.dataset.path)?.schema ?? {};
        const required = this.needed.get(part.dataset.path.replace(/\/\d+(?=\/|$)/g, "/*")) === true
          && node["x-hidden"] !== true && type !== "object" && (type !== "array" || (node.minItems ?? 0) > 0);
        part.classList.toggle("tc-required", required);
        const input = part.querySelector(":scope > input, :scope > select, :scope > textarea");
        if (input && type !== "array") {
          if (required) input.setAttribute("aria-required", "true");
          else input.removeAttribute("aria-required");
        }
      }
    }

    /** What the library leaves unnamed, named: a switcher by its field, each list item's buttons by their item. */
    accessible() {
      this.markNeeded();
      for (const label of this.container.querySelectorAll(".jedi-switcher > label")) {
        // The choice of shape (an attached file, or the details written out) gets a visible name of its own.
        const owner = label.closest("[data-path]");
        const title = owner && this.jedison.getInstance(owner.dataset.path)?.schema?.title;
        const name = title ? this.options.words.shapeOf(title) : "";
        if (name && label.textContent !== name) label.textContent = name;
        label.removeAttribute("style");
      }
      for (const item of this.container.querySelectorAll(".jedi-array-item")) {
        const heading = item.querySelector(".jedi-array-item-body .jedi-title, .jedi-array-item-body legend, .jedi-array-item-body label");
        const name = heading ? heading.textContent.trim() : "";
        for (const button of item.querySelectorAll(":scope > .jedi-actions-slot button")) {
          // The accessible name starts with the visible words (WCAG 2.5.3): "Ta bort: Parter 3".
          const label = `${button.textContent.trim()}: ${name}`;
          if (name && button.getAttribute("aria-label") !== label) button.setAttribute("aria-label", label);
        }
      }
    }
  }

  window.TcForm = { DataForm, complete, prune, refersToOthers, toPointer };
})();
