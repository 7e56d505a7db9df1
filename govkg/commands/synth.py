"""`govkg synth`."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--reports", "-n", type=click.IntRange(min=1), default=100, show_default=True,
              help="How many reports to write.")
@click.option("--seed", "-s", type=int, default=0, show_default=True, help="Same seed, same corpus.")
@click.option("--start", type=click.IntRange(min=0), default=0, show_default=True,
              help="Number of the first report (to extend a corpus).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the reports into (created if missing).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def synth(reports, seed, start, out_dir, quiet):
    """Write realistic SYNTHETIC reports (marked 合成数据 SYNTHETIC) for scale tests and demos.

    Built from the measure taxonomy and real administrative divisions, with correlated measures,
    plausible outcomes, section roles, page debris and damaged numbering. Deterministic for a seed;
    `_synth_truth.jsonl` in the folder records what each report was built with.

    \b
    Example:
        govkg synth --reports 1000 --seed 1 -o /tmp/synth && govkg ingest /tmp/synth --db /tmp/s.lbdb
    """
    import sys

    from tqdm import tqdm

    from ingest.synth import write_corpus

    total = {"bytes": 0}
    with tqdm(total=reports, unit="report", disable=quiet or not sys.stderr.isatty(), file=sys.stderr) as bar:
        def on_report(r):
            total["bytes"] += len(r.text.encode(r.encoding))
            bar.update(1)

        write_corpus(out_dir, reports, seed=seed, start=start, on_report=on_report)
    click.echo(f"{reports} synthetic reports ({total['bytes'] / 1e6:.1f} MB) written to {out_dir}")


command = synth
