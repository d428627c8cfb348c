// Parcelgate privacy review page. Plain JavaScript, no dependencies: the page is served with
// Content-Security-Policy default-src 'self'. Every value from the API reaches the DOM through
// textContent or attributes set one by one, never as markup.
(function () {
  'use strict';

  // The API sits beside this script: /privacy/app.js -> /privacy/api/...
  var API = new URL('api/', document.currentScript ? document.currentScript.src : document.baseURI);
  var ENTRY_LIMIT = 200;
  var ACTIONS = ['keep', 'drop', 'pseudonymize', 'generalize', 'mask'];
  var ACTION_LABELS = {
    keep: 'keep',
    drop: 'drop',
    pseudonymize: 'pseudonymize',
    generalize: 'generalize',
    mask: 'mask'
  };
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var FILTERS = ['log', 'marketplace', 'recipient', 'batch', 'transaction', 'from', 'to', 'kind'];
  var LOG_TITLES = { minimization: 'Minimization log', access: 'Access log' };

  // Answers to a superseded load are dropped: one counter per panel.
  var generation = { entries: 0, stats: 0, verification: 0 };

  // Paging through the entries: the `before` index of each page shown so far (null: the newest).
  var pages = [null];

  // The sizes of the shown log: as the last verification covered it, and as the last listing
  // found it (reads of the access log may append to it), so the page says when they differ.
  var sizes = { verified: null, listed: null };

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function svg(tag, attributes) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, String(attributes[name]));
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function actionClass(action) {
    return ACTIONS.indexOf(action) >= 0 ? 'action-' + action : 'action-other';
  }

  // ---- API ---------------------------------------------------------------------------------

  /** An error the API answered with: an RFC 9457 problem, or a bare status. */
  function ApiError(status, code, detail) {
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  function apiUrl(path, params) {
    var url = new URL(path, API);
    Object.keys(params || {}).forEach(function (name) {
      var value = params[name];
      if (value !== undefined && value !== null && value !== '') {
        url.searchParams.set(name, value);
      }
    });
    return url.toString();
  }

  /** A call of the page's API; resolves to the answer read as `as` ('json' or 'text'). */
  function request(path, params, as) {
    return fetch(apiUrl(path, params), {
      method: 'GET',
      credentials: 'same-origin',
      cache: 'no-store',
      // The gateway answers the page's calls only with this header: another site cannot send it
      // without a CORS preflight, which the gateway never grants.
      headers: {
        Accept: as === 'json' ? 'application/json, application/problem+json' : '*/*',
        'X-Parcelgate-Page': '1'
      }
    }).then(
      function (response) {
        var type = response.headers.get('Content-Type') || '';
        if (response.ok) {
          return as === 'json'
            ? response.json()
            : response.text().then(function (text) {
                return { text: text, next: response.headers.get('Parcelgate-Next-Start') };
              });
        }
        if (type.indexOf('json') >= 0) {
          return response.json().then(
            function (problem) {
              throw new ApiError(
                response.status,
                problem && problem.code,
                (problem && (problem.detail || problem.title)) || 'HTTP ' + response.status
              );
            },
            function () {
              throw new ApiError(response.status, null, 'HTTP ' + response.status);
            }
          );
        }
        throw new ApiError(response.status, null, 'HTTP ' + response.status);
      },
      function () {
        throw new ApiError(0, null, 'the gateway could not be reached');
      }
    );
  }

  function getJson(path, params) {
    return request(path, params, 'json');
  }

  /** The gateway's published keys, fetched fresh: what every signature is checked against. */
  function gatewayKeys() {
    return fetch(new URL('/.well-known/jwks.json', document.baseURI).toString(), {
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (response) {
      if (!response.ok) {
        throw new ApiError(response.status, null, 'the gateway keys could not be read');
      }
      return response.text();
    });
  }

  function describe(error) {
    if (error instanceof Error) {
      return error.message;
    }
    if (error instanceof ApiError) {
      var text = error.detail;
      if (error.code) {
        text += ' (' + error.code + (error.status ? ', HTTP ' + error.status : '') + ')';
      } else if (error.status) {
        text += error.detail.indexOf('HTTP') === 0 ? '' : ' (HTTP ' + error.status + ')';
      }
      return text;
    }
    return 'unexpected answer: ' + (error && error.message ? error.message : String(error));
  }

  function showError(what, error) {
    var box = $('error');
    clear(box);
    box.appendChild(el('strong', null, what + ': '));
    box.appendChild(document.createTextNode(describe(error)));
    box.hidden = false;
  }

  function clearError() {
    var box = $('error');
    clear(box);
    box.hidden = true;
  }

  // ---- Time --------------------------------------------------------------------------------

  /** An instant as ISO 8601 in UTC, to the second: 2026-11-28T18:00:00.123Z -> 2026-11-28T18:00:00Z */
  function formatInstant(value) {
    if (typeof value !== 'string') {
      return '';
    }
    var match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(value);
    return match ? match[1] + 'Z' : value;
  }

  /**
   * What an officer types as a time, read as UTC: a day (2026-12-01), or a day and time with or
   * without seconds and Z (2026-12-01T08:00, 2026-12-01T08:00:00Z). '' stays ''; anything else is
   * null.
   */
  function toInstant(text) {
    var value = (text || '').trim();
    if (!value) {
      return '';
    }
    var match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?Z?)?$/.exec(value);
    if (!match) {
      return null;
    }
    var iso = match[1] + 'T' + (match[2] || '00:00') + (match[3] || ':00') + 'Z';
    var date = new Date(iso);
    if (isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== iso.slice(0, 19)) {
      return null;
    }
    return iso;
  }

  /** The filter's times, or an error message when one is not a time or they are out of order. */
  function checkTimes(filters) {
    if (filters.from === null || filters.to === null) {
      return 'Write times in ISO 8601, in UTC: 2026-12-01, or 2026-12-01T08:00:00Z.';
    }
    if (filters.from && filters.to && filters.from >= filters.to) {
      return 'The "from" time must be before the "to" time.';
    }
    if (filters.transaction && !filters.marketplace) {
      return 'A transaction id is looked up within its marketplace: fill in the marketplace too.';
    }
    return null;
  }

  // ---- Filters -----------------------------------------------------------------------------

  /** The log shown: minimization (the default) or access. */
  function currentLog() {
    return $('filter-log').value === 'access' ? 'access' : 'minimization';
  }

  /** A call's path under the API for the log shown: the access log's are under access/. */
  function logPath(resource) {
    return (currentLog() === 'access' ? 'access/' : '') + resource;
  }

  function readFilters() {
    return {
      log: currentLog(),
      marketplace: $('filter-marketplace').value.trim(),
      recipient: $('filter-recipient').value.trim(),
      batch: $('filter-batch').value.trim(),
      transaction: $('filter-transaction').value.trim(),
      from: toInstant($('filter-from').value),
      to: toInstant($('filter-to').value),
      kind: $('filter-kind').value
    };
  }

  function writeFilters(filters) {
    $('filter-log').value = filters.log === 'access' ? 'access' : 'minimization';
    showLogControls();
    $('filter-marketplace').value = filters.marketplace || '';
    $('filter-recipient').value = filters.recipient || '';
    $('filter-batch').value = filters.batch || '';
    $('filter-transaction').value = filters.transaction || '';
    $('filter-from').value = filters.from || '';
    $('filter-to').value = filters.to || '';
    $('filter-kind').value = filters.kind || '';
  }

  /** The filters in the page's address, so that a filtered view can be bookmarked or shared. */
  function filtersFromLocation() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FILTERS.forEach(function (name) {
      filters[name] = params.get(name) || '';
    });
    var bucket = params.get('bucket');
    if (bucket === 'hour' || bucket === 'day') {
      $('chart-bucket').value = bucket;
    }
    return filters;
  }

  function rememberFilters(filters) {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      if (filters[name] && !(name === 'log' && filters[name] === 'minimization')) {
        params.set(name, filters[name]);
      }
    });
    if ($('chart-bucket').value !== 'day') {
      params.set('bucket', $('chart-bucket').value);
    }
    var query = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : ''));
  }

  // ---- Verification ------------------------------------------------------------------------

  function loadVerification() {
    generation.verification += 1;
    var token = generation.verification;
    var title = LOG_TITLES[currentLog()];
    var status = $('verification-status');
    status.dataset.status = 'loading';
    $('verification').dataset.status = 'loading';
    $('verification').dataset.log = currentLog();
    status.textContent = 'Verifying the ' + title.toLowerCase() + '…';
    $('verification-detail').textContent = '';
    sizes.verified = null;
    var problems = $('verification-problems');
    clear(problems);
    problems.hidden = true;
    return getJson(logPath('verification')).then(
      function (result) {
        if (token === generation.verification) {
          renderVerification(result, title);
        }
      },
      function (error) {
        if (token === generation.verification) {
          status.dataset.status = 'error';
          $('verification').dataset.status = 'error';
          status.textContent = title + ' verification unavailable';
          $('verification-detail').textContent = describe(error);
        }
      }
    );
  }

  function renderVerification(result, title) {
    var status = $('verification-status');
    var detail = $('verification-detail');
    var problems = $('verification-problems');
    var checkpoint = result.checkpoint || null;
    var size = typeof result.treeSize === 'number' ? result.treeSize : '?';
    if (result.status === 'verified') {
      status.dataset.status = 'verified';
      $('verification').dataset.status = 'verified';
      status.textContent =
        title +
        ' verified: ' +
        size +
        (size === 1 ? ' entry' : ' entries') +
        (checkpoint && checkpoint.time ? ', checkpoint ' + formatInstant(checkpoint.time) + ' UTC' : '');
    } else {
      status.dataset.status = 'failed';
      $('verification').dataset.status = 'failed';
      status.textContent = title + ' verification FAILED';
    }
    var parts = [];
    if (result.rootHash) {
      parts.push('root hash ' + result.rootHash);
    }
    if (checkpoint) {
      parts.push(
        'signed checkpoint of ' +
          checkpoint.treeSize +
          ' entries' +
          (checkpoint.kid ? ' (key ' + checkpoint.kid + ')' : '')
      );
    }
    detail.textContent = parts.join(' · ');
    sizes.verified = typeof result.treeSize === 'number' ? result.treeSize : null;
    renderSizes();
    var list = Array.isArray(result.problems) ? result.problems : [];
    list.forEach(function (problem) {
      problems.appendChild(el('li', null, problem));
    });
    problems.hidden = list.length === 0;
  }

  /**
   * Says when the log holds entries the shown verification did not cover (appended since, such as
   * the access log's record of this page's own reads): the counts on the page never disagree
   * silently.
   */
  function renderSizes() {
    var note = $('verification-newer');
    var newer =
      sizes.verified !== null && sizes.listed !== null ? sizes.listed - sizes.verified : 0;
    note.hidden = newer <= 0;
    note.textContent =
      newer > 0
        ? newer +
          (newer === 1 ? ' entry was' : ' entries were') +
          ' appended after this verification; verify again to cover ' +
          (newer === 1 ? 'it' : 'them') +
          '.'
        : '';
  }

  // ---- Entries -----------------------------------------------------------------------------

  function loadEntries(filters, token) {
    var params = {};
    FILTERS.forEach(function (name) {
      var minimizationOnly = name === 'kind' || name === 'batch' || name === 'transaction';
      if (name !== 'log' && !(minimizationOnly && filters.log === 'access')) {
        params[name] = filters[name];
      }
    });
    params.limit = ENTRY_LIMIT;
    params.before = pages[pages.length - 1];
    var table = $('entries');
    table.setAttribute('aria-busy', 'true');
    return getJson(logPath('entries'), params).then(
      function (result) {
        if (token === generation.entries) {
          renderEntries(result);
        }
      },
      function (error) {
        if (token === generation.entries) {
          table.removeAttribute('aria-busy');
          clear(table.tBodies[0]);
          $('entries-summary').textContent = '';
          showError('Could not load the log entries', error);
        }
      }
    );
  }

  function renderEntries(result) {
    var table = $('entries');
    var body = table.tBodies[0];
    var entries = Array.isArray(result.entries) ? result.entries : [];
    clear(body);
    entries.forEach(function (entry) {
      body.appendChild(entryRow(entry));
    });
    rememberKnown(entries);
    table.removeAttribute('aria-busy');
    table.dataset.loaded = 'true';
    $('entries-empty').hidden = entries.length > 0;
    var total = typeof result.treeSize === 'number' ? result.treeSize : null;
    var summary =
      entries.length +
      (entries.length === 1 ? ' entry' : ' entries') +
      ' shown, newest first' +
      (entries.length ? ' (#' + entries[0].index + ' to #' + entries[entries.length - 1].index + ')' : '') +
      (pages.length > 1 ? ', page ' + pages.length : '');
    if (total !== null) {
      summary += ' · ' + total + ' in the ' + LOG_TITLES[currentLog()].toLowerCase();
    }
    sizes.listed = total;
    renderSizes();
    var older = entries.length >= ENTRY_LIMIT ? entries[entries.length - 1].index : null;
    $('page-older').disabled = older === null || older === 0;
    $('page-older').dataset.before = older === null ? '' : String(older);
    $('page-newer').disabled = pages.length <= 1;
    $('page-newest').disabled = pages.length <= 1;
    $('entries-summary').textContent = summary;
  }

  function entryRow(entry) {
    var row = el('tr', 'entry kind-' + kindClass(entry.kind));
    row.dataset.testid = 'entry';
    row.dataset.index = String(entry.index);
    row.dataset.kind = String(entry.kind);
    if (entry.marketplace) {
      row.dataset.marketplace = String(entry.marketplace);
    }
    if (entry.batchId) {
      row.dataset.batchId = String(entry.batchId);
    }

    row.appendChild(el('td', 'num mono', entry.index));

    var time = el('td', 'time');
    var stamp = el('time', null, formatInstant(entry.time));
    if (entry.time) {
      stamp.setAttribute('datetime', String(entry.time));
    }
    time.appendChild(stamp);
    if (entry.batchId) {
      time.appendChild(onDemand('batch ' + String(entry.batchId).slice(0, 8) + '…', 'batch ' + entry.batchId, 'batch-id mono'));
    }
    row.appendChild(time);

    var kind = el('td');
    kind.appendChild(el('span', 'kind-badge kind-' + kindClass(entry.kind), entry.kind));
    row.appendChild(kind);

    if (entry.kind === 'purge') {
      row.appendChild(el('td', 'marketplace', entry.marketplace || ''));
      row.appendChild(el('td', 'recipient', entry.recipient));
      row.appendChild(policyCell(entry));
      var purged = el('td', 'purge-detail');
      purged.colSpan = 3;
      purged.dataset.testid = 'purge-detail';
      purged.appendChild(el('span', 'strong', purgeSummary(entry)));
      var why = [];
      if (entry.retention) {
        why.push('retention ' + entry.retention);
      }
      if (entry.receivedAt) {
        why.push('received ' + formatInstant(entry.receivedAt));
      }
      if (entry.lastSeenBefore) {
        why.push('last seen before ' + formatInstant(entry.lastSeenBefore));
      }
      if (entry.minimizationEntry !== undefined && entry.minimizationEntry !== null) {
        why.push('stored by entry ' + entry.minimizationEntry);
      }
      purged.appendChild(el('div', 'sub', why.join(' · ')));
      row.appendChild(purged);
      row.appendChild(proofCell(entry));
      return row;
    }

    if (entry.kind === 'read') {
      var read = el('td', 'read-detail');
      read.colSpan = 6;
      read.appendChild(el('span', 'strong', entry.officer || 'unknown officer'));
      read.appendChild(document.createTextNode(' read '));
      if (entry.log) {
        read.appendChild(document.createTextNode('the ' + entry.log + ' log\'s '));
      }
      read.appendChild(el('span', 'mono', entry.resource || '?'));
      if (entry.query) {
        read.appendChild(document.createTextNode(' with '));
        read.appendChild(el('span', 'mono query', entry.query));
      }
      row.appendChild(read);
      row.appendChild(proofCell(entry));
      return row;
    }

    row.appendChild(el('td', 'marketplace', entry.marketplace));
    row.appendChild(el('td', 'recipient', entry.recipient));
    row.appendChild(policyCell(entry));

    var records = el('td', 'num mono', entry.recordsIn + ' → ' + entry.recordsOut);
    if (entry.recordsOut !== entry.recordsIn) {
      records.classList.add('changed');
    }
    row.appendChild(records);

    row.appendChild(fieldsCell(entry.fields));
    row.appendChild(freeTextCell(entry.freeText));
    row.appendChild(proofCell(entry));
    return row;
  }

  /** The CSS class of an entry's kind: minimization, purge or read. */
  function kindClass(kind) {
    return kind === 'read' || kind === 'purge' ? kind : 'minimization';
  }

  /** What a purge deleted, in words: a copy's records, or sellers, and how many never delivered. */
  function purgeSummary(entry) {
    var text = entry.sellers !== undefined
      ? 'purged ' + entry.sellers + ' seller record' + (entry.sellers === 1 ? '' : 's')
      : 'purged ' + entry.records + ' record' + (entry.records === 1 ? '' : 's') + ' of the batch';
    if (entry.undelivered) {
      text += ', ' + entry.undelivered + ' never delivered (dead letters)';
    } else {
      text += ', all delivered';
    }
    return text;
  }

  /** The policy an entry cites, its pseudonym key version and legal basis on demand. */
  function policyCell(entry) {
    var policy = el('td', 'policy');
    if (entry.policy) {
      var name = el('span', 'mono', entry.policy.id + ' v' + entry.policy.version);
      if (entry.policy.sha256) {
        name.title = 'policy sha256 ' + entry.policy.sha256;
      }
      policy.appendChild(name);
    }
    var sub = [];
    if (entry.keyVersion !== undefined && entry.keyVersion !== null) {
      sub.push('pseudonym key v' + entry.keyVersion);
    }
    if (sub.length) {
      policy.appendChild(el('div', 'sub', sub.join(' · ')));
    }
    if (entry.legalBasis) {
      policy.appendChild(onDemand('legal basis', entry.legalBasis, 'legal-basis'));
    }
    return policy;
  }

  /** A short label that opens to the full text: batch ids and legal bases on demand. */
  function onDemand(label, text, className) {
    var details = el('details', 'sub on-demand ' + className);
    details.appendChild(el('summary', null, label));
    details.appendChild(el('div', 'full', text));
    return details;
  }

  /**
   * The field actions grouped by action: what changed first (pseudonymize, drop, generalize, mask),
   * the fields kept last and folded, since they are most of a record and change nothing.
   */
  function fieldsCell(fields) {
    var cell = el('td', 'fields');
    var groups = {};
    (Array.isArray(fields) ? fields : []).forEach(function (field) {
      var action = String(field.action);
      (groups[action] || (groups[action] = [])).push(field);
    });
    var order = ['pseudonymize', 'drop', 'generalize', 'mask'];
    Object.keys(groups).forEach(function (action) {
      if (order.indexOf(action) < 0 && action !== 'keep') {
        order.push(action);
      }
    });
    order.push('keep');
    var list = el('ul', 'field-list');
    order.forEach(function (action) {
      var group = groups[action];
      if (!group) {
        return;
      }
      var item = el('li', 'field-group');
      item.dataset.action = action;
      var chip = el('span', 'action-chip ' + actionClass(action), action + ' ' + group.length);
      chip.title = group.length + (group.length === 1 ? ' field' : ' fields');
      var paths = el('span', 'paths');
      group.forEach(function (field) {
        var path = el('span', 'mono path', field.path);
        path.dataset.action = action;
        if (field.values !== undefined) {
          path.title = field.path + ': ' + field.values + (field.values === 1 ? ' value' : ' values');
        }
        paths.appendChild(path);
      });
      if (action === 'keep') {
        var details = el('details', 'kept');
        var summary = el('summary');
        summary.appendChild(chip);
        summary.appendChild(el('span', 'muted small', ' unchanged, show'));
        details.appendChild(summary);
        details.appendChild(paths);
        item.appendChild(details);
      } else {
        item.appendChild(chip);
        item.appendChild(paths);
      }
      list.appendChild(item);
    });
    if (list.childNodes.length) {
      cell.appendChild(list);
    } else {
      cell.appendChild(el('span', 'muted', 'none'));
    }
    return cell;
  }

  function freeTextCell(freeText) {
    var cell = el('td', 'free-text');
    var labels = { email: 'email', phone: 'phone', idNumber: 'ID no.' };
    var any = false;
    Object.keys(freeText || {}).forEach(function (kind) {
      var count = Number(freeText[kind]) || 0;
      if (count > 0) {
        any = true;
        var tag = el('span', 'found', (labels[kind] || kind) + ' ' + count);
        tag.title = count + ' ' + (labels[kind] || kind) + ' found in free text and masked';
        cell.appendChild(tag);
      }
    });
    if (!any) {
      cell.appendChild(el('span', 'muted', 'none'));
    }
    return cell;
  }

  /** Offers the marketplaces and recipients seen so far as suggestions in the filter. */
  var known = { marketplace: {}, recipient: {} };

  function rememberKnown(entries) {
    entries.forEach(function (entry) {
      if (entry.marketplace) {
        known.marketplace[entry.marketplace] = true;
      }
      if (entry.recipient) {
        known.recipient[entry.recipient] = true;
      }
    });
    fillList($('known-marketplaces'), known.marketplace);
    fillList($('known-recipients'), known.recipient);
  }

  function fillList(datalist, values) {
    clear(datalist);
    Object.keys(values)
      .sort()
      .forEach(function (value) {
        var option = document.createElement('option');
        option.value = value;
        datalist.appendChild(option);
      });
  }

  // ---- Evidence, checked in this browser ----------------------------------------------------

  var Evidence = window.ParcelgateEvidence;

  /** The latest checkpoint of the log shown, its signature and log checked here. */
  function verifiedCheckpoint(jwks) {
    return getJson(logPath('checkpoint')).then(function (answer) {
      return Evidence.verifyCheckpoint(answer.jws, jwks, currentLog());
    });
  }

  /**
   * Proves in the browser that the entry shown is leaf `index` of the tree the latest checkpoint
   * signs: the checkpoint's signature against the published keys, the entry's exact text (its
   * one-line export, which must be the entry shown) hashed here, and its audit path up to the
   * signed root.
   */
  function proveEntry(entry) {
    var index = entry.index;
    return gatewayKeys()
      .then(function (text) {
        return verifiedCheckpoint(JSON.parse(text));
      })
      .then(function (checkpoint) {
        if (index >= checkpoint.treeSize) {
          throw new Error('the latest checkpoint does not cover this entry yet');
        }
        return Promise.all([
          checkpoint,
          getJson(logPath('proofs/inclusion'), { index: index, treeSize: checkpoint.treeSize }),
          request(logPath('export'), { format: 'jsonl', start: index, end: index + 1 }, 'text')
        ]);
      })
      .then(function (found) {
        var checkpoint = found[0];
        var line = found[2].text.replace(/\n$/, '');
        if (!line || line.indexOf('\n') >= 0) {
          throw new Error('the gateway did not export exactly this entry');
        }
        var shown = {};
        Object.keys(entry).forEach(function (name) {
          if (name !== 'index') {
            shown[name] = entry[name];
          }
        });
        if (JSON.stringify(JSON.parse(line)) !== JSON.stringify(shown)) {
          throw new Error('the entry shown is not the entry the log holds at ' + index);
        }
        var path = (found[1].auditPath || []).map(Evidence.base64url);
        return Evidence.leafHash(line)
          .then(function (leaf) {
            return Evidence.rootFromInclusion(index, checkpoint.treeSize, leaf, path);
          })
          .then(function (root) {
            if (!Evidence.equal(root, checkpoint.rootHash)) {
              throw new Error(
                'NOT in the signed log: this entry does not hash to leaf ' +
                  index +
                  ' of the tree the checkpoint signs, so it was changed after it was logged'
              );
            }
            return checkpoint;
          });
      });
  }

  function proofCell(entry) {
    var cell = el('td', 'proof');
    var button = el('button', 'button secondary', 'Verify');
    button.type = 'button';
    button.title = 'Check in this browser that this entry is in the signed log';
    var result = el('span', 'proof-text');
    result.hidden = true;
    button.addEventListener('click', function () {
      button.disabled = true;
      delete cell.dataset.proof;
      result.hidden = false;
      result.textContent = 'checking…';
      proveEntry(entry).then(
        function (checkpoint) {
          cell.dataset.proof = 'verified';
          result.textContent =
            '✓ entry ' +
            entry.index +
            ' is in the ' +
            checkpoint.treeSize +
            ' entries signed ' +
            formatInstant(checkpoint.issuedAt) +
            ' UTC (key ' +
            checkpoint.kid +
            '), checked in this browser';
          button.disabled = false;
        },
        function (error) {
          cell.dataset.proof = 'failed';
          result.textContent = '✗ ' + describe(error);
          button.disabled = false;
        }
      );
    });
    cell.appendChild(button);
    cell.appendChild(result);
    return cell;
  }

  /** Hands `text` to the browser as a file to save. */
  function saveAs(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
  }

  function downloadCheckpoint() {
    clearError();
    var log = currentLog();
    gatewayKeys()
      .then(function (keys) {
        return getJson(logPath('checkpoint')).then(function (answer) {
          // Checked before it is saved: a saved checkpoint is what later checks rest on.
          return Evidence.verifyCheckpoint(answer.jws, JSON.parse(keys), log).then(function () {
            return answer;
          });
        });
      })
      .then(
        function (answer) {
          var saved = {
            log: log,
            treeSize: answer.treeSize,
            rootHash: answer.rootHash,
            time: answer.time,
            jws: answer.jws,
            note: answer.note,
            noteKey: answer.noteKey
          };
          saveAs(
            log + '-checkpoint-' + answer.treeSize + '.json',
            'application/json',
            JSON.stringify(saved, null, 2) + '\n'
          );
        },
        function (error) {
          showError('Could not download the checkpoint', error);
        }
      );
  }

  function downloadKeys() {
    clearError();
    gatewayKeys().then(
      function (text) {
        saveAs('gateway-keys.json', 'application/jwk-set+json', text);
      },
      function (error) {
        showError('Could not download the gateway keys', error);
      }
    );
  }

  /** Every page of the export of [start, end) of the log shown, as one file. */
  function exportRange(event) {
    event.preventDefault();
    clearError();
    var log = currentLog();
    var format = $('export-format').value === 'csv' ? 'csv' : 'jsonl';
    var start = $('export-start').value === '' ? 0 : Number($('export-start').value);
    var end = $('export-end').value === '' ? '' : Number($('export-end').value);
    if (!Number.isInteger(start) || start < 0 || (end !== '' && (!Number.isInteger(end) || end < start))) {
      showError('Could not export', new Error('the range needs whole entry numbers, the first not after the last'));
      return;
    }
    var parts = [];
    function page(from) {
      return request(logPath('export'), { format: format, start: from, end: end }, 'text').then(
        function (answer) {
          var text = answer.text;
          if (format === 'csv' && parts.length > 0) {
            text = text.slice(text.indexOf('\r\n') + 2);
          }
          parts.push(text);
          var next = answer.next === null ? null : Number(answer.next);
          return next !== null && next > from ? page(next) : from;
        }
      );
    }
    page(start).then(
      function () {
        saveAs(
          log + '-log-' + start + '-' + (end === '' ? 'end' : end) + '.' + format,
          format === 'csv' ? 'text/csv' : 'application/jsonl',
          parts.join('')
        );
      },
      function (error) {
        showError('Could not export', error);
      }
    );
  }

  function showConsistency(verified, text) {
    var box = $('consistency-result');
    box.dataset.result = verified ? 'verified' : 'failed';
    box.textContent = (verified ? '✓ ' : '✗ ') + text;
    box.hidden = false;
  }

  /**
   * Checks a checkpoint saved earlier against the log now: both signatures here, then the
   * gateway's consistency proof between them, verified here. A smaller log, or another root at the
   * same size, is a rollback or a fork.
   */
  function checkSaved(file) {
    var log = currentLog();
    var box = $('consistency-result');
    box.hidden = false;
    delete box.dataset.result;
    box.textContent = 'checking ' + file.name + '…';
    Promise.all([file.text(), gatewayKeys()])
      .then(function (read) {
        var jws = read[0].trim();
        try {
          var parsed = JSON.parse(read[0]);
          if (parsed && typeof parsed.jws === 'string') {
            jws = parsed.jws;
          }
        } catch (notJson) {
          // a bare JWS
        }
        var jwks = JSON.parse(read[1]);
        return Promise.all([
          Evidence.verifyCheckpoint(jws, jwks, log),
          verifiedCheckpoint(jwks)
        ]);
      })
      .then(function (checkpoints) {
        var saved = checkpoints[0];
        var now = checkpoints[1];
        if (saved.treeSize > now.treeSize) {
          return [false, 'the ' + log + ' log now holds ' + now.treeSize + ' entries, fewer than the ' +
            saved.treeSize + ' of your checkpoint: it was rolled back'];
        }
        if (saved.treeSize === now.treeSize || saved.treeSize === 0) {
          var same = saved.treeSize === 0 || Evidence.equal(saved.rootHash, now.rootHash);
          return [same, same
            ? 'the ' + log + ' log is the one your checkpoint signed (' + now.treeSize + ' entries)'
            : 'the ' + log + ' log has another root at the same size as your checkpoint: it was forked'];
        }
        return getJson(logPath('proofs/consistency'), { first: saved.treeSize, second: now.treeSize })
          .then(function (answer) {
            return Evidence.verifyConsistency(saved.treeSize, now.treeSize, saved.rootHash,
              now.rootHash, (answer.proof || []).map(Evidence.base64url));
          })
          .then(function (consistent) {
            return [consistent, consistent
              ? 'the ' + log + ' log only grew since your checkpoint: its ' + saved.treeSize +
                ' entries signed ' + formatInstant(saved.issuedAt) + ' UTC are the first of the ' +
                now.treeSize + ' signed ' + formatInstant(now.issuedAt) + ' UTC, checked in this browser'
              : 'the ' + log + ' log is NOT an extension of your checkpoint: the consistency proof from ' +
                saved.treeSize + ' to ' + now.treeSize + ' entries does not verify'];
          });
      })
      .then(
        function (outcome) {
          showConsistency(outcome[0], outcome[1]);
        },
        function (error) {
          showConsistency(false, describe(error));
        }
      );
  }

  var WITNESS_STORAGE = 'parcelgate.witnesses.';

  function showWitnessResult(verified, text) {
    var box = $('witness-result');
    box.dataset.result = verified ? 'verified' : 'failed';
    box.textContent = (verified ? '✓ ' : '✗ ') + text;
    box.hidden = false;
  }

  /** Requires k of the given witnesses' cosignatures on the largest cosigned checkpoint. */
  function checkWitnesses(event) {
    event.preventDefault();
    var log = currentLog();
    var logKey = $('witness-log-key').value.trim();
    var witnessKeys = $('witness-keys')
      .value.split('\n')
      .map(function (line) {
        return line.trim();
      })
      .filter(function (line) {
        return line.length > 0;
      });
    var required = Number($('witness-required').value || '0');
    if (!Number.isInteger(required) || required < 0 || required > witnessKeys.length) {
      showWitnessResult(false, 'the cosignatures required are from 0 to the number of witness keys');
      return;
    }
    try {
      window.localStorage.setItem(WITNESS_STORAGE + log, JSON.stringify({
        logKey: logKey, witnessKeys: witnessKeys, required: required
      }));
    } catch (storageRefused) {
      // kept for this page only
    }
    getJson(logPath('checkpoint'))
      .then(function (answer) {
        if (!answer.witnessed || typeof answer.witnessed.note !== 'string') {
          throw new Error('no checkpoint of the ' + log + ' log was cosigned by witnesses yet');
        }
        return Evidence.checkWitnessed(answer.witnessed.note, logKey, witnessKeys);
      })
      .then(
        function (result) {
          var enough = result.cosigned.length >= required;
          showWitnessResult(
            enough,
            (enough ? '' : 'NOT ENOUGH: ') +
              'the ' + log + ' log\'s checkpoint of ' + result.treeSize + ' entries is signed by the log and cosigned by ' +
              result.cosigned.length + ' of your ' + witnessKeys.length + ' witnesses' +
              (result.cosigned.length ? ' (' + result.cosigned.join(', ') + ')' : '') +
              ', ' + required + ' required; checked in this browser'
          );
        },
        function (error) {
          showWitnessResult(false, describe(error));
        }
      );
  }

  function restoreWitnesses() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(WITNESS_STORAGE + currentLog()) || 'null');
      $('witness-log-key').value = saved ? saved.logKey : '';
      $('witness-keys').value = saved ? saved.witnessKeys.join('\n') : '';
      $('witness-required').value = saved ? String(saved.required) : '1';
    } catch (storageRefused) {
      // nothing kept
    }
  }

  // ---- Chart -------------------------------------------------------------------------------

  function loadStats(filters, token) {
    var chart = $('actions-chart');
    chart.setAttribute('aria-busy', 'true');
    return getJson('stats', {
      marketplace: filters.marketplace,
      recipient: filters.recipient,
      kind: filters.kind,
      batch: filters.batch,
      transaction: filters.transaction,
      from: filters.from,
      to: filters.to,
      bucket: $('chart-bucket').value
    }).then(
      function (result) {
        if (token === generation.stats) {
          renderChart(result);
        }
      },
      function (error) {
        if (token === generation.stats) {
          chart.removeAttribute('aria-busy');
          clear(chart);
          chart.appendChild(el('p', 'empty', 'The chart could not be loaded.'));
          showError('Could not load the statistics', error);
        }
      }
    );
  }

  /**
   * Sums the series per period and action; periods in order, oldest first, with the empty periods
   * between them filled in so that the axis is true to time (up to a bound).
   */
  function aggregate(series, bucket) {
    var periods = {};
    (Array.isArray(series) ? series : []).forEach(function (point) {
      var period = String(point.period);
      var entry = periods[period] || (periods[period] = emptyPeriod(period));
      var values = Number(point.values) || 0;
      entry.byAction[point.action] = (entry.byAction[point.action] || 0) + values;
      entry.total += values;
      var paths = entry.paths[point.action] || (entry.paths[point.action] = []);
      paths.push(point.path + ' ' + values);
    });
    var keys = Object.keys(periods).sort();
    var filled = fillGaps(keys, bucket);
    return filled.map(function (period) {
      return periods[period] || emptyPeriod(period);
    });
  }

  function emptyPeriod(period) {
    return { period: period, total: 0, byAction: {}, paths: {} };
  }

  /** Every period from the first to the last of the sorted keys; the keys alone if unparsable. */
  function fillGaps(keys, bucket) {
    if (keys.length < 2) {
      return keys;
    }
    var hour = bucket === 'hour';
    var step = hour ? 3600000 : 86400000;
    var parse = function (key) {
      return Date.parse(hour ? key : key + 'T00:00:00Z');
    };
    var first = parse(keys[0]);
    var last = parse(keys[keys.length - 1]);
    if (isNaN(first) || isNaN(last) || (last - first) / step > 400) {
      return keys;
    }
    var format = function (time) {
      var iso = new Date(time).toISOString();
      return hour ? iso.slice(0, 13) + ':00Z' : iso.slice(0, 10);
    };
    if (format(first) !== keys[0]) {
      return keys;
    }
    var all = [];
    for (var time = first; time <= last; time += step) {
      all.push(format(time));
    }
    keys.forEach(function (key) {
      if (all.indexOf(key) < 0) {
        all.push(key);
      }
    });
    return all.sort();
  }

  /** A round axis maximum and tick step for a largest value. */
  function scale(max) {
    if (max <= 0) {
      return { max: 1, step: 1 };
    }
    var raw = max / 4;
    var magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10]
      .map(function (f) {
        return f * magnitude;
      })
      .filter(function (candidate) {
        return candidate >= raw && (candidate >= 1 || magnitude < 1);
      })[0];
    step = Math.max(1, Math.round(step || magnitude * 10));
    return { max: Math.ceil(max / step) * step, step: step };
  }

  /**
   * A period's axis label: the day ("28 Nov"), or for hours the hour ("18:00") with the day
   * beneath it where the day changes. period is 2026-11-28 or 2026-11-28T18:00Z.
   */
  function periodLabel(period, previous) {
    var match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}))?/.exec(period);
    if (!match) {
      return { main: period, day: '' };
    }
    var months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    var day = Number(match[3]) + ' ' + (months[Number(match[2]) - 1] || match[2]);
    if (match[4] === undefined) {
      return { main: day, day: '' };
    }
    var newDay = !previous || previous.slice(0, 10) !== period.slice(0, 10);
    return { main: match[4] + ':00', day: newDay ? day : '' };
  }

  function renderChart(result) {
    var chart = $('actions-chart');
    clear(chart);
    chart.removeAttribute('aria-busy');
    var bucket = result.bucket || $('chart-bucket').value;
    var periods = aggregate(result.series, bucket);
    var present = {};
    periods.forEach(function (p) {
      Object.keys(p.byAction).forEach(function (action) {
        present[action] = true;
      });
    });
    var actions = ACTIONS.concat(
      Object.keys(present).filter(function (action) {
        return ACTIONS.indexOf(action) < 0;
      })
    );
    renderLegend(actions, present);
    renderFigures(periods, actions, present);
    chart.dataset.periods = String(periods.length);
    if (periods.length === 0) {
      chart.appendChild(el('p', 'empty', 'No field actions in this time range.'));
      return;
    }

    var width = 960;
    var height = 280;
    var margin = { top: 16, right: 16, bottom: 44, left: 56 };
    var plotW = width - margin.left - margin.right;
    var plotH = height - margin.top - margin.bottom;
    var maxTotal = Math.max.apply(
      null,
      periods.map(function (p) {
        return p.total;
      })
    );
    var axis = scale(maxTotal);
    var slot = plotW / periods.length;
    var barW = Math.max(2, Math.min(64, slot * 0.62));

    var root = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height,
      role: 'img',
      'aria-labelledby': 'chart-svg-title',
      preserveAspectRatio: 'xMidYMid meet',
      'data-testid': 'actions-chart-svg'
    });
    var title = svg('title', { id: 'chart-svg-title' });
    title.textContent = 'Field actions per ' + bucket + ', stacked by action';
    root.appendChild(title);

    var grid = svg('g', { class: 'grid' });
    for (var tick = 0; tick <= axis.max; tick += axis.step) {
      var y = margin.top + plotH - (tick / axis.max) * plotH;
      grid.appendChild(svg('line', { x1: margin.left, x2: width - margin.right, y1: y, y2: y }));
      var tickText = svg('text', { x: margin.left - 8, y: y + 4, 'text-anchor': 'end', class: 'tick' });
      tickText.textContent = tick.toLocaleString('en');
      grid.appendChild(tickText);
    }
    root.appendChild(grid);

    // Labels about 56 units apart at least, so that they never overlap.
    var everyNth = Math.max(1, Math.ceil(56 / slot));
    var lastLabelled = null;
    var bars = svg('g', { class: 'bars' });
    periods.forEach(function (p, i) {
      var x = margin.left + slot * i + (slot - barW) / 2;
      var base = margin.top + plotH;
      var group = svg('g', { class: 'period', 'data-period': p.period });
      actions.forEach(function (action) {
        var value = p.byAction[action] || 0;
        if (value <= 0) {
          return;
        }
        var h = (value / axis.max) * plotH;
        base -= h;
        var rect = svg('rect', {
          x: x.toFixed(2),
          y: base.toFixed(2),
          width: barW.toFixed(2),
          height: Math.max(0.5, h).toFixed(2),
          class: 'bar ' + actionClass(action),
          'data-action': action,
          'data-period': p.period,
          'data-values': value
        });
        var tip = svg('title');
        tip.textContent = p.period + ' · ' + action + ': ' + value + '\n' + (p.paths[action] || []).join('\n');
        rect.appendChild(tip);
        group.appendChild(rect);
      });
      if (i % everyNth === 0) {
        var label = periodLabel(p.period, lastLabelled);
        lastLabelled = p.period;
        var cx = (margin.left + slot * i + slot / 2).toFixed(2);
        var text = svg('text', { x: cx, y: margin.top + plotH + 17, 'text-anchor': 'middle', class: 'tick' });
        text.textContent = label.main;
        group.appendChild(text);
        if (label.day) {
          var dayText = svg('text', { x: cx, y: margin.top + plotH + 32, 'text-anchor': 'middle', class: 'tick day' });
          dayText.textContent = label.day;
          group.appendChild(dayText);
        }
      }
      bars.appendChild(group);
    });
    root.appendChild(bars);
    root.appendChild(
      svg('line', {
        x1: margin.left,
        x2: width - margin.right,
        y1: margin.top + plotH,
        y2: margin.top + plotH,
        class: 'axis'
      })
    );
    var yTitle = svg('text', {
      x: 14,
      y: margin.top + plotH / 2,
      'text-anchor': 'middle',
      class: 'axis-title',
      transform: 'rotate(-90 14 ' + (margin.top + plotH / 2) + ')'
    });
    yTitle.textContent = 'values';
    root.appendChild(yTitle);
    chart.appendChild(root);
  }

  /** The chart's figures as a table: one row per period, one column per action present. */
  function renderFigures(periods, actions, present) {
    var table = $('actions-table');
    var head = table.tHead;
    var body = table.tBodies[0];
    clear(head);
    clear(body);
    var shown = actions.filter(function (action) {
      return present[action];
    });
    var header = el('tr');
    header.appendChild(el('th', null, 'Period (UTC)'));
    shown.forEach(function (action) {
      header.appendChild(el('th', 'num', ACTION_LABELS[action] || action));
    });
    header.appendChild(el('th', 'num', 'total'));
    head.appendChild(header);
    periods.forEach(function (p) {
      var total = 0;
      var row = el('tr');
      row.dataset.period = p.period;
      row.appendChild(el('td', 'mono', p.period));
      shown.forEach(function (action) {
        var value = p.byAction[action] || 0;
        total += value;
        row.appendChild(el('td', 'num mono', String(value)));
      });
      row.appendChild(el('td', 'num mono', String(total)));
      body.appendChild(row);
    });
  }

  function renderLegend(actions, present) {
    var legend = $('actions-legend');
    clear(legend);
    actions.forEach(function (action) {
      var item = el('li', present[action] ? 'legend-item' : 'legend-item absent');
      item.dataset.action = action;
      item.appendChild(el('span', 'swatch ' + actionClass(action)));
      item.appendChild(el('span', null, ACTION_LABELS[action] || action));
      legend.appendChild(item);
    });
  }

  // ---- Wiring ------------------------------------------------------------------------------

  function reload() {
    pages = [null];
    return refresh();
  }

  /** Loads the panels for the filter as it stands, on the page of entries shown. */
  function refresh() {
    var filters = readFilters();
    clearError();
    var problem = checkTimes(filters);
    if (problem) {
      showError('The filter is not applied', new Error(problem));
      return Promise.resolve();
    }
    rememberFilters(filters);
    if (filters.log === 'access') {
      return reloadEntries(filters);
    }
    return Promise.all([reloadEntries(filters), reloadStats(filters)]);
  }

  /** The chart and the kind filter belong to the minimization log only. */
  function showLogControls() {
    var access = currentLog() === 'access';
    $('chart-card').hidden = access;
    $('kind-field').hidden = access;
    $('batch-field').hidden = access;
    $('transaction-field').hidden = access;
  }

  function reloadEntries(filters) {
    generation.entries += 1;
    return loadEntries(filters, generation.entries);
  }

  function reloadStats(filters) {
    generation.stats += 1;
    return loadStats(filters, generation.stats);
  }

  function start() {
    writeFilters(filtersFromLocation());
    $('filters').addEventListener('submit', function (event) {
      event.preventDefault();
      reload();
    });
    $('reset-filters').addEventListener('click', function () {
      writeFilters({});
      reload();
    });
    $('chart-bucket').addEventListener('change', function () {
      var filters = readFilters();
      rememberFilters(filters);
      reloadStats(filters);
    });
    $('filter-log').addEventListener('change', function () {
      showLogControls();
      sizes.listed = null;
      // Listed first, then verified: the verification covers this page's own read of the access
      // log, so both counts agree.
      reload().then(loadVerification);
    });
    $('page-older').addEventListener('click', function () {
      pages.push(Number($('page-older').dataset.before));
      reloadEntries(readFilters());
    });
    $('page-newer').addEventListener('click', function () {
      if (pages.length > 1) {
        pages.pop();
      }
      reloadEntries(readFilters());
    });
    $('page-newest').addEventListener('click', function () {
      pages = [null];
      reloadEntries(readFilters());
    });
    $('verify-again').addEventListener('click', loadVerification);
    $('download-checkpoint').addEventListener('click', downloadCheckpoint);
    $('download-keys').addEventListener('click', downloadKeys);
    $('export-form').addEventListener('submit', exportRange);
    $('witness-form').addEventListener('submit', checkWitnesses);
    $('filter-log').addEventListener('change', restoreWitnesses);
    restoreWitnesses();
    $('saved-checkpoint').addEventListener('change', function () {
      var input = $('saved-checkpoint');
      if (input.files && input.files[0]) {
        checkSaved(input.files[0]);
      }
      input.value = '';
    });
    reload().then(loadVerification);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
