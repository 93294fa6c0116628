// Forms: fields drawn from a list, values read back, and every error of an answer shown next to
// its field (nested ones such as certificate.issued_on included) in the language of the page.
"use strict";

// Dates are typed as dd/mm/yyyy in both languages: a native date input follows the browser's
// locale (mm/dd/yyyy in an English browser), which Vietnamese users misread.
function dmy(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}

// isoDate reads dd/mm/yyyy (or d/m/yyyy, with / - or . between) and returns yyyy-mm-dd, "" for an
// empty value and null for one that is not a real date. yyyy-mm-dd is taken as it is.
function isoDate(s) {
  s = (s || "").trim();
  if (!s) return "";
  // Digits alone (15032025) are day, month and year too: a phone's number pad may have no "/".
  // A year of two digits (15/03/25, 150325), as people write it, is of this century.
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(s) || /^(\d{2})(\d{2})(\d{4}|\d{2})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m && iso) m = [s, iso[3], iso[2], iso[1]];
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3]) + (m[3].length === 2 ? 2000 : 0)];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

// hhmm reads a time of day typed as 8:00, 08:00 or 8h00 and returns "08:00", "" for an empty
// value and null for one that is not a time. A native time input would show "8:00 AM" in an
// English browser; a fair's day is said on the 24-hour clock.
function hhmm(s) {
  s = (s || "").trim();
  if (!s) return "";
  // Digits alone (0830, 830) are hours and minutes too: a phone's number pad may have no ":".
  const m = /^(\d{1,2})[:hH.]?(\d{2})$/.exec(s);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return m[1].padStart(2, "0") + ":" + m[2];
}

function fieldInput(fd, id) {
  if (fd.type === "select") {
    return h("select", { id, name: fd.name, "aria-describedby": fd.hint ? id + "-hint" : undefined }, (fd.options || []).map(([v, l]) => h("option", { value: v, selected: String(fd.value) === String(v) }, l)));
  }
  if (fd.type === "multiselect") {
    // Several choices are a group of checkboxes, one tap or click each (not a list that takes
    // Ctrl-click), each checkbox named by its value so that a redraw finds it again.
    // Options with a heading of their own ([value, label, heading]) go under it, in a group
    // named by it (the criteria sets under their sector).
    const box = (v, l) => h("label", { class: "check" },
      h("input", { type: "checkbox", id: id + "-" + String(v).replace(/\W/g, "_"), name: fd.name, value: v, checked: (fd.value || []).includes(v) }), l);
    const parts = [];
    for (const [v, l, head] of fd.options || []) {
      if (!head) { parts.push(box(v, l)); continue; }
      let set = parts[parts.length - 1];
      if (!set || set.dataset.head !== head) {
        const hid = `${id}-h${parts.length}`;
        set = h("div", { class: "check-set", role: "group", "aria-labelledby": hid, dataset: { head } }, h("div", { class: "check-head", id: hid }, head));
        parts.push(set);
      }
      set.append(box(v, l));
    }
    return h("div", { id, class: "checks", role: "group", "aria-labelledby": id + "-label", "aria-describedby": fd.hint ? id + "-hint" : undefined }, parts);
  }
  if (fd.type === "textarea") return h("textarea", { id, name: fd.name, rows: 3, maxlength: fd.maxlength, "aria-describedby": fd.hint ? id + "-hint" : undefined }, fd.value || "");
  if (fd.type === "date") {
    // A date typed short (15032025, 15/3/25) is written back as 15/03/2025 once the cursor
    // leaves, as an amount is: the person sees the day it was read as.
    return h("input", { id, name: fd.name, type: "text", inputmode: "numeric", placeholder: t("date_placeholder"), value: dmy(fd.value), autocomplete: "off",
      maxlength: 10, "aria-describedby": id + "-hint", dataset: { date: "1" }, onblur: (ev) => { const iso = isoDate(ev.target.value); if (iso) ev.target.value = dmy(iso); } });
  }
  if (fd.type === "time") {
    return h("input", { id, name: fd.name, type: "text", inputmode: "numeric", placeholder: "hh:mm", value: fd.value || "", autocomplete: "off", maxlength: 5,
      "aria-describedby": id + "-hint", dataset: { time: "1" }, onblur: (ev) => { const hm = hhmm(ev.target.value); if (hm) ev.target.value = hm; } });
  }
  if (fd.type === "amount") {
    // Shown back as 1.500.000 once the cursor leaves; a text that is no amount is said at once.
    return h("input", { id, name: fd.name, type: "text", inputmode: fd.decimals ? "decimal" : "numeric", value: amountText(fd.value), autocomplete: "off",
      "aria-describedby": fd.hint ? id + "-hint" : undefined, dataset: { amount: fd.decimals ? "decimal" : "whole" }, onblur: amountLeft });
  }
  if (fd.type === "password") return passwordInput(fd, id);
  return h("input", { id, name: fd.name, type: fd.type || "text", value: fd.value ?? "", step: fd.step, min: fd.min, max: fd.max, autocomplete: fd.autocomplete, accept: fd.accept,
    inputmode: fd.inputmode, pattern: fd.pattern, maxlength: fd.maxlength, "aria-describedby": fd.hint ? id + "-hint" : undefined });
}

