// Import, admin and the producer's views (profile, products, open fairs, applications, opportunities).
"use strict";

// The columns an import sheet must have, and those it may have (see the importer's headers).
const importNeeded = ["legal_name", "kind", "tax_code", "province", "commune", "phone", "product", "criteria_set", "stars", "decision_no", "issued_by", "issued_on"];
const importOptional = ["address", "email", "unit", "gtin"];
// importColumn is the header a sheet names column (or an error's field) with; unknown ones as they are.
// A product's own fields (certificate.issued_on) are named by the same columns.
const importColumn = (k) => {
  const key = { name_vi: "product", row: "row" }[k] || String(k).replace(/^certificate\./, "");
  return key === "row" ? t("row") : t("col_" + key) !== "col_" + key ? t("col_" + key) : k;
};

async function viewImport() {
  const out = h("div", { id: "import-report" });
  const unclaimed = h("div", { class: "card", id: "unclaimed" }, await unclaimedList());
  // What the sheet must hold is said before it is chosen: the first row names the columns.
  const columns = h("p", { class: "hint muted", id: "import-columns" }, t("import_columns").replace("{needed}", importNeeded.map(importColumn).join(", ")).replace("{optional}", importOptional.map(importColumn).join(", ")));
  return h("div", {}, h("h1", {}, t("import")), h("div", { class: "card" }, columns, form([{ name: "file", label: t("import_file"), type: "file", accept: ".csv,.xlsx", full: true }], t("import_run"), async (v) => {
    if (!v.file) return refused("file", t("import_choose"));
    const r = await api("POST", "/api/producers/import", v.file);
    if (!r.ok) return r;
    const p = r.data;
    out.replaceChildren(h("p", { id: "import-summary" }, t("import_summary").replace("{rows}", num(p.rows)).replace("{created}", num(p.products_created)).replace("{skipped}", num(p.skipped)).replace("{rejected}", num(p.rejected))),
      h("div", { class: "tablewrap" }, h("table", { class: "stack" }, h("thead", {}, h("tr", {}, h("th", {}, t("row")), h("th", {}, t("status")), h("th", {}, t("import_details")))),
        h("tbody", {}, p.results.map((x) => h("tr", {}, h("td", { "data-label": t("row") }, x.row), h("td", { "data-label": t("status") }, badge(t("imp_" + x.status), x.status === "rejected" ? "bad" : x.status === "skipped" ? "grey" : "")),
        // An error names the sheet's column as the organiser wrote it, not the API's field.
        h("td", { "data-label": t("import_details") }, (x.errors || []).map((e) => h("div", {}, importColumn(e.field) + ": " + e.message)), x.note || "",
          x.claim_code ? h("div", { class: "claim-code" }, t("claim_code_short") + ": ", h("strong", {}, x.claim_code), x.claim_code_expires_at ? " · " + t("until") + " " + when(x.claim_code_expires_at) : "") : null)))))),
      p.results.some((x) => x.claim_code) ? h("p", { class: "muted" }, t("claim_code_hint")) : null);
    unclaimed.replaceChildren(await unclaimedList());
    return r;
  }, { id: "import" })), out, unclaimed, handOver());
}

// imported profiles no producer has claimed yet, each with the state of its code and a button
// that issues a new one (shown once, in its row)
async function unclaimedList() {
  const items = await all("/api/producers/unclaimed");
  return h("div", {}, h("h2", {}, t("unclaimed")), h("p", { class: "muted" }, t("unclaimed_hint")), items.length ? h("div", { class: "tablewrap" }, h("table", { id: "unclaimed-list" }, h("tbody", {}, items.map((x) => claimRow(x, "claim_new_confirm", "claim_code_hint"))))) : h("p", { class: "muted" }, t("none")));
}

// claimRow is a profile with the state of its claim code and a button that issues a new one,
// shown once, in the row; confirmKey names the question asked first, hintKey what to do with it.
function claimRow(x, confirmKey, hintKey) {
  // Wrong tries never lock a code (each account has five); many of them, from many accounts,
  // say someone is guessing it.
  const state = (c) => !c ? "" : [c.code_outstanding ? t("claim_outstanding") + " · " + t("until") + " " + when(c.code_expires_at)
    : c.code_expires_at ? t("claim_expired") : t("claim_none"), c.wrong_tries ? h("div", { class: "muted claim-tries" }, t("claim_tries").replace("{n}", c.wrong_tries)) : null];
  // A registered profile found to hand over is said to be held by an account: that is why the
  // organiser is here, and what the code takes from it.
  const held = confirmKey === "handover_confirm" && x.account_id ? h("div", { class: "claim-held" }, t("handover_held")) : null;
  const cell = h("td", { class: "claim-state" }, held, state(x.claim));
  const who = h("td", {}, x.legal_name, h("div", { class: "muted" }, x.tax_code + " · " + x.province.name));
  // The code issued is said, and the keyboard (a screen reader with it) goes to it.
  const issued = (r) => {
    cell.replaceChildren(h("div", { class: "claim-code", tabindex: -1 }, t("claim_code_short") + ": ", h("strong", {}, r.data.claim_code), " · " + t("until") + " " + when(r.data.expires_at)), h("div", { class: "muted" }, t(hintKey)));
    cell.querySelector(".claim-code").focus();
    toast(t("claim_issued"));
  };
  if (confirmKey === "handover_confirm") return handOverRow(x, who, cell, issued);
  const issue = h("button", { type: "button", class: "secondary", onclick: async () => {
    if (!confirm(t(confirmKey).replace("{name}", () => x.legal_name))) return;
    issue.disabled = true;
    const r = await api("POST", `/api/producers/${x.id}/claim-code`);
    issue.disabled = false;
    if (r.ok) issued(r); else toast(failure(r));
  } }, t("claim_new"));
  return h("tr", { dataset: { producer: x.id } }, who, cell, h("td", {}, issue));
}

// handOverRow is a registered profile found by its tax code. Handing it over asks, in a form in
// a row of its own under it (the table's width, which a phone's third column is not), what the
// organiser checked of the company (kept in the claim audit log): a browser prompt checked
// nothing and lost the words when dismissed. who and cell are its first cells (claimRow's); issued
// shows the code in cell.
function handOverRow(x, who, cell, issued) {
  const row = h("tr", { dataset: { producer: x.id } }, who, cell);
  const box = h("div", { class: "handover-ask" });
  const below = h("tr", { class: "handover-row", hidden: true }, h("td", { colspan: 3 }, box));
  const open = h("button", { type: "button", class: "secondary", onclick: () => {
    below.hidden = false;
    box.dataset.dirty = "1";
    open.hidden = true;
    box.querySelector("textarea").focus();
  } }, t("claim_new"));
  const f = form([{ name: "reason", label: t("handover_reason"), type: "textarea", full: true, maxlength: 500 }], t("handover_issue"), async (v) => {
    const r = await api("POST", `/api/producers/${x.id}/claim-code`, { reason: v.reason });
    if (r.ok) { below.remove(); issued(r); }
    return r;
  }, { id: "handover-" + x.id });
  f.querySelector("button[type=submit]").classList.add("danger");
  f.querySelector(".actions").append(h("button", { type: "button", class: "secondary", onclick: () => {
    below.hidden = true;
    delete box.dataset.dirty;
    f.reset(); // what was typed goes, or the page would hold it as unsaved work
    clearErrors(f);
    open.hidden = false;
    open.focus();
  } }, t("form_cancel")));
  box.append(h("p", { class: "warn-line" }, t("handover_confirm").replace("{name}", () => x.legal_name)), f);
  row.append(h("td", {}, open));
  return [row, below];
}

