"""The ``dedup`` command line: a thin edge over the library.

Each command is a few lines that call one library function; library errors
become :class:`click.ClickException` naming the file and line that failed.
"""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass

import click

from . import __version__
from .engine import DedupConfig, Deduplicator
from .io import InputError, check_outputs, parse_field_map, read_inputs
from .lsh import LSHConfig
from .minhash import MinHashConfig
from .progress import progress_enabled
from .related import RelatedFinder, related_sections
from .report import build_report, dumps, report_text, terminal_line, terminal_text, write_canonical, write_skipped
from .shingle import ShingleConfig


#: Input issues printed one by one on stderr before the rest are summarized.
MAX_SHOWN_ISSUES = 20


def input_options(fn):
    """Flags shared by every command that reads inputs."""

    @click.option("--strict", is_flag=True, help="Stop with a non-zero exit at the first bad input "
                  "(malformed line, missing id, bad encoding, bad date…) instead of reporting and skipping it.")
    @click.option("-q", "--quiet", is_flag=True, help="No progress bars and no summary on stderr.")
    @click.option("--field", "fields", multiple=True, metavar="FIELD=KEY",
                  help="The JSON key or CSV column that holds a record field, when the input names it "
                       "otherwise (repeat for several): --field text=content --field published=pubDate.")
    @click.option("--date-order", type=click.Choice(["dmy", "mdy"]), default=None,
                  help="How to read dates written as numbers (12/03/2023): dmy, day first (the order of Arab "
                       "countries), or mdy. Without it such dates are reported and left empty, never guessed.")
    @functools.wraps(fn)
    def wrapper(*args, strict, quiet, fields, date_order, **kwargs):
        try:
            keys = parse_field_map(fields)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--field") from exc
        day_first = None if date_order is None else date_order == "dmy"
        kwargs["reading"] = Reading(strict=strict, quiet=quiet, keys=keys, day_first=day_first)
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            raise click.ClickException(terminal_line(exc)) from exc

    return wrapper


@dataclass(frozen=True)
class Reading:
    """The input flags of a command (:func:`input_options`), parsed."""

    strict: bool
    quiet: bool
    keys: dict[str, str]
    day_first: bool | None


def _read(inputs, reading: Reading):
    if not inputs:
        raise click.UsageError("give at least one INPUT (a file, a directory of pages, or - for stdin)")
    result = read_inputs(list(inputs), strict=reading.strict, progress=progress_enabled(reading.quiet),
                         fields=reading.keys, day_first=reading.day_first)
    if not reading.quiet:
        for issue in result.issues[:MAX_SHOWN_ISSUES]:
            click.echo(f"warning: {terminal_line(issue)}", err=True)  # it may quote a CSV header
        rest = result.issues[MAX_SHOWN_ISSUES:]
        if rest:
            by_reason: dict[str, int] = {}
            for issue in rest:
                by_reason[issue.reason] = by_reason.get(issue.reason, 0) + 1
            counts = ", ".join(f"{k}: {v}" for k, v in sorted(by_reason.items()))
            click.echo(f"warning: ... and {len(rest)} more ({counts}); the JSON report lists every skipped "
                       "record with file and line", err=True)
    return result


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedup")
def main():
    """Find near-duplicate and related Arabic news articles.

    Reads JSON Lines / CSV article records and scraped pages (.txt), splits
    pages into their articles, and reports duplicate clusters, canonical
    articles and related stories.

    Example:

        dedup report samples/ --format json -o report.json
    """


@main.command()
@click.argument("pages", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="text: a readable listing; jsonl: one JSON object per record.")
@input_options
def segment(pages, fmt, reading):
    """Split scraped pages into their articles and print the records.

    Each page yields a `main` record, `embedded` records (a whole article under
    "اقرأ أيضاً", or an unmarked second article) and `teaser` records (headlines
    under "مقالات مشابهة" or a read-also list), with boilerplate stripped.

    Example:

        dedup segment ../shared/seeds/ --format jsonl
    """
    result = _read(pages, reading)
    out = sys.stdout
    for rec in result.records:
        if fmt == "jsonl":
            out.write(json.dumps(segment_json(rec), ensure_ascii=False) + "\n")
        else:
            # scraped text goes to a terminal: its control characters are escaped
            out.write(f"=== {terminal_line(rec.id)}  [{rec.kind}]\n")
            if rec.title:
                out.write(f"title: {terminal_line(rec.title)}\n")
            for label, value in (("source", rec.source), ("published", rec.published and rec.published.isoformat()),
                                 ("tags", ", ".join(rec.tags))):
                if value:
                    out.write(f"{label}: {terminal_line(value)}\n")
            if rec.text:
                out.write(terminal_text(rec.text) + "\n")
            out.write("\n")
    if not reading.quiet:
        click.echo(result.summary_text(), err=True)


