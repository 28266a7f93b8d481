"""The ``dedup`` command line: a thin edge over the library.

Each command is a few lines that call one library function; library errors
become :class:`click.ClickException` naming the file and line that failed.
"""

from __future__ import annotations

import functools
import json
import sys

import click

from . import __version__
from .io import InputError, read_inputs
from .progress import progress_enabled


def input_options(fn):
    """Flags shared by every command that reads inputs."""

    @click.option("--strict", is_flag=True, help="Stop with a non-zero exit at the first bad input "
                  "(malformed line, missing id, bad encoding, bad date…) instead of reporting and skipping it.")
    @click.option("-q", "--quiet", is_flag=True, help="No progress bars and no summary on stderr.")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _read(inputs, strict: bool, quiet: bool):
    if not inputs:
        raise click.UsageError("give at least one INPUT (a file, a directory of pages, or - for stdin)")
    result = read_inputs(list(inputs), strict=strict, progress=progress_enabled(quiet))
    if not quiet:
        for issue in result.issues:
            click.echo(f"warning: {issue}", err=True)
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
def segment(pages, fmt, strict, quiet):
    """Split scraped pages into their articles and print the records.

    Each page yields a `main` record, `embedded` records (a whole article under
    "اقرأ أيضاً", or an unmarked second article) and `teaser` records (headlines
    under "مقالات مشابهة" or a read-also list), with boilerplate stripped.

    Example:

        dedup segment ../shared/seeds/ --format jsonl
    """
    result = _read(pages, strict, quiet)
    out = click.get_text_stream("stdout")
    for rec in result.records:
        if fmt == "jsonl":
            out.write(json.dumps(segment_json(rec), ensure_ascii=False) + "\n")
        else:
            out.write(f"=== {rec.id}  [{rec.kind}]\n")
            if rec.title:
                out.write(f"title: {rec.title}\n")
            for label, value in (("source", rec.source), ("published", rec.published and rec.published.isoformat()),
                                 ("tags", ", ".join(rec.tags))):
                if value:
                    out.write(f"{label}: {value}\n")
            if rec.text:
                out.write(rec.text + "\n")
            out.write("\n")
    if not quiet:
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


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True))
@input_options
def report(inputs, strict, quiet):
    """Read INPUTS and report what was read.

    Example:

        dedup report samples/
    """
    result = _read(inputs, strict, quiet)
    click.echo(result.summary_text())
    if strict and result.issues:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
