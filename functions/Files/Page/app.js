// The upload page: drop or pick files, upload each with a progress bar, then poll the file until its thumbnails are
// made. Every URL is relative to the page (…/upload), so it works at /upload and behind the gateway at /files/upload.
'use strict';

(() => {
  const POLL_INTERVAL_MS = 300;
  const POLL_LIMIT = 100; // ≈ 30 s; thumbnails normally take well under a second
  const PREFERRED_THUMBNAIL = '256';
  const NAMESPACE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

  const form = document.getElementById('upload-form');
  const namespaceInput = document.getElementById('namespace');
  const tokenInput = document.getElementById('token');
  const bucketSelect = document.getElementById('bucket');
  const tagsInput = document.getElementById('tags');
  const dropZone = document.getElementById('drop-zone');
  const fileInput = document.getElementById('file-input');
  const formError = document.getElementById('form-error');
  const list = document.getElementById('uploads');
  const maxBytes = Number(form.dataset.maxBytes);

  form.addEventListener('submit', (e) => e.preventDefault());

  // A file dropped just outside the zone would otherwise make the browser navigate away to it.
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, (e) => e.preventDefault());
  }

  dropZone.addEventListener('dragenter', (e) => {
    e.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  dropZone.addEventListener('dragleave', (e) => {
    if (!dropZone.contains(e.relatedTarget)) dropZone.classList.remove('dragging');
  });
  dropZone.addEventListener('drop', (e) => {
    e.preventDefault();
    dropZone.classList.remove('dragging');
    if (e.dataTransfer) uploadAll(e.dataTransfer.files);
  });
  fileInput.addEventListener('change', () => {
    uploadAll(fileInput.files);
    fileInput.value = ''; // so choosing the same file again fires change again
  });

  function uploadAll(files) {
    const settings = readSettings();
    if (!settings) return;
    for (const file of Array.from(files)) upload(file, settings);
  }

  function readSettings() {
    const namespace = namespaceInput.value.trim();
    const token = tokenInput.value.trim();
    const validNamespace = NAMESPACE.test(namespace);
    const validToken = token.length > 0;
    namespaceInput.setAttribute('aria-invalid', String(!validNamespace));
    tokenInput.setAttribute('aria-invalid', String(!validToken));
    formError.textContent = !validNamespace
      ? 'The namespace must be 1–63 lowercase letters, digits or hyphens, with no hyphen at either end.'
      : validToken ? '' : 'Uploads need an access token: paste one from the auth app.';
    formError.hidden = validNamespace && validToken;
    return validNamespace && validToken ? { namespace, token, bucket: bucketSelect.value, tags: tagsInput.value.trim() } : null;
  }

  // The namespace header too: the API refuses (403) a token of another namespace instead of silently using the token's.
  function apiHeaders(settings) {
    return { 'X-Hit-Namespace': settings.namespace, Authorization: `Bearer ${settings.token}` };
  }

  function upload(file, settings) {
    const item = renderItem(file);
    if (file.size > maxBytes) {
      // The API refuses it too (413); refusing here saves sending it.
      item.fail(`Too large: files may be at most ${formatBytes(maxBytes)}.`);
      return;
    }

    // The API reads the text fields only when they come before the file part.
    const body = new FormData();
    body.append('bucket_name', settings.bucket);
    if (settings.tags) body.append('file_tags', settings.tags);
    body.append('file', file, file.name);

    // XMLHttpRequest rather than fetch: fetch reports no upload progress.
    const xhr = new XMLHttpRequest();
    xhr.open('POST', 'files/upload');
    for (const [name, value] of Object.entries(apiHeaders(settings))) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) item.progress(e.loaded / e.total);
    });
    xhr.upload.addEventListener('load', () => item.progress(1));
    xhr.addEventListener('load', () => {
      const json = parseJson(xhr.responseText);
      if (xhr.status === 201 && json && typeof json.id === 'string') {
        item.uploaded(json);
        watch(json, settings, item).catch(() => item.fail('Network error while waiting for the thumbnail.'));
      } else {
        item.fail(problemText(xhr.status, json));
      }
    });
    xhr.addEventListener('error', () => item.fail('Network error: the upload did not complete.'));
    xhr.send(body);
  }

  async function watch(file, settings, item) {
    const headers = { ...apiHeaders(settings), Accept: 'application/json' };
    const fileUrl = `files/${encodeURIComponent(file.id)}`;
    for (let attempt = 0; file.status === 'processing' && attempt < POLL_LIMIT; attempt++) {
      await delay(POLL_INTERVAL_MS);
      const response = await fetch(fileUrl, { headers, cache: 'no-store' });
      const json = parseJson(await response.text());
      if (!response.ok || !json) {
        item.fail(problemText(response.status, json));
        return;
      }
      file = json;
    }

    switch (file.status) {
      case 'ready':
        await showThumbnail(file, fileUrl, settings, item);
        break;
      case 'skipped':
        item.settle('skipped', `No thumbnail (skipped): ${file.status_reason ?? 'not an image'}.`);
        break;
      case 'failed':
        item.fail(`Thumbnails failed: ${file.status_reason ?? 'unknown reason'}.`);
        break;
      default:
        item.settle(file.status, 'Still making thumbnails; check again later.');
    }
  }

  async function showThumbnail(file, fileUrl, settings, item) {
    const thumbnail = file.thumbnails.find((t) => t.size === PREFERRED_THUMBNAIL) ?? file.thumbnails[0];
    if (!thumbnail) {
      item.settle('ready', 'Ready (no thumbnails configured).');
      return;
    }

    // <img src> cannot send the token, so the (private) thumbnail is fetched and shown from a blob: URL.
    const response = await fetch(`${fileUrl}/thumbnails/${encodeURIComponent(thumbnail.size)}`, {
      headers: apiHeaders(settings),
    });
    if (!response.ok) {
      item.fail(problemText(response.status, parseJson(await response.text())));
      return;
    }
    item.thumbnail(URL.createObjectURL(await response.blob()), thumbnail, file.name);
  }

  function renderItem(file) {
    const li = document.createElement('li');
    li.dataset.state = 'uploading';
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.textContent = '0 %';
    bar.setAttribute('aria-label', `Upload progress of ${file.name}`);
    const status = element('p', 'status', 'Uploading…');
    li.append(element('span', 'name', file.name), element('span', 'size', formatBytes(file.size)), bar, status);
    list.prepend(li);

    const settle = (state, text) => {
      li.dataset.state = state;
      status.textContent = text;
      status.classList.toggle('error', state === 'failed');
    };
    return {
      progress(fraction) {
        const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
        bar.value = percent;
        bar.textContent = `${percent} %`;
      },
      uploaded(json) {
        li.dataset.fileId = json.id;
        settle('processing', 'Uploaded; making thumbnails…');
      },
      settle,
      fail: (text) => settle('failed', text),
      thumbnail(url, thumbnail, name) {
        const img = document.createElement('img');
        img.className = 'thumbnail';
        img.alt = `Thumbnail of ${name}`;
        img.width = thumbnail.width;
        img.height = thumbnail.height;
        // Once decoded the image no longer needs the blob; revoking frees it.
        img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
        img.src = url;
        li.append(img);
        settle('ready', `Ready: ${thumbnail.width} × ${thumbnail.height} thumbnail.`);
      },
    };
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    node.textContent = text; // text, never HTML: names and reasons come from users
    return node;
  }

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  function problemText(status, json) {
    return json && typeof json.detail === 'string' ? json.detail : `The server answered ${status}.`;
  }

  function formatBytes(bytes) {
    const units = ['bytes', 'KB', 'MB', 'GB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return `${Number(value.toFixed(1))} ${units[unit]}`;
  }

  function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
})();