// handOver finds the profile registered with a tax code, so that organisers who checked who
// owns the company can issue a code that hands the profile over to it (another account
// registered the tax code first).
function handOver() {
  const found = h("div", { id: "handover-result", "aria-live": "polite" });
  return h("div", { class: "card", id: "handover" }, h("h2", {}, t("handover")), h("p", { class: "muted" }, t("handover_hint")),
    form([{ name: "tax_code", label: t("tax_code"), autocomplete: "off" }], t("handover_find"), async (v) => {
      if (!v.tax_code.trim()) return refused("tax_code", t("handover_tax_code"));
      const r = await api("GET", "/api/producers?tax_code=" + encodeURIComponent(v.tax_code.trim()));
      if (!r.ok) return r;
      found.replaceChildren(r.data.items.length ? h("div", { class: "tablewrap" }, h("table", { id: "handover-list" }, h("tbody", {}, r.data.items.map((x) => claimRow(x, "handover_confirm", "handover_code_hint")))))
        : h("p", { class: "muted" }, t("handover_none")));
      return r;
    }, { id: "handover-search" }), found);
}

async function viewAdmin() {
  const list = await all("/api/accounts?role=organiser");
  return h("div", {}, h("h1", {}, t("admin")), h("div", { class: "card" }, h("h2", {}, t("new_organiser")), form([
    { name: "name", label: t("name") }, { name: "email", label: t("email"), type: "email" }, { name: "password", label: t("password"), type: "password", autocomplete: "new-password" },
  ], t("create"), async (v) => {
    const r = await api("POST", "/api/accounts", { ...v, role: "organiser" }, { idem: idem() });
    if (r.ok) { toast(t("saved")); render(true); }
    return r;
  }, { id: "new-organiser" })), resetCard(), h("div", { class: "card" }, h("h2", {}, t("accounts")), h("table", { class: "stack" }, h("tbody", {}, list.map(accountRow)))));
}

// resetCard issues a one-time password reset code for the account with an email, to read out
// to its owner by phone; the code shows once, with when it ends. "Xem các mã đã cấp" shows the
// codes issued for that account before, by whom, and how each ended, without issuing one.
function resetCard() {
  const shown = h("div", { id: "reset-issued", "aria-live": "polite" });
  const history = h("div", { id: "reset-history-box", "aria-live": "polite" });
  // find is the account with the email typed, or the refusal to show under the field.
  const find = async (email) => {
    if (!email.trim()) return { r: refused("email", t("reset_email_needed")) };
    const found = await api("GET", "/api/accounts?limit=1&email=" + encodeURIComponent(email.trim()));
    if (!found.ok) return { r: found };
    const a = ((found.data && found.data.items) || [])[0];
    return a ? { a } : { r: refused("email", t("reset_no_account")) };
  };
  const f = form([{ name: "email", label: t("email"), type: "email", full: true }], t("reset_issue"), async (v) => {
    shown.replaceChildren(); // the code shown before is someone else's, and used or voided
    history.replaceChildren();
    const { a, r: missing } = await find(v.email);
    if (!a) return missing;
    if (a.disabled) return refused("email", t("reset_disabled"));
    if (!confirm(t("reset_confirm").replace("{name}", a.name).replace("{email}", a.email))) return { ok: true };
    const r = await whilePending(shown, api("POST", `/api/accounts/${a.id}/password-reset`));
    if (r.ok) {
      shown.dataset.account = a.id;
      shown.replaceChildren(h("p", {}, t("reset_for").replace("{name}", a.name).replace("{email}", a.email)),
        h("p", { class: "reset-code" }, h("strong", { id: "reset-code", translate: "no" }, r.data.code)),
        h("p", { class: "muted" }, t("reset_until").replace("{time}", time(r.data.expires_at))));
    }
    return r;
  }, { id: "reset-issue" });
  const look = h("button", { type: "button", class: "secondary", id: "reset-history-show" }, t("reset_show_history"));
  look.addEventListener("click", async () => {
    // A code just issued stays shown (it shows once) unless the record is of another account.
    const { a, r: missing } = await find(f.elements.email.value);
    if (!a) { showErrors(f, missing); return; }
    clearErrors(f);
    if (shown.dataset.account !== a.id) shown.replaceChildren();
    history.replaceChildren(await whilePending(history, resetHistory(a)));
  });
  f.querySelector(".actions").append(look);
  return h("div", { class: "card" }, h("h2", {}, t("reset_title")), h("p", { class: "muted" }, t("reset_admin_hint")), f, shown, history);
}

// resetHistory is the record of the codes issued for account a, newest first: when, by whom,
// and how each ended; a code spent by wrong tries stands out (someone guessed).
async function resetHistory(a) {
  const r = await api("GET", `/api/accounts/${a.id}/password-resets?limit=10`);
  if (!r.ok) return h("p", { class: "err" }, failure(r));
  const items = r.data.items || [];
  const heads = [t("reset_issued_at"), t("reset_issued_by"), t("status")];
  return h("div", { id: "reset-history" }, h("h3", {}, t("reset_history").replace("{name}", a.name)),
    h("div", { class: "actions reset-account" }, h("span", {}, a.email, " · ", t("role_" + a.role), a.disabled ? [" ", badge(t("account_disabled"), "bad")] : null), lockButton(a)), items.length
    ? h("table", { class: "stack" }, h("thead", {}, h("tr", {}, heads.map((x) => h("th", {}, x)))), h("tbody", {}, items.map((e) => h("tr", { dataset: { status: e.status } },
      h("td", { "data-label": heads[0] }, when(e.issued_at)), h("td", { "data-label": heads[1] }, e.issued_by.name || e.issued_by.id),
      h("td", { "data-label": heads[2] }, resetStatus(e))))))
    : h("p", { class: "muted" }, t("reset_none")));
}

// resetStatus says how a reset code ended, with the wrong tries typed while it was pending
// (a code spent by them says so already).
function resetStatus(e) {
  const said = t("rs_" + e.status).replace("{at}", when(e.ended_at));
  if (e.status === "locked") return badge(said, "bad");
  return [said, e.wrong_tries ? " · " + t("reset_tries").replace("{n}", e.wrong_tries) : ""];
}

