"""The Markdown reader: front matter (YAML, TOML, JSON), titles, dates, summaries, slugs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from feedsearch.model import Document
from feedsearch.readers import ReadError, reader_for
from feedsearch.readers.frontmatter import split_front_matter

UNDATED = ("no date in front matter or file name; searchable, but left out of the feeds: "
           "add date: YYYY-MM-DD to its front matter or start its file name with the date "
           "(YYYY-MM-DD-{name})")


def read_md(text: str, relpath: str = "essay.md") -> tuple[Document, list[str]]:
    reader = reader_for(relpath)
    assert reader is not None
    warnings: list[str] = []
    document = reader.read(text.encode("utf-8"), relpath, warnings=warnings)
    return document, warnings


def read_corpus_file(corpus_dir: Path, name: str) -> tuple[Document, list[str]]:
    reader = reader_for(name)
    assert reader is not None
    warnings: list[str] = []
    document = reader.read((corpus_dir / name).read_bytes(), name, warnings=warnings)
    return document, warnings


def test_markdown_extensions_are_registered() -> None:
    for name in ("a.md", "a.markdown", "A.MD", "dir/a.mdown"):
        assert type(reader_for(name)).__name__ == "MarkdownReader"


# --- front matter formats -------------------------------------------------------------------

def test_yaml_front_matter() -> None:
    document, warnings = read_md(
        "---\n"
        "title: \"Loneliness in a Full House\"\n"
        "date: 2022-06-30\n"
        "author: Maren J. Holt\n"
        "tags: [parenting, loneliness]\n"
        "summary: A short summary.\n"
        "---\n\n"
        "She is touched, asked for things, and called for constantly.\n"
    )
    assert document.title == "Loneliness in a Full House"
    assert document.date == datetime(2022, 6, 30, tzinfo=UTC)
    assert document.authors == ["Maren J. Holt"]
    assert document.tags == ["parenting", "loneliness"]
    assert document.summary == "A short summary."
    assert document.text == "She is touched, asked for things, and called for constantly."
    assert "title:" not in document.text and "---" not in document.html
    assert warnings == []


def test_toml_front_matter() -> None:
    document, warnings = read_md(
        "+++\n"
        "title = \"Therapy Is Not Only for Crises\"\n"
        "date = 2020-05-17T09:00:00+02:00\n"
        "author = \"Daniel Okafor\"\n"
        "tags = [\"therapy\", \"rest\"]\n"
        "+++\n\n"
        "The first time I went to therapy, I was twenty-six.\n"
    )
    assert document.title == "Therapy Is Not Only for Crises"
    assert document.date == datetime(2020, 5, 17, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    assert document.date.utcoffset() == timedelta(hours=2)
    assert document.authors == ["Daniel Okafor"]
    assert document.tags == ["therapy", "rest"]
    assert document.text == "The first time I went to therapy, I was twenty-six."
    assert "+++" not in document.text
    assert warnings == []


def test_json_front_matter() -> None:
    document, warnings = read_md(
        "{\n"
        "  \"title\": \"Making Friends After Thirty\",\n"
        "  \"date\": \"2017-05-20\",\n"
        "  \"tags\": [\"friendship\", \"loneliness\"],\n"
        "  \"slug\": \"friends-after-30\"\n"
        "}\n\n"
        "When I moved to this city at thirty-four, I knew exactly two people.\n"
    )
    assert document.title == "Making Friends After Thirty"
    assert document.date == datetime(2017, 5, 20, tzinfo=UTC)
    assert document.tags == ["friendship", "loneliness"]
    assert document.slug == "friends-after-30"
    assert document.text == "When I moved to this city at thirty-four, I knew exactly two people."
    assert warnings == []


def test_front_matter_keys_are_case_insensitive() -> None:
    document, _ = read_md("---\nTitle: Upper Keys\nDate: 2020-01-02\n---\nBody text.\n")
    assert document.title == "Upper Keys"
    assert document.date == datetime(2020, 1, 2, tzinfo=UTC)


# --- titles ---------------------------------------------------------------------------------

def test_title_from_heading_without_front_matter() -> None:
    document, _ = read_md("# The Bedroom Door\n\nIt used to be open.\n\n## A subheading\n\nMore.\n")
    assert document.title == "The Bedroom Door"
    assert "The Bedroom Door" not in document.text
    assert "The Bedroom Door" not in document.html
    assert document.text.startswith("It used to be open.")
    assert "A subheading" in document.text


def test_title_from_heading_strips_closing_hashes() -> None:
    document, _ = read_md("# Closed Heading ##\n\nBody.\n")
    assert document.title == "Closed Heading"


def test_front_matter_title_keeps_first_heading_in_text() -> None:
    document, _ = read_md("---\ntitle: From Front Matter\ndate: 2020-01-01\n---\n"
                          "# A Heading In The Body\n\nBody.\n")
    assert document.title == "From Front Matter"
    assert "A Heading In The Body" in document.text


def test_no_title_anywhere_uses_file_name_and_warns() -> None:
    document, warnings = read_md("Just a paragraph, no heading.\n", "2020-01-01-untitled-note.md")
    assert document.title == "2020-01-01-untitled-note"
    assert "no title; using the file name" in warnings


# --- dates ----------------------------------------------------------------------------------

def test_jekyll_date_from_file_name() -> None:
    document, warnings = read_md("---\ntitle: Dated By Name\n---\nBody.\n",
                                 "posts/2018-06-11-dated-by-name.md")
    assert document.date == datetime(2018, 6, 11, tzinfo=UTC)
    assert document.slug == "dated-by-name"
    assert warnings == []


def test_front_matter_date_beats_file_name_date() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2019-02-03\n---\nBody.\n", "2018-06-11-x.md")
    assert document.date == datetime(2019, 2, 3, tzinfo=UTC)


def test_date_default_time_zone() -> None:
    tz = timezone(timedelta(hours=-5))
    reader = reader_for("x.md")
    assert reader is not None
    document = reader.read(b"---\ntitle: T\ndate: 2019-02-03\n---\nBody.\n", "x.md", tz)
    assert document.date == datetime(2019, 2, 3, tzinfo=tz)
    assert document.date.utcoffset() == timedelta(hours=-5)


def test_no_date_appends_warning() -> None:
    document, warnings = read_md("---\ntitle: Undated\n---\nBody.\n")
    assert document.date is None
    assert warnings == [UNDATED.format(name="essay.md")]


def test_updated_date() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2019-02-03\nlastmod: 2019-03-04T10:00:00Z\n---\n"
                          "Body.\n")
    assert document.updated == datetime(2019, 3, 4, 10, 0, tzinfo=UTC)
    assert document.date == datetime(2019, 2, 3, tzinfo=UTC)


def test_bad_date_is_a_warning_not_an_error() -> None:
    document, warnings = read_md("---\ntitle: T\ndate: someday soon\n---\nBody.\n")
    assert document.date is None
    assert any("someday soon" in w for w in warnings)


# --- summary --------------------------------------------------------------------------------

def test_more_marker_gives_summary() -> None:
    document, _ = read_md(
        "---\ntitle: T\ndate: 2020-01-01\n---\n"
        "The first paragraph is the teaser.\n\n<!--more-->\n\nThe rest of the essay follows.\n"
    )
    assert document.summary == "The first paragraph is the teaser."
    assert "<!--" not in document.html
    assert document.text == "The first paragraph is the teaser.\n\nThe rest of the essay follows."


def test_summary_beats_description_beats_more() -> None:
    body = "Teaser.\n\n<!-- more -->\n\nRest.\n"
    both, _ = read_md("---\ntitle: T\ndate: 2020-01-01\nsummary: From summary.\n"
                      "description: From description.\n---\n" + body)
    assert both.summary == "From summary."
    description, _ = read_md("---\ntitle: T\ndate: 2020-01-01\n"
                             "description: From description.\n---\n" + body)
    assert description.summary == "From description."
    teaser, _ = read_md("---\ntitle: T\ndate: 2020-01-01\n---\n" + body)
    assert teaser.summary == "Teaser."


def test_summary_falls_back_to_first_prose_paragraph() -> None:
    document, _ = read_md(
        "---\ntitle: T\ndate: 2020-01-01\n---\n"
        "## Short heading\n\n"
        "This first real paragraph has more than eight words in it, so it counts.\n\n"
        "Second paragraph.\n"
    )
    assert document.summary == (
        "This first real paragraph has more than eight words in it, so it counts."
    )


# --- tags, authors, slug, draft -------------------------------------------------------------

def test_tags_and_categories_are_merged_without_repeats() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2020-01-01\ntags: [grief, Loss]\n"
                          "categories: [loss, Parenting]\n---\nBody.\n")
    assert document.tags == ["grief", "Loss", "Parenting"]


def test_tags_as_comma_separated_string() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2020-01-01\ntags: rest, work , burnout\n---\n"
                          "Body.\n")
    assert document.tags == ["rest", "work", "burnout"]


def test_author_alone() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2020-01-01\nauthor: Jane Q. Writer\n---\nBody.\n")
    assert document.authors == ["Jane Q. Writer"]


def test_authors_beats_author() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2020-01-01\nauthor: Someone Else\n"
                          "authors: [Maren J. Holt, Daniel Okafor]\n---\nBody.\n")
    assert document.authors == ["Maren J. Holt", "Daniel Okafor"]


def test_slug_from_front_matter() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2020-01-01\nslug: My Custom_Slug\n---\nBody.\n",
                          "2020-01-01-file-name.md")
    assert document.slug == "my-custom-slug"


def test_slug_from_file_name_without_front_matter_slug() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2020-01-01\n---\nBody.\n", "dir/Some File.md")
    assert document.slug == "some-file"


@pytest.mark.parametrize("dangerous", ["../../etc/passwd", "/etc/x", "..", "a/../../b",
                                       "..\\..\\windows", "./hidden"])
def test_dangerous_slug_becomes_one_safe_segment(dangerous: str) -> None:
    document, _ = read_md(f"---\ntitle: T\ndate: 2020-01-01\nslug: '{dangerous}'\n---\n"
                          "Body.\n", "safe-name.md")
    assert document.slug
    assert "/" not in document.slug
    assert "\\" not in document.slug
    assert ".." not in document.slug
    assert not document.slug.startswith(".")
    assert document.slug == document.slug.strip("-")


def test_dangerous_slug_exact_values() -> None:
    etc, _ = read_md("---\ntitle: T\ndate: 2020-01-01\nslug: ../../etc/passwd\n---\nBody.\n")
    assert etc.slug == "etc-passwd"
    absolute, _ = read_md("---\ntitle: T\ndate: 2020-01-01\nslug: /etc/x\n---\nBody.\n")
    assert absolute.slug == "etc-x"
    dots, _ = read_md("---\ntitle: T\ndate: 2020-01-01\nslug: ..\n---\nBody.\n", "fallback.md")
    assert dots.slug == "fallback"


def test_draft_true() -> None:
    draft, _ = read_md("---\ntitle: T\ndate: 2020-01-01\ndraft: true\n---\nBody.\n")
    assert draft.draft is True
    published, _ = read_md("---\ntitle: T\ndate: 2020-01-01\ndraft: false\n---\nBody.\n")
    assert published.draft is False
    unpublished, _ = read_md("---\ntitle: T\ndate: 2020-01-01\npublished: false\n---\nBody.\n")
    assert unpublished.draft is True
    assert unpublished.date == datetime(2020, 1, 1, tzinfo=UTC)


# --- YAML details and errors ----------------------------------------------------------------

def test_yaml_1_1_surprises_do_not_reach_the_loader_output() -> None:
    meta, body = split_front_matter(
        "---\ntitle: NO\nversion: 1.10\nanswer: yes\nswitch: off\ncount: 3\n"
        "flag: true\n---\nBody.\n"
    )
    assert meta["title"] == "NO"
    assert meta["version"] == "1.10"
    assert meta["answer"] == "yes"
    assert meta["switch"] == "off"
    assert meta["count"] == 3
    assert meta["flag"] is True
    assert body.strip() == "Body."


def test_title_no_stays_text_in_document() -> None:
    document, _ = read_md("---\ntitle: NO\ndate: 2020-01-01\n---\nBody.\n")
    assert document.title == "NO"


def test_split_front_matter_without_front_matter() -> None:
    meta, body = split_front_matter("# Just Markdown\n\nText.\n")
    assert meta == {}
    assert body == "# Just Markdown\n\nText.\n"


def test_empty_front_matter_is_an_empty_mapping() -> None:
    meta, body = split_front_matter("---\n---\nBody.\n")
    assert meta == {}
    assert body.strip() == "Body."


def test_malformed_yaml_is_a_read_error_naming_yaml() -> None:
    with pytest.raises(ReadError) as caught:
        read_md("---\ntitle: [unclosed\ndate: 2020-01-01\n---\nBody.\n")
    assert "YAML" in str(caught.value)


def test_malformed_yaml_error_names_the_file_line() -> None:
    # Line 1 is "---", line 2 the title, line 3 the bad mapping.
    with pytest.raises(ReadError) as caught:
        split_front_matter("---\ntitle: ok\nkey: value: other\n---\nBody.\n")
    assert "YAML" in str(caught.value)
    assert "at line 3" in str(caught.value)


def test_yaml_list_as_front_matter_is_a_read_error() -> None:
    with pytest.raises(ReadError) as caught:
        read_md("---\n- one\n- two\n---\nBody.\n")
    assert "list" in str(caught.value)


def test_yaml_scalar_as_front_matter_is_a_read_error() -> None:
    with pytest.raises(ReadError) as caught:
        split_front_matter("---\njust a string\n---\nBody.\n")
    assert "str" in str(caught.value)


def test_malformed_toml_is_a_read_error_naming_toml() -> None:
    with pytest.raises(ReadError) as caught:
        read_md("+++\ntitle = \n+++\nBody.\n")
    assert "TOML" in str(caught.value)


def test_malformed_json_is_a_read_error_naming_json() -> None:
    with pytest.raises(ReadError) as caught:
        read_md("{\n\"title\": \"x\",,\n}\nBody.\n")
    assert "JSON" in str(caught.value)


@pytest.mark.parametrize("text", ["---\ntitle: Never closed\n\nBody text.\n",
                                  "+++\ntitle = \"Never closed\"\n\nBody text.\n"])
def test_unclosed_front_matter_is_a_read_error(text: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_md(text)
    assert "never closed" in str(caught.value)


def test_front_matter_without_body_is_a_read_error() -> None:
    with pytest.raises(ReadError) as caught:
        read_md("---\ntitle: Only metadata\ndate: 2020-01-01\n---\n\n")
    assert "no text" in str(caught.value)


# --- rendering ------------------------------------------------------------------------------

def test_tables_and_footnotes_render_to_html() -> None:
    document, _ = read_md(
        "---\ntitle: T\ndate: 2020-01-01\n---\n"
        "Before the table.\n\n"
        "| Pile | Meaning |\n|------|---------|\n| keep | stays |\n| not yet | later |\n\n"
        "A claim that needs a source.[^1]\n\n"
        "[^1]: The footnote text.\n"
    )
    assert "<table>" in document.html
    assert "<td>not yet</td>" in document.html
    assert "footnote" in document.html
    assert 'href="#fn1"' in document.html
    assert "The footnote text." in document.text
    assert "not yet" in document.text


def test_inline_html_and_emphasis() -> None:
    document, _ = read_md("---\ntitle: T\ndate: 2020-01-01\n---\n*hovering* and **bold**\n")
    assert "<em>hovering</em>" in document.html
    assert "<strong>bold</strong>" in document.html
    assert document.text == "hovering and bold"


# --- the sample archive ---------------------------------------------------------------------

def test_corpus_toml_rest_is_not_a_reward(corpus_dir: Path) -> None:
    document, warnings = read_corpus_file(corpus_dir, "rest-is-not-a-reward.md")
    assert document.title == "Rest Is Not a Reward"
    assert document.date == datetime(2018, 1, 8, 7, 0, tzinfo=UTC)
    assert document.date.isoformat() == "2018-01-08T07:00:00+00:00"
    assert document.tags == ["rest", "work", "burnout"]
    assert document.authors == ["Maren J. Holt"]
    assert document.slug == "rest-is-not-a-reward"
    assert document.summary.startswith("Why treating rest as a prize for finished work")
    assert "You were allowed all along." in document.text
    assert "+++" not in document.text
    assert warnings == []


def test_corpus_jekyll_grief_has_no_schedule(corpus_dir: Path) -> None:
    document, warnings = read_corpus_file(corpus_dir, "2018-06-11-grief-has-no-schedule.md")
    assert document.title == "Grief Has No Schedule"
    assert document.date == datetime(2018, 6, 11, tzinfo=UTC)
    assert document.slug == "grief-has-no-schedule"
    assert document.tags == ["grief", "loss"]
    assert "tinned fruit aisle" in document.text
    assert warnings == []


def test_corpus_undated_teenager_essay(corpus_dir: Path) -> None:
    document, warnings = read_corpus_file(corpus_dir, "when-your-teenager-stops-talking.md")
    assert document.title == "When Your Teenager Stops Talking"
    assert document.date is None
    assert warnings == [UNDATED.format(name="when-your-teenager-stops-talking.md")]
    assert not document.text.startswith("When Your Teenager Stops Talking")
    assert "When Your Teenager Stops Talking" not in document.text
    assert document.text.startswith("The bedroom door used to be open.")
    assert "<ol>" in document.html


def test_corpus_first_therapy_session_keeps_offset(corpus_dir: Path) -> None:
    document, warnings = read_corpus_file(corpus_dir, "first-therapy-session.md")
    assert document.title == "What Actually Happens in a First Therapy Session"
    assert document.date == datetime(2016, 9, 2, 10, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert document.date.utcoffset() == timedelta(hours=-5)
    assert document.date.isoformat() == "2016-09-02T10:30:00-05:00"
    assert document.tags == ["therapy", "asking for help"]
    assert warnings == []


def test_pelican_header_lines():
    data = (b"Title: My Super Post\nDate: 2010-12-03 10:20\nModified: 2010-12-05 19:30\n"
            b"Category: Python\nTags: pelican, publishing\nSlug: my-super-post\n"
            b"Authors: Alexis Metaireau, Conan Doyle\nSummary: Short version\n\n"
            b"This is the content of my super blog post.\n")
    document = reader_for("post.md").read(data, "post.md")
    assert document.title == "My Super Post"
    assert document.date.isoformat() == "2010-12-03T10:20:00+00:00"
    assert document.updated.isoformat() == "2010-12-05T19:30:00+00:00"
    assert document.tags == ["pelican", "publishing", "Python"]
    assert document.authors == ["Alexis Metaireau", "Conan Doyle"]
    assert (document.slug, document.summary) == ("my-super-post", "Short version")
    assert document.text == "This is the content of my super blog post."


def test_a_first_line_with_a_colon_is_not_pelican_metadata():
    data = b"Note: this is just text.\nAnother line.\n\nBody here.\n"
    document = reader_for("note.md").read(data, "note.md")
    assert document.text.startswith("Note: this is just text.")


# --- what real site folders hold -------------------------------------------------------------


def test_a_tab_the_generators_accept_in_front_matter_is_read() -> None:
    # "- melody" and two tabs: js-yaml (Eleventy) and Hugo read it; PyYAML alone refuses.
    document, warnings = read_md("---\ntitle: Content debt\nauthors:\n- melody\t\t\n- alan\n"
                                 "tags:\n\t- content\ndate: 2016-05-19\n---\n\nText.\n")
    assert document.title == "Content debt" and document.authors == ["melody", "alan"]
    assert document.tags == ["content"] and not warnings
    with pytest.raises(ReadError, match="not valid YAML"):
        read_md("---\ntitle: [unclosed\n---\n\nText.\n")


TEMPLATED = """---
title: Shipping the handbook
date: 2020-01-01
---

