"""More ``treatykg`` commands, one module each.

:mod:`treatykg.cli` imports each module and registers its commands by name (no discovery:
``cli.py`` shows every command there is). The modules stay thin like :mod:`treatykg.cli`:
parse options, call one function of :mod:`treatykg.api`, render.
"""