// accountRow is an organiser's account with the button that disables it (signed out at once,
// no more sign-in) or enables it again.
function accountRow(a) {
  return h("tr", {}, h("td", {}, a.name, a.disabled ? [" ", badge(t("account_disabled"), "bad")] : null), h("td", {}, a.email), h("td", {}, lockButton(a)));
}

// lockButton disables account a (signed out at once, no more sign-in), after a confirmation,
// or enables it again; the page is drawn again after.
function lockButton(a) {
  const btn = h("button", { type: "button", class: a.disabled ? "secondary" : "danger", "aria-label": t(a.disabled ? "account_enable" : "account_disable") + ": " + a.name },
    t(a.disabled ? "account_enable" : "account_disable"));
  btn.addEventListener("click", async () => {
    if (!a.disabled && !confirm(t("account_disable_confirm").replace("{name}", a.name))) return;
    const r = await api("POST", `/api/accounts/${a.id}/${a.disabled ? "enable" : "disable"}`);
    if (r.ok) { toast(t("saved")); render(true); } else toast((r.data && r.data.detail) || t("failed"));
  });
  return btn;
}

// ---------- producer ----------
async function viewProducer() {
  const ref = await reference();
  const me = await api("GET", "/api/producers/me");
  const provinces = sortBy(ref.provinces, (p) => p.name);
  if (!me.ok) {
    // A new profile starts from the account's own name and email (the token carries them), and
    // asks for a province rather than offering the first one, which a hurried save would keep.
    const c = claims() || {};
    // An account whose profile the organisers handed to the company owning its tax code is told
    // so, when and whom to ask, above the form (it may still register another tax code).
    const gone = me.data && me.data.code === "producer_profile_handed_over" ? h("p", { class: "warn-line", id: "profile-handed-over" }, me.data.detail) : null;
    return h("div", {}, h("h1", {}, t("profile")), h("div", { class: "card" }, gone, form([
      { name: "legal_name", label: t("legal_name"), value: c.name, full: true },
      { name: "kind", label: t("producer_kind"), type: "select", options: producerKinds.map((k) => [k, t("k_" + k)]) },
      // Tax codes are 10 digits, or 10 digits-3 digits for a branch; the API writes a branch's 13
      // digits typed without the hyphen (a number pad has none) with it, and drops the spaces and
      // dots people group the digits with (room for them: 20 characters).
      { name: "tax_code", label: t("tax_code"), inputmode: "numeric", autocomplete: "off", pattern: taxCodePattern, maxlength: 20 },
      { name: "province", label: t("province"), type: "select", value: "", options: [["", t("choose_province")], ...opt(provinces, "code", "name")] },
      { name: "commune", label: t("commune") }, { name: "phone", label: t("phone"), type: "tel" }, { name: "email", label: t("email"), type: "email", value: c.email },
      { name: "claim_code", label: t("claim_code"), autocomplete: "off", full: true },
    ], t("save"), async (v) => {
      if (!v.claim_code) delete v.claim_code;
      const r = await api("POST", "/api/producers", v, { idem: idem() });
      if (r.ok) { toast(t("profile_saved")); render(true); }
      return r;
    }, { id: "producer-profile" })));
  }
  const p = me.data;
  const products = await all(`/api/producers/${p.id}/products`);
  // Each product's QR code and how often visitors opened its verification page.
  const scans = await Promise.all(products.map((x) => api("GET", `/api/products/${x.id}/scans`, undefined, { quiet: true })));
  const sets = ref.criteria_sets.map((c) => [c.number, criteriaSetName(c)]);
  return h("div", {}, h("h1", {}, p.legal_name),
    h("div", { class: "card" }, h("p", { class: "profile-line" }, [t("k_" + p.kind), p.province.name, p.commune, p.address, p.phone].filter(Boolean).join(" · ")), h("p", { class: "muted" }, t("tax_code") + ": " + p.tax_code),
      profileEdit(p, provinces)),
    // The products first, then what buyers weigh besides them: adding a product is what a
    // producer comes for, and it sat under the certifications, two screens down on a phone.
    h("div", { class: "card tablewrap" }, h("h2", {}, t("products")), products.length ? h("table", { id: "product-list", class: "stack" }, h("tbody", {}, products.map((x, i) => h("tr", {},
      // On a phone each product is a card (table.stack): its cells one under another, labelled.
      h("td", { class: "product-name" }, h("strong", {}, x.name_vi), changedByStaff(x), photoInput(x), productEdit(x)),
      h("td", { "data-label": t("stars") }, x.stars + "★" + (x.potential_five_star ? " (" + t("potential_five") + ")" : "")),
      h("td", { "data-label": t("cat_certificate") }, statusBadge("c_", x.certificate_status), h("div", { class: "muted" }, x.certificate.decision_no), h("div", { class: "muted expiry" }, expiryText(x.certificate.expires_on))),
      h("td", { class: "product-supply", "data-label": t(x.price_min_vnd || x.price_max_vnd ? "cat_price" : "cat_capacity") }, h("div", { class: "price" }, priceRange(x.price_min_vnd, x.price_max_vnd, unitName(x.unit))),
        x.monthly_capacity ? h("div", { class: "muted capacity" }, t("cat_per_month").replace("{amount}", quantityText(x.monthly_capacity, x.unit))) : null),
      h("td", {}, scans[i].ok ? qrBox(x, scans[i].data) : null))))) : h("p", { class: "muted" }, t("none"))),
    h("div", { class: "card" }, h("h2", {}, t("add_product")), form([
      // Neither the criteria set nor the stars is taken for granted: both are read off the
      // certificate, and a set left at the list's first would hide the product from its buyers.
      { name: "name_vi", label: t("product_name"), full: true }, { name: "criteria_set", label: t("criteria_set"), type: "select", value: "", options: [["", t("choose_set")], ...sets] },
      { name: "stars", label: t("stars"), type: "select", value: "", options: [["", t("choose_stars")], ...starChoices()] },
      { name: "decision_no", path: "certificate.decision_no", label: t("decision_no") }, { name: "issued_by", path: "certificate.issued_by", label: t("issued_by") },
      { name: "issued_on", path: "certificate.issued_on", label: t("issued_on"), type: "date" },
      { name: "unit", label: t("unit"), type: "select", options: opt(ref.units, "code", (u) => (S.lang === "vi" ? u.name_vi : u.name_en)) },
      { name: "monthly_capacity", label: t("capacity"), type: "amount", decimals: true }, { name: "price_min_vnd", label: t("price_min"), type: "amount" },
      { name: "price_max_vnd", label: t("price_max"), type: "amount" },
    ], t("add_product"), async (v) => {
      const body = { name_vi: v.name_vi, criteria_set: v.criteria_set ? Number(v.criteria_set) : undefined, ...(v.stars ? starsOf(v.stars) : {}),
        certificate: { decision_no: v.decision_no, issued_by: v.issued_by, issued_on: v.issued_on }, unit: v.unit,
        monthly_capacity: v.monthly_capacity, price_min_vnd: v.price_min_vnd, price_max_vnd: v.price_max_vnd };
      const r = chooseAsked(await api("POST", `/api/producers/${p.id}/products`, body, { idem: idem() }), v, { criteria_set: "choose_set_hint", stars: "choose_stars_hint" });
      // The keyboard goes on from the product added, shown in the list, not from the page's top.
      if (r.ok) { toast(t("product_added")); focusNextDraw(`#product-edit-${CSS.escape(r.data.id)} > summary`); render(true); }
      return r;
    }, { id: "new-product" })),
    credentialsCard(p, ref));
}

