"""Execute the notebooks in place and store their outputs, so that the documentation site and a
reader on the web see their figures and numbers.

Run from the repository root (one command; 13 minutes on 2 cores shared with other jobs, load
average 13, of which 3 CPU minutes, at the default scale; most of it the width sweep)::

    python notebooks/execute.py                       # every notebook, default scale
    python notebooks/execute.py --scale tiny notebooks/01_bounds_tour.ipynb

The notebooks read their size from FROZEN_SLT_NOTEBOOK_SCALE ("default": the sizes a reader
should see; "tiny": the test suite's sizes). Each notebook records in its metadata, under
``frozen_slt``, the scale it ran at, the package version and git commit, and a hash of its code
cells: ``tests/test_docs.py`` fails when a code cell was edited after the stored outputs were
made, and says to run this script. Every notebook is executed before any is written, and each is
written atomically, so a failing cell leaves every stored notebook as it was.
"""

import argparse
import hashlib
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SCALES = ("default", "tiny")
METADATA_KEY = "frozen_slt"


def source_hash(nb):
    """SHA-256 of a notebook's code cells, in order: what its stored outputs were made from.

    Parameters
    ----------
    nb : nbformat.NotebookNode or dict
        A notebook (version 4).

    Returns
    -------
    str
        The hex digest; markdown cells and outputs do not enter it.
    """
    digest = hashlib.sha256()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            digest.update(source.encode())
            digest.update(b"\0")  # so that moving a line between cells changes the hash
    return digest.hexdigest()


def collapse_progress(outputs):
    """Merge consecutive stream outputs of one stream and keep, on each line, what follows its
    last carriage return: a progress bar is stored as its final state, not one output per
    refresh.

    Examples
    --------
    >>> out = [{"output_type": "stream", "name": "stderr", "text": "\\rbar 1/2"},
    ...        {"output_type": "stream", "name": "stderr", "text": "\\rbar 2/2\\n"}]
    >>> [o["text"] for o in collapse_progress(out)]
    ['bar 2/2\\n']
    """
    merged = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == out.get("name")):
            merged[-1]["text"] = merged[-1]["text"] + out["text"]
        else:
            merged.append(out)
    for out in merged:
        if out.get("output_type") == "stream":
            out["text"] = "\n".join(line.rsplit("\r", 1)[-1] for line in out["text"].split("\n"))
    return merged


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="notebooks to execute (default: every notebooks/*.ipynb)")
    parser.add_argument("--scale", choices=SCALES, default="default",
                        help="FROZEN_SLT_NOTEBOOK_SCALE for the run (default: %(default)s)")
    parser.add_argument("--timeout", type=int, default=1800,
                        help="seconds one cell may run (default: %(default)s)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            parser.error(f"notebooks must be existing .ipynb files, got {str(path)!r}")
    if args.timeout < 1:
        parser.error(f"--timeout must be >= 1 second, got {args.timeout}")
    return args, paths


def _kernel_environment(scale):
    # the kernel inherits this process's environment: the notebooks import this checkout's
    # packages, run at the chosen scale, and draw with the inline backend (an MPLBACKEND such
    # as Agg, which the tests set, would leave no image in the outputs)
    os.environ["FROZEN_SLT_NOTEBOOK_SCALE"] = scale
    os.environ.pop("MPLBACKEND", None)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])


def execute(path, scale, timeout, commit):
    """Run one notebook top to bottom and return it with its outputs and metadata.

    ``commit`` is the git commit recorded as the code the outputs were made with. Raises
    nbclient's CellExecutionError if a cell fails.
    """
    import nbclient
    import nbformat

    from slt_theory import __version__

    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = collapse_progress(cell.outputs)
    nb.metadata[METADATA_KEY] = {
        "scale": scale,
        "source_sha256": source_hash(nb),
        "package_version": __version__,
        "git_commit": commit,
    }
    return nb


def main(argv=None):
    args, paths = _parse(argv)
    sys.path.insert(0, str(ROOT))
    _kernel_environment(args.scale)

    import nbformat

    from slt_theory.runs.provenance import git_commit, write_text_atomic

    commit = git_commit(str(ROOT))  # once: a commit made during a long run is not what ran
    executed = []
    for path in paths:
        start = time.perf_counter()
        executed.append((path, execute(path, args.scale, args.timeout, commit)))
        print(f"{path.name}: executed at scale {args.scale!r} in {time.perf_counter() - start:.0f} s",
              flush=True)
    for path, nb in executed:
        write_text_atomic(path, nbformat.writes(nb) + "\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