def segment_json(rec) -> dict:
    """One record as ``dedup segment --format jsonl`` prints it."""
    return {
        "id": rec.id,
        "kind": rec.kind,
        "page": rec.page,
        "title": rec.title,
        "text": rec.text,
        "source": rec.source,
        "published": rec.published.isoformat() if rec.published else None,
        "tags": list(rec.tags),
        **({"origin": rec.origin} if rec.origin else {}),
    }


def engine_options(fn):
    """Engine settings shared by report, canonical and related."""

    @click.option("--prefer-source", "prefer_source", default="", metavar="SRC,...",
                  help="Comma-separated sources whose articles are canonical first (e.g. the wire: was).")
    @click.option("--threshold", type=float, default=None, help="LSH Jaccard threshold (candidates only; verification decides).")
    @click.option("--num-perm", type=int, default=None, help="MinHash permutations.")
    @click.option("--bands", type=int, default=None, help="Override LSH bands (with --rows).")
    @click.option("--rows", type=int, default=None, help="Override LSH rows per band (with --bands).")
    @click.option("--ngram", type=int, default=None, help="Words per shingle.")
    @click.option("--seed", type=int, default=None, help="MinHash seed.")
    @click.option("--workers", type=int, default=None,
                  help="Threads for hashing and verification, processes for tokenizing large inputs "
                       f"[default: {MinHashConfig().workers}]. The output is the same for any value.")
    @functools.wraps(fn)
    def wrapper(*args, prefer_source, threshold, num_perm, bands, rows, ngram, seed, workers, **kwargs):
        try:
            kwargs["config"] = make_config(prefer_source=prefer_source, threshold=threshold, num_perm=num_perm,
                                           bands=bands, rows=rows, ngram=ngram, seed=seed, workers=workers)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        return fn(*args, **kwargs)

    return wrapper


def make_config(*, prefer_source: str = "", threshold=None, num_perm=None, bands=None, rows=None, ngram=None,
                seed=None, workers=None) -> DedupConfig:
    """A :class:`DedupConfig` from command-line values (None = default)."""
    base = DedupConfig()
    lsh = base.lsh
    if threshold is not None or bands is not None or rows is not None:
        lsh = LSHConfig(threshold=threshold if threshold is not None else lsh.threshold, bands=bands, rows=rows)
    minhash = base.minhash
    if num_perm is not None or seed is not None or workers is not None:
        minhash = MinHashConfig(num_perm=num_perm or minhash.num_perm, seed=seed if seed is not None else minhash.seed,
                                workers=workers if workers is not None else minhash.workers)
    shingle = base.shingle if ngram is None else ShingleConfig(ngram=ngram, min_tokens=max(ngram, base.shingle.min_tokens))
    prefer = tuple(s.strip() for s in prefer_source.split(",") if s.strip())
    cfg = DedupConfig(shingle=shingle, minhash=minhash, lsh=lsh, prefer_sources=prefer)
    cfg.lsh.params(cfg.minhash.num_perm)  # validate overrides now
    return cfg


def _fit(result, config, quiet):
    return Deduplicator(config, progress=progress_enabled(quiet)).fit(result.records)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a terminal summary; json: the full report (schema in the README).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of stdout.")
@input_options
@engine_options
def report(inputs, fmt, output, reading, config):
    """Find duplicate clusters in INPUTS and report them.

    INPUTS are JSON Lines / CSV record files, scraped pages (.txt) or
    directories of them, or - for stdin. The report lists clusters (canonical
    and members with their relation and similarity), unique articles, related
    pairs, story clusters, teaser links, skipped records and the settings used.

    Example:

        dedup report ../shared/data/saudinewsnet.jsonl.gz --prefer-source was --format json -o report.json
    """
    check_outputs(inputs, {"-o": output})
    result = _read(inputs, reading)
    dd = _fit(result, config, reading.quiet)
    rep = build_report(result, dd, related_sections(dd, result))
    text = dumps(rep) if fmt == "json" else report_text(rep) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        if not reading.quiet:
            click.echo(report_text(rep) if fmt == "json" else f"report written to {output}", err=True)
    else:
        sys.stdout.write(text)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="JSON Lines file of kept (canonical and unique) records, exactly as read.")