// taxCodePattern is a tax code as typed: 10 digits, or 13 for a branch, with or without its hyphen.
const taxCodePattern = "[0-9]{10}(-?[0-9]{3})?";

const producerKinds = ["cooperative", "enterprise", "household_business", "cooperative_group"];

// profileEdit lets the producer correct its own profile: its name (a rename shows on its
// applications, the floor plan and its products), kind, province, commune, address, phone,
// email and description. Only what changed is sent, over the profile as this page shows it: when
// another phone changed it since, the API refuses and the page shows the profile as it is now,
// with what was typed kept, to be saved again or not. A tax code mistyped at registration is
// corrected here too (one another profile holds is said under the field).
function profileEdit(p, provinces) {
  const was = { legal_name: p.legal_name, kind: p.kind, tax_code: p.tax_code, province: p.province.code, commune: p.commune, address: p.address || "",
    phone: p.phone, email: p.email || "", description_vi: p.description_vi || "" };
  return h("details", { class: "profile-edit", id: "profile-edit" }, h("summary", {}, t("edit_profile")), form([
    { name: "legal_name", label: t("legal_name"), value: was.legal_name, full: true },
    { name: "kind", label: t("producer_kind"), type: "select", value: was.kind, options: producerKinds.map((k) => [k, t("k_" + k)]) },
    { name: "tax_code", label: t("tax_code"), value: was.tax_code, inputmode: "numeric", autocomplete: "off", pattern: taxCodePattern, maxlength: 20 },
    { name: "province", label: t("province"), type: "select", value: was.province, options: opt(provinces, "code", "name") },
    { name: "commune", label: t("commune"), value: was.commune }, { name: "address", label: t("address"), value: was.address },
    { name: "phone", label: t("phone"), type: "tel", value: was.phone }, { name: "email", label: t("email"), type: "email", value: was.email },
    { name: "description_vi", label: t("description_vi"), type: "textarea", value: was.description_vi, full: true },
  ], t("save"), async (v) => {
    const body = {};
    for (const k of Object.keys(was)) if ((v[k] || "").trim() !== was[k]) body[k] = v[k];
    if (!Object.keys(body).length) return { ok: true };
    return saveProfile(p, body);
  }, { id: "profile-edit-form" }));
}

// saveProfile sends a change of producer profile p over the version the page shows (If-Match):
// saved, it says so and redraws; one changed meanwhile (409) is said (changedMeanwhile).
async function saveProfile(p, body) {
  const r = await api("PATCH", `/api/producers/${p.id}`, body, { ifMatch: `"${p.revision}"` });
  if (r.ok) { toast(t("profile_saved")); render(true); }
  // A tax code another profile holds is said under the field typed, not as a change meanwhile.
  if (r.status === 409 && r.data && r.data.code === "producer_tax_code_in_use") return refused("tax_code", r.data.detail);
  if (r.status === 409) changedMeanwhile(r);
  return r;
}

// exportMarketChoices are the export markets offered as boxes to tick; a market already held
// that is not among them stays offered.
const exportMarketChoices = ["JP", "KR", "CN", "EU", "US", "AU", "SG", "TW", "GB", "CA"];

// credentialsCard shows what buyers' matches weigh besides the products: the producer's
// certifications (HACCP, ISO 22000, VietGAP, …, each with its number and last valid day), its
// registered trademark and its export markets, and lets it add, remove and change them. Each
// change goes over the profile as the page shows it (If-Match).
function credentialsCard(p, ref) {
  const held = p.certifications || [];
  const save = (body) => saveProfile(p, body);
  const list = held.length ? h("ul", { class: "cert-list", id: "cert-list" }, held.map((c) => h("li", {},
    h("span", {}, h("strong", {}, certName(c.code)), " · " + t("cert_number") + " " + c.number + " · " + t("cert_valid_until") + " " + date(c.valid_until)),
    h("button", { type: "button", class: "secondary cert-remove", dataset: { code: c.code }, onclick: async (ev) => {
      if (!confirm(t("cert_remove_confirm").replace("{name}", certName(c.code)))) return;
      ev.currentTarget.disabled = true;
      const r = await save({ certifications: held.filter((x) => x.code !== c.code) }).catch(offline);
      if (!r.ok && r.status !== 409) { toast(failure(r)); render(true); } // a 409 is said by save
    } }, t("remove"), h("span", { class: "sr-only" }, " " + certName(c.code)))))) : h("p", { class: "muted" }, t("cert_none"));
  const free = ref.certifications.filter((c) => !held.some((x) => x.code === c.code));
  const at = `certifications[${held.length}]`;
  const add = free.length ? form([
    { name: "code", path: at + ".code", label: t("cert_kind"), type: "select", options: free.map((c) => [c.code, c.name]) },
    { name: "number", path: at + ".number", label: t("cert_number") },
    { name: "valid_until", path: at + ".valid_until", label: t("cert_valid_until"), type: "date" },
  ], t("cert_add"), (v) => save({ certifications: [...held, { code: v.code, number: v.number.trim(), valid_until: v.valid_until }] }), { id: "cert-add" }) : null;
  const markets = [...new Set([...exportMarketChoices, ...(p.export_markets || [])])];
  const more = form([
    { name: "trademark_registration", label: t("trademark"), value: p.trademark_registration || "", hint: t("trademark_hint"), full: true },
    { name: "export_markets", label: t("export_markets"), type: "multiselect", options: markets.map((m) => [m, marketName(m)]), value: p.export_markets || [], full: true },
  ], t("save"), async (v) => {
    const body = {};
    if (v.trademark_registration.trim() !== (p.trademark_registration || "")) body.trademark_registration = v.trademark_registration.trim();
    if (JSON.stringify([...v.export_markets].sort()) !== JSON.stringify([...(p.export_markets || [])].sort())) body.export_markets = v.export_markets;
    if (!Object.keys(body).length) { toast(t("no_change")); return { ok: true }; }
    return save(body);
  }, { id: "credentials" });
  return h("div", { class: "card", id: "credentials-card" }, h("h2", {}, t("credentials")), h("p", { class: "muted" }, t("credentials_hint")),
    h("h3", {}, t("certifications")), list, add, h("h3", {}, t("trademark_and_markets")), more);
}

