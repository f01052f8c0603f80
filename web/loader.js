// loader.js downloads pop3lab's WebAssembly program with a progress bar and
// starts it. It runs before wasm_exec.js (both are deferred scripts of
// index.html, in that order), so that the program's download starts
// before the browser's first rendering of the page, which may come
// between the two scripts; wasm_exec.js is needed only once the program
// is in.
//
// The program compiles while it downloads (WebAssembly.instantiateStreaming
// on the download's Response, inflated on the way when it is the gzip
// copy), so compiling does not wait for the last byte, and no script sits
// between the bytes and the compiler.
//
// The build writes app.json, {"wasm":"app.wasm","gz":"app.wasm.gz","size":RAW,
// "gzSize":GZ,"sha256":HEX}. With DecompressionStream, the loader fetches the
// gzip copy and inflates it here, so hosts that do not compress still send
// the small file; without it, it fetches app.wasm and relies on the host's
// compression. The manifest also gives the totals for the progress bar when a
// host sends no Content-Length. Every URL is relative, so the site works
// under any sub-path.
//
// The loader defines two globals. pop3labAuthor is the lesson renderer
// that the app's editor uses for "Preview as a lesson": a second Go
// program, author.wasm (app.json's "author", in the same form), which the
// loader downloads and starts the first time the app asks for a preview,
// so that the first screen does not wait for the markdown renderer.
// pop3labTLS carries the app's TLS to a third, tls.wasm (app.json's
// "tls"), started at the first message the app sends it.
(function () {
  "use strict";

  var root = document.documentElement;
  var box = document.getElementById("loading");
  var bar = document.getElementById("load-progress");
  var statusLine = document.getElementById("load-status");

  function say(text) {
    if (statusLine) {
      statusLine.textContent = text;
    }
  }

  // fail shows why the simulator is off, in one sentence, and leaves the
  // page (the lesson text) as it is.
  function fail(reason) {
    var text = String(reason && reason.message ? reason.message : reason);
    show(text, "The simulator could not start: " + text.replace(/\.?$/, ".") +
      " Reload the page to try again; the lesson text below still reads.");
  }

  function show(reason, sentence) {
    root.dataset.loadError = reason;
    if (box) {
      box.hidden = false;
      box.classList.add("load-error");
    }
    if (bar) {
      bar.hidden = true;
    }
    say(sentence);
  }

  if (typeof WebAssembly !== "object" || WebAssembly === null ||
      typeof WebAssembly.instantiate !== "function") {
    show("no WebAssembly", "This browser cannot run WebAssembly, so the simulator is off; the lesson text below still reads.");
    return;
  }
  if (typeof fetch !== "function") {
    fail("this browser has no fetch API");
    return;
  }

  // scriptsRun settles once every deferred script of the page has run
  // (at DOMContentLoaded, or at load for a loader started later): then
  // wasm_exec.js has defined Go, or it did not load.
  var scriptsRun = new Promise(function (ok) {
    if (document.readyState === "complete") {
      ok();
      return;
    }
    document.addEventListener("DOMContentLoaded", ok, { once: true });
    window.addEventListener("load", ok, { once: true });
  });

  function mb(n) {
    return (n / 1e6).toFixed(1);
  }

  function progress(received, total) {
    if (root.dataset.loadError !== undefined) {
      return; // a download still counting must not cover the failure's sentence
    }
    if (bar) {
      if (total > 0) {
        bar.max = total;
        bar.value = Math.min(received, total);
      } else {
        bar.removeAttribute("value"); // indeterminate
      }
    }
    if (total > 0) {
      say("Loading the simulator: " + mb(Math.min(received, total)) + " of " + mb(total) + " MB");
    } else {
      say("Loading the simulator: " + mb(received) + " MB");
    }
  }

  // fileName is a URL without its query, for messages.
  function fileName(url) {
    return String(url).split("?")[0];
  }

  function httpError(url, resp) {
    return new Error("the server answered " + resp.status + " " + resp.statusText + " for " + fileName(url));
  }

  function networkError(url, err) {
    return new Error("the download of " + fileName(url) + " failed (" + (err && err.message ? err.message : err) + ")");
  }

  function isGzip(b) {
    return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
  }

  function isWasm(b) {
    return b.length >= 4 && b[0] === 0x00 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;
  }

  // fetchManifest returns app.json, or null when the site has none.
  async function fetchManifest() {
    var resp;
    try {
      resp = await fetch("app.json", { cache: "no-cache", credentials: "same-origin" });
    } catch (err) {
      throw networkError("app.json", err);
    }
    if (resp.status === 404) {
      return null;
    }
    if (!resp.ok) {
      throw httpError("app.json", resp);
    }
    try {
      return await resp.json();
    } catch (err) {
      return null;
    }
  }

  // download fetches url and returns the WebAssembly program as a
  // Response (application/wasm) whose body streams while it arrives, so
  // that WebAssembly.instantiateStreaming compiles it during the download.
  // gzTotal is the size of the gzip form when url is the gzip copy,
  // rawTotal the size of the program; either may be 0 when unknown. It
  // returns null when the server has no such file. It reads the start of
  // the program before it returns, so a server that answered with
  // something else is found out here; an error later in the body is kept
  // in the returned object's failure() for the compile step to report.
  async function download(url, gzTotal, rawTotal, report) {
    var resp;
    try {
      resp = await fetch(url, { credentials: "same-origin" });
    } catch (err) {
      throw networkError(url, err);
    }
    if (resp.status === 404) {
      return null;
    }
    if (!resp.ok) {
      throw httpError(url, resp);
    }
    return stream(resp, url, gzTotal, rawTotal, report);
  }

  // downloadBrotli asks for the program itself, for the host to send its
  // brotli copy (pop3lab serve does): the smallest download. It returns
  // null, having dropped the request, when the answer is not
  // brotli-encoded, so that the gzip copy comes next.
  async function downloadBrotli(url, rawTotal, report) {
    var abort = typeof AbortController === "function" ? new AbortController() : null;
    var resp;
    try {
      resp = await fetch(url, { credentials: "same-origin", signal: abort ? abort.signal : undefined });
    } catch (err) {
      return null;
    }
    if (!resp.ok || resp.headers.get("Content-Encoding") !== "br") {
      if (abort) {
        abort.abort();
      }
      return null;
    }
    return stream(resp, url, 0, rawTotal, report);
  }

  // fromCache returns the program from the service worker's cache when
  // the worker kept the program itself (a first visit that downloaded the
  // brotli copy), or null: it kept the gzip copy, which it then serves to
  // download().
  async function fromCache(url, rawTotal, report) {
    var resp;
    try {
      resp = await caches.match(new URL(url, location.href).href);
    } catch (err) {
      return null;
    }
    return resp ? stream(resp, url, 0, rawTotal, report, true) : null;
  }

  // stream is download's work once the server answered. The program's
  // bytes stay on the browser's own path to the compiler: the loader reads
  // a copy of the body (resp.clone) only to count it for the progress bar
  // and to look at its first bytes, so no script touches the bytes the
  // compiler reads. When the answer is the program itself, labelled
  // application/wasm, the compiler gets the Response as it came (from the
  // network or the service worker's cache), which also lets the browser
  // keep the compiled code for the next visit. report(received, total)
  // follows the download, and report.fetched() is called at its end. A
  // program read from the device (local) is not counted: it takes a
  // moment, and reading a second copy of it beside the compiler would
  // only keep the page busy.
  async function stream(resp, url, gzTotal, rawTotal, report, local) {
    // Content-Length counts the bytes on the wire, which are the bytes the
    // body yields only when the browser does not decode them.
    var length = Number(resp.headers.get("Content-Length")) || 0;
    var decodedByBrowser = (resp.headers.get("Content-Encoding") || "identity") !== "identity";
    if (!resp.body || typeof resp.body.getReader !== "function" || typeof resp.clone !== "function") {
      report(0, 0);
      var whole = check(new Uint8Array(await resp.arrayBuffer()), url);
      report.fetched();
      return { bytes: whole, failure: function () { return null; }, settled: Promise.resolve() };
    }

    var failed = null;
    var copy = resp.clone().body.getReader();
    var received = 0;
    var head;
    try {
      head = await readHead(copy, 4, function (n) { received += n; });
    } catch (err) {
      throw networkError(url, err);
    }
    // A host that sent app.wasm.gz with Content-Encoding: gzip had the
    // browser inflate it already, and its first bytes are then "\0asm",
    // not the gzip magic 1f 8b.
    var inflateHere = isGzip(head.bytes);
    var total;
    if (inflateHere) {
      total = gzTotal || (decodedByBrowser ? 0 : length);
    } else {
      total = rawTotal || (decodedByBrowser ? 0 : length);
    }
    report(received, total);
    // The count goes on beside the compiler; an error of the download
    // shows here as well as to the compiler, and is reported in words.
    var counted = local ? (async function () {
      copy.cancel();
      report(total, total);
      report.fetched();
    })() : (async function () {
      for (var done = head.done; !done;) {
        var r;
        try {
          r = await copy.read();
        } catch (err) {
          failed = failed || err;
          return;
        }
        if (r.done) {
          done = true;
        } else {
          received += r.value.byteLength;
          report(received, total);
        }
      }
      report.fetched();
    })();

    if (!inflateHere) {
      check(head.bytes, url);
      var type = resp.headers.get("Content-Type") || "";
      if (/^application\/wasm\s*(;|$)/i.test(type)) {
        return { response: resp, failure: function () { return failed; }, settled: counted };
      }
      return {
        response: new Response(resp.body, { headers: { "Content-Type": "application/wasm" } }),
        failure: function () { return failed; },
        settled: counted
      };
    }
    if (typeof DecompressionStream !== "function") {
      throw new Error(fileName(url) + " arrived gzip-compressed and this browser cannot inflate it (the server should send Content-Encoding: gzip)");
    }
    var inflated = resp.body.pipeThrough(new DecompressionStream("gzip")).tee();
    // The second branch is read only for the program's first bytes.
    var look = inflated[1].getReader();
    var first;
    try {
      first = await readHead(look, 4, function () {});
    } catch (err) {
      throw networkError(url, failed || err);
    }
    look.cancel();
    check(first.bytes, url);
    return {
      response: new Response(inflated[0], { headers: { "Content-Type": "application/wasm" } }),
      failure: function () { return failed; },
      settled: counted
    };
  }

  // readHead reads at least n bytes from reader (fewer if the stream ends
  // first), telling counted how many each read brought, and returns them
  // with whether the stream ended.
  async function readHead(reader, n, counted) {
    var chunks = [];
    var length = 0;
    var done = false;
    while (length < n && !done) {
      var r = await reader.read();
      if (r.done) {
        done = true;
      } else if (r.value.byteLength > 0) {
        chunks.push(r.value);
        length += r.value.byteLength;
        counted(r.value.byteLength);
      }
    }
    return { bytes: concat(chunks, length), done: done };
  }

  function concat(chunks, length) {
    if (chunks.length === 1) {
      return chunks[0];
    }
    var out = new Uint8Array(length);
    var at = 0;
    for (var i = 0; i < chunks.length; i++) {
      out.set(chunks[i], at);
      at += chunks[i].byteLength;
    }
    return out;
  }

  function check(bytes, url) {
    if (!isWasm(bytes)) {
      throw new Error(fileName(url) + " is not a WebAssembly program (the server sent something else, perhaps an error page)");
    }
    return bytes;
  }

  // instantiate compiles and instantiates the downloaded program: while it
  // streams in when the browser can, else from its bytes.
  async function instantiate(program, importObject) {
    if (program.response && typeof WebAssembly.instantiateStreaming === "function") {
      return WebAssembly.instantiateStreaming(program.response, importObject);
    }
    var bytes = program.bytes || new Uint8Array(await program.response.arrayBuffer());
    return WebAssembly.instantiate(bytes, importObject);
  }

  // mainProgress shows the app's download on the loading bar.
  function mainProgress(received, total) {
    progress(received, total);
  }
  mainProgress.fetched = function () {
    performance.mark("pop3lab-wasm-fetched");
  };

  // fetchProgram downloads the program that entry of app.json describes
  // ({wasm, gz, br, size, gzSize, version}) by the smallest way the visit
  // has: the service worker's copy, the brotli copy, the gzip copy, the
  // program itself. It returns the download and the URL it came from; the
  // download is null when the site has no such program.
  async function fetchProgram(entry, report) {
    var wasmURL = (entry && entry.wasm) || "app.wasm";
    var version = entry && entry.version ? "?v=" + encodeURIComponent(String(entry.version)) : "";
    var rawSize = (entry && Number(entry.size)) || 0;
    var program = null;
    var url = wasmURL;
    // A return visit has the program from the service worker, which keeps
    // the copy this first visit downloaded (see sw.js).
    var controlled = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (entry && controlled && typeof caches === "object" && caches) {
      program = await fromCache(url + version, rawSize, report);
    }
    if (program === null && entry && entry.br && !controlled) {
      program = await downloadBrotli(url + version, rawSize, report);
    }
    if (program === null && entry && entry.gz && typeof DecompressionStream === "function") {
      url = entry.gz;
      program = await download(url + version, Number(entry.gzSize) || 0, rawSize, report);
    }
    if (program === null) {
      url = wasmURL;
      program = await download(url + version, 0, rawSize, report);
    }
    return { program: program, url: url };
  }

  // compile compiles and instantiates a downloaded program for a new Go
  // instance; a failure is an Error in words. The result's run() runs
  // the program up to its first wait before it returns, and returns the
  // promise that settles when the program ends.
  async function compile(program, url) {
    if (typeof Go !== "function") {
      await scriptsRun;
    }
    if (typeof Go !== "function") {
      throw new Error("wasm_exec.js did not load");
    }
    var go = new Go();
    var result;
    try {
      result = await instantiate(program, go.importObject);
    } catch (err) {
      // The copy the loader counts sees a failed download too; it may
      // see it a moment after the compiler does.
      await Promise.race([program.settled, new Promise(function (ok) { setTimeout(ok, 2000); })]);
      if (program.failure()) {
        throw networkError(url, program.failure());
      }
      if (!(err instanceof WebAssembly.CompileError) && !(err instanceof WebAssembly.LinkError)) {
        // Not the compiler's verdict on the program: its stream failed
        // (a truncated or corrupt gzip copy).
        throw networkError(url, err);
      }
      throw new Error("this browser could not compile the program (" + (err && err.message ? err.message : err) + ")");
    }
    return {
      run: function () {
        return go.run(result.instance);
      }
    };
  }

  var manifestLoaded = null; // the promise of app.json, set by main
  // workerSettled settles once the service worker is ready (its cache
  // filled) or failed; set by worker, resolved at once without one.
  var workerSettled = Promise.resolve();

  async function main() {
    performance.mark("pop3lab-wasm-start");
    progress(0, 0);
    manifestLoaded = fetchManifest();
    var manifest = await manifestLoaded;
    var fetched = await fetchProgram(manifest, mainProgress);
    if (fetched.program === null) {
      throw new Error("the site has no " + ((manifest && manifest.wasm) || "app.wasm") + " (was it built with pop3lab build?)");
    }
    var compiled = await compile(fetched.program, fetched.url);
    performance.mark("pop3lab-wasm-instantiated");
    if (box) {
      box.hidden = true;
    }
    // A UI program ends only when it fails.
    compiled.run().then(function () {
      show("the program exited", "The simulator stopped (its program exited); reload the page to start it again.");
    }, function (err) {
      var text = String(err && err.message ? err.message : err);
      show(text, "The simulator stopped with an error (" + text + "); reload the page to start it again.");
    });
    // The program has run up to its first wait: the page is usable, and
    // only now does the worker fetch what it caches (mostly revalidating
    // what this visit downloaded).
    worker();
  }

  // quiet is the reporter of a download that shows no progress.
  function quiet() {}
  quiet.fetched = function () {};

  // author is the promise of the lesson renderer's render function, once
  // its loading started; a failed load is forgotten, so that the next
  // preview tries again.
  var author = null;

  // startHelper downloads and starts the program that app.json's entry
  // key names (what, in words, for messages), up to its first wait, and
  // calls ended when it ends. It returns the program's file name.
  async function startHelper(key, what, ended) {
    var manifest = manifestLoaded ? await manifestLoaded : null;
    var entry = manifest && manifest[key];
    if (!entry || !entry.wasm) {
      throw new Error("the site has no " + what + " (app.json names no " + key + ".wasm)");
    }
    var fetched = await fetchProgram(entry, quiet);
    if (fetched.program === null) {
      throw new Error("the site has no " + entry.wasm);
    }
    var compiled = await compile(fetched.program, fetched.url);
    compiled.run().then(ended, ended);
    return fetched.url.split("?")[0];
  }

  // loadAuthor downloads and starts author.wasm, which defines
  // pop3labAuthor.render, and returns that function.
  async function loadAuthor() {
    var file = await startHelper("author", "lesson renderer", function () {
      author = null; // it ended (it should not): the next preview starts it again
    });
    var render = globalThis.pop3labAuthor.render;
    if (typeof render !== "function") {
      throw new Error(file + " started but defined no renderer");
    }
    return render;
  }

  globalThis.pop3labAuthor = {
    // preview renders a lesson's markdown as pop3lab build does, loading
    // the renderer first if need be. It returns a promise of
    // {lesson, problems}: the lesson as a course document of one lesson
    // and no problems, or no lesson and its problems as "name:line:
    // message" lines.
    preview: function (name, markdown) {
      if (author === null) {
        var loading = loadAuthor();
        author = loading;
        loading.catch(function () {
          if (author === loading) {
            author = null;
          }
        });
      }
      return author.then(function (render) {
        return render(String(name), String(markdown));
      });
    }
  };

  // pop3labTLS carries the messages between the app and its TLS layer,
  // tls.wasm (app.json's "tls"): a third Go program, crypto/tls, which
  // the app does not link so that the first visit downloads less. The app
  // calls listen (its receiver) and send; tls.wasm, started at the first
  // send or preload, calls serve (its receiver) and reply. Every message
  // is delivered from a microtask of its own queue, never from inside the
  // program that sent it, so neither program is entered while it is
  // calling the other. If tls.wasm cannot be loaded, the app gets
  // {op: "failed", kind: "other", text} (an error, as package tlsmsg
  // writes one: every connection so far fails with it) and the
  // next send tries again.
  globalThis.pop3labTLS = (function () {
    var toLayer = [];
    var toApp = [];
    var layer = null;
    var app = null;
    var loading = null;
    var due = false;

    function deliver() {
      due = false;
      while ((layer && toLayer.length) || (app && toApp.length)) {
        if (layer && toLayer.length) {
          layer(toLayer.shift());
        }
        if (app && toApp.length) {
          app(toApp.shift());
        }
      }
    }

    function schedule() {
      if (!due && ((layer && toLayer.length) || (app && toApp.length))) {
        due = true;
        queueMicrotask(deliver);
      }
    }

    function load() {
      if (loading) {
        return;
      }
      loading = (async function () {
        var file = await startHelper("tls", "TLS layer", lost);
        if (layer === null) {
          throw new Error(file + " started but does not listen");
        }
      })();
      loading.catch(function (err) {
        lost(err);
      });
    }

    // lost forgets the layer: messages on their way to it are dropped,
    // and the app learns why.
    function lost(err) {
      loading = null;
      layer = null;
      toLayer = [];
      toApp.push({ op: "failed", kind: "other", text: String(err && err.message ? err.message : err || "the TLS layer stopped") });
      schedule();
    }

    return {
      listen: function (fn) { app = fn; schedule(); },
      send: function (m) { toLayer.push(m); load(); schedule(); },
      // preload waits for the service worker's first install, which
      // downloads tls.wasm's gzip copy for offline use: the layer then
      // comes from the worker's cache, and a school network carries the
      // program once, not twice.
      preload: function () { workerSettled.then(load); },
      serve: function (fn) { layer = fn; schedule(); },
      reply: function (m) { toApp.push(m); schedule(); }
    };
  })();

  // worker registers the service worker (sw.js, scoped to the site's
  // directory) that keeps the site for offline use, sets
  // dataset.offline to "ready" once a worker is active, and shows the
  // "A new version is ready" notice when a newer build has installed
  // beside the running one.
  function worker() {
    var sw = navigator.serviceWorker;
    if (!sw || typeof sw.register !== "function") {
      return;
    }
    var settled;
    workerSettled = new Promise(function (ok) { settled = ok; });
    var notice = document.getElementById("update-notice");
    var reload = document.getElementById("update-reload");
    var chosen = false;
    function offer(waiting) {
      if (!notice || !sw.controller) {
        return; // a first install takes over by itself: nothing to reload
      }
      notice.hidden = false;
      if (reload) {
        reload.onclick = function () {
          chosen = true;
          waiting.postMessage("take-over");
        };
      }
    }
    sw.addEventListener("controllerchange", function () {
      if (chosen) {
        location.reload();
      }
    });
    sw.register("sw.js").then(function (reg) {
      if (reg.waiting) {
        offer(reg.waiting);
      }
      reg.addEventListener("updatefound", function () {
        var w = reg.installing;
        if (w) {
          w.addEventListener("statechange", function () {
            if (w.state === "installed") {
              offer(w);
            }
          });
        }
      });
      if (sw.controller) {
        // A return visit: look for a newer build now (offline, there is
        // none to find).
        reg.update().catch(function () {});
      }
      return sw.ready;
    }).then(function () {
      root.dataset.offline = "ready";
      // A first install takes this page over just after it is ready.
      return sw.controller || new Promise(function (ok) {
        sw.addEventListener("controllerchange", ok);
        setTimeout(ok, 3000);
      });
    }, function (err) {
      root.dataset.offline = "unavailable: " + (err && err.message ? err.message : err);
    }).then(settled, settled);
  }

  main().catch(fail);
})();
