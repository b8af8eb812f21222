/* Staff console: checks and preview as you type (progressive enhancement: the form works without it). */
(function () {
  'use strict';
  var form = document.getElementById('record-form');
  if (!form) return;
  var url = form.getAttribute('data-check-url');
  var status = document.getElementById('check-status');
  var other = document.getElementById('other-problems');
  var timer = null;
  var seq = 0;

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }

  function showProblems(name, problems) {
    var list = document.querySelector('[data-problems-for="' + name + '"]');
    if (!list) return;
    clear(list);
    var invalid = false;
    (problems || []).forEach(function (p) {
      var li = el('li', 'problem-' + (p.severity === 'error' ? 'error' : 'warning'));
      li.appendChild(el('span', 'sev', p.severity === 'error' ? 'Error:' : 'Advice:'));
      li.appendChild(document.createTextNode(' ' + p.message));
      list.appendChild(li);
      if (p.severity === 'error') invalid = true;
    });
    var box = document.getElementById('field-' + name);
    if (box) {
      box.classList.toggle('has-error', invalid);
      var input = box.querySelector('input, textarea');
      if (input) {
        if (invalid) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
      }
    }
  }

  function showMeter(name, length, grade) {
    var meter = document.querySelector('[data-meter-for="' + name + '"]');
    if (!meter) return;
    var input = document.getElementById('f_' + name);
    var max = input && input.getAttribute('data-max');
    var parts = [];
    if (length != null) parts.push(length + ' characters' + (max ? ' of at most ' + max : ''));
    if (grade != null) parts.push('reading grade ' + grade + ' (aim for 8 or lower)');
    meter.textContent = parts.join(' · ');
    meter.classList.toggle('is-over', !!(max && length > Number(max)) || (grade != null && grade > 8));
  }

  function showPreview(preview) {
    var text = document.getElementById('preview-text');
    if (!text || !preview) return;
    text.textContent = preview.text || '';
    var replies = document.getElementById('preview-replies');
    var links = document.getElementById('preview-links');
    clear(replies); clear(links);
    (preview.buttons || []).forEach(function (b) {
      if (b.url) {
        var intake = /intake/i.test(b.title || '') || /intake/i.test(b.url || '');
        links.appendChild(el('span', 'bgw-linkbtn' + (intake ? ' bgw-cta' : ''), b.title));
      } else {
        replies.appendChild(el('span', 'bgw-reply', b.title));
      }
    });
  }

  function showOther(result) {
    clear(other);
    var items = (result.record || []).concat(result.other || []);
    if (!items.length) return;
    other.appendChild(el('h2', 'small', 'Other problems'));
    var ul = el('ul', 'problems');
    items.forEach(function (p) {
      ul.appendChild(el('li', 'problem-' + (p.severity === 'error' ? 'error' : 'warning'), p.text || p.message));
    });
    other.appendChild(ul);
  }

  function check() {
    var mine = ++seq;
    var data = new FormData(form);
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    fetch(url, { method: 'POST', body: data, credentials: 'same-origin', headers: { 'X-CSRFToken': token } })
      .then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); })
      .then(function (res) {
        if (mine !== seq) return;
        var result = res.body || {};
        if (result.error) { status.className = 'error-box'; status.textContent = result.error; return; }
        var fields = result.fields || {};
        document.querySelectorAll('[data-problems-for]').forEach(function (list) {
          showProblems(list.getAttribute('data-problems-for'), fields[list.getAttribute('data-problems-for')]);
        });
        Object.keys(result.lengths || {}).forEach(function (name) {
          showMeter(name, result.lengths[name], (result.grades || {})[name]);
        });
        showPreview(result.preview);
        showOther(result);
        status.className = result.ok ? 'ok-box' : 'error-box';
        status.textContent = result.ok ? 'Checked: this can be published.'
          : 'Checked: not publishable yet. The problems are shown next to the fields.';
      })
      .catch(function () {
        if (mine !== seq) return;
        status.className = 'error-box';
        status.textContent = 'The check could not run just now; Publish still checks everything.';
      });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 450);
  }

  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
})();