// qrBox is a product's QR code for its packaging and booth: the views of its public
// verification page at a glance, and on opening the code itself (fetched with the token, as an
// image cannot send it), the page it leads to, and the PNG to print.
function qrBox(x, sc) {
  const img = h("img", { class: "qr", alt: t("qr_alt").replace("{name}", x.name_vi), width: 160, height: 160 });
  const box = h("details", { class: "qr-box", id: "qr-" + x.id }, h("summary", {}, t("qr_summary").replace("{n}", num(sc.total))),
    img, h("p", {}, h("a", { href: sc.url, target: "_blank", rel: "noopener", class: "verify-link" }, t("qr_open"))),
    h("p", {}, h("a", { href: `/api/products/${x.id}/qr.png`, onclick: download, class: "button secondary" }, t("qr_png"))),
    (sc.by_fair || []).length ? h("p", { class: "muted" }, sc.by_fair.map((f) => `${f.fair_name || f.fair_id}: ${num(f.count)}`).join(" · ")) : null);
  box.addEventListener("toggle", async () => {
    if (!box.open || img.src) return;
    const res = await fetch(`/api/products/${x.id}/qr.svg`, { headers: { Authorization: "Bearer " + S.token } });
    if (res.ok) img.src = URL.createObjectURL(await res.blob());
  });
  return box;
}

// changedByStaff says when an organiser or an admin made the product's last change, and who: the
// producer should know what the fair shows of their product was corrected for them.
function changedByStaff(x) {
  const e = x.changed_by;
  if (!e || e.role === "producer") return null;
  const at = when(x.updated_at);
  // A function, so that the name is put in as it is ("$&" or "{when}" in it stay as typed).
  return h("p", { class: "muted changed-by" }, t("changed_by_" + e.role).replace(/\{(name|when)\}/g, (_, k) => (k === "name" ? e.name : at)));
}

// productEdit folds a product's changes under "Sửa": the name, the price range and monthly
// supply (what changes with a season), and the certificate when it is renewed; and removes the
// product from the catalogue after a confirmation.
function productEdit(x) {
  const c = x.certificate || {};
  const del = h("button", { type: "button", class: "danger", id: "delete-" + x.id }, t("delete_product"));
  del.addEventListener("click", async () => {
    if (!confirm(t("delete_product_confirm").replace("{name}", x.name_vi))) return;
    const r = await api("DELETE", "/api/products/" + x.id);
    // Removed, here or meanwhile by another phone: either way it is gone, as asked.
    if (r.ok || r.status === 404) { toast(t("removed")); render(true); } else toast((r.data && r.data.detail) || t("failed"));
  });
  return h("details", { class: "product-edit", id: "product-edit-" + x.id }, h("summary", {}, t("edit"), h("span", { class: "sr-only" }, ": " + x.name_vi)), form([
    { name: "name_vi", label: t("product_name"), value: x.name_vi, full: true },
    // An unset price or supply (0) shows empty, and an empty field leaves it as it is.
    { name: "price_min_vnd", label: t("price_min"), type: "amount", value: x.price_min_vnd || undefined }, { name: "price_max_vnd", label: t("price_max"), type: "amount", value: x.price_max_vnd || undefined },
    { name: "monthly_capacity", label: t("capacity"), type: "amount", decimals: true, value: x.monthly_capacity || undefined },
    // A new rating comes with its recognition decision, typed below it.
    { name: "stars", label: t("stars"), type: "select", options: starChoices(), value: starChoice(x), hint: t("stars_edit_hint") },
    { name: "decision_no", path: "certificate.decision_no", label: t("decision_no"), value: c.decision_no },
    { name: "issued_by", path: "certificate.issued_by", label: t("issued_by"), value: c.issued_by },
    { name: "issued_on", path: "certificate.issued_on", label: t("issued_on"), type: "date", value: c.issued_on },
  ], t("save"), async (v) => {
    const body = { name_vi: v.name_vi, price_min_vnd: v.price_min_vnd, price_max_vnd: v.price_max_vnd, monthly_capacity: v.monthly_capacity };
    // The certificate goes whole, and only when it changed (a renewal, a corrected decision).
    const cert = { decision_no: v.decision_no, issued_by: v.issued_by, issued_on: v.issued_on };
    if (Object.keys(cert).some((k) => cert[k] !== (c[k] || undefined))) body.certificate = cert;
    if (v.stars !== starChoice(x)) {
      // New stars come with a new decision: over the old one a producer is refused (the API
      // refuses it too) and staff, correcting stars typed wrong, are asked. Proposed for five
      // stars or no longer is not a decision of its own.
      if (starsOf(v.stars).stars !== x.stars && !body.certificate && ((claims() || {}).role === "producer" || !confirm(t("stars_same_decision")))) {
        return refused("certificate.decision_no", t("stars_new_decision"));
      }
      Object.assign(body, starsOf(v.stars));
    }
    // Saved only over the product as this page shows it: when another phone changed it since,
    // the API refuses, and the page shows the product as it is now with what was typed kept
    // (after the form lets go of it), to be saved again or not.
    const r = await api("PATCH", "/api/products/" + x.id, body, { ifMatch: `"${Date.parse(x.updated_at)}"` });
    if (r.ok) { toast(t("product_saved")); focusNextDraw(`#product-edit-${CSS.escape(x.id)} > summary`); render(true); }
    // Another phone changed it meanwhile (said above the button after the redraw too, see form),
    // or removed it (the list then shows it gone).
    const stale = r.status === 409 && r.data && r.data.code === "product_revision_changed";
    if (stale || r.status === 404) changedMeanwhile(r, stale);
    return r;
  }, { id: "edit-" + x.id }), h("div", { class: "actions" }, del));
}

// starChoices are a product's ratings as one choice: 3★, 4★, 5★, or 4★ proposed for five
// (potential five-star is a flag beside four stars, not a sixth rating).
function starChoices() {
  return [["3", "3★"], ["4", "4★"], ["5", "5★"], ["4p", "4★ + " + t("potential_five")]];
}

// starChoice is the choice that says x's rating; starsOf the fields that choice sends.
function starChoice(x) {
  return x.potential_five_star ? "4p" : String(x.stars);
}

function starsOf(choice) {
  return { stars: choice === "4p" ? 4 : Number(choice), potential_five_star: choice === "4p" };
}

// A phone's photo is made smaller before it is sent (see shrinkPhoto): the server keeps 1200 px.
const PHOTO_SIDE = 2400, PHOTO_BYTES = 3 * 1024 * 1024;

