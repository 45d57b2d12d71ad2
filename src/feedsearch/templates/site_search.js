// The static search page's script (OUT/search/search.js, written by feedsearch build
// --site-search). It searches with Pagefind's index in ../pagefind/, loaded on demand; runs
// the query in ?q= when the page opens and keeps ?q= in step with the box. Everything an
// essay supplies (title, date, tags, excerpt) is shown as text: never parsed as HTML.
//
// Any page of the same site can hold the search box: an element with the attribute
// data-site-search around a <form> with an <input name="q">, and this script as a module.

const BUNDLE = new URL("../pagefind/pagefind.js", import.meta.url).href;
const PAGE_SIZE = 10;
// Pagefind's ranking: a word's score saturates later than by default (termSaturation 2, the
// most it takes; default 1.4), and metadata add little of their own (a title match a
// quarter of a heading's; tags, summary and date nothing), since the title and tags are
// words of the page already, weighed there (record_html in outputs/site_search.py). Chosen
// on the real blogs of bench/site_search.py (docs/benchmarks.md).
export const OPTIONS = {
  excerptLength: 30,
  ranking: { termSaturation: 2, metaWeights: { title: 0.25, tags: 0, summary: 0, date: 0 } },
};
const SATURATION = 4; // Pagefind's score for one word at which it counts half
const COVERAGE = 0.5; // holding every word of the query: the score and half again

let loaded = null;

/** Pagefind's search API, loaded and set up once. */
export function pagefind() {
  loaded ??= import(BUNDLE).then(async (module) => {
    await module.options(OPTIONS);
    await module.init();
    return module;
  });
  return loaded;
}

let pages = null;

/** How many essays the index holds (for each word's rarity). */
function indexSize() {
  pages ??= fetch(new URL("../pagefind/pagefind-entry.json", import.meta.url))
    .then((response) => response.json())
    .then((entry) => Object.values(entry.languages ?? {})
      .reduce((sum, language) => sum + (language.page_count ?? 0), 0))
    .catch(() => 0);
  return pages;
}

/** The results for `query`, best first. A query with a "phrase" is Pagefind's own search.
 * Otherwise each word is searched on its own, as readers describe an essay in words it may
 * not all hold: an essay scores, for each word it holds (as Pagefind stems it, not a longer
 * word the word begins; a word no essay holds counts the words it begins), the word's
 * rarity times Pagefind's score for it, saturated; holding more of the words adds up to
 * half again. */
export async function find(query) {
  const search = await pagefind();
  if (query.includes('"')) return (await search.search(query)).results;
  const words = [...new Set(query.toLowerCase().split(/\s+/).filter(Boolean))];
  if (!words.length) return [];
  const [total, searches] = await Promise.all([indexSize(), Promise.all(words.map((word) =>
    Promise.all([search.search(`"${word}"`), search.search(word)])))]);
  const found = new Map();
  for (const [exact, begun] of searches) {
    const held = exact.results.length ? exact.results : begun.results;
    const rarity = Math.log(Math.max(total, held.length) / (held.length + 1)) + 1;
    const begins = new Map(begun.results.map((result) => [result.id, result]));
    for (const { id } of held) {
      const result = begins.get(id);
      const score = result?.score ?? 0;
      const entry = found.get(id) ?? { result, score: 0, words: 0, rarity: 0 };
      entry.score += rarity * (score / (score + SATURATION));
      entry.words += 1;
      if (result && rarity > entry.rarity) {
        entry.result = result; // its excerpt shows the rarest word held
        entry.rarity = rarity;
      }
      found.set(id, entry);
    }
  }
  for (const entry of found.values()) entry.score *= 1 + COVERAGE * (entry.words / words.length);
  return [...found.values()].filter((entry) => entry.result)
    .sort((a, b) => b.score - a.score).map((entry) => entry.result);
}

/** An http(s) address to link to, or null (a result is never a javascript: link). */
function webAddress(url) {
  try {
    const address = new URL(url, window.location.href);
    return address.protocol === "https:" || address.protocol === "http:" ? address.href : null;
  } catch {
    return null;
  }
}