Our lesson {{page.lesson_title}} links [the launch post]({{ "/2016/04/08/launch/" | url }}),
[the about page]({{ site.baseurl }}/about/) and [a reference]({{< ref "other.md" >}}).
{% image "assets/img/team.png" "The team at work" %}
See {{< param handbook_url >}} for more. Inline code `{{ site.title }}` is kept.

{{< note >}}What the note says stays.{{< /note >}}

{% comment %}A note to the editors
over two lines.{% endcomment %}

```liquid
{% for post in site.posts %}{{ post.title }}{% endfor %}
```

{% highlight python %}
print({"a": 1})
{% endhighlight %}
"""


def test_template_syntax_is_never_text_and_template_links_resolve() -> None:
    document, _ = read_md(TEMPLATED)
    for leftover in ("{{", "{%", "url }}", "lesson_title", "image", "handbook_url",
                     "editors", "ref "):
        assert leftover not in document.text.replace("{{ site.title }}", "").replace(
            "{% for post in site.posts %}{{ post.title }}{% endfor %}", ""), leftover
    assert 'href="/2016/04/08/launch/"' in document.html
    assert 'href="/about/"' in document.html
    assert "a reference" in document.text and "other.md" not in document.html
    assert "What the note says stays." in document.text
    # Code is code: an essay about templates shows them.
    assert "<code>{{ site.title }}</code>" in document.html
    assert "{% for post in site.posts %}{{ post.title }}{% endfor %}" in document.text
    assert '<code class="language-python">print({"a": 1})' in document.html.replace(
        "&quot;", '"')


@pytest.mark.slow  # lines of up to 100,000 characters
def test_template_patterns_stay_linear_on_hostile_lines() -> None:
    import time

    from feedsearch.readers.templates import strip_templates

    for line in ("{{" * 50_000, "{%" * 50_000, "[a](" + "{{ x" * 20_000,
                 "`" + "{{" * 30_000):
        began = time.perf_counter()
        strip_templates(line + "\n" + line)
        assert time.perf_counter() - began < 10.0, line[:10]  # a hang guard: linear is ms