// shrinkPhoto returns file as it is when it is at most PHOTO_SIDE px on its long side and
// PHOTO_BYTES; a larger one (a phone camera's 12-megapixel, 4–12 MB JPEG) is drawn upright onto
// a canvas of at most PHOTO_SIDE px, on white (a transparent PNG's background), and sent as a
// JPEG: on the fair's mobile network it goes in a second instead of a minute, and within the
// 10 MiB the server takes. What the browser cannot draw (HEIC on some phones, a file that is no
// picture) goes as it is, for the server to take or say why not.
async function shrinkPhoto(file) {
  if (!window.createImageBitmap) return file;
  let bmp;
  try { bmp = await createImageBitmap(file, { imageOrientation: "from-image" }); } catch (e) { return file; }
  const scale = Math.min(1, PHOTO_SIDE / Math.max(bmp.width, bmp.height));
  if (scale === 1 && file.size <= PHOTO_BYTES) { bmp.close(); return file; }
  try { // a phone short of memory may give no canvas, or fail to draw: the file goes as it is
    const c = document.createElement("canvas");
    c.width = Math.max(1, Math.round(bmp.width * scale));
    c.height = Math.max(1, Math.round(bmp.height * scale));
    const g = c.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(bmp, 0, 0, c.width, c.height);
    const blob = await new Promise((ok) => c.toBlob(ok, "image/jpeg", 0.85));
    return blob && blob.size < file.size ? blob : file;
  } catch (e) {
    return file;
  } finally {
    bmp.close();
  }
}

// photoInput adds or changes a product's photo straight from the phone's camera or its files:
// the photo, made smaller when large (shrinkPhoto), is the request body, and a refusal (kind of
// file, too many pixels, unreadable, too large, in the page's language) is said under the
// picker. The new photo shows as soon as it is stored.
function photoInput(x) {
  const id = "photo-" + x.id;
  const err = h("div", { class: "err", id: id + "-err", role: "alert" });
  const shown = h("span", { class: "photo-thumb" }, thumb(x.photo_url, x.name_vi));
  const label = h("label", { for: id }, x.photo_url ? t("photo_change") : t("photo_add"));
  const input = h("input", { type: "file", id, class: "photo-input", accept: "image/jpeg,image/png,image/webp", capture: "environment", "aria-describedby": id + "-err" });
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    err.textContent = "";
    input.removeAttribute("aria-invalid");
    input.disabled = true;
    // A live update waits for the answer (see formsDirty), which is said under this picker; a
    // network that failed says so there too, and lets the page and the picker go on.
    const r = await whilePending(box, shrinkPhoto(file).then((body) => api("PUT", `/api/products/${x.id}/photo`, body))).catch(offline);
    input.disabled = false;
    input.value = "";
    if (!r.ok) {
      const d = r.data || {};
      err.textContent = r.status === 413 ? t("photo_too_big") : (d.errors || []).map((e) => e.message).join(" ") || d.detail || t("failed");
      input.setAttribute("aria-invalid", "true");
      return;
    }
    // The photo is a change of the product: the edit's next save is made over this version.
    x.photo_url = r.data.photo_url;
    x.updated_at = r.data.updated_at;
    shown.replaceChildren(thumb(x.photo_url, x.name_vi));
    label.textContent = t("photo_change");
    toast(t("photo_saved"));
  });
  const box = h("div", { class: "photo", dataset: { product: x.id } }, shown, label, input, err);
  return box;
}

async function viewOpenFairs() {
  const me = await api("GET", "/api/producers/me");
  if (!me.ok) return h("div", {}, h("h1", {}, t("my_fairs")), guide("no-profile", t("empty_no_profile"), h("a", { href: "#/producer", class: "button" }, t("empty_no_profile_go"))));
  const [fairs, products, apps, ref] = await Promise.all([all("/api/fairs?status=published"), all(`/api/producers/${me.data.id}/products`), all("/api/applications"), reference()]);
  // A fair the producer has applied to (and not withdrawn from) shows where the application is,
  // not a second form the API would refuse.
  const applied = new Map(apps.filter((a) => ["submitted", "approved", "waitlisted"].includes(a.status)).map((a) => [a.fair_id, a]));
  const items = fairs.filter((f) => f.accepts_applications_now);
  // The preferred zone is chosen among the zones of the fair's floor plan (free text while the
  // plan has none yet), so a wish always names a zone the allocator knows.
  const plans = await Promise.all(items.map((f) => api("GET", `/api/fairs/${f.id}/booths`, undefined, { quiet: true })));
  const zonesOf = new Map(items.map((f, i) => [f.id, (plans[i].ok && plans[i].data.zones) || []]));
  const kindsOf = new Map(items.map((f, i) => [f.id, boothKindsAt(f, plans[i], (ref && ref.booth_kinds) || [])]));
  const zoneField = (f) => zonesOf.get(f.id).length
    ? { name: "preferred_zone", label: t("preferred_zone"), type: "select", value: "", options: [["", t("zone_any")], ...zonesOf.get(f.id).map((z) => [z, z])] }
    : { name: "preferred_zone", label: t("preferred_zone") };
  const prods = products.filter((p) => p.certificate_status !== "expired");
  // Without a valid product there is nothing to apply with: say what to do instead of empty forms.
  if (!prods.length) {
    return h("div", {}, h("h1", {}, t("my_fairs")), guide("no-product", t("empty_no_product"), h("a", { href: "#/producer", class: "button", onclick: focusAfterRender("#new-product-name_vi") }, t("empty_no_product_go"))));
  }
  return h("div", {}, h("h1", {}, t("my_fairs")), items.length ? items.map((f) => h("div", { class: "card", dataset: { fair: f.id } },
    h("h2", {}, h("a", { href: "#/fair/" + f.id }, f.name_vi)), h("p", { class: "muted" }, f.host_province_name + " · " + date(f.start_date) + " – " + date(f.end_date) + " · " + t("apps_close") + " " + date(f.applications_close)),
    feesLine(f),
    applied.has(f.id) ? h("p", { class: "applied" }, t("already_applied"), " ", statusBadge("a_", applied.get(f.id).status), " ", h("a", { href: "#/producer/apps" }, t("my_apps"))) : applyForm(f, prods, kindsOf.get(f.id), zoneField(f)))) : guide("no-open-fair", t("empty_no_open_fair")));
}

