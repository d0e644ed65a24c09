"""Package data ``kg.ontology``: the OWL ontology (lkg.ttl) and the SHACL shapes.

The folder sits at the top of the repository, where curators and reviewers look for it,
and is installed as the subpackage ``kg.ontology`` (see ``package-dir`` in
pyproject.toml), so `kg.vocab.ontology_dir` finds it through ``importlib.resources`` in
an editable install, a plain ``pip install .`` and a wheel alike.
"""