/** Pagefind's excerpt as text nodes and <mark> elements. Pagefind escapes the essay's < and >
 * and adds only <mark> and </mark>: the excerpt is split at those, and nothing is parsed. */
function excerptNodes(excerpt) {
  const nodes = [];
  let marked = false;
  for (const part of excerpt.split(/(<\/?mark>)/)) {
    if (part === "<mark>" || part === "</mark>") {
      marked = part === "<mark>";
      continue;
    }
    if (!part) continue;
    const text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    if (marked) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(text));
    }
  }
  return nodes;
}

function resultItem(data) {
  const item = document.createElement("li");
  const meta = data.meta ?? {};
  const address = webAddress(data.url);
  const title = document.createElement(address ? "a" : "span");
  title.className = "essay-title";
  title.textContent = meta.title || data.url;
  if (address) title.href = address;
  item.append(title);
  const facts = [meta.date, (data.filters?.tags ?? []).join(", ")].filter(Boolean);
  if (facts.length) {
    const line = document.createElement("div");
    line.className = "meta";
    line.textContent = facts.join(" · ");
    item.append(line);
  }
  const snippet = document.createElement("p");
  snippet.className = "snippet";
  if (data.excerpt) snippet.append(...excerptNodes(data.excerpt));
  else snippet.textContent = meta.summary ?? "";
  item.append(snippet);
  return item;
}

function start(root) {
  const form = root.querySelector("form");
  const input = form?.querySelector("[name=q]");
  if (!form || !input) return;
  let status = root.querySelector("[data-site-search-status]");
  if (!status) {
    status = document.createElement("p");
    status.className = "meta";
    status.setAttribute("role", "status");
    form.after(status);
  }
  let list = root.querySelector("[data-site-search-results]");
  if (!list) {
    list = document.createElement("ol");
    list.className = "essays";
    status.after(list);
  }
  const more = document.createElement("button");
  more.type = "button";
  more.textContent = "More results";
  more.hidden = true;
  list.after(more);
  const pageTitle = document.title;
  let run = 0;
  let results = [];
  let timer;

  function keepInUrl(query, how) {
    const url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    if (url.href !== window.location.href) {
      window.history[how === "push" ? "pushState" : "replaceState"](null, "", url);
    }
    document.title = query ? `${query}: ${pageTitle}` : pageTitle;
  }

  async function showFrom(ticket, first) {
    const data = await Promise.all(
      results.slice(first, first + PAGE_SIZE).map((result) => result.data()));
    if (ticket !== run) return;
    list.append(...data.map(resultItem));
    more.hidden = first + PAGE_SIZE >= results.length;
    more.onclick = () => showFrom(ticket, first + PAGE_SIZE);
  }

  async function show(query, how) {
    const ticket = ++run;
    if (how) keepInUrl(query, how);
    list.replaceChildren();
    more.hidden = true;
    if (!query) {
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    try {
      results = await find(query);
    } catch (error) {
      if (ticket === run) status.textContent = `Search could not be loaded (${error}).`;
      return;
    }
    if (ticket !== run) return;
    const count = results.length === 1 ? "1 essay" : `${results.length} essays`;
    status.textContent = results.length
      ? `${count} for “${query}”`
      : `No essay found for “${query}”.`;
    await showFrom(ticket, 0);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    show(input.value.trim(), "push");
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => show(input.value.trim(), "replace"), 300);
  });
  input.addEventListener("focus", () => pagefind().catch(() => {}), { once: true });
  window.addEventListener("popstate", () => {
    const query = new URL(window.location.href).searchParams.get("q") ?? "";
    input.value = query;
    show(query.trim(), null);
  });
  const query = (new URL(window.location.href).searchParams.get("q") ?? "").trim();
  if (query) {
    input.value = query;
    show(query, null);
    keepInUrl(query, null);
  }
}

for (const root of document.querySelectorAll("[data-site-search]")) start(root);