// applyForm applies to fair f: the products the booth shows, the kind of booth (where the plan
// has more than one), how many and where; under the count, what the producer would pay.
function applyForm(f, prods, kinds, zone) {
  const kind = kinds.length > 1 && { name: "booth_kind", label: t("booth_kind"), type: "select", value: kinds.includes("standard") ? "standard" : kinds[0],
    options: kinds.map((k) => [k, boothKindName(k) + (boothPrice(f, k) ? " · " + money(boothPrice(f, k)) : "")]) };
  const el = form([{ name: "product_ids", label: t("products_shown"), type: "multiselect", options: prods.map((p) => [p.id, `${p.name_vi} (${p.stars}★)`]), value: prods.length === 1 ? [prods[0].id] : [], full: true },
    kind, { name: "booth_count", label: t("booth_count"), type: "number", value: 1, min: 1, max: maxBooths(f), hint: t("booth_limit").replace("{n}", plural(maxBooths(f), "n_booths")) },
    zone].filter(Boolean),
  t("apply"), async (v) => {
    // Nothing is ticked for a producer with several products: the booth shows what they choose.
    if (!v.product_ids.length) return refused("product_ids", t("choose_products"));
    const r = await api("POST", `/api/fairs/${f.id}/applications`, { product_ids: v.product_ids, booth_kind: v.booth_kind || kinds[0], booth_count: Number(v.booth_count), preferred_zone: v.preferred_zone }, { idem: idem() });
    if (r.ok) { toast(t("application_sent")); location.hash = "#/producer/apps"; }
    return r;
  }, { id: "apply-" + f.id });
  const said = h("p", { class: "fee-estimate full", "aria-live": "polite" });
  const count = el.querySelector("[data-field=booth_count]");
  count.after(said);
  const estimate = () => { said.textContent = feeEstimate(f, (el.elements.booth_kind || {}).value || kinds[0] || "standard", el.elements.booth_count.value); };
  // A redraw puts back what was chosen (typeAgain) and says so with "restored".
  for (const ev of ["input", "change", "restored"]) el.addEventListener(ev, estimate);
  estimate();
  return el;
}

// boothKindsAt are the kinds of booth a producer may ask for at fair f: those of its floor plan
// (plan, as read) that are not blocked, or, before the plan has booths, those the fair prices; in
// the order of all, the reference data's kinds.
function boothKindsAt(f, plan, all) {
  const booths = (plan.ok && plan.data.booths) || [];
  const pool = new Set(booths.length ? booths.filter((b) => b.status !== "blocked").map((b) => b.kind) : Object.keys((f.fees || {}).booth_prices || {}));
  return all.filter((k) => pool.has(k));
}

// boothPrice is what fair f asks for a booth of kind k (0 when it sets no price).
const boothPrice = (f, k) => ((f.fees || {}).booth_prices || {})[k] || 0;

// feeEstimate says what count booths of kind would cost the producer at fair f: the fair's price
// of the kind, less the subsidy on as many as it subsidises (a booth priced on its own may cost
// otherwise, so it is an estimate). Nothing when the fair sets no price for the kind, or for a
// count that is none or more than the fair takes (the field says its limit).
function feeEstimate(f, kind, count) {
  const fees = f.fees || {};
  const price = boothPrice(f, kind);
  const n = Number(count);
  if (!price || !Number.isInteger(n) || n < 1 || n > maxBooths(f)) return "";
  const helped = Math.min(n, fees.max_subsidised_booths || 0) * Math.floor((price * (fees.subsidy_percent || 0)) / 100);
  return t("fee_estimate").replace("{pay}", money(price * n - helped)).replace("{n}", n) + (helped ? " " + t("fee_estimate_helped").replace("{sub}", money(helped)) : "");
}

// feesLine says what a booth costs at fair f before the producer applies: each kind's price and
// the subsidy, when the fair set them.
function feesLine(f) {
  const fees = f.fees || {};
  const prices = Object.entries(fees.booth_prices || {}).filter(([, v]) => v > 0);
  if (!prices.length) return null;
  const most = fees.max_subsidised_booths ? t("subsidy_max").replace("{n}", plural(fees.max_subsidised_booths, "n_booths")) : "";
  // A subsidy with no booth to go to (max_subsidised_booths 0) is none, as the report counts it.
  const subsidy = fees.subsidy_percent && fees.max_subsidised_booths ? " · " + t("subsidy_line").replace("{p}", fees.subsidy_percent) + most : "";
  return h("p", { class: "fees" }, t("booth_price") + ": " + prices.map(([k, v]) => `${boothKindName(k)} ${money(v)}`).join(", ") + subsidy);
}

// maxBooths is the most booths one producer may ask for at a fair (the fair's rule; 2 when unset).
const maxBooths = (f) => (f.eligibility && f.eligibility.max_booths_per_producer) || 2;

// appNext says what comes next for an application still in play: a producer reading "Đã duyệt"
// with no booth yet learns the booth is on its way, not that something is missing.
function appNext(a) {
  const key = a.status === "approved" ? (a.booths.length ? "" : "app_next_approved") : ["submitted", "waitlisted"].includes(a.status) ? "app_next_" + a.status : "";
  return key ? h("p", { class: "app-next muted" }, t(key)) : null;
}

async function viewMyApps() {
  const apps = await all("/api/applications");
  return h("div", {}, h("h1", {}, t("my_apps")), apps.length ? apps.map((a) => h("div", { class: "card", dataset: { app: a.id } },
    h("h2", {}, a.fair_name || a.fair_id, " ", h("span", { class: "app-status" }, statusBadge("a_", a.status))),
    h("p", { class: "asked muted" }, t("asked_for") + ": " + askedFor(a) + ((a.products || []).length ? " · " + (a.products || []).map((p) => p.name).join(", ") : "")),
    a.booths.length ? h("p", { class: "booth-codes" }, t("your_booth") + ": " + a.booths.join(", "), " · ", h("a", { href: `#/fair/${a.fair_id}/map?booth=${encodeURIComponent(a.booths[0])}`, class: "on-map" }, t("map_see_on"))) : null,
    a.booths.length ? h("p", {}, h("a", { href: `/api/fairs/${a.fair_id}/posters/${a.producer_id}.pdf`, onclick: download, class: "button secondary poster-link" }, t("poster_download"))) : null,
    appNext(a), a.reason ? h("p", {}, t("reason") + ": " + a.reason) : null, rulesList(a.eligibility),
    ["submitted", "approved", "waitlisted"].includes(a.status) && h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: async () => {
      // Withdrawing gives up the place (and a booth already assigned): confirmed, not one tap.
      if (!confirm(t("withdraw_confirm").replace("{fair}", a.fair_name || ""))) return;
      const r = await api("POST", `/api/applications/${a.id}/withdraw`);
      toast(r.ok ? t("application_withdrawn") : failure(r));
      render(true);
    } }, t("withdraw"))))) : h("p", { class: "muted" }, t("none")));
}

function factors(m) {
  return h("div", {}, (m.factors || []).map((f) => h("div", { class: "factor" }, h("span", { class: "score" }, Math.round(f.score * 100) + "%"), " ", f.reason)));
}

