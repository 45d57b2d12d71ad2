"""Generate a realistic archive of essays for benchmarks: ``python bench/synth.py N OUT``.

Deterministic: the same N and seed give the same files. Essays are 600 to 1,500 words of
English-like text: common English words for the head of a Zipf distribution, made-up words
for its long tail, and per-topic vocabularies so that essays on one topic share words the
way real essays do. Four fifths are Markdown with front matter (title, date, tags drawn
from the topic's pool; a third of them untagged, as real archives are partly tagged); one
fifth are HTML pages wrapped in blog boilerplate (navigation, share buttons, comments,
footer) with their metadata in <meta> and JSON-LD.

The topic of each essay is written to OUT/topics.json, the ground truth that benchmarks of
related posts and known-item search use.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
from datetime import date, timedelta
from pathlib import Path

COMMON = (
    "the of and to a in that it is was i for on you he be with as by at have are this not "
    "but had his they from she which or we an there her were one do been all their has would "
    "will what if can when so no said who more about up them some could him into its then two "
    "time only new like my than first way any may very after where most know our well much "
    "even back good people how should made years still over same must through life day work "
    "long little world home never also before while between under last might great old own "
    "year often each place small thought always every part nothing someone little feel hand "
    "room years night still house mind without enough friend family morning evening week "
    "again though another because around something anything mother father child children "
    "school water words question answer story moment letter phone table window door kitchen"
).split()
SYLLABLES = ("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge go gu ha he hi "
             "ho ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra "
             "re ri ro ru sa se si so su ta te ti to tu va ve vi vo wa we wi ya yo za zo "
             "bar ben cor dan fel gar hol kin lor mar nor pel ran sel tor ver wil").split()
ENDINGS = ("", "", "s", "ing", "ed", "er", "ly", "ness", "ment", "ful")


def make_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) + rng.choice(ENDINGS)


def zipf_sampler(words: list[str], rng: random.Random, exponent: float = 1.07):
    weights = [1 / (rank ** exponent) for rank in range(1, len(words) + 1)]
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def draw() -> str:
        return words[bisect.bisect(cumulative, rng.random() * total)]

    return draw


class Generator:
    def __init__(self, seed: int = 7, topics: int = 60, vocabulary: int = 30_000) -> None:
        self.rng = random.Random(seed)
        tail = sorted({make_word(self.rng) for _ in range(vocabulary * 2)})[:vocabulary]
        self.rng.shuffle(tail)
        self.general = zipf_sampler(COMMON + tail, self.rng)
        self.topics = []
        for number in range(topics):
            words = self.rng.sample(tail, 400)
            tags = [f"{words[i]}" for i in range(6)]
            self.topics.append({"id": number, "draw": zipf_sampler(words, self.rng, 0.9),
                                "tags": tags, "name": words[0]})

    def essay(self, number: int) -> dict:
        rng = self.rng
        topic = self.topics[rng.randrange(len(self.topics))]
        length = rng.randint(600, 1500)
        paragraphs, words = [], 0
        while words < length:
            size = rng.randint(40, 140)
            tokens = [topic["draw"]() if rng.random() < 0.3 else self.general()
                      for _ in range(size)]
            sentences, start = [], 0
            while start < len(tokens):
                end = min(len(tokens), start + rng.randint(8, 24))
                sentence = " ".join(tokens[start:end])
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
                start = end
            paragraphs.append(" ".join(sentences))
            words += size
        title_words = [topic["draw"]() for _ in range(rng.randint(3, 6))]
        title = " ".join(title_words).capitalize()
        day = date(2005, 1, 1) + timedelta(days=rng.randrange(365 * 20))
        tags = [] if rng.random() < 1 / 3 else rng.sample(topic["tags"], rng.randint(1, 3))
        return {"slug": f"essay-{number:06d}", "title": title, "date": day.isoformat(),
                "tags": tags, "paragraphs": paragraphs, "topic": topic["id"],
                "author": rng.choice(["Ada Brook", "Sam O. Reyes", "Lin Park"])}


def markdown_file(essay: dict) -> str:
    tags = json.dumps(essay["tags"])
    head = (f"---\ntitle: \"{essay['title']}\"\ndate: {essay['date']}\n"
            f"author: {essay['author']}\ntags: {tags}\n---\n\n")
    return head + "\n\n".join(essay["paragraphs"]) + "\n"


def html_file(essay: dict) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in essay["paragraphs"])
    ld = json.dumps({"@context": "https://schema.org", "@type": "BlogPosting",
                     "headline": essay["title"], "datePublished": essay["date"],
                     "author": {"@type": "Person", "name": essay["author"]},
                     "keywords": ", ".join(essay["tags"])})
    keywords = ", ".join(essay["tags"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{essay['title']} | A Blog</title>
<meta name="description" content="{essay['paragraphs'][0][:150]}">
<meta name="keywords" content="{keywords}">
<link rel="canonical" href="https://blog.example/{essay['slug']}/">
<script type="application/ld+json">{ld}</script>
</head><body>
<header class="site-header"><nav><a href="/">Home</a> <a href="/about/">About</a>
<a href="/archive/">Archive</a> <a href="/subscribe/">Subscribe</a></nav></header>
<main><article class="post">
<h1 class="entry-title">{essay['title']}</h1>
<div class="entry-meta">Posted on <time class="published" datetime="{essay['date']}">
{essay['date']}</time> by {essay['author']}</div>
<div class="entry-content">
{body}
<div class="sharedaddy"><h3>Share this:</h3><a href="#">Twitter</a> <a href="#">Facebook</a>
</div></div>
<nav class="post-navigation"><a rel="prev" href="/prev/">Previous post</a>
<a rel="next" href="/next/">Next post</a></nav>
<div id="comments" class="comments-area"><h2>3 Comments</h2><p>Lovely post, thank you.</p>
<div id="respond"><h3>Leave a Reply</h3><form><textarea></textarea></form></div></div>
</article></main>
<footer class="site-footer">&copy; 2024 A Blog. Proudly powered by a blog platform.</footer>
</body></html>
"""


def generate(count: int, out: Path, seed: int = 7) -> dict[str, int]:
    """Write ``count`` essays under ``out/essays``; return {slug: topic}."""
    generator = Generator(seed)
    essays_dir = Path(out) / "essays"
    topics: dict[str, int] = {}
    for number in range(count):
        essay = generator.essay(number)
        folder = essays_dir / essay["date"][:4]
        folder.mkdir(parents=True, exist_ok=True)
        if number % 5 == 4:
            (folder / f"{essay['slug']}.html").write_text(html_file(essay), encoding="utf-8")
        else:
            (folder / f"{essay['slug']}.md").write_text(markdown_file(essay), encoding="utf-8")
        topics[essay["slug"]] = essay["topic"]
    (Path(out) / "topics.json").write_text(json.dumps(topics, indent=0), encoding="utf-8")
    return topics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    topics = generate(args.count, args.out, args.seed)
    print(f"wrote {len(topics)} essays to {args.out / 'essays'}")


if __name__ == "__main__":
    main()
