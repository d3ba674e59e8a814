"""Options and the exit-code epilog shared by several commands (``cli.py`` and the modules of
:mod:`treatykg.commands` import them from here, so no command module imports ``cli.py``)."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import exit_codes_help
from ..ingest import DEFAULT_MAX_BYTES

#: The table of exit codes in every command's --help, made from the error classes (treatykg.errors).
EXIT_CODES = exit_codes_help()

input_file = click.argument("file", type=click.Path(path_type=Path, dir_okay=True, exists=False))
#: How much evidence the RDF carries (treatykg.rdf.EVIDENCE_MODES), for convert and build.
evidence = click.option(
    "--evidence", type=click.Choice(["compact", "full", "none"]), default="compact", show_default=True,
    help="Evidence for every fact read from the text, in the evidence graph: compact (one annotation per "
         "fact, its targets <{doc}/text#char=START,END>), full (Web Annotation position and quote "
         "selectors per span) or none (facts only).")
max_bytes = click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
                          help="Refuse input files larger than this many bytes.")
encoding = click.option("--encoding", default=None, metavar="NAME",
                         help="Decode the input with this encoding instead of detecting "
                              "UTF-8 / UTF-16 / GB18030.")
strict = click.option("--strict", is_flag=True,
                       help="Fail (exit 1) when the extraction has warnings (no title, date, "
                            "parties or signature block) instead of reporting them.")
