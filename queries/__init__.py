"""Package data ``kg.queries``: the library of saved SPARQL queries (``*.rq``).

Installed as the subpackage ``kg.queries`` (see ``package-dir`` in pyproject.toml), so
`kg.vocab.queries_dir` finds the queries through ``importlib.resources`` in every kind
of install.
"""