@click.option("--dropped", type=click.Path(dir_okay=False, writable=True), default=None,
              help="JSON Lines file of dropped records with duplicate_of, relation, similarity "
                   "[default: OUTPUT with .dropped.jsonl].")
@click.option("--skipped", type=click.Path(dir_okay=False, writable=True), default=None,
              help="JSON Lines file of the input records the reader skipped (malformed, no id, repeated id…), "
                   "with file, line, reason and what was read of them [default: OUTPUT with .skipped.jsonl, "
                   "written only when something was skipped].")
@input_options
@engine_options
def canonical(inputs, output, dropped, skipped, reading, config):
    """Write the corpus with only canonical articles, and where the others went.

    Every input record ends up in exactly one of the two files: kept records
    unchanged, dropped ones with `duplicate_of`, `relation` (exact, dup,
    contained) and `similarity` added. Input the reader had to skip (a
    malformed line, a repeated id) goes to a third file, with its file, line
    and reason: kept + dropped + skipped = read.

    Example:

        dedup canonical corpus.jsonl.gz -o kept.jsonl --dropped dropped.jsonl
    """
    base = output[:-6] if output.endswith(".jsonl") else output
    dropped = dropped if dropped is not None else base + ".dropped.jsonl"
    skipped_given = skipped is not None
    skipped = skipped if skipped_given else base + ".skipped.jsonl"
    check_outputs(inputs, {"-o": output, "--dropped": dropped, "--skipped": skipped})
    result = _read(inputs, reading)
    dd = _fit(result, config, reading.quiet)
    with open(output, "w", encoding="utf-8") as kept_fh, open(dropped, "w", encoding="utf-8") as drop_fh:
        n_kept, n_dropped = write_canonical(dd, kept_fh, drop_fh)
    n_skipped = sum(result.skipped().values())
    if n_skipped or skipped_given:
        with open(skipped, "w", encoding="utf-8") as skip_fh:
            write_skipped(result, skip_fh)
    if not reading.quiet:
        tail = f"; {n_skipped} skipped input records listed in {skipped}" if n_skipped or skipped_given else ""
        click.echo(f"kept {n_kept} records in {output}; dropped {n_dropped} into {dropped}{tail}", err=True)


@main.command()
@click.argument("article_id")
@click.option("-i", "--input", "inputs", multiple=True, required=True, type=click.Path(allow_dash=True),
              help="Input file or directory (repeat for several).")
@click.option("-n", "--limit", type=int, default=20, show_default=True, help="Show at most this many articles.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable list; json: a list of {id, relation, score, source, title}.")
@input_options
@engine_options
def related(article_id, inputs, limit, fmt, reading, config):
    """Show the articles related to ARTICLE_ID, best first, with scores.

    Lists its copies (exact, dup, contained, with similarity), related
    articles (TF-IDF cosine), the rest of its story, and teaser links.

    Example:

        dedup related snn-2015-07-21-0000 -i ../shared/data/saudinewsnet.jsonl.gz
    """
    result = _read(inputs, reading)
    dd = _fit(result, config, reading.quiet)
    index = {r.id: i for i, r in enumerate(dd.records_)}
    if article_id not in index:
        close = sorted(k for k in index if article_id in k)[:5]
        hint = f" Did you mean: {terminal_line(', '.join(close))}?" if close else ""
        raise click.ClickException(f"no article with id {article_id!r} in the inputs.{hint}")
    rf = RelatedFinder().fit(dd)
    rows = rf.related_to(dd, index[article_id])[:limit]
    recs = dd.records_
    if fmt == "json":
        sys.stdout.write(json.dumps([{"id": recs[j].id, "relation": rel, "score": sc, "source": recs[j].source,
                                       "title": recs[j].title} for j, sc, rel in rows], ensure_ascii=False, indent=2) + "\n")
        return
    me = recs[index[article_id]]
    sys.stdout.write(f"{terminal_line(me.id)}  {terminal_line(me.title or '')}\n")
    if not rows:
        sys.stdout.write("  (nothing related found)\n")
    reason = rf.teaser_reasons_.get(index[article_id])
    if reason:
        sys.stdout.write(f"  (a headline linked to no article: {reason})\n")
    for j, sc, rel in rows:
        r = recs[j]
        sys.stdout.write(f"  {sc:6.3f}  {rel:<10} {terminal_line(r.id):<28} {terminal_line(r.source or ''):<14} "
                         f"{terminal_line(r.title or '')}\n")


from .bench import bench  # noqa: E402  (the bench group imports the library, not the CLI)

main.add_command(bench)


if __name__ == "__main__":  # pragma: no cover
    main()
