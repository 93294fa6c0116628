// The verification page: reads the product code from the address (/v/<code>), asks
// /api/verify/<code> in the chosen language and shows the answer. Text goes in with
// textContent only: names and addresses are the producers' words, never markup.
'use strict';

const words = {
  vi: {
    title: 'Xác thực sản phẩm OCOP', loading: 'Đang kiểm tra…', certificate: 'Giấy chứng nhận OCOP',
    decision: 'Số quyết định', issuer: 'Cơ quan cấp', issued: 'Ngày cấp', expires: 'Hết hiệu lực từ',
    criteria: 'Bộ tiêu chí', producer: 'Chủ thể sản xuất', where: 'Mua ở đâu', meaning: 'Sao OCOP nghĩa là gì?',
    now: 'Đang diễn ra', booth: 'Gian hàng', daysLeft: (n) => `còn ${n} ngày`, expiredOn: (d) => `hết hạn từ ${d}`,
    phone: 'Điện thoại', offline: 'Không kết nối được. Hãy thử lại khi có mạng.', switchTo: 'EN', switchLabel: 'English',
  },
  en: {
    title: 'OCOP product verification', loading: 'Checking…', certificate: 'OCOP certificate',
    decision: 'Decision number', issuer: 'Issued by', issued: 'Issued on', expires: 'No longer valid from',
    criteria: 'Criteria set', producer: 'Producer', where: 'Where to buy', meaning: 'What do OCOP stars mean?',
    now: 'On now', booth: 'Booth', daysLeft: (n) => `${n} days left`, expiredOn: (d) => `expired on ${d}`,
    phone: 'Phone', offline: 'Cannot connect. Try again when you are online.', switchTo: 'VI', switchLabel: 'Tiếng Việt',
  },
};

const $ = (id) => document.getElementById(id);
const code = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'vi';

// dmy writes a YYYY-MM-DD date as Vietnam writes dates: dd/mm/yyyy.
function dmy(s) {
  const [y, m, d] = (s || '').split('-');
  return d ? `${d}/${m}/${y}` : '';
}

function text(id, value) {
  const el = $(id);
  el.textContent = value || '';
  return el;
}

function labels() {
  const w = words[lang];
  document.documentElement.lang = lang;
  document.title = w.title;
  document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = w[el.dataset.t]; });
  $('lang').textContent = w.switchTo;
  $('lang').setAttribute('aria-label', w.switchLabel);
}

function showError(message) {
  $('loading').hidden = true;
  $('product').hidden = true;
  text('error', message).hidden = false;
}

function showPlaces(places) {
  const w = words[lang];
  const list = $('where');
  list.replaceChildren();
  for (const p of places) {
    const li = document.createElement('li');
    const booths = p.booths.map((b) => b.zone ? `${b.code} (${b.zone})` : b.code).join(', ');
    li.append(`${p.fair_name}: ${w.booth} ${booths} · ${dmy(p.start_date)}–${dmy(p.end_date)}`);
    if (p.running_now) {
      const now = document.createElement('span');
      now.className = 'now';
      now.textContent = w.now;
      li.append(now);
    }
    list.append(li);
  }
  $('buy-card').hidden = places.length === 0;
}

function show(a) {
  const w = words[lang];
  const c = a.certificate;
  $('status').className = 'status ' + c.status;
  $('status').dataset.status = c.status;
  text('status-text', c.status_text);
  text('status-detail', c.status === 'expired' ? w.expiredOn(dmy(c.expires_on)) : `${w.daysLeft(c.days_left)} · ${dmy(c.expires_on)}`);
  text('name', a.name);
  const photo = $('photo');
  photo.hidden = !a.image_url;
  if (a.image_url) { photo.src = a.image_url; photo.alt = a.name; }
  text('stars', '★'.repeat(a.stars));
  text('stars-text', a.stars_text);
  text('decision', c.decision_no);
  text('issuer', `${c.issued_by} (${c.level_text})`);
  text('issued', dmy(c.issued_on));
  text('expires', dmy(c.expires_on));
  const cs = a.criteria_set;
  text('criteria', `${cs.number}. ${cs.name} (${cs.sector_name})`);
  const p = a.producer;
  text('producer-name', p.name);
  text('producer-kind', p.kind_text);
  text('producer-place', [p.commune, p.province_name].filter(Boolean).join(', '));
  const contact = $('producer-contact');
  contact.replaceChildren();
  if (p.phone) {
    const tel = document.createElement('a');
    tel.href = 'tel:' + p.phone;
    tel.textContent = p.phone;
    contact.append(`${w.phone}: `, tel);
  }
  if (p.email) {
    const mail = document.createElement('a');
    mail.href = 'mailto:' + p.email;
    mail.textContent = p.email;
    contact.append(p.phone ? ' · ' : '', mail);
  }
  showPlaces(a.where_to_buy);
  text('meaning', a.stars_meaning);
  $('loading').hidden = true;
  $('error').hidden = true;
  $('product').hidden = false;
}

async function load() {
  labels();
  try {
    const r = await fetch('/api/verify/' + encodeURIComponent(code), { headers: { 'Accept-Language': lang } });
    const body = await r.json();
    if (!r.ok) {
      showError(body.detail || body.title);
      return;
    }
    show(body);
  } catch (e) {
    showError(words[lang].offline);
  }
}

$('lang').addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  const url = new URL(location.href);
  if (lang === 'en') url.searchParams.set('lang', 'en'); else url.searchParams.delete('lang');
  history.replaceState(null, '', url);
  load();
});

load();