// passwordInput is a password field with "Hiện" beside it: on a phone's small keys a person checks
// what was typed before sending it.
function passwordInput(fd, id) {
  const input = h("input", { id, name: fd.name, type: "password", value: fd.value ?? "", autocomplete: fd.autocomplete, "aria-describedby": fd.hint ? id + "-hint" : undefined });
  const show = h("button", { type: "button", class: "secondary show-password", id: id + "-show", "aria-pressed": "false", "aria-controls": id }, t("password_show"));
  show.addEventListener("click", () => {
    const shown = input.type === "password";
    input.type = shown ? "text" : "password";
    show.setAttribute("aria-pressed", String(shown));
    input.focus();
  });
  return h("span", { class: "password-field" }, input, show);
}

// amountError is what an amount field says of a text that is no amount.
const amountError = (el) => t(el.value.replace(/\D/g, "").replace(/^0+/, "").length > 15 ? "amount_too_large" : el.dataset.amount === "decimal" ? "amount_invalid_decimal" : "amount_invalid");

// dateError is what a date field says of a text that is no date: a day the calendar lacks
// (31/02/2026) is told apart from a text in another form.
const dateError = (el) => t(/^\s*(\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|\d{8}|\d{6})\s*$/.test(el.value) ? "date_not_real" : "date_invalid");

// amountLeft checks an amount as the cursor leaves it, unless for its form's button: the send
// checks it then, and an error said on the way would push the button from under the finger.
function amountLeft(ev) {
  const to = ev.relatedTarget;
  if (!(to && to.type === "submit" && to.form === ev.target.form)) checkAmount(ev.target);
}

// checkAmount reads an amount field when the cursor leaves it: a good amount is written back as
// 1.500.000, a bad one marked with its error (sending is refused too, see form).
function checkAmount(el) {
  const n = amount(el.value, el.dataset.amount === "decimal");
  const box = el.closest(".field");
  if (n !== null) {
    if (n !== undefined) el.value = amountText(n);
    if (box && box.classList.contains("bad") && box.querySelector(".err").dataset.amount) clearField(box);
    return;
  }
  if (!box) return;
  clearField(box);
  markField(box, amountError(el));
  box.querySelector(".err").dataset.amount = "1";
}

// refused is a form's own refusal of one field, answered as the API answers one (see showErrors).
function refused(field, message) {
  return { ok: false, data: { errors: [{ field, message }] } };
}

// chooseAsked says "choose one" (hints: field → message key) under the lists left unchosen in
// values v, where answer r refuses them with the API's words for a missing or unknown value.
function chooseAsked(r, v, hints) {
  if (r.ok || !r.data || !Array.isArray(r.data.errors)) return r;
  const asked = new Set(); // a field the API refuses twice (missing, then not one of …) is asked once
  r.data.errors = r.data.errors.flatMap((e) => (!hints[e.field] || v[e.field] ? [e]
    : asked.has(e.field) ? [] : (asked.add(e.field), [{ ...e, message: t(hints[e.field]) }])));
  return r;
}