// viewOpportunities lists the open requests that fit the producer, best first, twenty at a time
// ("Xem thêm" adds the next twenty; a redraw shows as many as were shown).
async function viewOpportunities() {
  const me = await api("GET", "/api/producers/me");
  if (!me.ok) return h("p", {}, h("a", { href: "#/producer" }, t("profile")));
  const path = `/api/producers/${me.data.id}/opportunities`;
  const want = oppShown.get(path) || 0;
  const [opps, fairs, meetings, apps] = await Promise.all([pagesOf(path, want, Math.min(Math.max(want, 20), 100)), meetingFairs(), all("/api/meetings"), all("/api/applications")]);
  // "Xem thêm" tapped while this was read showed more than it read: read again.
  if ((oppShown.get(path) || 0) > want) return viewOpportunities();
  // Pages read from a ranking that changed between them may repeat a request.
  const list = opps.items.filter((o, i, all) => all.findIndex((x) => x.request.id === o.request.id) === i);
  // Buyers are met at the fairs where this producer holds a booth.
  const booths = new Set(apps.filter((a) => (a.booths || []).length).map((a) => a.fair_id));
  const fairList = fairs.filter((f) => booths.has(f.id));
  // A request that names no fair is met at the fair chosen here (kept across redraws); a next
  // page may hold one. One that names a fair still to come is met there or not at all; one whose
  // fair is over or cancelled is met anywhere.
  const namedFair = (o) => (fairs.some((f) => f.id === o.request.fair_id) ? o.request.fair_id : "");
  const open = list.filter((o) => !namedFair(o));
  const fairSel = (open.length || opps.cursor) && fairList.length ? h("select", { id: "opp-fair", "aria-label": t("fair") }, fairList.map((f) => h("option", { value: f.id, selected: f.id === oppFair.id }, f.name_vi))) : null;
  if (fairSel) {
    oppFair.id = fairSel.value;
    fairSel.addEventListener("change", () => { oppFair.id = fairSel.value; render(true); });
  }
  const nameOf = (id) => (fairList.find((f) => f.id === id) || {}).name_vi || "";
  const card = (o) => {
    const named = namedFair(o);
    const fair = named ? (fairList.some((f) => f.id === named) ? named : "") : fairSel ? fairSel.value : "";
    // The buyer meets at the fair its request names: where this producer has no booth, it is
    // said, and no meeting is offered at another fair.
    const elsewhere = named && !fair ? h("p", { class: "muted opp-elsewhere" }, t("opp_other_fair").replace("{fair}", () => fairs.find((f) => f.id === named).name_vi)) : null;
    return h("div", { class: "card", dataset: { request: o.request.id } },
      h("h2", {}, o.request.title, " · ", h("span", { class: "score" }, Math.round(o.match.score * 100) + "%")), h("p", { class: "muted" }, o.buyer_name), factors(o.match), elsewhere,
      h("div", { class: "actions" }, interestToggle(me.data.id, o), fair ? inviteBuyer(me.data.id, o, fair, nameOf(fair), meetings) : null));
  };
  const box = h("div", { id: "opp-list" }, list.map(card));
  const more = h("div", { class: "actions" });
  // A next page read from a ranking that changed meanwhile may repeat a request already shown.
  // A page that comes after the list was drawn again (a fair chosen, an invitation) goes to the
  // list now shown.
  const add = (items) => {
    if (!box.isConnected) { oppShown.set(path, box.children.length + items.length); render(true); return; }
    box.append(...items.filter((o) => !box.querySelector(`[data-request="${CSS.escape(o.request.id)}"]`)).map(card));
    oppShown.set(path, box.children.length);
  };
  pager(more, "opp-more", add, () => box.children).offer(opps.cursor, (cursor) => api("GET", path + "?limit=20&cursor=" + encodeURIComponent(cursor)));
  return h("div", {}, h("h1", {}, t("opportunities")),
    fairSel ? h("div", { class: "card" }, h("label", { for: "opp-fair" }, t("opp_fair")), fairSel, h("p", { class: "muted" }, t("opp_fair_hint"))) : null,
    list.length && !fairList.length ? h("p", { class: "muted", id: "opp-no-booth" }, t("opp_no_booth")) : null,
    list.length || opps.cursor ? [box, more] : opps.r.ok ? h("p", { class: "muted" }, t("none")) : h("p", { class: "err", role: "alert" }, failure(opps.r)));
}

// oppFair is the fair chosen on the opportunities page for requests that name none; oppShown how
// many of a producer's opportunities are shown (by path), kept across redraws.
const oppFair = { id: "" };
const oppShown = new Map();

// inviteBuyer asks the request's buyer for a meeting at a fair where the producer exhibits
// ("Mời gặp tại …"); once asked, the card says where the meeting stands instead. A refusal
// (no booth at that fair) is said in the API's words.
function inviteBuyer(producerID, o, fairID, fairName, meetings) {
  const m = meetings.find((x) => x.buyer_id === o.request.buyer_id && x.fair_id === fairID && !["declined", "cancelled"].includes(x.status));
  // Who must answer now: the buyer, or this producer (the buyer proposed another time).
  if (m) return h("a", { href: "#/meetings", class: "meeting-status" }, m.status === "requested" ? t(m.awaiting === "producer" ? "opp_you_answer" : "opp_buyer_answers") : meetingBadge(m), " ›");
  const b = h("button", { type: "button", class: "invite secondary" }, t("invite_at").replace("{fair}", fairName), h("span", { class: "sr-only" }, " (" + o.buyer_name + ")"));
  b.addEventListener("click", async () => {
    b.disabled = true;
    const r = await whilePending(b, api("POST", `/api/fairs/${fairID}/meetings`, { buyer_id: o.request.buyer_id, producer_id: producerID, session: "any",
      note: t("invite_note").replace("{title}", o.request.title).slice(0, 1000) }, { idem: idem() }));
    b.disabled = false;
    toast(r.ok ? t("invite_sent") : failure(r));
    if (r.ok) render(true);
  });
  return b;
}

// interestToggle tells the buyer the producer is interested ("Quan tâm") in a request, or takes
// it back; the button shows what the API stored, not what was tapped.
function interestToggle(producerID, o) {
  const b = h("button", { type: "button", class: "interest" });
  const show = (on) => {
    b.setAttribute("aria-pressed", String(on));
    b.classList.toggle("secondary", !on);
    b.textContent = (on ? "✔ " : "") + t("interested");
  };
  show(!!o.interested);
  b.addEventListener("click", async () => {
    // A button disabled while it works loses the keyboard: it gets it back once done, saying
    // its new state; a live update waits for the answer (whilePending).
    const had = document.activeElement === b;
    b.disabled = true;
    let r = null;
    try {
      r = await whilePending(b, api(b.getAttribute("aria-pressed") === "true" ? "DELETE" : "POST", `/api/producers/${producerID}/opportunities/${o.request.id}/interest`));
    } catch (e) {
      // No network: said below, and the button works again.
    } finally {
      b.disabled = false;
    }
    if (r && r.ok) show(!!r.data.interested);
    else toast(failure(r));
    if (had && b.isConnected && document.activeElement === document.body) b.focus();
  });
  return b;
}