// form draws fields: {name, path, label, type, options:[[value,label]], value, full, step, min, max, hint,
// inputmode, pattern, maxlength, autocomplete}.
// path is where the API names the field when it differs from name (certificate.issued_on).
// onSubmit gets the values (dates as yyyy-mm-dd) and returns the API's answer; a refusal is shown
// in the form, each field error under its field and the rest above the button.
function form(fields, submitLabel, onSubmit, opts = {}) {
  const f = h("form", { class: "f", novalidate: true, id: opts.id });
  for (const fd of fields) {
    const id = (opts.id || "f") + "-" + fd.name.replace(/\W/g, "_");
    const hint = fd.type === "date" ? t("date_hint") : fd.type === "time" ? t("time_hint") : fd.hint;
    // A group of checkboxes is named by its label's text (a label is for one control).
    const label = fd.type === "multiselect" ? h("div", { class: "label", id: id + "-label" }, fd.label) : h("label", { for: id }, fd.label);
    f.append(h("div", { class: "field" + (fd.full ? " full" : ""), dataset: { field: fd.name, path: fd.path || fd.name } }, label, fieldInput(fd, id),
      hint ? h("div", { class: "hint muted", id: id + "-hint" }, hint) : null, h("div", { class: "err", id: id + "-err" })));
  }
  const btn = h("button", { type: "submit" }, submitLabel);
  f.append(h("div", { class: "full form-err", role: "alert" }), h("div", { class: "full actions" }, btn));
  // A field being corrected no longer shows its error (the next send checks it again); an
  // amount's own check, said when the cursor leaves, stays until then.
  f.addEventListener("input", (ev) => {
    delete f.dataset.sending;
    const box = ev.target.closest && ev.target.closest(".field");
    if (box && box.classList.contains("bad") && !box.querySelector(".err").dataset.amount) clearField(box);
  });
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const values = {};
    const bad = [];
    for (const fd of fields) {
      const el = f.elements[fd.name];
      if (fd.type === "multiselect") values[fd.name] = [...f.querySelectorAll(`input[name="${CSS.escape(fd.name)}"]:checked`)].map((o) => o.value);
      else if (fd.type === "file") values[fd.name] = el.files[0];
      else if (fd.type === "date") {
        values[fd.name] = isoDate(el.value);
        if (values[fd.name] === null) bad.push({ field: fd.path || fd.name, message: dateError(el) });
      } else if (fd.type === "time") {
        values[fd.name] = hhmm(el.value);
        if (values[fd.name] === null) bad.push({ field: fd.path || fd.name, message: t("time_invalid") });
      } else if (fd.type === "amount") {
        values[fd.name] = amount(el.value, fd.decimals);
        if (values[fd.name] === null) bad.push({ field: fd.path || fd.name, message: amountError(el) });
        else if (values[fd.name] !== undefined) el.value = amountText(values[fd.name]);
      } else values[fd.name] = el.value;
      if (fd.type === "number" && fd.max !== undefined && el.value !== "" && Number(el.value) > fd.max) bad.push({ field: fd.path || fd.name, message: t("at_most").replace("{n}", fd.max) });
    }
    if (bad.length) { showErrors(f, { ok: false, data: { errors: bad } }); return; }
    btn.disabled = true;
    // What it holds is being saved, then saved: a refresh (which the save may start without
    // waiting for it) does not keep it typed in, until the person types here again.
    f.dataset.sending = "1";
    // Until the answer is in, a live update waits (see formsDirty): a page drawn meanwhile
    // would put back the stored values and leave a refusal in a form no longer shown.
    f.dataset.pending = "1";
    let res;
    try {
      // A save that met no network (api() throws) is said under the form; the button works again.
      res = await onSubmit(values).catch((e) => { if (e instanceof TypeError) return offline(); throw e; });
      if (res && !res.ok) showErrors(f, res);
      if (res && res.keepErr) f.dataset.keepErr = "1"; // kept through redraws (see sayAgain)
    } finally {
      btn.disabled = false;
      delete f.dataset.pending;
      if (!res || !res.ok) delete f.dataset.sending;
    }
  });
  return f;
}

function clearErrors(f) {
  f.querySelectorAll(".field").forEach(clearField);
  const err = f.querySelector(".form-err");
  err.replaceChildren();
  err.setAttribute("role", "alert"); // a kept message's box was none (see sayAgain)
  delete f.dataset.keepErr;
}

// clearField takes a field's error away.
function clearField(box) {
  box.classList.remove("bad");
  const err = box.querySelector(".err");
  err.textContent = "";
  delete err.dataset.amount;
  for (const el of fieldControls(box)) el.removeAttribute("aria-invalid");
}

// fieldControls are the field's controls in box: its input, or each checkbox of its group
// (which are what a screen reader announces as invalid, and where the keyboard goes).
function fieldControls(box) {
  return box.querySelector(".checks") ? [...box.querySelectorAll(".checks input")] : [box.querySelector("input, select, textarea")];
}

// markField says message under the field in box (after an error already said there) and
// returns its input.
function markField(box, message) {
  box.classList.add("bad");
  const err = box.querySelector(".err");
  err.textContent = err.textContent ? err.textContent + " " + message : message;
  const controls = fieldControls(box);
  for (const el of controls) {
    el.setAttribute("aria-invalid", "true");
    const described = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(err.id)) el.setAttribute("aria-describedby", [...described, err.id].join(" "));
  }
  return controls[0];
}

// fieldBox finds the field an error names: by the API's path (certificate.issued_on), by the
// form's name, or by the first part of the path (items[2].name → items).
function fieldBox(f, name) {
  const q = (attr, v) => f.querySelector(`[data-${attr}="${CSS.escape(v)}"]`);
  const base = name.split(/[.[]/)[0];
  return q("path", name) || q("field", name) || q("path", base) || q("field", base);
}

// showErrors puts each field error of a problem document under its field, in the words the API
// said them (it answers in the page's language); errors that name no field of the form, and a
// refusal without field errors, are said above the button. Focus goes to the first bad field on
// the page, whatever order the API listed them in.
function showErrors(f, res) {
  const p = res.data || {};
  const rest = [];
  let first = null;
  const earlier = (el, than) => !!(than.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
  for (const e of p.errors || []) {
    const box = e.field ? fieldBox(f, e.field) : null;
    if (!box) { rest.push(e.message); continue; }
    // The API asks for dates as yyyy-mm-dd; people here type dd/mm/yyyy, so that is what is said.
    const message = e.code === "not_date" && box.querySelector("[data-date]") ? dateError(box.querySelector("[data-date]")) : e.message;
    const el = markField(box, message);
    if (el && (!first || earlier(el, first))) first = el;
  }
  if (!(p.errors || []).length) rest.push(p.detail || p.title || t("failed"));
  f.querySelector(".form-err").replaceChildren(...rest.map((m) => h("p", { class: "err" }, m)));
  if (first) first.focus();
}
